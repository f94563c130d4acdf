"""POST /api/v3/uploads: Strava's multipart upload. Keeps the file; the S3 trigger processes it."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import File, Form, UploadFile

from stride.activities import uploads
from stride.activities.views import UploadView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()
_TRUE = {"1", "true", "yes", "on"}
OptionalText = Annotated[str | None, Form(max_length=255)]


def _flag(value: str | None) -> bool | None:
    return None if value is None or value == "" else value.strip().lower() in _TRUE


@app.post(
    "/api/v3/uploads",
    summary="Upload Activity",
    description="Answers at once with the Upload to poll; the file is processed in the background. "
    "The text fields may also come as query parameters, as Strava allows.",
    tags=["Uploads"],
    status_code=201,
    responses=error_responses(403, 413, 422, 503),
)
def create_upload(
    file: Annotated[UploadFile, File(description="The FIT, TCX or GPX file, optionally gzipped")],
    data_type: Annotated[str | None, Form(description="fit, fit.gz, tcx, tcx.gz, gpx or gpx.gz")] = None,
    name: OptionalText = None,
    description: Annotated[str | None, Form(max_length=65_535)] = None,
    trainer: Annotated[str | None, Form(description="1 or true for an indoor activity")] = None,
    commute: Annotated[str | None, Form(description="1 or true for a commute")] = None,
    external_id: OptionalText = None,
    sport_type: OptionalText = None,
    activity_type: Annotated[str | None, Form(deprecated=True, description="Strava's old name for sport_type")] = None,
) -> UploadView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    # Strava also takes the fields as query parameters (stravalib sends them so); the form wins.
    query = app.current_event.get_query_string_value
    data_type = data_type or query("data_type")
    name, description = name or query("name"), description or query("description")
    trainer, commute = trainer or query("trainer"), commute or query("commute")
    external_id = external_id or query("external_id")
    sport_type = sport_type or query("sport_type") or activity_type or query("activity_type")
    request = uploads.UploadRequest(
        data_type=uploads.normalise_data_type(data_type or _type_from_name(file.filename)),
        name=name or None,
        description=description or None,
        trainer=_flag(trainer),
        commute=_flag(commute),
        external_id=external_id or None,
        sport_type=uploads.normalise_sport_type(sport_type),
    )
    return UploadView.from_domain(uploads.receive_file(caller, request, file.content))


def _type_from_name(filename: str | None) -> str | None:
    """Strava requires data_type; a client that omits it gets it from the file name when that is clear."""
    name = (filename or "").lower()
    for data_type in sorted(uploads.DATA_TYPES, key=len, reverse=True):
        if name.endswith("." + data_type):
            return data_type
    return None


handler = api_handler(app)
