"""The local cloud's WebSocket API, driven by a real WebSocket client against tests/fixtures/websocket_echo."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from websockets.asyncio.client import connect as async_connect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from infrastructure.local_cloud.cloud import LocalCloud
from tests.conftest import ROOT

API = "EchoWebSocketApi"


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    local = LocalCloud(
        extra_templates=[ROOT / "tests" / "fixtures" / "websocket_echo" / "template.yaml"],
        api_port=None,
        moto_port=None,
        websocket_port=None,
        state_dir=tmp_path_factory.mktemp("stride-state"),
    )
    local.start()
    yield local
    local.stop()


@pytest.fixture(scope="module")
def url(cloud: LocalCloud) -> str:
    return cloud.websocket_endpoint(API)[0]


@pytest.fixture(scope="module")
def management(cloud: LocalCloud) -> Any:
    endpoint = cloud.websocket_endpoint(API)[1]
    return boto3.client("apigatewaymanagementapi", endpoint_url=endpoint, region_name=cloud.region)


def _open(url: str, query: str = "?token=good") -> ClientConnection:
    return connect(url + query, proxy=None, open_timeout=30)


def _ask(socket: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    socket.send(json.dumps(message))
    return json.loads(socket.recv(timeout=30))


def _connection_id(socket: ClientConnection) -> str:
    return str(_ask(socket, {"action": "echo"})["request"]["connectionId"])


def _record(cloud: LocalCloud, key: str, timeout_s: float = 20.0) -> dict[str, Any]:
    """An object the fixture's functions wrote, polled for (a $disconnect runs after the close)."""
    s3 = cloud.client("s3")
    bucket = cloud.state.physical["EchoRecordsBucket"] if cloud.state else ""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        except s3.exceptions.NoSuchKey:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _refused_status(url: str, query: str) -> tuple[int, bytes]:
    with pytest.raises(InvalidStatus) as refused:
        _open(url, query)
    return refused.value.response.status_code, bytes(refused.value.response.body or b"")


def test_local_info_and_function_environment_name_the_local_endpoints(cloud: LocalCloud) -> None:
    # Given the cloud with the fixture's WebSocket API
    ws_url, management_url = cloud.websocket_endpoint(API)
    # Then clients get a ws:// URL on loopback with the stage, and the function's AWS-form endpoint variable
    # (https://<api>.execute-api.<region>.amazonaws.com/<stage>) was rewritten to the local management endpoint
    assert ws_url.startswith(f"ws://127.0.0.1:{cloud.websocket_port}/") and ws_url.endswith("/local")
    environment = cloud.pools["EchoRouteFunction"].spec.environment
    assert environment["ECHO_WEBSOCKET_ENDPOINT"] == management_url
    assert cloud.info is not None and cloud.info.websocket_url is not None


def test_connections_without_a_good_token_are_refused(url: str) -> None:
    # Given no token, a token the authorizer denies, and one it rejects by raising "Unauthorized"
    # Then the handshake is refused as API Gateway does: 401 without identity, 403 on Deny, 401 on Unauthorized
    assert _refused_status(url, "") == (401, b'{"message": "Unauthorized"}')
    assert _refused_status(url, "?token=") == (401, b'{"message": "Unauthorized"}')
    assert _refused_status(url, "?token=bad") == (403, b'{"message": "Forbidden"}')
    assert _refused_status(url, "?token=forged")[0] == 401


def test_a_non_2xx_connect_answer_refuses_the_handshake_with_that_status(url: str) -> None:
    # Given an authorized client whose $connect function answers 418
    status, body = _refused_status(url, "?token=good&refuse=418")
    # Then the handshake fails with that status and body
    assert (status, body) == (418, b"refused by $connect")


def test_an_unknown_stage_is_forbidden(cloud: LocalCloud) -> None:
    status, _ = _refused_status(f"ws://127.0.0.1:{cloud.websocket_port}/nope/local", "?token=good")
    assert status == 403


def test_echo_route_answers_through_its_route_response_with_the_authorizer_context(cloud: LocalCloud, url: str) -> None:
    # Given a connected client
    with _open(url) as socket:
        # When it sends a frame whose action is "echo"
        answer = _ask(socket, {"action": "echo", "n": 1})
        # Then the function's body comes back, and the event had API Gateway's MESSAGE shape
        assert answer["echo"] == {"action": "echo", "n": 1}
        request = answer["request"]
        assert request["routeKey"] == "echo" and request["eventType"] == "MESSAGE"
        assert cloud.state is not None
        assert request["stage"] == "local" and request["apiId"] == cloud.state.websocket_apis[API].api_id
        assert request["messageId"] and request["requestId"] and request["connectedAt"] > 0
        assert request["domainName"] == f"{request['apiId']}.execute-api.{cloud.region}.amazonaws.com"
        # And the authorizer's context (as strings) and principalId reach every route of the connection
        assert request["authorizer"] == {
            "kind": "test",
            "level": "3",
            "trusted": "true",
            "route": "$connect",
            "principalId": "tester",
        }
        # And $connect got the query string, headers and the same context
        connected = _record(cloud, f"connect/{request['connectionId']}.json")
        assert connected["queryStringParameters"] == {"token": "good"}
        assert connected["requestContext"]["eventType"] == "CONNECT"
        assert connected["requestContext"]["authorizer"]["principalId"] == "tester"
        assert "Sec-WebSocket-Key" in connected["headers"]


def test_default_route_takes_frames_no_route_matches(url: str) -> None:
    with _open(url) as socket:
        # Given frames that are not JSON, name no route, or are binary
        socket.send("just text")
        assert json.loads(socket.recv(timeout=30)) == {"default": "just text", "isBase64Encoded": False}
        assert json.loads(_ask(socket, {"action": "nope"})["default"]) == {"action": "nope"}
        socket.send(b"\x00\x01")
        # Then $default gets them (binary ones base64-encoded)
        assert json.loads(socket.recv(timeout=30)) == {"default": "AAE=", "isBase64Encoded": True}


def test_one_way_routes_send_nothing_back_and_failures_send_api_gateways_error(cloud: LocalCloud, url: str) -> None:
    with _open(url) as socket:
        connection_id = _connection_id(socket)
        # Given a route without a route response
        socket.send(json.dumps({"action": "oneway", "n": 7}))
        # Then its function ran, but the next frame the client gets answers the next (two-way) message
        assert _record(cloud, f"oneway/{connection_id}.json") == {"action": "oneway", "n": 7}
        assert _ask(socket, {"action": "echo", "after": True})["echo"]["after"] is True
        # And a failing function answers API Gateway's error frame
        failed = _ask(socket, {"action": "fail"})
        assert failed["message"] == "Internal server error" and failed["connectionId"] == connection_id


def test_a_function_pushes_to_another_connection_with_post_to_connection(url: str) -> None:
    # Given two clients
    with _open(url) as sender, _open(url) as receiver:
        target = _connection_id(receiver)
        # When the sender's route function calls PostToConnection for the receiver
        assert _ask(sender, {"action": "push", "to": target, "text": "hello"}) == {"pushed": True}
        # Then the receiver gets the frame
        pushed = json.loads(receiver.recv(timeout=30))
        assert pushed == {"pushed": "hello", "from": _connection_id(sender)}


def test_disconnect_runs_on_close_and_the_connection_is_gone(cloud: LocalCloud, url: str, management: Any) -> None:
    # Given a client that connected and then closed
    with _open(url) as socket:
        connection_id = _connection_id(socket)
        assert management.get_connection(ConnectionId=connection_id)["Identity"]["SourceIp"] == "127.0.0.1"
    # Then $disconnect ran with the close code and the connection's authorizer context
    disconnected = _record(cloud, f"disconnect/{connection_id}.json")
    assert disconnected["requestContext"]["eventType"] == "DISCONNECT"
    assert disconnected["requestContext"]["disconnectStatusCode"] == 1000
    assert disconnected["requestContext"]["authorizer"]["kind"] == "test"
    # And the management API answers GoneException, to a client and to a function alike
    with pytest.raises(ClientError) as gone:
        management.post_to_connection(ConnectionId=connection_id, Data=b"late")
    assert gone.value.response["Error"]["Code"] == "GoneException"
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 410
    with pytest.raises(ClientError) as gone_get:
        management.get_connection(ConnectionId=connection_id)
    assert gone_get.value.response["Error"]["Code"] == "GoneException"
    with _open(url) as sender:
        assert _ask(sender, {"action": "push", "to": connection_id, "text": "x"}) == {
            "pushed": False,
            "error": "GoneException",
        }


def test_delete_connection_closes_the_client(url: str, management: Any) -> None:
    with _open(url) as socket:
        connection_id = _connection_id(socket)
        management.delete_connection(ConnectionId=connection_id)
        # The client sees the close; the management API forgets the connection at once
        with pytest.raises(Exception, match="1000"):
            socket.recv(timeout=30)
        with pytest.raises(ClientError, match="GoneException"):
            management.post_to_connection(ConnectionId=connection_id, Data=b"x")


def test_payloads_over_128_kb_are_refused(url: str, management: Any) -> None:
    with _open(url) as socket:
        connection_id = _connection_id(socket)
        with pytest.raises(ClientError) as too_large:
            management.post_to_connection(ConnectionId=connection_id, Data=b"x" * (128 * 1024 + 1))
        assert too_large.value.response["Error"]["Code"] == "PayloadTooLargeException"
        management.post_to_connection(ConnectionId=connection_id, Data=b"fits")
        assert socket.recv(timeout=30) == "fits"


def test_hundreds_of_connections_at_once(cloud: LocalCloud, url: str, management: Any) -> None:
    # Given 300 clients connected at the same time
    count = 300

    async def run() -> list[tuple[str, str]]:
        sockets = await asyncio.gather(
            *(async_connect(url + "?token=good", proxy=None, open_timeout=120) for _ in range(count))
        )
        try:
            # When each asks for an echo, and then every connection gets a PostToConnection
            ids = []
            for socket in sockets:
                await socket.send(json.dumps({"action": "echo"}))
            for socket in sockets:
                ids.append(json.loads(await asyncio.wait_for(socket.recv(), 120))["request"]["connectionId"])
            loop = asyncio.get_running_loop()
            with ThreadPoolExecutor(8) as pool:
                await asyncio.gather(
                    *(
                        loop.run_in_executor(
                            pool, lambda c=c: management.post_to_connection(ConnectionId=c, Data=c.encode())
                        )
                        for c in ids
                    )
                )
            received = [await asyncio.wait_for(s.recv(), 60) for s in sockets]
            return list(zip(ids, received, strict=True))
        finally:
            await asyncio.gather(*(s.close() for s in sockets))

    pairs = asyncio.run(run())
    # Then every client got its own echo and exactly its own pushed frame
    assert len({connection_id for connection_id, _ in pairs}) == count
    assert all(connection_id == frame for connection_id, frame in pairs)
