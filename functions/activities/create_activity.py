"""POST /api/v3/activities: a manual activity (Strava's createActivity).

Strava takes the fields as query parameters or as a form body (stravalib sends query parameters), so
both are read, the form winning; the fields are then validated as one model (422 naming the field).
"""

from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from stride.activities import service
from stride.activities.views import DetailedActivityView, ManualActivityRequest
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.policy import ActivityAccess

app = make_resolver()
Text = Annotated[str | None, Query()]


@app.post(
    "/api/v3/activities",
    summary="Create an Activity",
    description="Fields as query parameters or as an application/x-www-form-urlencoded body.",
    tags=["Activities"],
    status_code=201,
    responses=error_responses(403, 422),
)
def create_activity(
    name: Text = None,
    start_date_local: Annotated[datetime | None, Query(description="ISO 8601, local time of the start")] = None,
    elapsed_time: Annotated[int | None, Query(gt=0)] = None,
    sport_type: Text = None,
    type: Annotated[str | None, Query(deprecated=True)] = None,  # noqa: A002 - Strava's field name
    description: Text = None,
    distance: Annotated[float | None, Query(ge=0)] = None,
    trainer: Annotated[bool | None, Query()] = None,
    commute: Annotated[bool | None, Query()] = None,
) -> DetailedActivityView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    event = app.current_event
    fields = {key: value for key, value in event.resolved_query_string_parameters.items() if value}
    fields = {key: value[-1] if isinstance(value, list) else value for key, value in fields.items()}
    content_type = event.get_header_value("Content-Type", default_value="", case_sensitive=False) or ""
    if content_type.startswith("application/x-www-form-urlencoded") and event.decoded_body:
        fields.update(parse_qsl(event.decoded_body))
    try:
        request = ManualActivityRequest.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    activity = service.create_manual(
        caller,
        service.ManualActivity(
            name=request.name,
            sport_type=request.sport_type or request.type or "Workout",
            start_date_local=request.start_date_local,
            elapsed_time=request.elapsed_time,
            distance=request.distance,
            description=request.description,
            trainer=request.trainer,
            commute=request.commute,
        ),
        correlation_id=event.request_context.request_id,
    )
    return DetailedActivityView.from_domain_detailed(activity, ActivityAccess.OWNER)


handler = api_handler(app)
