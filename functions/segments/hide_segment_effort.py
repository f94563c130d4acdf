"""PUT /api/v3/segment_efforts/{id}/hidden (extension): a moderator hides a flagged effort from everyone but its
owner, or shows it again. The boards hear segment.effort.removed (reason "hidden") or recorded."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import BaseModel, ConfigDict

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import efforts
from stride.segments.effort_views import SegmentEffortView

app = make_resolver()


class HideEffortRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hidden: bool


@app.put(
    "/api/v3/segment_efforts/<effort_id>/hidden",
    summary="Hide Segment Effort",
    description="MODERATOR or ADMIN only (403 for anyone else). Setting the value it already has changes nothing.",
    tags=["SegmentEfforts"],
    responses=error_responses(400, 403, 404, 422),
)
def hide_segment_effort(
    effort_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[HideEffortRequest, Body()]
) -> SegmentEffortView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, effort_id=effort_id)
    effort = efforts.EffortService().set_hidden(
        caller, effort_id, body.hidden, correlation_id=app.current_event.request_context.request_id
    )
    return SegmentEffortView.from_domain(effort)


handler = api_handler(app)
