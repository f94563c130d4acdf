"""One resolver per API function, with Fault errors, the request id header and ``Idempotency-Key`` support."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.errors import ErrorDetail
from stride.http import idempotency
from stride.http.errors import register_http_errors
from stride.http.faults import fault_response

REQUEST_ID_HEADER = "X-Request-Id"


def make_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    register_http_errors(app)
    return app


def _with_request_id(response: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    if request_id:
        response.setdefault("multiValueHeaders", {})[REQUEST_ID_HEADER] = [request_id]
    return response


def handle(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The body of every API function's ``handler``."""
    key = idempotency.idempotency_key(event)
    if key is None:
        return _with_request_id(app.resolve(event, context), context)
    if len(key) > idempotency.MAX_KEY_LENGTH:
        response = fault_response(
            400,
            "Idempotency-Key is longer than 255 characters",
            [ErrorDetail("Request", "Idempotency-Key", "too long")],
        )
        return _with_request_id(_plain(response), context)
    try:
        answer = idempotency.resolve_once(event, context, key, lambda: app.resolve(event, context))
    except IdempotencyValidationError:
        answer = _plain(
            fault_response(
                422,
                "Idempotency-Key was already used with a different request",
                [ErrorDetail("Request", "Idempotency-Key", "reused")],
            )
        )
    except IdempotencyAlreadyInProgressError:
        answer = _plain(
            fault_response(
                409,
                "A request with this Idempotency-Key is still in progress",
                [ErrorDetail("Request", "Idempotency-Key", "in progress")],
                {"Retry-After": "1"},
            )
        )
    return _with_request_id(answer, context)


def _plain(response: Any) -> dict[str, Any]:
    """A Fault response outside route resolution, in API Gateway's proxy answer shape."""
    headers = {"Content-Type": "application/json", **(response.headers or {})}
    return {
        "statusCode": response.status_code,
        "body": response.body,
        "isBase64Encoded": False,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
    }
