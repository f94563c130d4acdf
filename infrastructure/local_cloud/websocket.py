"""API Gateway WebSocket APIs on loopback: connections, the REQUEST authorizer, routes, and the management API.

moto serves neither WebSockets nor ``PostToConnection``, so this module does what API Gateway does for an
``AWS::ApiGatewayV2::Api`` with ProtocolType WEBSOCKET (described by the provisioner as a ``WebSocketApi``):

- the opening handshake runs the ``$connect`` route's REQUEST authorizer, then ``$connect``; a refusal or a non-2xx
  answer refuses the handshake with that HTTP status;
- each frame picks a route by the API's RouteSelectionExpression (``$request.body.<field>``), else ``$default``,
  and invokes its function with API Gateway's event; a two-way route (with a route response) sends the
  function's body back; the authorizer's context rides along on every route of the connection;
- closing runs ``$disconnect``;
- the management API (``PostToConnection``, ``GetConnection``, ``DeleteConnection``, the paths botocore's
  ``apigatewaymanagementapi`` model sends) is a small HTTP/1.1 server on its own loopback port.

Everything runs on one asyncio loop in its own thread; functions are blocking (``FunctionPool.invoke``) and run
in a thread pool, never on the loop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import fnmatch
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from infrastructure.local_cloud.provisioner import ACCOUNT_ID, WebSocketApi, WebSocketRoute
from infrastructure.local_cloud.runtime import FunctionPool, InvokeResult

log = logging.getLogger("stride.local_cloud")
MAX_FRAME_BYTES = 128 * 1024  # API Gateway's WebSocket message and PostToConnection payload limit
SEND_TIMEOUT_S = 10.0  # a client that reads nothing for this long makes PostToConnection fail (429)
_MANAGEMENT_PATH = "/@connections/"


def new_id(size: int = 11) -> str:
    """A connection or request id in API Gateway's style (e.g. ``L0SM9cOFvHcCIhw=``), safe in a URL path."""
    return base64.urlsafe_b64encode(os.urandom(size)).decode()


@dataclass
class Connection:
    id: str
    api: WebSocketApi
    connected_at_ms: int
    source_ip: str
    user_agent: str | None
    authorizer: dict[str, Any] | None = None  # the authorizer's context + principalId, for every route
    last_active_ms: int = 0
    socket: ServerConnection | None = field(default=None, repr=False)


class Refused(Exception):  # noqa: N818
    """The opening handshake is refused with this HTTP status and body (API Gateway's {"message": ...} by default)."""

    def __init__(self, status: int, message: str, body: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = json.dumps({"message": message}) if body is None else body


# ---------------------------------------------------------------- pure parts: routes and event shapes
def select_route(api: WebSocketApi, data: str | bytes) -> str | None:
    """The route key API Gateway picks for a frame: the selection expression's value when a route has that
    key, else ``$default``, else None (API Gateway answers "Forbidden")."""
    expression = api.route_selection_expression
    if expression.startswith("$request.body.") and isinstance(data, str):
        value: Any
        try:
            value = json.loads(data)
        except ValueError:
            value = None
        for name in expression.removeprefix("$request.body.").split("."):
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            key = str(value)
            if key in api.routes and not key.startswith("$"):
                return key
    return "$default" if "$default" in api.routes else None


def _request_context(
    api: WebSocketApi, connection: Connection, route_key: str, event_type: str, request_id: str
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": api.stage,
        "connectedAt": connection.connected_at_ms,
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
        "requestId": request_id,
        "domainName": domain_name(api),
        "connectionId": connection.id,
        "apiId": api.api_id,
    }


def domain_name(api: WebSocketApi) -> str:
    """AWS's host name for the API (functions must take the management endpoint from their environment)."""
    return f"{api.api_id}.execute-api.{api.region}.amazonaws.com"


def _http_parts(headers: Headers, query: str) -> dict[str, Any]:
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers.raw_items():
        multi_headers.setdefault(name, []).append(value)
    multi_query = parse_qs(query, keep_blank_values=True) if query else {}
    return {
        "headers": {name: values[-1] for name, values in multi_headers.items()},
        "multiValueHeaders": multi_headers,
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
    }


def authorizer_event(
    api: WebSocketApi, connection: Connection, headers: Headers, query: str, request_id: str
) -> dict[str, Any]:
    """What a REQUEST authorizer of a WebSocket API receives on ``$connect``."""
    return {
        "type": "REQUEST",
        "methodArn": method_arn(api, "$connect"),
        **_http_parts(headers, query),
        "stageVariables": {},
        "requestContext": _request_context(api, connection, "$connect", "CONNECT", request_id),
    }


def method_arn(api: WebSocketApi, route_key: str) -> str:
    return f"arn:aws:execute-api:{api.region}:{ACCOUNT_ID}:{api.api_id}/{api.stage}/{route_key}"


def connect_event(
    api: WebSocketApi, connection: Connection, headers: Headers, query: str, request_id: str
) -> dict[str, Any]:
    context = _request_context(api, connection, "$connect", "CONNECT", request_id)
    if connection.authorizer is not None:
        context["authorizer"] = dict(connection.authorizer)
    return {**_http_parts(headers, query), "requestContext": context, "isBase64Encoded": False}


def message_event(
    api: WebSocketApi, connection: Connection, route_key: str, data: str | bytes, request_id: str
) -> dict[str, Any]:
    context = _request_context(api, connection, route_key, "MESSAGE", request_id)
    context["messageId"] = new_id()
    if connection.authorizer is not None:
        context["authorizer"] = dict(connection.authorizer)
    binary = isinstance(data, bytes)
    body = base64.b64encode(data).decode() if isinstance(data, bytes) else data
    return {"requestContext": context, "body": body, "isBase64Encoded": binary}


def disconnect_event(
    api: WebSocketApi, connection: Connection, status_code: int, reason: str, request_id: str
) -> dict[str, Any]:
    context = _request_context(api, connection, "$disconnect", "DISCONNECT", request_id)
    context["disconnectStatusCode"] = status_code
    context["disconnectReason"] = reason
    if connection.authorizer is not None:
        context["authorizer"] = dict(connection.authorizer)
    headers = {"Host": domain_name(api), "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""}
    return {
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "requestContext": context,
        "isBase64Encoded": False,
    }


def missing_identity(identity_sources: list[str], headers: Headers, query: str) -> bool:
    """API Gateway refuses (401) without calling the authorizer when an identity source is absent or empty."""
    params = parse_qs(query, keep_blank_values=True) if query else {}
    for source in identity_sources:
        if source.startswith("route.request.querystring."):
            values = params.get(source.removeprefix("route.request.querystring."), [])
            if not values or not values[-1]:
                return True
        elif source.startswith("route.request.header.") and not headers.get(
            source.removeprefix("route.request.header."), ""
        ):
            return True
    return False


def authorizer_context(answer: Any, arn: str) -> dict[str, Any]:
    """The connection's authorizer context from a REQUEST authorizer's answer, or ``Refused``.

    Allowed when a statement allows ``execute-api:Invoke`` on the method ARN and none denies it. Context values
    reach later routes as strings (numbers and booleans are turned into strings; anything else fails the
    authorizer, a 500, as in AWS), plus ``principalId``."""
    if not isinstance(answer, dict) or "policyDocument" not in answer:
        raise Refused(500, "Internal server error")
    statements = answer["policyDocument"].get("Statement") or []
    if isinstance(statements, dict):
        statements = [statements]

    def matches(statement: dict[str, Any]) -> bool:
        resources = statement.get("Resource", [])
        actions = statement.get("Action", [])
        resources = [resources] if isinstance(resources, str) else resources
        actions = [actions] if isinstance(actions, str) else actions
        return any(fnmatch.fnmatchcase(arn, r) for r in resources) and any(
            fnmatch.fnmatchcase("execute-api:Invoke", a) for a in actions
        )

    effects = {str(s.get("Effect", "")).lower() for s in statements if isinstance(s, dict) and matches(s)}
    if "deny" in effects or "allow" not in effects:
        raise Refused(403, "Forbidden")
    context: dict[str, Any] = {}
    for key, value in (answer.get("context") or {}).items():
        if not isinstance(value, str | int | float | bool):
            log.error("authorizer context %r is not a string, number or boolean", key)
            raise Refused(500, "Internal server error")
        context[key] = str(value).lower() if isinstance(value, bool) else str(value)
    context["principalId"] = str(answer.get("principalId", ""))
    return context


# ---------------------------------------------------------------- the server
class WebSocketServer:
    """Serves every WebSocket API of the template on one port (``/<stage>`` reaches the primary API,
    ``/<api id>/<stage>`` any of them) and their management API on another."""

    def __init__(
        self,
        apis: Mapping[str, WebSocketApi],
        pools: dict[str, FunctionPool],
        host: str,
        port: int,
        management_port: int,
        primary: str | None = None,
        max_invocations: int = 64,
    ) -> None:
        self.apis = dict(apis)
        self.primary = self.apis[primary] if primary else next(iter(self.apis.values()))
        self.pools = pools
        self.host, self.port, self.management_port = host, port, management_port
        self._by_id = {api.api_id: api for api in self.apis.values()}
        self._connections: dict[str, Connection] = {}
        self._pending: dict[ServerConnection, Connection] = {}
        self._closing: set[asyncio.Task[None]] = set()  # DeleteConnection closes (a task needs a reference)
        self._executor = ThreadPoolExecutor(max_workers=max_invocations, thread_name_prefix="ws-invoke")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.counters = {"connected": 0, "refused": 0, "messages": 0, "posts": 0, "gone": 0, "disconnected": 0}

    # ---------------------------------------------------------------- addresses
    def url(self, logical_id: str | None = None) -> str:
        api = self.apis[logical_id] if logical_id else self.primary
        path = f"/{api.stage}" if api is self.primary else f"/{api.api_id}/{api.stage}"
        return f"ws://{self.host}:{self.port}{path}"

    def management_url(self, logical_id: str | None = None) -> str:
        """The endpoint_url of an ``apigatewaymanagementapi`` client for the API (what functions are given)."""
        api = self.apis[logical_id] if logical_id else self.primary
        return f"http://{self.host}:{self.management_port}/{api.api_id}/{api.stage}"

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="websocket", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._failure is not None:
            raise RuntimeError(f"the WebSocket server did not start: {self._failure}") from self._failure

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # loop already gone
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported to start(), which raises it
            self._failure = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(
            self._handle,
            self.host,
            self.port,
            process_request=self._process_request,
            compression=None,  # API Gateway does not negotiate permessage-deflate
            max_size=MAX_FRAME_BYTES,
            ping_interval=None,  # API Gateway answers pings but sends none (idle timeout instead)
            close_timeout=2,
            # The handshake waits for the authorizer and $connect; locally they queue for the function pool
            # (8 environments) when thousands connect at once, where API Gateway would scale out.
            open_timeout=None,
            backlog=4096,
        ):
            management = await asyncio.start_server(self._management, self.host, self.management_port, backlog=4096)
            self._ready.set()
            await self._stop.wait()
            self._stopping = True
            management.close()

    # ---------------------------------------------------------------- invoking functions
    async def _invoke(self, function: str, event: dict[str, Any]) -> InvokeResult:
        assert self._loop is not None
        return await self._loop.run_in_executor(self._executor, self.pools[function].invoke, event, None)

    # ---------------------------------------------------------------- opening handshake
    def _api_for(self, path: str) -> WebSocketApi | None:
        parts = [p for p in path.split("/") if p]
        if len(parts) == 1 and parts[0] == self.primary.stage:
            return self.primary
        if len(parts) == 2 and parts[0] in self._by_id and self._by_id[parts[0]].stage == parts[1]:  # noqa: PLR2004
            return self._by_id[parts[0]]
        return None

    async def _process_request(self, socket: ServerConnection, request: Request) -> Response | None:
        split = urlsplit(request.path)
        api = self._api_for(split.path)
        if api is None:
            return socket.respond(403, json.dumps({"message": "Forbidden"}))
        address = socket.remote_address
        now_ms = int(time.time() * 1000)
        connection = Connection(
            id=new_id(),
            api=api,
            connected_at_ms=now_ms,
            source_ip=str(address[0]) if address else "127.0.0.1",
            user_agent=request.headers.get("User-Agent"),
            last_active_ms=now_ms,
        )
        try:
            await self._connect(api, connection, request.headers, split.query)
        except Refused as refused:
            self.counters["refused"] += 1
            return socket.respond(refused.status, refused.body)
        self._pending[socket] = connection
        return None

    async def _connect(self, api: WebSocketApi, connection: Connection, headers: Headers, query: str) -> None:
        route = api.routes.get("$connect")
        if route is None:
            return
        if route.authorizer is not None:
            authorizer = api.authorizers[route.authorizer]
            if missing_identity(authorizer.identity_sources, headers, query):
                raise Refused(401, "Unauthorized")
            event = authorizer_event(api, connection, headers, query, new_id(10))
            result = await self._invoke(authorizer.function, event)
            if not result.ok:
                # Lambda authorizers refuse by raising "Unauthorized" (401); any other failure is a 500.
                if str((result.payload or {}).get("errorMessage")) == "Unauthorized":
                    raise Refused(401, "Unauthorized")
                raise Refused(500, "Internal server error")
            connection.authorizer = authorizer_context(result.payload, event["methodArn"])
        result = await self._invoke(route.function, connect_event(api, connection, headers, query, new_id(10)))
        if not result.ok:
            raise Refused(500, "Internal server error")
        payload = result.payload if isinstance(result.payload, dict) else {}
        status = int(payload.get("statusCode", 200))
        if not 200 <= status < 300:  # noqa: PLR2004
            raise Refused(status, "refused by $connect", str(payload.get("body") or ""))

    # ---------------------------------------------------------------- an open connection
    async def _handle(self, socket: ServerConnection) -> None:
        connection = self._pending.pop(socket)
        connection.socket = socket
        self._connections[connection.id] = connection
        self.counters["connected"] += 1
        try:
            async for data in socket:
                connection.last_active_ms = int(time.time() * 1000)
                await self._message(connection, data)
        except ConnectionClosed:
            pass
        finally:
            self._connections.pop(connection.id, None)
            self.counters["disconnected"] += 1
            route = connection.api.routes.get("$disconnect")
            if route is not None and not self._stopping:
                status = socket.close_code or 1006
                reason = socket.close_reason or _close_reason(status)
                event = disconnect_event(connection.api, connection, status, reason, new_id(10))
                result = await self._invoke(route.function, event)
                if not result.ok:
                    log.error("$disconnect of %s failed: %s", connection.api.name, result.error_type)

    async def _message(self, connection: Connection, data: str | bytes) -> None:
        self.counters["messages"] += 1
        socket = connection.socket
        assert socket is not None
        request_id = new_id(10)
        key = select_route(connection.api, data)
        if key is None:
            await _send_error(socket, "Forbidden", connection.id, request_id)
            return
        route: WebSocketRoute = connection.api.routes[key]
        result = await self._invoke(route.function, message_event(connection.api, connection, key, data, request_id))
        if not result.ok:
            log.error("route %s of %s failed: %s", key, connection.api.name, result.error_type)
            await _send_error(socket, "Internal server error", connection.id, request_id)
            return
        if not route.two_way or not isinstance(result.payload, dict) or result.payload.get("body") is None:
            return
        body = result.payload["body"]
        reply: str | bytes = base64.b64decode(body) if result.payload.get("isBase64Encoded") else str(body)
        with contextlib.suppress(ConnectionClosed):
            await socket.send(reply)

    # ---------------------------------------------------------------- management API
    async def _management(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """HTTP/1.1 with keep-alive, enough for botocore: one request at a time per TCP connection."""
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                if headers.get("expect", "").lower() == "100-continue":
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                status, extra, payload = await self._manage(method, target, body)
                reason = _REASONS.get(status, "OK")
                response = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(payload)}"]
                response += [f"{k}: {v}" for k, v in extra.items()]
                writer.write(("\r\n".join(response) + "\r\n\r\n").encode("latin-1") + payload)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def _manage(self, method: str, target: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        path = urlsplit(target).path
        prefix, marker, connection_id = path.partition(_MANAGEMENT_PATH)
        parts = [p for p in prefix.split("/") if p]
        api = self._by_id.get(parts[0]) if len(parts) == 2 else self.primary  # noqa: PLR2004
        if not marker or not connection_id or api is None or (parts and parts[-1] != api.stage):
            return _error(403, "ForbiddenException", "Forbidden")
        connection = self._connections.get(unquote(connection_id))
        if connection is None or connection.api is not api or connection.socket is None:
            self.counters["gone"] += 1
            return _error(410, "GoneException", None)
        operation = {"POST": self._post, "GET": self._get, "DELETE": self._delete}.get(method)
        if operation is None:
            return _error(403, "ForbiddenException", "Forbidden")
        return await operation(connection, body)

    async def _post(self, connection: Connection, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """PostToConnection: a text frame when the data is UTF-8 (as API Gateway sends JSON), else binary."""
        assert connection.socket is not None
        if len(body) > MAX_FRAME_BYTES:
            return _error(413, "PayloadTooLargeException", "Message too long")
        self.counters["posts"] += 1
        frame: str | bytes
        try:
            frame = body.decode("utf-8")
        except UnicodeDecodeError:
            frame = body
        try:
            await asyncio.wait_for(connection.socket.send(frame), SEND_TIMEOUT_S)
        except ConnectionClosed:
            self.counters["gone"] += 1
            return _error(410, "GoneException", None)
        except TimeoutError:
            return _error(429, "LimitExceededException", "the client's buffer is full")
        return 200, {}, b""

    async def _get(self, connection: Connection, _: bytes) -> tuple[int, dict[str, str], bytes]:
        answer = {
            "connectedAt": _iso(connection.connected_at_ms),
            "identity": {"sourceIp": connection.source_ip, "userAgent": connection.user_agent},
            "lastActiveAt": _iso(connection.last_active_ms),
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    async def _delete(self, connection: Connection, _: bytes) -> tuple[int, dict[str, str], bytes]:
        """Gone at once for the management API; the close handshake and $disconnect follow."""
        assert connection.socket is not None
        self._connections.pop(connection.id, None)
        task = asyncio.get_running_loop().create_task(connection.socket.close(1000, "deleted"))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return 204, {}, b""


_REASONS = {200: "OK", 204: "No Content", 403: "Forbidden", 410: "Gone", 413: "Payload Too Large", 429: "Too Many"}


def _error(status: int, code: str, message: str | None) -> tuple[int, dict[str, str], bytes]:
    """botocore reads the error code from x-amzn-ErrorType (so ClientError's code is e.g. "GoneException")."""
    headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
    return status, headers, json.dumps({"message": message}).encode()


async def _send_error(socket: ServerConnection, message: str, connection_id: str, request_id: str) -> None:
    """API Gateway's own error frame (no route matched, or the integration failed)."""
    with contextlib.suppress(ConnectionClosed):
        await socket.send(json.dumps({"message": message, "connectionId": connection_id, "requestId": request_id}))


def _close_reason(status: int) -> str:
    return {1005: "Client-side close frame status not set", 1006: "Connection closed abnormally"}.get(status, "")


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
