"""POST /api/v3/live/groups: a group session (a group ride) with invited athletes (at most 50)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import groups
from stride.live.views import GroupRequest, LiveGroupView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/groups",
    summary="Create Live Group",
    tags=["Live"],
    status_code=201,
    responses=error_responses(400, 403, 422),
)
def create_group(body: Annotated[GroupRequest, Body()]) -> LiveGroupView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return groups.create(caller, body.name, body.athlete_ids)


handler = api_handler(app)
