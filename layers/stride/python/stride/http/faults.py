"""Strava's Fault body: ``{"message": ..., "errors": [{"resource", "field", "code"}]}``."""

from __future__ import annotations

import json
from collections.abc import Iterable

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from stride.errors import ErrorDetail


class FaultErrorView(BaseModel):
    resource: str
    field: str
    code: str


class FaultView(BaseModel):
    message: str
    errors: list[FaultErrorView]


def fault_response(
    status: int, message: str, details: Iterable[ErrorDetail] = (), headers: dict[str, str] | None = None
) -> Response[str]:
    body = {"message": message, "errors": [{"resource": d.resource, "field": d.field, "code": d.code} for d in details]}
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body), headers=headers or {}
    )


FAULT_SCHEMA_REF = "#/components/schemas/Fault"  # the OpenAPI builder adds the Fault schema under this name
_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing, expired or invalid token",
    403: "Not allowed for this caller or token scope",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state",
    413: "Too large",
    422: "Invalid fields",
    429: "Rate limit exceeded (see Retry-After)",
    503: "A dependency is unavailable; retry",
}


def error_responses(*statuses: int) -> dict[int, dict[str, object]]:
    """OpenAPI ``responses=`` entries for the Fault answers a route can give (401 and 429 always apply)."""
    schema = {"$ref": FAULT_SCHEMA_REF}
    return {
        status: {"description": _DESCRIPTIONS[status], "content": {"application/json": {"schema": schema}}}
        for status in sorted({401, 429, *statuses})
    }
