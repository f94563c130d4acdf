"""GET /api/v3/segment_efforts/{id}: Strava's Get Segment Effort (DetailedSegmentEffort).

Visible when the caller may see the effort's activity (``stride.policy``); a hidden effort (privacy zone or
moderator) is a 404 to everyone but its owner, the same Fault as an unknown id."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import efforts
from stride.segments.effort_views import SegmentEffortView

app = make_resolver()


@app.get(
    "/api/v3/segment_efforts/<effort_id>",
    summary="Get Segment Effort",
    tags=["SegmentEfforts"],
    responses=error_responses(404, 422),
)
def get_segment_effort(effort_id: Annotated[int, Path(gt=0, lt=2**63)]) -> SegmentEffortView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, effort_id=effort_id)
    effort, _activity = efforts.get_effort(caller, effort_id)
    return SegmentEffortView.from_domain(effort)


handler = api_handler(app)
