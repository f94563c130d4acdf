"""DELETE /api/v3/live/sessions/{id}: discard the session (its track chunks and share links go; watchers get
status "discarded")."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions, watchers
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/live/sessions/<session_id>",
    summary="Discard Live Session",
    tags=["Live"],
    responses={204: {"description": "Discarded"}, **error_responses(403, 404, 409, 422)},
)
def discard_session(session_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    session = sessions.discard(caller, session_id)
    watchers.push_status(session)
    return Response(status_code=204, body="")


handler = api_handler(app)
