"""GET /api/v3/athletes/{id}: another athlete's summary, as much as their privacy lets the caller see."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import avatars, service
from stride.accounts.views import AthleteView
from stride.http import handle, make_resolver
from stride.http.auth import current_caller
from stride.http.faults import error_responses
from stride.observability import logger, metrics, tracer

app = make_resolver()


@app.get("/api/v3/athletes/<athlete_id>", summary="Get Athlete", tags=["Athletes"], responses=error_responses(404, 422))
def get_athlete_by_id(athlete_id: Annotated[int, Path(gt=0, lt=2**63)]) -> AthleteView:
    caller = current_caller(app)
    logger.append_keys(athlete_id=caller.athlete_id)
    athlete, detail = service.get_athlete(caller, athlete_id)
    return AthleteView.from_domain(athlete, detail, avatars.view_url(athlete.avatar_key))


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return handle(app, event, context)
