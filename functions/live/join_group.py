"""POST /api/v3/live/groups/{id}/sessions: an invited athlete (or the creator) adds their own live session."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import groups
from stride.live.views import JoinGroupRequest, LiveGroupView
from stride.observability import logger

app = make_resolver()


@app.post(
    "/api/v3/live/groups/<group_id>/sessions",
    summary="Join Live Group",
    tags=["Live"],
    responses=error_responses(400, 403, 404, 409, 422),
)
def join_group(
    group_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[JoinGroupRequest, Body()]
) -> LiveGroupView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, group_id=group_id)
    return groups.join(caller, group_id, body.session_id)


handler = api_handler(app)
