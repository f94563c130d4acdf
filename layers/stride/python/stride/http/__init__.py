"""API helpers shared by every API function: the resolver factory, the caller, Fault errors, idempotency."""

from stride.http.resolver import api_handler, handle, make_resolver

__all__ = ["api_handler", "handle", "make_resolver"]
