"""POST /api/v3/challenges/{id}/join (extension): join a challenge. Activities already recorded inside the window
count (a backfill through the activity list); joining twice answers the same participation."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.metrics import MetricUnit

from stride.challenges import service
from stride.challenges.views import ChallengeView, challenge_view
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics

app = make_resolver()


@app.post(
    "/api/v3/challenges/<challenge_id>/join",
    summary="Join Challenge",
    description="Join a challenge you may see. Your activities that started inside the window before you joined "
    "count too (up to 1,000). A challenge that has ended answers 409.",
    tags=["Challenges"],
    responses=error_responses(403, 404, 409, 422),
)
def join_challenge(challenge_id: Annotated[int, Path(gt=0, lt=2**63)]) -> ChallengeView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, challenge_id=challenge_id)
    found = service.join(caller, challenge_id)
    metrics.add_metric(name="ChallengeJoined", unit=MetricUnit.Count, value=1)
    return challenge_view(found.challenge, joined=True, participation=found.participation, detail=True)


handler = api_handler(app)
