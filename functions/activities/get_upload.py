"""GET /api/v3/uploads/{uploadId}: poll an upload (Strava's Upload, its status texts and error)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import uploads
from stride.activities.views import UploadView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get("/api/v3/uploads/<upload_id>", summary="Get Upload", tags=["Uploads"], responses=error_responses(404, 422))
def get_upload(upload_id: Annotated[int, Path(gt=0, lt=2**63)]) -> UploadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return UploadView.from_domain(uploads.get_upload(caller, upload_id))


handler = api_handler(app)
