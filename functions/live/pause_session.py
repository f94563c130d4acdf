"""POST /api/v3/live/sessions/{id}/pause: pause the session (points still merge; watchers get a status message)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions, watchers
from stride.live.views import LiveSessionView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/sessions/<session_id>/pause",
    summary="Pause Live Session",
    tags=["Live"],
    responses=error_responses(403, 404, 409, 422),
)
def pause_session(session_id: Annotated[int, Path(gt=0, lt=2**63)]) -> LiveSessionView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    session = sessions.set_paused(caller, session_id, True)
    watchers.push_status(session)
    return sessions.as_view(session)


handler = api_handler(app)
