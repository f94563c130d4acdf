"""One field of a write's body, as Strava's clients send it: a form field or a JSON object."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from stride.errors import ErrorDetail, MalformedRequestError


def body_field(event: Any, name: str, resource: str, expected: str) -> object | None:
    """``name`` from the request's form or JSON body; None when there is no body or it lacks the field.

    A body that is not JSON, or JSON that is not an object, is a 400 naming ``expected`` (the body's shape).
    """
    body = event.decoded_body
    if not body:
        return None
    content_type = event.get_header_value("Content-Type", default_value="", case_sensitive=False) or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body, keep_blank_values=True)).get(name)
    try:
        parsed = json.loads(body)
    except ValueError:
        raise MalformedRequestError(
            "Bad Request: the body is not valid JSON", [ErrorDetail("Request", "body", "invalid json")]
        ) from None
    if not isinstance(parsed, dict):
        raise MalformedRequestError(
            f"Bad Request: the body must be {expected}", [ErrorDetail(resource, name, "invalid")]
        )
    return parsed.get(name)
