"""WebSocket route "cheer" of the live API: {"action": "cheer", "session_id": N, "text": "..."}, the same as
POST /api/v3/live/sessions/{id}/cheers; answers {"type": "cheered", "id"} or {"type": "error", "message"}."""

import json

from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.errors import StrideError
from stride.live import cheers, watchers
from stride.observability import logger, tracer


def _answer(event: dict) -> dict:
    try:
        body = json.loads(event.get("body") or "{}")
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return {"type": "error", "message": 'cheer needs "session_id" and "text"'}
    principal = watchers.principal_from(event["requestContext"].get("authorizer") or {})
    if principal.caller is None:
        return {"type": "error", "message": "a share link cannot cheer"}
    try:
        cheer = cheers.send(principal.caller, int(body.get("session_id") or 0), body["text"])
    except (StrideError, ValueError, TypeError) as exc:
        return {"type": "error", "message": getattr(exc, "message", None) or "invalid cheer"}
    return {"type": "cheered", "id": cheer.id, "session_id": cheer.session_id}


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    return {"statusCode": 200, "body": json.dumps(_answer(event))}
