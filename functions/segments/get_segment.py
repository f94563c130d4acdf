"""GET /api/v3/segments/{id}: Strava's DetailedSegment (segments are public: every signed-in athlete reads them)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import service
from stride.segments.views import DetailedSegmentView

app = make_resolver()


@app.get(
    "/api/v3/segments/<segment_id>",
    summary="Get Segment",
    description="Counts of efforts, athletes and stars, and whether the caller starred it. `athlete_pr_effort` "
    "and `athlete_segment_stats` are null for now.",
    tags=["Segments"],
    responses=error_responses(404, 422),
)
def get_segment(segment_id: Annotated[int, Path(gt=0, lt=2**63)]) -> DetailedSegmentView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, segment_id=segment_id)
    seen = service.get_segment(caller, segment_id)
    return DetailedSegmentView.from_domain(seen.segment, seen.starred)


handler = api_handler(app)
