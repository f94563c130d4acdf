"""GET /api/v3/segments/starred: Strava's List Starred Segments (SummarySegment), the most recently starred first."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import service
from stride.segments.views import SummarySegmentView

app = make_resolver()


@app.get(
    "/api/v3/segments/starred",
    summary="List Starred Segments",
    description="The caller's starred segments, the most recently starred first; `page*per_page` at most 2,000.",
    tags=["Segments"],
    responses=error_responses(422),
)
def list_starred_segments(
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 30,
) -> list[SummarySegmentView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    return [SummarySegmentView.from_domain(s, starred=True) for s in service.starred_segments(caller, page, per_page)]


handler = api_handler(app)
