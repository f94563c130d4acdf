"""DELETE /api/v3/group_events/{id}/rsvp: a club member takes back their RSVP."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.clubs import service
from stride.clubs.views import GroupEventView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.delete(
    "/api/v3/group_events/<event_id>/rsvp",
    summary="Leave Group Event",
    description="Members only (403). Not joined is not an error; a started event is closed (409).",
    tags=["Clubs"],
    responses=error_responses(403, 404, 409, 422),
)
def leave_group_event(event_id: Annotated[int, Path(gt=0, lt=2**63)]) -> GroupEventView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, event_id=event_id)
    return GroupEventView.from_domain(service.rsvp(caller, event_id, joined=False))


handler = api_handler(app)
