"""POST /api/v3/live/sessions/{id}/share: a safety link (an unguessable token; only its hash is stored)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sharing
from stride.live.views import ShareRequest, ShareView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/sessions/<session_id>/share",
    summary="Create Live Safety Link",
    description="`expires_in` seconds (60 to 86400, default 86400). The link dies at expiry, on revoke, and when "
    "the session finishes or is discarded.",
    tags=["Live"],
    status_code=201,
    responses=error_responses(400, 403, 404, 409, 422),
)
def create_share(
    session_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[ShareRequest | None, Body()] = None
) -> ShareView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    made = sharing.create(caller, session_id, (body or ShareRequest()).expires_in)
    return ShareView(
        id=made.share.id,
        token=made.token,
        url=made.url,
        expires_at=made.share.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


handler = api_handler(app)
