"""POST /api/v3/athlete/follow_requests/{athlete_id}: approve a request; the requester now follows the caller."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.accounts.views import AthleteView
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.social import graph
from stride.social.views import athlete_view

app = make_resolver()


@app.post(
    "/api/v3/athlete/follow_requests/<athlete_id>",
    summary="Approve Follow Request",
    description="Answers the new follower. Approving again answers the same; a request that is gone is a 404.",
    tags=["Social"],
    responses=error_responses(403, 404, 409, 422),
)
def approve_follow_request(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> AthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    follower = graph.approve_request(caller, athlete_id, correlation_id=app.current_event.request_context.request_id)
    return athlete_view(follower)


handler = api_handler(app)
