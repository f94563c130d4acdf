"""DELETE /api/v3/activities/{id}: remove the activity, its streams and derived items (owner only).
The raw upload is kept and expires by the bucket's lifecycle rule (docs/api.md, "Retention")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import service
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/activities/<activity_id>",
    summary="Delete Activity",
    tags=["Activities"],
    responses={204: {"description": "Deleted"}, **error_responses(403, 404, 422)},
)
def delete_activity(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    service.delete_activity(caller, activity_id, correlation_id=app.current_event.request_context.request_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
