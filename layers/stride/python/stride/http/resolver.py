"""One resolver per API function, with Fault errors, the request id header and ``Idempotency-Key`` support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.errors import (
    ConflictError,
    DependencyUnavailableError,
    ErrorDetail,
    InvalidInputError,
    MalformedRequestError,
    StrideError,
)
from stride.http import idempotency
from stride.http.errors import fault_for, register_http_errors
from stride.observability import logger, metrics, tracer

REQUEST_ID_HEADER = "X-Request-Id"
LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def make_resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    register_http_errors(app)
    return app


def api_handler(app: APIGatewayRestResolver) -> LambdaHandler:
    """The Lambda entry point of an API function: logging with the request's correlation id, tracing, metrics."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return handle(app, event, context)

    return handler


def _with_request_id(response: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request_id = getattr(context, "aws_request_id", None)
    if request_id:
        response.setdefault("multiValueHeaders", {})[REQUEST_ID_HEADER] = [request_id]
    return response


def _idempotency_failure(exc: Exception) -> StrideError:
    """Powertools' idempotency errors, which happen outside route resolution, as domain errors."""
    if isinstance(exc, IdempotencyValidationError):
        return InvalidInputError.about(
            "Idempotency-Key was already used with a different request", "Request", "Idempotency-Key", "reused"
        )
    if isinstance(exc, IdempotencyAlreadyInProgressError):
        error = ConflictError.about(
            "A request with this Idempotency-Key is still in progress", "Request", "Idempotency-Key", "in progress"
        )
        error.retry_after = 1
        return error
    return DependencyUnavailableError.about(
        "storage is unavailable, retry", "Request", "Idempotency-Key", "unavailable"
    )


def handle(app: APIGatewayRestResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Resolve one API Gateway event; a write with ``Idempotency-Key`` runs once per key."""
    key = idempotency.idempotency_key(event)
    if key is None:
        return _with_request_id(app.resolve(event, context), context)
    if len(key) > idempotency.MAX_KEY_LENGTH:
        error: StrideError = MalformedRequestError(
            "Idempotency-Key is longer than 255 characters", [ErrorDetail("Request", "Idempotency-Key", "too long")]
        )
        return _with_request_id(_plain(fault_for(error)), context)
    try:
        answer = idempotency.resolve_once(event, context, key, lambda: app.resolve(event, context))
    except (IdempotencyValidationError, IdempotencyAlreadyInProgressError, IdempotencyPersistenceLayerError) as exc:
        answer = _plain(fault_for(_idempotency_failure(exc)))
    return _with_request_id(answer, context)


def _plain(response: Response[str]) -> dict[str, Any]:
    """A Fault response outside route resolution, in API Gateway's proxy answer shape."""
    headers = {"Content-Type": "application/json", **(response.headers or {})}
    return {
        "statusCode": response.status_code,
        "body": response.body,
        "isBase64Encoded": False,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
    }
