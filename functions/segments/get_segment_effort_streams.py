"""GET /api/v3/segment_efforts/{id}/streams: Strava's Get Segment Effort Streams, the activity's streams from
the effort's first to its last sample. Others than the owner get them cut as the activity's streams are (no
sample inside a privacy zone or the hidden start and end; no latlng when the map is hidden)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.activities import streams_codec
from stride.activities.views import StreamView
from stride.errors import InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger
from stride.segments import efforts

app = make_resolver()


@app.get(
    "/api/v3/segment_efforts/<effort_id>/streams",
    summary="Get Segment Effort Streams",
    tags=["Streams"],
    responses=error_responses(404, 422),
)
def get_segment_effort_streams(
    effort_id: Annotated[int, Path(gt=0, lt=2**63)],
    keys: Annotated[str | None, Query(description="Comma-separated stream types; all when absent")] = None,
    key_by_type: Annotated[bool, Query()] = True,
    series_type: Annotated[str, Query(pattern="^(distance|time)$")] = "distance",
) -> Any:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, effort_id=effort_id)
    wanted = {key.strip() for key in keys.split(",") if key.strip()} if keys else None
    unknown = (wanted or set()) - set(streams_codec.STREAM_TYPES)
    if unknown:
        raise InvalidInputError.about(
            f"unknown stream types: {', '.join(sorted(unknown))}", "Stream", "keys", "invalid"
        )
    size, streams = efforts.effort_streams(caller, effort_id, wanted)
    views = {
        name: StreamView(
            type=None if key_by_type else name,
            data=streams_codec.filled(data),
            series_type=series_type,  # type: ignore[arg-type]
            original_size=size,
            resolution="high",
        ).model_dump(exclude_none=True)
        for name, data in streams.items()
    }
    return views if key_by_type else list(views.values())


handler = api_handler(app)
