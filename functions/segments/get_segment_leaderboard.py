"""GET /api/v3/segments/{id}/leaderboard: the segment's leaderboard (extension in Strava's former shape), with
titles (KOM/QOM/CR, Local Legend) and the caller's own entry and rank."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import records
from stride.segments.leaderboard_views import LeaderboardView, leaderboard_view

app = make_resolver()

WeightClass = Literal["0_54", "55_64", "65_74", "75_84", "85_94", "95_104", "105_114", "115_plus"]
AgeGroup = Literal["0_19", "20_24", "25_34", "35_44", "45_54", "55_64", "65_69", "70_74", "75_plus"]


@app.get(
    "/api/v3/segments/<segment_id>/leaderboard",
    summary="Get Segment Leaderboard",
    description="Each athlete's best on the segment, fastest first (ties: the earlier effort). At most one of "
    "gender, age_group, weight_class, date_range (periods of the efforts' local dates; 'today' etc. resolved in "
    "UTC); following=true ranks the caller and the athletes they follow (the first 1,000); club_id ranks the club's "
    "members (the first 1,000; the caller must be a member: 403, no such club: 404), not with following. Athletes "
    "blocked either way are left out.",
    tags=["Segments"],
    responses=error_responses(400, 403, 404, 422),
)
def get_segment_leaderboard(  # noqa: PLR0913 - Strava's filters
    segment_id: Annotated[int, Path(gt=0, lt=2**63)],
    gender: Annotated[Literal["M", "F"] | None, Query()] = None,
    age_group: Annotated[AgeGroup | None, Query()] = None,
    weight_class: Annotated[WeightClass | None, Query()] = None,
    date_range: Annotated[Literal["today", "this_week", "this_month", "this_year"] | None, Query()] = None,
    following: Annotated[bool, Query()] = False,
    club_id: Annotated[int | None, Query(gt=0, lt=2**63)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 10,
) -> LeaderboardView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, segment_id=segment_id)
    board = records.leaderboard(
        caller,
        segment_id,
        gender=gender,
        age_group=age_group,
        weight_class=weight_class,
        date_range=date_range,
        following=following,
        club_id=club_id,
        page=page,
        per_page=per_page,
    )
    return leaderboard_view(board)


handler = api_handler(app)
