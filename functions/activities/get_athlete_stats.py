"""GET /api/v3/athletes/{id}/stats: Strava's ActivityStats (activities visible to everyone only)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.accounts import service as accounts
from stride.activities import stats
from stride.activities.views import ActivityStatsView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.policy import ProfileDetail

app = make_resolver()


@app.get(
    "/api/v3/athletes/<athlete_id>/stats",
    summary="Get Athlete Stats",
    tags=["Athletes"],
    responses=error_responses(404, 422),
)
def get_athlete_stats(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> ActivityStatsView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    _athlete, detail = accounts.get_athlete(caller, athlete_id)
    if detail is ProfileDetail.META:  # a private profile: its totals are not for everyone either
        return ActivityStatsView.from_domain(stats.empty())
    return ActivityStatsView.from_domain(stats.read(athlete_id))


handler = api_handler(app)
