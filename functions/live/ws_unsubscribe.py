"""WebSocket route "unsubscribe" of the live API: {"action": "unsubscribe", "session_id": N | "following": true |
"group_id": N}; the answer (route response) is {"type": "unsubscribed", ...} or {"type": "error", "message"}."""

import json

from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.live import watchers
from stride.observability import logger, tracer


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    request = event["requestContext"]
    try:
        body = json.loads(event.get("body") or "{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        answer = {"type": "error", "message": "a message is a JSON object"}
    else:
        principal = watchers.principal_from(request.get("authorizer") or {})
        answer = watchers.unsubscribe(request["connectionId"], principal, body)
    return {"statusCode": 200, "body": json.dumps(answer)}
