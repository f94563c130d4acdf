"""GET /api/v3/athlete/clubs: the caller's clubs as Strava's SummaryClub, oldest club first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.clubs import service
from stride.clubs.views import SummaryClubView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/athlete/clubs",
    summary="List Athlete Clubs",
    tags=["Clubs"],
    responses=error_responses(422),
)
def list_athlete_clubs(
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[SummaryClubView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return [SummaryClubView.from_domain(c) for c in service.athlete_clubs(caller, page, per_page)]


handler = api_handler(app)
