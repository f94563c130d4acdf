"""WebSocket $disconnect of the live API: forget the connection and every subscription it had."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.live import watchers
from stride.observability import logger, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    watchers.disconnect(event["requestContext"]["connectionId"])
    return {"statusCode": 200}
