"""GET /api/v3/group_events/{id} (Strava's former path): one group event, with how many joined and whether the
caller did. A private club's events do not exist for outsiders (404)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import GroupEventView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/group_events/<event_id>",
    summary="Get Group Event",
    tags=["Clubs"],
    responses=error_responses(404, 422),
)
def get_group_event(event_id: Annotated[int, Path(gt=0, lt=2**63)]) -> GroupEventView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, event_id=event_id)
    return GroupEventView.from_domain(service.get_group_event(caller, event_id))


handler = api_handler(app)
