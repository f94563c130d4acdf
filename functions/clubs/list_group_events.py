"""GET /api/v3/clubs/{id}/group_events (extension): the club's upcoming group events, soonest first, with how many
joined and whether the caller did."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.clubs import service
from stride.clubs.views import GroupEventView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/clubs/<club_id>/group_events",
    summary="List Club Group Events",
    description="Upcoming events only. A private club's events are for its members (403).",
    tags=["Clubs"],
    responses=error_responses(403, 404, 422),
)
def list_group_events(
    club_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[GroupEventView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, club_id=club_id)
    return [GroupEventView.from_domain(e) for e in service.upcoming_events(caller, club_id, page, per_page)]


handler = api_handler(app)
