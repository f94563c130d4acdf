"""GET /api/v3/live/groups/{id}: members' positions and gaps to the leader (each member shown only to viewers
who may watch that member's session)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import groups
from stride.live.views import LiveGroupView
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/live/groups/<group_id>",
    summary="Get Live Group",
    tags=["Live"],
    responses=error_responses(403, 404, 422),
)
def get_group(group_id: Annotated[int, Path(gt=0, lt=2**63)]) -> LiveGroupView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, group_id=group_id)
    return groups.read(caller, group_id)


handler = api_handler(app)
