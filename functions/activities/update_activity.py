"""PUT /api/v3/activities/{id}: Strava's UpdatableActivity fields, plus visibility. Owner only."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import service
from stride.activities.views import DetailedActivityView, UpdatableActivityRequest
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.policy import ActivityAccess

app = make_resolver()


@app.put(
    "/api/v3/activities/<activity_id>",
    summary="Update Activity",
    tags=["Activities"],
    responses=error_responses(403, 404, 409, 422),
)
def update_activity(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)], body: UpdatableActivityRequest
) -> DetailedActivityView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    changes = body.model_dump(exclude_unset=True)
    if "type" in changes and "sport_type" not in changes:
        changes["sport_type"] = changes["type"]
    changes.pop("type", None)
    activity = service.update_activity(
        caller, activity_id, changes, correlation_id=app.current_event.request_context.request_id
    )
    return DetailedActivityView.from_domain_detailed(activity, ActivityAccess.OWNER)


handler = api_handler(app)
