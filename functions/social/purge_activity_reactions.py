"""EventBridge activity.deleted: delete the activity's kudos and comments (ACT#<id>/KUDOS#..., COMMENT#...).
Idempotent (deleting what is gone changes nothing); raises on infrastructure faults so EventBridge's retry and
the DLQ take over."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.events.contracts import ActivityDeletedEvent
from stride.observability import logger, metrics, tracer
from stride.social import reactions


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    if event.detail_type != ActivityDeletedEvent.detail_type:
        logger.warning("event ignored", detail_type=event.detail_type)
        return {"deleted": 0}
    deleted_event = ActivityDeletedEvent.model_validate(event.detail)
    activity_id = deleted_event.before.activity_id
    logger.append_keys(activity_id=activity_id, event_id=deleted_event.event_id)
    deleted = reactions.purge_activity(activity_id)
    metrics.add_metric(name="ReactionsPurged", unit=MetricUnit.Count, value=deleted)
    return {"deleted": deleted}
