"""WebSocket $connect of the live API: register the connection and who is on it (the authorizer's context)."""

from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.live import watchers
from stride.observability import logger, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    request = event["requestContext"]
    watchers.connect(request["connectionId"], watchers.principal_from(request.get("authorizer") or {}))
    return {"statusCode": 200}
