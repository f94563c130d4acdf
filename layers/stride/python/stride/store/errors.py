"""Turn botocore and pynamodb failures into domain errors (the data layer's only error mapping)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from stride.errors import ConflictError, DependencyUnavailableError

_THROTTLING = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "InternalServerError",
    "ServiceUnavailable",
}
_CONFLICT = {"ConditionalCheckFailedException", "TransactionCanceledException", "TransactionConflictException"}


def _code(exc: BaseException) -> str:
    if isinstance(exc, PynamoDBException):
        return exc.cause_response_code or ""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


@contextmanager
def translated(resource: str) -> Iterator[None]:
    """Run a table call; re-raise conflicts and outages as domain errors about ``resource``."""
    try:
        yield
    except (PynamoDBException, ClientError) as exc:
        if isinstance(exc.__cause__, BotoCoreError) or isinstance(getattr(exc, "cause", None), BotoCoreError):
            raise DependencyUnavailableError.about(
                "storage is unreachable", resource, "storage", "unavailable"
            ) from exc
        code = _code(exc)
        if code in _CONFLICT:
            raise ConflictError.about(f"{resource} changed concurrently", resource, "version", "conflict") from exc
        if code in _THROTTLING:
            raise DependencyUnavailableError.about(
                "storage is busy, retry", resource, "storage", "unavailable"
            ) from exc
        raise
    except BotoCoreError as exc:
        raise DependencyUnavailableError.about("storage is unreachable", resource, "storage", "unavailable") from exc
