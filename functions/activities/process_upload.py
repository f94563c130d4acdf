"""S3 ObjectCreated on uploads/: parse the file, compute the activity, store it, announce it.

A bad file ends as an Upload in error (no retry can fix it); infrastructure faults raise, so Lambda
retries twice and then dead-letters the event for replay.
"""

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.activities import processing
from stride.observability import logger, metrics, tracer
from stride.s3_events import object_keys


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict:
    outcomes = [processing.process_uploaded(bucket, key) for bucket, key in object_keys(event)]
    return {"outcomes": outcomes}
