"""The local cloud's WebSocket API description and the pure parts of its emulation (routes, events, authorizer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from websockets.datastructures import Headers

from infrastructure.local_cloud.provisioner import Provisioner, WebSocketApi, WebSocketRoute
from infrastructure.local_cloud.template import Expanded
from infrastructure.local_cloud.websocket import (
    Connection,
    Refused,
    authorizer_context,
    authorizer_event,
    connect_event,
    disconnect_event,
    message_event,
    missing_identity,
    select_route,
)

INVOKE = "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s.Arn}/invocations"


def _function(handler: str, environment: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Handler": handler, "Environment": {"Variables": environment or {}}},
    }


def _provision(extra: dict[str, Any] | None = None) -> Any:
    resources = {
        "AuthFn": _function("auth.handler"),
        "RouteFn": _function(
            "route.handler",
            {"ENDPOINT": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage}"}},
        ),
        "Api": {
            "Type": "AWS::ApiGatewayV2::Api",
            "Properties": {"Name": "t", "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.op"},
        },
        "Auth": {
            "Type": "AWS::ApiGatewayV2::Authorizer",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "AuthorizerType": "REQUEST",
                "AuthorizerUri": {"Fn::Sub": INVOKE % "AuthFn"},
                "IdentitySource": ["route.request.querystring.token"],
            },
        },
        "Integration": {
            "Type": "AWS::ApiGatewayV2::Integration",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": {"Fn::Sub": INVOKE % "RouteFn"},
            },
        },
        "ConnectRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "RouteKey": "$connect",
                "AuthorizationType": "CUSTOM",
                "AuthorizerId": {"Ref": "Auth"},
                "Target": {"Fn::Sub": "integrations/${Integration}"},
            },
        },
        "HelloRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {
                "ApiId": {"Ref": "Api"},
                "RouteKey": "hello",
                "Target": {"Fn::Sub": "integrations/${Integration}"},
                "RouteResponseSelectionExpression": "$default",
            },
        },
        "HelloResponse": {
            "Type": "AWS::ApiGatewayV2::RouteResponse",
            "Properties": {"ApiId": {"Ref": "Api"}, "RouteId": {"Ref": "HelloRoute"}, "RouteResponseKey": "$default"},
        },
        "QuietRoute": {
            "Type": "AWS::ApiGatewayV2::Route",
            "Properties": {"ApiId": {"Ref": "Api"}, "RouteKey": "quiet", "Target": "integrations/nope"},
        },
        "Stage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"ApiId": {"Ref": "Api"}, "StageName": "dev"}},
        "Deployment": {"Type": "AWS::ApiGatewayV2::Deployment", "Properties": {"ApiId": {"Ref": "Api"}}},
        **(extra or {}),
    }
    resources["QuietRoute"]["Properties"]["Target"] = {"Fn::Sub": "integrations/${Integration}"}
    code = {name: Path("/tmp") for name in ("AuthFn", "RouteFn")}  # noqa: S108 - never read
    expanded = Expanded(resources, {"Stage": "dev"}, {}, code)
    provisioner = Provisioner(expanded, "http://unused", "eu-west-1", "dev", {}, "http://127.0.0.1:9")
    return provisioner.provision()


def test_the_provisioner_describes_a_websocket_api_and_rewrites_its_management_endpoint() -> None:
    # Given a template with a WebSocket API in the contract's shape
    state = _provision()
    # Then the description names each route's function, the authorizer, the two-way routes and the stage
    api = state.websocket_apis["Api"]
    assert api.stage == "dev" and api.route_selection_expression == "$request.body.op"
    assert api.routes["$connect"].function == "RouteFn" and api.routes["$connect"].authorizer is not None
    authorizer = api.authorizers[api.routes["$connect"].authorizer]
    assert authorizer.function == "AuthFn" and authorizer.identity_sources == ["route.request.querystring.token"]
    assert api.routes["hello"].two_way and not api.routes["quiet"].two_way
    assert state.physical["Api"] == api.api_id
    # And the function's AWS-form endpoint points at the local management endpoint
    assert state.functions["RouteFn"].environment["ENDPOINT"] == f"http://127.0.0.1:9/{api.api_id}/dev"


def test_an_http_api_or_unknown_resource_type_still_fails_loudly() -> None:
    with pytest.raises(NotImplementedError, match="WEBSOCKET"):
        _provision({"Http": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}}})
    with pytest.raises(NotImplementedError, match="DomainName"):
        _provision({"Domain": {"Type": "AWS::ApiGatewayV2::DomainName", "Properties": {}}})


API = WebSocketApi(
    logical_id="Api",
    api_id="abc123defg",
    name="t",
    route_selection_expression="$request.body.action",
    region="eu-west-1",
    routes={
        "$connect": WebSocketRoute("$connect", "F"),
        "subscribe": WebSocketRoute("subscribe", "F", two_way=True),
        "$default": WebSocketRoute("$default", "F"),
    },
    stage="dev",
)
CONNECTION = Connection(
    "L0SM9cOFvHcCIhw=", API, 1_700_000_000_000, "127.0.0.1", "ua", {"kind": "x", "principalId": "p"}
)


@pytest.mark.parametrize(
    ("frame", "route"),
    [
        ('{"action": "subscribe", "session_id": 1}', "subscribe"),
        ('{"action": "nope"}', "$default"),
        ('{"action": "$connect"}', "$default"),  # a frame never reaches the special routes
        ('{"action": ["subscribe"]}', "$default"),
        ("not json", "$default"),
        ("[1, 2]", "$default"),
        (b"\x00binary", "$default"),
    ],
)
def test_route_selection(frame: str | bytes, route: str) -> None:
    assert select_route(API, frame) == route


def test_without_a_default_route_an_unmatched_frame_has_no_route() -> None:
    api = WebSocketApi("A", "id", "n", "$request.body.action", routes={"go": WebSocketRoute("go", "F")})
    assert select_route(api, '{"action": "go"}') == "go"
    assert select_route(api, '{"action": "stop"}') is None


def test_event_shapes_follow_api_gateway() -> None:
    headers = Headers({"Host": "h", "User-Agent": "ua"})
    authorizer = authorizer_event(API, CONNECTION, headers, "token=t&x=1&x=2", "rid")
    assert authorizer["type"] == "REQUEST"
    assert authorizer["methodArn"] == "arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev/$connect"
    assert authorizer["queryStringParameters"] == {"token": "t", "x": "2"}
    assert authorizer["multiValueQueryStringParameters"]["x"] == ["1", "2"]
    assert authorizer["requestContext"]["eventType"] == "CONNECT"
    connect = connect_event(API, CONNECTION, headers, "", "rid")
    assert connect["requestContext"]["authorizer"] == {"kind": "x", "principalId": "p"}
    assert connect["requestContext"]["connectionId"] == "L0SM9cOFvHcCIhw="
    assert connect["queryStringParameters"] is None and connect["headers"]["User-Agent"] == "ua"
    message = message_event(API, CONNECTION, "subscribe", '{"action": "subscribe"}', "rid")
    context = message["requestContext"]
    assert (context["routeKey"], context["eventType"], context["stage"], context["apiId"]) == (
        "subscribe",
        "MESSAGE",
        "dev",
        "abc123defg",
    )
    assert context["messageId"] and context["domainName"] == "abc123defg.execute-api.eu-west-1.amazonaws.com"
    assert message["body"] == '{"action": "subscribe"}' and message["isBase64Encoded"] is False
    assert message_event(API, CONNECTION, "$default", b"\x01", "r")["body"] == "AQ=="
    gone = disconnect_event(API, CONNECTION, 1001, "Going away", "rid")["requestContext"]
    assert (gone["eventType"], gone["disconnectStatusCode"], gone["disconnectReason"]) == (
        "DISCONNECT",
        1001,
        "Going away",
    )


def test_identity_sources_must_be_present_and_non_empty() -> None:
    sources = ["route.request.querystring.token", "route.request.header.X-Device"]
    assert not missing_identity(sources, Headers({"X-Device": "d"}), "token=a")
    assert missing_identity(sources, Headers({"X-Device": "d"}), "token=")
    assert missing_identity(sources, Headers({}), "token=a")


def _policy(effect: str, resource: str = "arn:*", context: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}
    return {"principalId": "u1", "policyDocument": {"Statement": [statement]}, "context": context or {}}


def test_the_authorizer_allows_denies_and_stringifies_its_context() -> None:
    arn = "arn:aws:execute-api:eu-west-1:1:abc/dev/$connect"
    context = authorizer_context(_policy("Allow", "arn:aws:execute-api:*:*:abc/*", {"id": 7, "ok": True}), arn)
    assert context == {"id": "7", "ok": "true", "principalId": "u1"}
    with pytest.raises(Refused) as denied:
        authorizer_context(_policy("Deny"), arn)
    assert denied.value.status == 403
    with pytest.raises(Refused) as elsewhere:
        authorizer_context(_policy("Allow", "arn:aws:execute-api:*:*:other/*"), arn)
    assert elsewhere.value.status == 403
    for bad in ({"no": "policy"}, _policy("Allow", context={"nested": {"a": 1}})):
        with pytest.raises(Refused) as broken:
            authorizer_context(bad, arn)
        assert broken.value.status == 500
