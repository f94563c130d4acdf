"""S3 ObjectCreated on avatars/: check the picture and put it on the profile. Raises on infrastructure faults,
so Lambda retries (twice) and then dead-letters the event."""

from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import avatars
from stride.observability import logger, metrics, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True)
@event_source(data_class=S3Event)
def handler(event: S3Event, context: LambdaContext) -> dict:
    # Keys arrive URL-encoded in S3 events (spaces as '+'), so decode before use.
    outcomes = [
        avatars.process_uploaded(record.s3.bucket.name, unquote_plus(record.s3.get_object.key))
        for record in event.records
    ]
    return {"outcomes": outcomes}
