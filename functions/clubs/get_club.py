"""GET /api/v3/clubs/{id}: Strava's DetailedClub, with the caller's membership (member, pending or none), admin
and owner flags. Anyone sees a club's summary, private or not."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import DetailedClubView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>",
    summary="Get Club",
    tags=["Clubs"],
    responses=error_responses(404, 422),
)
def get_club(club_id: Annotated[int, Path(gt=0, lt=2**63)]) -> DetailedClubView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    return DetailedClubView.from_standing(service.get_club(caller, club_id))


handler = api_handler(app)
