"""DELETE /api/v3/live/sessions/{id}/share/{share_id}: revoke a safety link at once."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sharing
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/live/sessions/<session_id>/share/<share_id>",
    summary="Revoke Live Safety Link",
    tags=["Live"],
    responses={204: {"description": "Revoked"}, **error_responses(403, 404, 422)},
)
def revoke_share(
    session_id: Annotated[int, Path(gt=0, lt=2**63)], share_id: Annotated[int, Path(gt=0, lt=2**63)]
) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    sharing.revoke(caller, session_id, share_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
