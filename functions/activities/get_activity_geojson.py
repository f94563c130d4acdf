"""GET /api/v3/activities/{id}/geojson (extension): the track as a GeoJSON FeatureCollection.

Others than the owner get only the points they may see; with a hidden map, a FeatureCollection without
features."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path

from stride.activities import reads, service
from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger

app = make_resolver()


@app.get(
    "/api/v3/activities/<activity_id>/geojson",
    summary="Activity as GeoJSON",
    tags=["Activities"],
    responses=error_responses(404, 422),
)
def get_activity_geojson(activity_id: Annotated[int, Path(gt=0, lt=2**63)]) -> dict[str, Any]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, activity_id=activity_id)
    activity, _access = service.get_activity(caller, activity_id)
    _size, streams = reads.read_streams(activity, {"latlng", "altitude"}, viewer=reads.viewer_map(caller, activity))
    return reads.to_geojson(activity, streams)


handler = api_handler(app)
