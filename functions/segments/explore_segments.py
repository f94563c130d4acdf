"""GET /api/v3/segments/explore: Strava's Explore Segments (ExplorerResponse, at most 10 segments)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import service
from stride.segments.views import ExplorerResponseView, ExplorerSegmentView

app = make_resolver()


@app.get(
    "/api/v3/segments/explore",
    summary="Explore segments",
    description="Segments that start inside `bounds` (sw_lat,sw_lng,ne_lat,ne_lng), the hardest climbs first, then "
    "the longest. A map over about 2,000 km2 is refused (400: zoom in).",
    tags=["Segments"],
    responses=error_responses(400, 422),
)
def explore_segments(
    bounds: Annotated[str, Query(description="sw_lat,sw_lng,ne_lat,ne_lng", max_length=200)],
    activity_type: Annotated[str | None, Query(pattern="^(riding|running)$")] = None,
    min_cat: Annotated[int, Query(ge=0, le=5)] = 0,
    max_cat: Annotated[int, Query(ge=0, le=5)] = 5,
) -> ExplorerResponseView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    found = service.explore(caller, bounds, activity_type, min_cat, max_cat)
    return ExplorerResponseView(segments=[ExplorerSegmentView.from_domain(f.segment, f.starred) for f in found])


handler = api_handler(app)
