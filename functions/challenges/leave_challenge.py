"""DELETE /api/v3/challenges/{id}/join (extension): leave a challenge (idempotent); its board entry goes."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.challenges import service
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/challenges/<challenge_id>/join",
    summary="Leave Challenge",
    description="Leave a challenge that has not ended (409 once it has: results are final). A trophy stays.",
    tags=["Challenges"],
    responses={204: {"description": "Left (or was not in it)"}, **error_responses(404, 409, 422)},
)
def leave_challenge(challenge_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, challenge_id=challenge_id)
    service.leave(caller, challenge_id)
    return Response(status_code=204, body="")


handler = api_handler(app)
