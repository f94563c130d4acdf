"""EventBridge activity.created / updated / deleted: keep the athlete's totals (GET /athletes/{id}/stats).
Applied once per event id; raises on infrastructure faults so EventBridge's retry and the DLQ take over."""

from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.activities import stats
from stride.events.contracts import ActivityCreatedEvent, ActivityDeletedEvent, ActivityUpdatedEvent
from stride.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    detail_type, detail = event.detail_type, event.detail
    if detail_type == ActivityCreatedEvent.detail_type:
        created = ActivityCreatedEvent.model_validate(detail)
        applied = stats.apply_event(created.event_id, created.activity.athlete_id, None, created.activity)
    elif detail_type == ActivityUpdatedEvent.detail_type:
        updated = ActivityUpdatedEvent.model_validate(detail)
        applied = stats.apply_event(updated.event_id, updated.after.athlete_id, updated.before, updated.after)
    elif detail_type == ActivityDeletedEvent.detail_type:
        deleted = ActivityDeletedEvent.model_validate(detail)
        applied = stats.apply_event(deleted.event_id, deleted.before.athlete_id, deleted.before, None)
    else:
        logger.warning("event ignored", detail_type=detail_type)
        return {"applied": False}
    logger.info("stats event handled", detail_type=detail_type, applied=applied)
    return {"applied": applied}
