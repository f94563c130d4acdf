"""S3 ObjectCreated on uploads/: parse the file, compute the activity, store it, announce it.

A bad file ends as an Upload in error (no retry can fix it); infrastructure faults raise, so Lambda
retries twice and then dead-letters the event for replay.
"""

from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.activities import processing
from stride.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict:
    # Keys arrive URL-encoded in S3 events (spaces as '+'), so decode before use.
    outcomes = [
        processing.process_uploaded(record.s3.bucket.name, unquote_plus(record.s3.get_object.key))
        for record in event.records
    ]
    return {"outcomes": outcomes}
