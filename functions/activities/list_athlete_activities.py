"""GET /api/v3/athlete/activities: the caller's activities, newest first (Strava's before/after/page)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.activities import service
from stride.activities.views import SummaryActivityView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/athlete/activities",
    summary="List Athlete Activities",
    tags=["Activities"],
    responses=error_responses(422),
)
def list_athlete_activities(
    before: Annotated[int | None, Query(ge=0, lt=10**11, description="Epoch seconds: only activities before")] = None,
    after: Annotated[int | None, Query(ge=0, lt=10**11, description="Epoch seconds: only activities after")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[SummaryActivityView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    activities = service.list_activities(
        caller, caller.athlete_id, before=before, after=after, page=page, per_page=per_page
    )
    # The caller's own activities: the owner's view, with the whole map and hide_map.
    return [SummaryActivityView.from_domain(activity, owner=True) for activity in activities]


handler = api_handler(app)
