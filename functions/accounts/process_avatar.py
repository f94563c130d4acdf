"""S3 ObjectCreated on avatars/: check the picture and put it on the profile. Raises on infrastructure faults,
so Lambda retries (twice) and then dead-letters the event."""

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import avatars
from stride.observability import logger, metrics, tracer
from stride.s3_events import object_keys


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict:
    outcomes = [avatars.process_uploaded(bucket, key) for bucket, key in object_keys(event)]
    return {"outcomes": outcomes}
