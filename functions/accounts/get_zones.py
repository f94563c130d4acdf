"""GET /api/v3/athlete/zones: the signed-in athlete's heart-rate and power zones (Strava's Zones)."""

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import service
from stride.accounts.views import ZonesView
from stride.http import handle, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics, tracer

app = make_resolver()


@app.get("/api/v3/athlete/zones", summary="Get Zones", tags=["Athletes"], responses=error_responses())
def get_zones() -> ZonesView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    heart_rate, power = service.get_zones(caller)
    return ZonesView.from_domain(heart_rate, power)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return handle(app, event, context)
