"""API helpers shared by every API function: the resolver factory, the caller, Fault errors, idempotency."""

from stride.http.resolver import handle, make_resolver

__all__ = ["handle", "make_resolver"]
