"""GET /api/v3/activities/{id}/export_gpx: the activity as a GPX 1.1 track.

Others than the owner get only the points they may see, and a 403 when the owner hid the map."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import reads, service
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/export_gpx",
    summary="Export GPX",
    tags=["Activities"],
    responses={
        200: {"description": "GPX 1.1", "content": {"application/gpx+xml": {}}},
        **error_responses(403, 404, 422),
    },
)
def export_gpx(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> Response[str]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    activity, _access = service.get_activity(caller, activity_id)
    viewer = reads.viewer_map(caller, activity)
    reads.require_map(viewer)
    _size, streams = reads.read_streams(activity, {"time", "latlng", "altitude", "heartrate", "cadence"}, viewer=viewer)
    return Response(
        status_code=200,
        content_type="application/gpx+xml",
        body=reads.to_gpx(activity, streams),
        headers={"Content-Disposition": f'attachment; filename="{activity.id}.gpx"'},
    )


handler = api_handler(app)
