"""GET /api/v3/activities/{id}/streams: Strava's StreamSet (key_by_type) or list of streams.

Others than the owner get no sample whose position is hidden (in any stream, so they stay aligned) and no
latlng stream when the owner hid the map."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from stride.activities import reads, service, streams_codec
from stride.activities.views import StreamView
from stride.errors import InvalidInputError
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/streams",
    summary="Get Activity Streams",
    tags=["Streams"],
    responses=error_responses(404, 422),
)
def get_activity_streams(
    activity_id: Annotated[int, Path(gt=0, lt=2**63)],
    keys: Annotated[str | None, Query(description="Comma-separated stream types; all when absent")] = None,
    key_by_type: Annotated[bool, Query()] = True,
    series_type: Annotated[str, Query(pattern="^(distance|time)$")] = "distance",
    resolution: Annotated[str | None, Query(pattern="^(low|medium|high)$")] = None,
) -> Any:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    wanted = {key.strip() for key in keys.split(",") if key.strip()} if keys else None
    unknown = (wanted or set()) - set(streams_codec.STREAM_TYPES)
    if unknown:
        raise InvalidInputError.about(
            f"unknown stream types: {', '.join(sorted(unknown))}", "Stream", "keys", "invalid"
        )
    activity, _access = service.get_activity(caller, activity_id)
    size, streams = reads.read_streams(activity, wanted, viewer=reads.viewer_map(caller, activity))
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
