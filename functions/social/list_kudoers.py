"""GET /api/v3/activities/{id}/kudos: Strava's List Activity Kudoers (SummaryAthlete), page/per_page."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import reactions
from stride.social.reaction_views import athlete_view

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/kudos",
    summary="List Activity Kudoers",
    description="In athlete-id order; athletes hidden from the caller (blocked either way) are left out.",
    tags=["Activities"],
    responses=error_responses(404, 422),
)
def list_kudoers(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)],
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[AthleteView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    return [athlete_view(listed) for listed in reactions.kudoers(caller, activity_id, page, per_page)]


handler = api_handler(app)
