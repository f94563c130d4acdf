"""GET /api/v3/segment_efforts: Strava's List Segment Efforts, the caller's own efforts on one segment."""

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import efforts
from stride.segments.effort_views import SegmentEffortView

app = make_resolver()


@app.get(
    "/api/v3/segment_efforts",
    summary="List Segment Efforts",
    description="The caller's own efforts on the segment (hidden ones included), newest first, optionally between "
    "two local start dates (inclusive). An unknown segment lists nothing.",
    tags=["SegmentEfforts"],
    responses=error_responses(422),
)
def list_segment_efforts(
    segment_id: Annotated[int, Query(gt=0, lt=2**63, description="The segment")],
    start_date_local: Annotated[datetime | None, Query(description="ISO 8601: efforts starting at or after")] = None,
    end_date_local: Annotated[datetime | None, Query(description="ISO 8601: efforts starting at or before")] = None,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[SegmentEffortView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, segment_id=segment_id)
    found = efforts.my_efforts(
        caller, segment_id, start_date_local=start_date_local, end_date_local=end_date_local, per_page=per_page
    )
    return [SegmentEffortView.from_domain(effort) for effort in found]


handler = api_handler(app)
