"""GET /api/v3/live/following: athletes the caller follows who are live now and whom the caller may watch, with
their positions (never a position inside the athlete's privacy zones)."""

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions
from stride.live.views import LiveSessionView
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/live/following",
    summary="List Live Athletes I Follow",
    tags=["Live"],
    responses=error_responses(403),
)
def list_following_live() -> list[LiveSessionView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return sessions.following(caller)


handler = api_handler(app)
