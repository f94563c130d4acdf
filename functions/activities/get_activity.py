"""GET /api/v3/activities/{id}: Strava's DetailedActivity, if the caller may see the activity; others than the
owner get the map cut by the owner's privacy zones and hidden start/end, or no map when the owner hid it."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.activities import reads, service
from stride.activities.views import DetailedActivityView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import efforts
from stride.segments.effort_views import effort_dicts

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>", summary="Get Activity", tags=["Activities"], responses=error_responses(404, 422)
)
def get_activity(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)],
    include_all_efforts: Annotated[bool, Query(description="Accepted for Strava compatibility")] = False,
) -> DetailedActivityView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    activity, access = service.get_activity(caller, activity_id)
    shared = reads.shared_of(activity, reads.viewer_map(caller, activity))
    segment_efforts = effort_dicts(efforts.activity_efforts(activity, access))
    return DetailedActivityView.from_domain_detailed(activity, access, shared, segment_efforts)


handler = api_handler(app)
