"""POST /api/v3/challenges (extension): create a challenge. Platform challenges are ADMIN's (403 otherwise); any
athlete creates a group challenge and invites up to 199 athletes. Bad windows, goals, kinds, sports or too many
invitees answer 422 naming the field."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from stride.challenges import service
from stride.challenges.views import ChallengeView, CreateChallengeRequest, challenge_view
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics

app = make_resolver()


@app.post(
    "/api/v3/challenges",
    summary="Create Challenge",
    description="A challenge over a window (`start_date_local`, `end_date_local` in `timezone`, an IANA name; an "
    "end given as a date includes that day) scored by `challenge_type`: distance, moving_time, elevation, "
    "activity_count, longest_activity, segment_time (with `segment_id`; lower is better) or streak (consecutive "
    "local days; `goal` required). `sport_types` filters (empty: all). `visibility` platform (ADMIN only) or group "
    "(`invitees`: up to 199 athlete ids).",
    tags=["Challenges"],
    status_code=201,
    responses=error_responses(400, 403, 422),
)
def create_challenge(body: Annotated[CreateChallengeRequest, Body()]) -> ChallengeView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    challenge = service.create_challenge(
        caller,
        service.NewChallenge(
            name=body.name,
            description=body.description,
            kind=body.challenge_type,
            visibility=body.visibility,
            start_date_local=body.start_date_local,
            end_date_local=body.end_date_local,
            timezone=body.timezone,
            sport_types=body.sport_types,
            goal=body.goal,
            segment_id=body.segment_id,
            invitees=body.invitees,
        ),
    )
    metrics.add_metric(name="ChallengeCreated", unit=MetricUnit.Count, value=1)
    return challenge_view(challenge, joined=False, detail=True)


handler = api_handler(app)
