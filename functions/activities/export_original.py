"""GET /api/v3/activities/{id}/export_original: a redirect to the file as uploaded (owner only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import reads, service, uploads
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/export_original",
    summary="Download the original file",
    description="303 to a short-lived link to the raw upload.",
    tags=["Activities"],
    responses={303: {"description": "See Location"}, **error_responses(404, 422)},
)
def export_original(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    activity, access = service.get_activity(caller, activity_id)
    upload = uploads.get_upload(caller, activity.upload_id) if activity.upload_id is not None else None
    url = reads.original_file_url(activity, access, upload.object_key if upload else None)
    return Response(status_code=303, body="", headers={"Location": url})


handler = api_handler(app)
