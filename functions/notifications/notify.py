"""SQS (fed by the EventBridge rule on kudos.given, comment.added, athlete.followed, follow.requested): write
notifications and push them. Each message is one EventBridge event; a message that fails is reported alone
(ReportBatchItemFailures), comes back after the visibility timeout, and reaches NotificationsDLQ after 3 tries."""

import json

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.notifications import service
from stride.observability import logger, metrics, tracer

# A batch whose every message failed is still answered with batchItemFailures (not an error): the messages come
# back the same way, and the function's error metric stays for real faults.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


def record_handler(record: SQSRecord) -> None:
    try:
        envelope = json.loads(record.body)  # the whole EventBridge event: detail-type, detail, id, ...
        service.handle_event(envelope["detail-type"], envelope["detail"])
    except Exception as exc:
        # The error's type only: messages and bodies can carry comment text.
        logger.warning("notification record failed", message_id=record.message_id, error=type(exc).__name__)
        raise


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
