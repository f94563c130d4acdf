"""GET /api/v3/segments/{id}/streams: Strava's Get Segment Streams (latlng, distance, altitude) from the stored path
(points about every 10 m); a StreamSet keyed by type, or a list with ``key_by_type=false``."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import service
from stride.segments.views import SegmentStreamView

app = make_resolver()


@app.get(
    "/api/v3/segments/<segment_id>/streams",
    summary="Get Segment Streams",
    description="`keys`: any of latlng, distance, altitude (all when absent; altitude only if the segment has one).",
    tags=["Streams"],
    responses=error_responses(404, 422),
)
def get_segment_streams(
    segment_id: Annotated[int, Path(gt=0, lt=2**63)],
    keys: Annotated[str | None, Query(description="Comma-separated: latlng, distance, altitude")] = None,
    key_by_type: Annotated[bool, Query()] = True,
) -> Any:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, segment_id=segment_id)
    streams = service.segment_streams(segment_id, service.stream_types(keys))
    views = {
        name: SegmentStreamView(type=None if key_by_type else name, data=data, original_size=len(data)).model_dump(
            exclude_none=True
        )
        for name, data in streams.items()
    }
    return views if key_by_type else list(views.values())


handler = api_handler(app)
