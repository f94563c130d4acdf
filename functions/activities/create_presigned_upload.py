"""POST /api/v3/uploads/presigned (extension): an Upload to poll and a presigned S3 POST for the file."""

from stride.activities import uploads
from stride.activities.views import PresignedUploadRequest, PresignedUploadView, UploadView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/uploads/presigned",
    summary="Start a direct-to-S3 upload",
    description="Post the file to `url` with `fields` (multipart, file last). Processing starts when S3 has it.",
    tags=["Uploads"],
    status_code=201,
    responses=error_responses(403, 422),
)
def create_presigned_upload(body: PresignedUploadRequest) -> PresignedUploadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    request = uploads.UploadRequest(
        data_type=uploads.normalise_data_type(body.data_type),
        name=body.name,
        description=body.description,
        trainer=body.trainer,
        commute=body.commute,
        external_id=body.external_id,
        sport_type=uploads.normalise_sport_type(body.sport_type),
    )
    presigned = uploads.presign(caller, request)
    return PresignedUploadView(
        upload=UploadView.from_domain(presigned.upload),
        url=presigned.url,
        fields=presigned.fields,
        expires_at=presigned.expires_at,
        max_bytes=presigned.max_bytes,
    )


handler = api_handler(app)
