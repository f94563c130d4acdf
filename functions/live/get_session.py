"""GET /api/v3/live/sessions/{id}: the live state and the merged track so far (the REST fallback of the
WebSocket), trimmed by the athlete's privacy zones for anyone but the owner; 404 for anyone who may not watch."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions
from stride.live.views import LiveSessionView
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/live/sessions/<session_id>",
    summary="Get Live Session",
    description="The owner, approved followers (audience followers) and chosen athletes; never across a block.",
    tags=["Live"],
    responses=error_responses(403, 404, 422),
)
def get_session(session_id: Annotated[int, Path(gt=0, lt=2**63)]) -> LiveSessionView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    return sessions.view(caller, session_id)


handler = api_handler(app)
