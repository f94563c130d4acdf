"""The only module that maps errors to HTTP: domain errors, validation and idempotency failures -> Fault."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from stride.errors import (
    ConflictError,
    DependencyUnavailableError,
    ErrorDetail,
    ForbiddenError,
    InvalidInputError,
    MalformedRequestError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    StrideError,
    UnauthenticatedError,
)
from stride.http.faults import fault_response
from stride.observability import logger

_STATUS: list[tuple[type[StrideError], int, str]] = [
    (MalformedRequestError, 400, "Bad Request"),
    (UnauthenticatedError, 401, "Authorization Error"),
    (InvalidInputError, 422, "Unprocessable Entity"),
    (NotFoundError, 404, "Resource Not Found"),
    (ForbiddenError, 403, "Forbidden"),
    (ConflictError, 409, "Conflict"),
    (PayloadTooLargeError, 413, "Payload Too Large"),
    (RateLimitedError, 429, "Rate Limit Exceeded"),
    (DependencyUnavailableError, 503, "Service Unavailable"),
]


def status_for(error: StrideError) -> tuple[int, str]:
    for error_type, status, title in _STATUS:
        if isinstance(error, error_type):
            return status, title
    return 500, "Internal Error"


def fault_for(error: StrideError) -> Response[str]:
    """The Fault answer for a domain error (also used outside route resolution, by ``stride.http.resolver``)."""
    status, title = status_for(error)
    retry_after = error.retry_after
    if retry_after is None and isinstance(error, RateLimitedError | DependencyUnavailableError):
        retry_after = 1
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    if status >= 500:
        logger.warning("dependency unavailable", error_type=type(error).__name__)
    return fault_response(status, error.message or title, error.details, headers)


def _loc_to_field(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def register_http_errors(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(StrideError)
    def on_domain_error(error: StrideError) -> Response[str]:
        return fault_for(error)

    @app.exception_handler(RequestValidationError)
    def on_validation_error(error: RequestValidationError) -> Response[str]:
        problems = error.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return fault_response(
                400, "Bad Request: the body is not valid JSON", [ErrorDetail("Request", "body", "invalid json")]
            )
        details = [
            ErrorDetail(
                _resource(p.get("loc", ())), _loc_to_field(tuple(p.get("loc", ()))), str(p.get("type", "invalid"))
            )
            for p in problems
        ]
        return fault_response(
            422,
            "Unprocessable Entity: "
            + "; ".join(f"{_loc_to_field(tuple(p.get('loc', ())))}: {p.get('msg', 'invalid')}" for p in problems),
            details,
        )

    @app.not_found
    def on_not_found(_: Exception) -> Response[str]:
        return fault_response(404, "Resource Not Found", [ErrorDetail("Route", "path", "not found")])

    @app.exception_handler(Exception)
    def on_unexpected(error: Exception) -> Response[str]:
        # Log type and traceback for operators; the body says nothing about internals.
        logger.exception("unhandled error", error_type=type(error).__name__)
        return fault_response(500, "Internal Error", [])


def _resource(loc: tuple[object, ...]) -> str:
    return {"body": "Body", "query": "Query", "path": "Path", "header": "Header"}.get(
        str(loc[0]) if loc else "", "Request"
    )
