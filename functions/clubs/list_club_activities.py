"""GET /api/v3/clubs/{id}/activities: the club feed, Strava's ClubActivity list, newest first. Members only; each
activity only if the caller may see it (followers_only to followers, never another's only_me, never across a
block)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import ClubActivityView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>/activities",
    summary="List Club Activities",
    description="Members' activities since they joined, newest first (start time). Members only (403). "
    "page * per_page at most 1,000.",
    tags=["Clubs"],
    responses=error_responses(403, 404, 422),
)
def list_club_activities(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[ClubActivityView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    found = service.club_activities(caller, club_id, page, per_page)
    return [ClubActivityView.from_domain(e, found.athletes.get(e.athlete_id)) for e in found.entries]


handler = api_handler(app)
