"""POST /api/v3/clubs (extension): create a club; the creator is its owner, an admin and its first member.
Answers 201 and Strava's DetailedClub."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from stride.clubs import service
from stride.clubs.views import CreateClubRequest, DetailedClubView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics

app = make_resolver()


@app.post(
    "/api/v3/clubs",
    summary="Create Club",
    description="`timezone` (IANA name, default UTC) sets the week of the club's leaderboard (Monday to Sunday). "
    "A private club takes members by request; an athlete belongs to at most 200 clubs (409).",
    tags=["Clubs"],
    status_code=201,
    responses=error_responses(400, 409, 422),
)
def create_club(body: Annotated[CreateClubRequest, Body()]) -> DetailedClubView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    seen = service.create_club(caller, service.ClubFields(**body.model_dump()))
    metrics.add_metric(name="ClubCreated", unit=MetricUnit.Count, value=1)
    return DetailedClubView.from_standing(seen)


handler = api_handler(app)
