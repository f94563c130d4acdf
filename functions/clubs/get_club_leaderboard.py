"""GET /api/v3/clubs/{id}/leaderboard (extension): the club's weekly leaderboard (Monday to Sunday in the club's
time zone) by distance, moving time, elevation or activities, ranked and paged, with the caller's entry and rank."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import ClubLeaderboardView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>/leaderboard",
    summary="Get Club Leaderboard",
    description="`week` as YYYY-Www (ISO week; default: the current week in the club's time zone). Ties share a "
    "rank. A private club's board is for its members (403). page * per_page at most 1,000.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 422),
)
def get_club_leaderboard(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    week: Annotated[str | None, Query(max_length=8)] = None,
    metric: Annotated[Literal["distance", "moving_time", "elevation", "activities"], Query()] = "distance",
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 20,
) -> ClubLeaderboardView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    return ClubLeaderboardView.from_domain(service.leaderboard(caller, club_id, week, metric, page, per_page))


handler = api_handler(app)
