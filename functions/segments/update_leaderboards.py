"""SQS LeaderboardsQueue (fed by the EventBridge rule on segment.effort.recorded and segment.effort.removed): keep
the segment boards, titles, Local Legend candidates and PR/KOM ranks. Each message is one EventBridge event; a
message that fails is reported alone (ReportBatchItemFailures), comes back after the visibility timeout and reaches
LeaderboardsDLQ after 3 tries. Applying an event twice changes nothing (stride.segments.records.apply_effort)."""

import json

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.events.contracts import SegmentEffortRecordedEvent, SegmentEffortRemovedEvent
from stride.observability import logger, metrics, tracer
from stride.segments import records

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> None:
    try:
        envelope = json.loads(record.body)  # the whole EventBridge event: detail-type, detail, id, ...
        detail_type, detail = envelope["detail-type"], envelope["detail"]
        event: SegmentEffortRecordedEvent | SegmentEffortRemovedEvent
        if detail_type == SegmentEffortRecordedEvent.detail_type:
            event = SegmentEffortRecordedEvent.model_validate(detail)
            # An effort that only its owner may see never reaches a board (as if removed).
            present = event.effort.visibility != "only_me" and not event.effort.hidden
        elif detail_type == SegmentEffortRemovedEvent.detail_type:
            event, present = SegmentEffortRemovedEvent.model_validate(detail), False
        else:
            logger.warning("event ignored", detail_type=detail_type)
            return
        applied = records.apply_effort(event.effort, present, occurred_at=event.occurred_at)
        if applied.changed:
            metrics.add_metric(name="LeaderboardMoves", unit=MetricUnit.Count, value=applied.moves)
    except Exception as exc:
        logger.warning("leaderboard record failed", message_id=record.message_id, error=type(exc).__name__)
        raise


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
