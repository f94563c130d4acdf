"""POST /api/v3/live/sessions: start a live session (one live or paused session per athlete: a second is 409)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions
from stride.live.views import LiveSessionView, StartSessionRequest
from stride.observability import logger, metrics

app = make_resolver()


@app.post(
    "/api/v3/live/sessions",
    summary="Start Live Session",
    description="`sport_type` (a Strava SportType), optional `name`, `audience` followers (default), chosen (with "
    "`athlete_ids`, at most 50) or only_me. 409 while another session of the athlete is live or paused.",
    tags=["Live"],
    status_code=201,
    responses=error_responses(400, 403, 409, 422),
)
def start_session(body: Annotated[StartSessionRequest, Body()]) -> LiveSessionView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    session = sessions.start(caller, body.sport_type, body.name, body.audience, body.athlete_ids)
    metrics.add_metric(name="LiveSessionStarted", unit=MetricUnit.Count, value=1)
    return sessions.as_view(session)


handler = api_handler(app)
