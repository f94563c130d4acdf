"""PUT /api/v3/athlete/zones (extension): set five custom heart-rate zones, or derive them from max heart rate."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import service
from stride.accounts.views import ZonesUpdateRequest, ZonesView
from stride.http import handle, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics, tracer

app = make_resolver()


@app.put("/api/v3/athlete/zones", summary="Update Zones", tags=["Athletes"], responses=error_responses(400, 403, 422))
def update_zones(body: Annotated[ZonesUpdateRequest, Body()]) -> ZonesView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    custom = [(z.min, z.max) for z in body.heart_rate.zones] if body.heart_rate else None
    heart_rate, power = service.set_heart_rate_zones(caller, custom, body.max_heartrate)
    return ZonesView.from_domain(heart_rate, power)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return handle(app, event, context)
