"""GET /api/v3/challenges/{id} (extension): a challenge the caller may see, with their progress if joined."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.challenges import service
from stride.challenges.views import ChallengeView, challenge_view
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/challenges/<challenge_id>",
    summary="Get Challenge",
    description="A group challenge is visible to its creator and invitees only (404 to anyone else, and across a "
    "block with the creator). `progress` is present when you joined.",
    tags=["Challenges"],
    responses=error_responses(404, 422),
)
def get_challenge(challenge_id: Annotated[int, Path(gt=0, lt=2**63)]) -> ChallengeView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, challenge_id=challenge_id)
    found = service.get_challenge(caller, challenge_id)
    return challenge_view(
        found.challenge, joined=found.participation is not None, participation=found.participation, detail=True
    )


handler = api_handler(app)
