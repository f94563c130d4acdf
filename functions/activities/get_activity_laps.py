"""GET /api/v3/activities/{id}/laps: Strava's Lap list."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import service
from stride.activities.views import LapView, laps_of
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/laps",
    summary="List Activity Laps",
    tags=["Activities"],
    responses=error_responses(404, 422),
)
def get_activity_laps(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> list[LapView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    activity, _access = service.get_activity(caller, activity_id)
    return laps_of(activity)


handler = api_handler(app)
