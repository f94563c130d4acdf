"""EventBridge athlete.followed / unfollowed / blocked: recompute the suggestions of the athletes concerned.
A recomputation reads the graph as it is now, so a redelivered event changes nothing; infrastructure faults
raise after every athlete was tried, so EventBridge's retry and the DLQ take over."""

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.observability import logger, metrics, tracer
from stride.social import suggestions


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    computed = suggestions.refresh_for_event(event.detail_type, event.detail)
    logger.info("suggestions event handled", detail_type=event.detail_type, computed=computed)
    return {"computed": computed}
