"""SQS ClubsQueue (fed by the EventBridge rule on activity.created/updated/deleted and club.member.left): keep the
club feeds and weekly boards. Each message is one EventBridge event; a message that fails is reported alone
(ReportBatchItemFailures), comes back after the visibility timeout and reaches ClubsDLQ after 3 tries. Every event
converges on the stored state, so duplicates change nothing (stride.clubs.scoring)."""

import json

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.clubs import scoring
from stride.events.contracts import (
    ActivityCreatedEvent,
    ActivityDeletedEvent,
    ActivityUpdatedEvent,
    ClubMemberLeftEvent,
)
from stride.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def _apply(detail_type: str, detail: dict) -> bool:
    if detail_type == ActivityCreatedEvent.detail_type:
        snapshot = ActivityCreatedEvent.model_validate(detail).activity
    elif detail_type == ActivityUpdatedEvent.detail_type:
        snapshot = ActivityUpdatedEvent.model_validate(detail).after
    elif detail_type == ActivityDeletedEvent.detail_type:
        snapshot = ActivityDeletedEvent.model_validate(detail).before
    elif detail_type == ClubMemberLeftEvent.detail_type:
        left = ClubMemberLeftEvent.model_validate(detail)
        removed = scoring.member_left(left.club_id, left.athlete_id, left.week)
        metrics.add_metric(name="ClubFeedEntriesRemoved", unit=MetricUnit.Count, value=removed)
        return True
    else:
        logger.warning("event ignored", detail_type=detail_type)
        return False
    applied = scoring.apply_activity(snapshot.athlete_id, snapshot.activity_id)
    metrics.add_metric(name="ClubWeeksChanged", unit=MetricUnit.Count, value=applied.weeks_changed)
    return True


def record_handler(record: SQSRecord) -> None:
    try:
        envelope = json.loads(record.body)  # the whole EventBridge event: detail-type, detail, id, ...
        _apply(envelope["detail-type"], envelope["detail"])
    except Exception as exc:
        logger.warning("clubs record failed", message_id=record.message_id, error=type(exc).__name__)
        raise


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
