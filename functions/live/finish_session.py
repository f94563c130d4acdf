"""POST /api/v3/live/sessions/{id}/finish: end the session; a finish record follows the points on the stream
and the consumer writes the merged track as a GPX upload (GET /api/v3/uploads/{upload_id} follows it)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions, watchers
from stride.live.views import LiveSessionView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/sessions/<session_id>/finish",
    summary="Finish Live Session",
    description="Answers 202 with `upload_id`: the activity is made by the same processing as an upload.",
    tags=["Live"],
    responses={202: {"description": "Finishing"}, **error_responses(403, 404, 409, 422, 503)},
)
def finish_session(session_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[LiveSessionView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    session = sessions.finish(caller, session_id)
    watchers.push_status(session)
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=sessions.as_view(session))


handler = api_handler(app)
