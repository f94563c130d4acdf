"""GET /api/v3/clubs/{id}/members: Strava's ClubAthlete list, in athlete-id order (a private club: members only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import ClubAthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>/members",
    summary="List Club Members",
    description="A private club's members are for its members (403 otherwise). Athletes blocked either way are "
    "left out. page * per_page at most 1,000.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 422),
)
def list_club_members(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[ClubAthleteView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    found = service.list_members(caller, club_id, page, per_page)
    return [ClubAthleteView.from_domain(m, found.athletes.get(m.athlete_id)) for m in found.members]


handler = api_handler(app)
