"""GET /api/v3/live/shared/{token}: a safety link's session, read-only, without an account (the token is the
credential, so the route has no Cognito authorizer); trimmed like any non-owner view. A dead token is 404."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.faults import error_responses
from stride.live import sessions, sharing
from stride.live.views import LiveSessionView

app = make_resolver()


@app.get(
    "/api/v3/live/shared/<token>",
    summary="Get Shared Live Session",
    description="No Authorization header: the link's token is the credential.",
    tags=["Live"],
    responses=error_responses(404, 422),
)
def get_shared_session(token: Annotated[str, Path(min_length=1, max_length=200)]) -> LiveSessionView:
    session = sharing.resolve(token)
    if session is None:
        raise sessions.not_found()
    return sessions.view(None, session.id, share_session_id=session.id)


handler = api_handler(app)
