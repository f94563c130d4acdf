"""POST /api/v3/live/sessions/{id}/points: validate a batch of 1..600 points, put it on the Kinesis stream
(partition key = the session) and answer 202 at once; the consumer merges it into the live state."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.metrics import MetricUnit

from stride.http import api_handler, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.live import sessions
from stride.live.views import AcceptedView, PointsRequest
from stride.observability import logger, metrics

app = make_resolver()


@app.post(
    "/api/v3/live/sessions/<session_id>/points",
    summary="Post Live Points",
    description="Points may arrive late, twice or out of order: they are merged by `time` (ms), without "
    "duplicates. Each time within [session start - 60 s, now + 60 s]. Owner only (404 otherwise); 409 once the "
    "session has ended.",
    tags=["Live"],
    responses={202: {"description": "Accepted"}, **error_responses(400, 403, 404, 409, 422, 503)},
)
def post_points(
    session_id: Annotated[int, Path(gt=0, lt=2**63)], body: Annotated[PointsRequest, Body()]
) -> Response[AcceptedView]:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id, session_id=session_id)
    accepted = sessions.post_points(caller, session_id, [p.to_point() for p in body.points], body.battery)
    metrics.add_metric(name="LivePointsAccepted", unit=MetricUnit.Count, value=accepted)
    return Response(
        status_code=202,
        content_type=content_types.APPLICATION_JSON,
        body=AcceptedView(session_id=session_id, accepted=accepted),
    )


handler = api_handler(app)
