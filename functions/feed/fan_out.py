"""EventBridge activity.created / updated / deleted and athlete.followed / unfollowed / blocked / muted: keep the
home feeds (fan-out on write, popular athletes merged at read time). Every write is deterministic, so a
duplicate or retried event leaves the same feeds; writes still failing after retries fail the invocation, so
EventBridge's retry and the DLQ take over."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.events.contracts import (
    ActivityCreatedEvent,
    ActivityDeletedEvent,
    ActivityUpdatedEvent,
    AthleteBlockedEvent,
    AthleteFollowedEvent,
    AthleteMutedEvent,
    AthleteUnfollowedEvent,
)
from stride.feed.fanout import FanOut, FanOutResult, FeedWriteError
from stride.observability import logger, metrics, tracer

_fan_out: FanOut | None = None


def _service() -> FanOut:
    global _fan_out  # noqa: PLW0603 - built once per warm container
    if _fan_out is None:
        _fan_out = FanOut()
    return _fan_out


def _dispatch(detail_type: str, detail: dict) -> FanOutResult | None:  # noqa: PLR0911 - one branch per event
    service = _service()
    if detail_type == ActivityCreatedEvent.detail_type:
        return service.activity_created(ActivityCreatedEvent.model_validate(detail).activity)
    if detail_type == ActivityUpdatedEvent.detail_type:
        updated = ActivityUpdatedEvent.model_validate(detail)
        return service.activity_updated(updated.before, updated.after)
    if detail_type == ActivityDeletedEvent.detail_type:
        return service.activity_deleted(ActivityDeletedEvent.model_validate(detail).before)
    if detail_type == AthleteFollowedEvent.detail_type:
        followed = AthleteFollowedEvent.model_validate(detail)
        service.refresh_popular(followed.followed_id)
        return FanOutResult()
    if detail_type == AthleteUnfollowedEvent.detail_type:
        unfollowed = AthleteUnfollowedEvent.model_validate(detail)
        service.refresh_popular(unfollowed.followed_id)
        return service.remove_author(unfollowed.follower_id, unfollowed.followed_id)
    if detail_type == AthleteBlockedEvent.detail_type:
        blocked = AthleteBlockedEvent.model_validate(detail)
        first = service.remove_author(blocked.blocker_id, blocked.blocked_id)
        second = service.remove_author(blocked.blocked_id, blocked.blocker_id)
        return FanOutResult(2, 0, first.deleted + second.deleted, first.failed + second.failed)
    if detail_type == AthleteMutedEvent.detail_type:
        muted = AthleteMutedEvent.model_validate(detail)
        return service.remove_author(muted.muter_id, muted.muted_id)
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
    metrics.add_metric(name="FeedItemsWritten", unit=MetricUnit.Count, value=result.written)
    metrics.add_metric(name="FeedItemsDeleted", unit=MetricUnit.Count, value=result.deleted)
    if result.failed:
        metrics.add_metric(name="FeedWritesFailed", unit=MetricUnit.Count, value=result.failed)
        logger.error("feed writes failed", detail_type=detail_type, failed=result.failed, readers=result.readers)
        raise FeedWriteError.of(result)
    logger.info(
        "feed event handled",
        detail_type=detail_type,
        readers=result.readers,
        written=result.written,
        deleted=result.deleted,
        popular=result.popular,
    )
    return {"applied": True, "written": result.written, "deleted": result.deleted, "popular": result.popular}
