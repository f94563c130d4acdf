"""POST /api/v3/segments (extension): a segment through a stretch of one of the caller's activities, or a polyline.

JSON ``{name, activity_id, start_index, end_index}`` or ``{name, polyline, activity_type, altitude?}``; answers 201
and Strava's DetailedSegment. Needs the ``activity:write`` scope."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics
from stride.segments import service
from stride.segments.views import CreateSegmentRequest, DetailedSegmentView

app = make_resolver()


@app.post(
    "/api/v3/segments",
    summary="Create Segment",
    description="From a stretch of one of your activities (`activity_id`, `start_index`, `end_index`: stream "
    "indexes, both included) or from a `polyline` with `activity_type` (Ride or Run) and optional `altitude` (one "
    "value per point). 100 m to 100 km; a stretch through your privacy zones or hidden start/end is refused (422).",
    tags=["Segments"],
    status_code=201,
    responses=error_responses(400, 403, 404, 422),
)
def create_segment(body: Annotated[CreateSegmentRequest, Body()]) -> DetailedSegmentView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    segment = service.create_segment(
        caller,
        service.NewSegment(
            name=body.name,
            activity_id=body.activity_id,
            start_index=body.start_index,
            end_index=body.end_index,
            polyline=body.polyline,
            activity_type=body.activity_type,
            altitude=body.altitude,
        ),
    )
    metrics.add_metric(name="SegmentCreated", unit=MetricUnit.Count, value=1)
    return DetailedSegmentView.from_domain(segment, starred=False)


handler = api_handler(app)
