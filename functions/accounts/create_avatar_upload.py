"""POST /api/v3/athlete/avatar (extension): a presigned S3 POST for a new profile picture."""

from stride.accounts import avatars
from stride.accounts.views import AvatarUploadView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/athlete/avatar",
    summary="Start a profile picture upload",
    tags=["Athletes"],
    status_code=201,
    responses=error_responses(403),
)
def create_avatar_upload() -> AvatarUploadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    upload = avatars.create_upload(caller)
    return AvatarUploadView(
        picture_id=upload.picture_id,
        url=upload.url,
        fields=upload.fields,
        expires_at=upload.expires_at,
        max_bytes=upload.max_bytes,
    )


handler = api_handler(app)
