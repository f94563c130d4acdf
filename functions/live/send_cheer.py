"""POST /api/v3/live/sessions/{id}/cheers: a short cheer to a live athlete (someone who may watch; not oneself).
Published as live.cheer.sent (a notification) and pushed to the athlete's own WebSocket connections."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import cheers
from stride.live.views import CheerRequest, CheerView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/sessions/<session_id>/cheers",
    summary="Cheer Live Athlete",
    description="`text`: 1 to 140 characters. 422 on one's own session; 404 for a session one may not watch.",
    tags=["Live"],
    status_code=201,
    responses=error_responses(400, 403, 404, 422),
)
def send_cheer(session_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[CheerRequest, Body()]) -> CheerView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    return cheers.send(caller, session_id, body.text)


handler = api_handler(app)
