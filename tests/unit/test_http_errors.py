"""Errors become Strava Faults: the status, the body shape, Retry-After and X-Request-Id, through `handle`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import pytest
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, Field
from stravalib import strava_model

from stride.errors import (
    ConflictError,
    DependencyUnavailableError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    StrideError,
)
from stride.http import handle, make_resolver
from stride.http.errors import status_for

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayRestResolver

SECRET = "db password is hunter2"  # must never reach a response body


@dataclass
class FakeContext:
    """The parts of a Lambda context the resolver and `handle` read."""

    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    function_name: str = "stride-unit"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:stride-unit"


class Thing(BaseModel):
    name: str = Field(min_length=1)
    count: int = Field(gt=0)


def api_event(method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A minimal API Gateway REST (v1) proxy event (events/api/ has no sample to start from)."""
    all_headers = {
        "Accept": "application/json",
        **({"Content-Type": "application/json"} if body else {}),
        **(headers or {}),
    }
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "stage": "v1",
            "requestId": "apigw-request",
            "httpMethod": method,
            "path": f"/v1{path}",
            "resourcePath": path,
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
            "authorizer": {"claims": {"sub": "sub-1", "token_use": "access"}},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def build_app() -> APIGatewayRestResolver:
    app = make_resolver()
    raising = {
        "not-found": NotFoundError.about("no such athlete", "Athlete", "id", "not found"),
        "conflict": ConflictError.about("changed meanwhile", "Athlete", "revision", "conflict"),
        "forbidden": ForbiddenError.about("not yours", "Athlete", "id", "forbidden"),
        "invalid": InvalidInputError.about("weight must be positive", "Athlete", "weight", "invalid"),
        "too-large": PayloadTooLargeError.about("file over 25 MB", "Upload", "file", "too large"),
        "rate-limited": RateLimitedError("slow down"),
        "unavailable": DependencyUnavailableError("table throttled"),
    }
    for name, error in raising.items():
        app.get(f"/errors/{name}")(_raiser(error))

    @app.get("/errors/unexpected")
    def unexpected() -> dict[str, str]:
        raise RuntimeError(SECRET)

    @app.post("/things")
    def create_thing(body: Annotated[Thing, Body()]) -> dict[str, Any]:
        return {"name": body.name, "count": body.count}

    return app


def _raiser(error: Exception) -> Any:
    def route() -> dict[str, str]:
        raise error

    return route


@pytest.fixture(scope="module")
def app() -> APIGatewayRestResolver:
    return build_app()


def call(
    app: APIGatewayRestResolver, event: dict[str, Any], context: Any = None
) -> tuple[int, dict[str, Any], dict[str, list[str]]]:
    response = handle(app, event, context or FakeContext())  # type: ignore[arg-type]
    headers = {name.lower(): list(values) for name, values in (response.get("multiValueHeaders") or {}).items()}
    for name, value in (response.get("headers") or {}).items():
        headers.setdefault(name.lower(), [value])
    return response["statusCode"], json.loads(response["body"]), headers


def assert_fault(body: dict[str, Any]) -> None:
    """Strava's Fault: exactly a message and a list of {resource, field, code}."""
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"resource", "field", "code"}
        assert all(isinstance(v, str) for v in error.values())
    strava_model.Fault.model_validate(body)


@pytest.mark.parametrize(
    ("name", "status", "message", "errors"),
    [
        ("not-found", 404, "no such athlete", [{"resource": "Athlete", "field": "id", "code": "not found"}]),
        ("conflict", 409, "changed meanwhile", [{"resource": "Athlete", "field": "revision", "code": "conflict"}]),
        ("forbidden", 403, "not yours", [{"resource": "Athlete", "field": "id", "code": "forbidden"}]),
        ("invalid", 422, "weight must be positive", [{"resource": "Athlete", "field": "weight", "code": "invalid"}]),
        ("too-large", 413, "file over 25 MB", [{"resource": "Upload", "field": "file", "code": "too large"}]),
        ("rate-limited", 429, "slow down", []),
        ("unavailable", 503, "table throttled", []),
    ],
)
def test_domain_errors_become_faults(
    app: APIGatewayRestResolver, name: str, status: int, message: str, errors: list[dict[str, str]]
) -> None:
    # Given a route that raises a domain error
    event = api_event("GET", f"/errors/{name}")
    # When the request is handled
    got_status, body, headers = call(app, event)
    # Then the status matches the error, the body is a Fault with its message and details, JSON typed
    assert got_status == status
    assert_fault(body)
    assert body == {"message": message, "errors": errors}
    assert headers["content-type"] == ["application/json"]


@pytest.mark.parametrize(("name", "status"), [("rate-limited", 429), ("unavailable", 503)])
def test_retryable_errors_carry_retry_after(app: APIGatewayRestResolver, name: str, status: int) -> None:
    # Given a route that is rate limited or whose dependency is down
    event = api_event("GET", f"/errors/{name}")
    # When the request is handled
    got_status, _, headers = call(app, event)
    # Then the answer says when to retry, in whole seconds
    assert got_status == status
    assert headers["retry-after"] == ["1"]


@pytest.mark.parametrize("name", ["not-found", "conflict", "forbidden", "invalid", "too-large"])
def test_final_errors_carry_no_retry_after(app: APIGatewayRestResolver, name: str) -> None:
    # Given a route whose error retrying cannot fix
    # When the request is handled
    _, _, headers = call(app, api_event("GET", f"/errors/{name}"))
    # Then there is no Retry-After
    assert "retry-after" not in headers


def test_unexpected_error_is_a_bare_500(app: APIGatewayRestResolver) -> None:
    # Given a route that fails with a bug (a plain RuntimeError)
    event = api_event("GET", "/errors/unexpected")
    # When the request is handled
    status, body, headers = call(app, event)
    # Then the caller gets a 500 Fault that says nothing about the internals
    assert status == 500
    assert body == {"message": "Internal Error", "errors": []}
    text = json.dumps(body)
    assert SECRET not in text and "Traceback" not in text and "RuntimeError" not in text
    assert headers["x-request-id"] == [FakeContext.aws_request_id]


@pytest.mark.parametrize("path", ["/errors/not-found", "/errors/unexpected", "/nowhere"])
def test_every_answer_carries_the_request_id(app: APIGatewayRestResolver, path: str) -> None:
    # Given a Lambda context with a request id
    context = FakeContext(aws_request_id="req-42")
    # When any request is handled
    response = handle(app, api_event("GET", path), context)  # type: ignore[arg-type]
    # Then X-Request-Id is in multiValueHeaders
    assert response["multiValueHeaders"]["X-Request-Id"] == ["req-42"]


def test_success_carries_the_request_id(app: APIGatewayRestResolver) -> None:
    # Given a valid body
    event = api_event("POST", "/things", json.dumps({"name": "bike", "count": 2}))
    # When it is handled
    response = handle(app, event, FakeContext(aws_request_id="req-ok"))  # type: ignore[arg-type]
    # Then the route's answer comes back with the request id
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"name": "bike", "count": 2}
    assert response["multiValueHeaders"]["X-Request-Id"] == ["req-ok"]


def test_no_request_id_header_without_a_request_id(app: APIGatewayRestResolver) -> None:
    # Given a context without aws_request_id
    # When a request is handled
    response = handle(app, api_event("GET", "/errors/not-found"), object())  # type: ignore[arg-type]
    # Then no empty X-Request-Id is invented
    assert "X-Request-Id" not in (response.get("multiValueHeaders") or {})


@pytest.mark.parametrize("raw", ['{"name": ', "not json", "{'name': 'bike'}"])
def test_malformed_json_is_400(app: APIGatewayRestResolver, raw: str) -> None:
    # Given a body that is not JSON
    event = api_event("POST", "/things", raw)
    # When it is handled
    status, body, _ = call(app, event)
    # Then the answer is 400, a Fault about the body
    assert status == 400
    assert_fault(body)
    assert body["errors"] == [{"resource": "Request", "field": "body", "code": "invalid json"}]


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"name": "bike", "count": 0}, "count", "greater_than"),
        ({"name": "bike", "count": "many"}, "count", "int_parsing"),
        ({"count": 3}, "name", "missing"),
        ({"name": "", "count": 3}, "name", "string_too_short"),
    ],
)
def test_schema_violation_is_422_naming_the_field(
    app: APIGatewayRestResolver, payload: dict[str, Any], field: str, code: str
) -> None:
    # Given well-formed JSON that breaks the body model
    event = api_event("POST", "/things", json.dumps(payload))
    # When it is handled
    status, body, _ = call(app, event)
    # Then the answer is 422 and the Fault names the field and what is wrong
    assert status == 422
    assert_fault(body)
    assert {"resource": "Body", "field": field, "code": code} in body["errors"]
    assert field in body["message"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/nowhere"), ("DELETE", "/things")])
def test_unknown_route_is_a_404_fault(app: APIGatewayRestResolver, method: str, path: str) -> None:
    # Given a path or method no route serves
    event = api_event(method, path)
    # When it is handled
    status, body, _ = call(app, event)
    # Then the answer is a 404 Fault about the route
    assert status == 404
    assert_fault(body)
    assert body == {
        "message": "Resource Not Found",
        "errors": [{"resource": "Route", "field": "path", "code": "not found"}],
    }


def test_status_for_a_bare_domain_error_is_500() -> None:
    # Given a StrideError of no more specific kind
    # When its status is looked up
    # Then it is an internal error
    assert status_for(StrideError("unclassified")) == (500, "Internal Error")
