"""EventBridge activity.created / updated / deleted: match the activity against the segments it passes and keep
its efforts (``stride.segments.efforts``). Every write is keyed by (activity, segment, pass) and the boards are
told only about changes, so a duplicate or retried event writes and publishes nothing new; a failure raises,
so EventBridge's retry policy and the DLQ take over."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.events.contracts import ActivityCreatedEvent, ActivityDeletedEvent, ActivityUpdatedEvent
from stride.observability import logger, metrics, tracer
from stride.segments.efforts import EffortService, MatchOutcome

# What an activity.updated must change for its efforts to change: the sport (another family of segments, or
# none) needs a new match; the visibility only moves efforts on or off the boards.
REMATCH_ON = frozenset({"sport_type", "type", "trainer"})
VISIBILITY = "visibility"

_service: EffortService | None = None


def _efforts() -> EffortService:
    global _service  # noqa: PLW0603 - built once per warm container
    if _service is None:
        _service = EffortService()
    return _service


def _dispatch(detail_type: str, detail: dict) -> tuple[int, MatchOutcome] | None:
    service = _efforts()
    if detail_type == ActivityCreatedEvent.detail_type:
        created = ActivityCreatedEvent.model_validate(detail)
        activity_id = created.activity.activity_id
        return activity_id, service.activity_changed(activity_id, correlation_id=created.correlation_id)
    if detail_type == ActivityUpdatedEvent.detail_type:
        updated = ActivityUpdatedEvent.model_validate(detail)
        activity_id = updated.after.activity_id
        changed = set(updated.changed)
        if changed & REMATCH_ON:
            return activity_id, service.activity_changed(activity_id, correlation_id=updated.correlation_id)
        if VISIBILITY in changed:
            outcome = service.activity_changed(activity_id, rematch=False, correlation_id=updated.correlation_id)
            return activity_id, outcome
        return activity_id, MatchOutcome(skipped="nothing that efforts depend on changed")
    if detail_type == ActivityDeletedEvent.detail_type:
        deleted = ActivityDeletedEvent.model_validate(detail)
        activity_id = deleted.before.activity_id
        return activity_id, service.activity_deleted(activity_id, correlation_id=deleted.correlation_id)
    return None


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    detail_type = event.detail_type
    result = _dispatch(detail_type, event.detail)
    if result is None:
        logger.warning("event ignored", detail_type=detail_type)
        return {"applied": False}
    activity_id, outcome = result
    logger.append_keys(activity_id=activity_id)
    metrics.add_metric(name="SegmentCandidates", unit=MetricUnit.Count, value=outcome.candidates)
    metrics.add_metric(name="SegmentMatches", unit=MetricUnit.Count, value=outcome.matched)
    metrics.add_metric(name="SegmentEffortsRecorded", unit=MetricUnit.Count, value=outcome.recorded)
    metrics.add_metric(name="SegmentEffortsRemoved", unit=MetricUnit.Count, value=outcome.removed)
    logger.info(
        "segment efforts reconciled",
        detail_type=detail_type,
        skipped=outcome.skipped,
        candidates=outcome.candidates,
        prefiltered=outcome.prefiltered,
        matched=outcome.matched,
        written=outcome.written,
        deleted=outcome.deleted,
        recorded=outcome.recorded,
        removed=outcome.removed,
    )
    return {"applied": True, "matched": outcome.matched, "recorded": outcome.recorded, "removed": outcome.removed}
