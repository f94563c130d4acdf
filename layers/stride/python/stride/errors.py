"""Domain errors, named for what went wrong. Only ``stride.http.errors`` turns them into HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a Strava Fault's ``errors`` list."""

    resource: str
    field: str
    code: str


@dataclass
class StrideError(Exception):
    """Base of every error the domain raises on purpose."""

    message: str
    details: list[ErrorDetail] = field(default_factory=list)
    retry_after: int | None = None  # seconds; set when retrying later can succeed

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def about(cls, message: str, resource: str, field_name: str, code: str) -> StrideError:
        return cls(message, [ErrorDetail(resource, field_name, code)])


class MalformedRequestError(StrideError):
    """The request cannot be read at all (not JSON, a header over its limit)."""


class UnauthenticatedError(StrideError):
    """No verified identity reached the function (the authorizer should have refused the call first)."""


class InvalidInputError(StrideError):
    """The caller sent something we cannot accept (a bad field, an impossible value)."""


class NotFoundError(StrideError):
    """The thing does not exist, or the caller may not know that it exists."""


class ForbiddenError(StrideError):
    """The caller is known but may not do this."""


class ConflictError(StrideError):
    """The request clashes with the current state (a duplicate, a concurrent change)."""


class PayloadTooLargeError(StrideError):
    """The request or the file is over a documented size limit."""


class RateLimitedError(StrideError):
    """The caller is over a rate limit; ``retry_after`` says when to come back (1 s if unset)."""


class DependencyUnavailableError(StrideError):
    """A service we depend on failed or throttled; the caller may retry."""
