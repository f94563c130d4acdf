"""Kinesis LiveTracksStream: merge each record's points into its session's live state, append them as a track
chunk and push them to watchers; a finish record writes the session's GPX as an upload. Records are reported
one by one (ReportBatchItemFailures); the mapping bisects a failing batch, retries, then sends what still
fails to LiveTracksDLQ. Redelivered records merge to the same state (stride.live.ingest)."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import KinesisStreamRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.live import ingest
from stride.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.KinesisDataStreams, raise_on_entire_batch_failure=False)


def record_handler(record: KinesisStreamRecord) -> None:
    kinesis = record.kinesis
    try:
        message = ingest.decode(kinesis.data_as_bytes())
        outcome = ingest.handle(message, kinesis.sequence_number, int(kinesis.approximate_arrival_timestamp * 1000))
        metrics.add_metric(name=f"LiveRecord_{outcome}", unit=MetricUnit.Count, value=1)
    except Exception as exc:
        logger.warning("live record failed", sequence=kinesis.sequence_number, error=type(exc).__name__)
        raise


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict, context: LambdaContext) -> dict:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
