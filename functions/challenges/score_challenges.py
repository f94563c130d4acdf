"""EventBridge activity.created / updated / deleted and segment.effort.recorded / removed: score the athlete's live
challenges (stride.challenges.scoring). The athlete's participations are found by key (one Query on their own
partition), each change is one transaction conditional on the participation's revision, and a fact already
applied is skipped, so a duplicate or retried event writes nothing new. Failures raise: EventBridge's retry
policy and then the DLQ take over."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.challenges import scoring
from stride.events.contracts import (
    ActivityCreatedEvent,
    ActivityDeletedEvent,
    ActivityUpdatedEvent,
    SegmentEffortRecordedEvent,
    SegmentEffortRemovedEvent,
)
from stride.observability import logger, metrics, tracer


def _dispatch(detail_type: str, detail: dict) -> scoring.Outcome | None:
    if detail_type == ActivityCreatedEvent.detail_type:
        created = ActivityCreatedEvent.model_validate(detail)
        return scoring.score_activity(None, created.activity, created.occurred_at)
    if detail_type == ActivityUpdatedEvent.detail_type:
        updated = ActivityUpdatedEvent.model_validate(detail)
        return scoring.score_activity(updated.before, updated.after, updated.occurred_at)
    if detail_type == ActivityDeletedEvent.detail_type:
        deleted = ActivityDeletedEvent.model_validate(detail)
        return scoring.score_activity(deleted.before, None, deleted.occurred_at)
    if detail_type == SegmentEffortRecordedEvent.detail_type:
        recorded = SegmentEffortRecordedEvent.model_validate(detail)
        return scoring.score_effort(recorded.effort, True, recorded.occurred_at)
    if detail_type == SegmentEffortRemovedEvent.detail_type:
        removed = SegmentEffortRemovedEvent.model_validate(detail)
        return scoring.score_effort(removed.effort, False, removed.occurred_at)
    return None


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=EventBridgeEvent)
def handler(event: EventBridgeEvent, context: LambdaContext) -> dict:
    outcome = _dispatch(event.detail_type, event.detail)
    if outcome is None:
        logger.warning("event ignored", detail_type=event.detail_type)
        return {"applied": False}
    metrics.add_metric(name="ChallengeParticipationsScored", unit=MetricUnit.Count, value=outcome.changed)
    metrics.add_metric(name="ChallengesCompleted", unit=MetricUnit.Count, value=outcome.completed)
    logger.info(
        "challenges scored",
        detail_type=event.detail_type,
        participations=outcome.participations,
        changed=outcome.changed,
        stale=outcome.stale,
        completed=outcome.completed,
    )
    return {"applied": True, "changed": outcome.changed, "stale": outcome.stale, "completed": outcome.completed}
