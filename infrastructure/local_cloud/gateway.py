"""API Gateway on loopback: routes from the template, Cognito token checks, REST proxy (v1) events, throttling.

Each request becomes the event API Gateway would send to the route's function, and the function's answer is
written back as API Gateway would. Gateway answers (401, 404, 413, 429, 5xx) use the template's
``GatewayResponses``, so clients see the same Fault bodies locally and in AWS.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from infrastructure.local_cloud.auth import CognitoVerifier, TokenRejected, claims_for_lambda
from infrastructure.local_cloud.provisioner import Route
from infrastructure.local_cloud.runtime import FunctionPool

log = logging.getLogger("stride.local_cloud")
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's limit
STAGE = "v1"


@dataclass
class _CompiledRoute:
    route: Route
    pattern: re.Pattern[str]
    literal_segments: int


def _compile(route: Route) -> _CompiledRoute:
    parts = []
    literal = 0
    for segment in route.path.strip("/").split("/"):
        if segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
        elif segment.startswith("{"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literal += 1
    return _CompiledRoute(route, re.compile("^/" + "/".join(parts) + "$"), literal)


class TokenBucket:
    """API Gateway's stage throttling: a steady rate with a burst allowance."""

    def __init__(self, rate: float, burst: float) -> None:
        self.configure(rate, burst)

    def configure(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.updated = rate, burst, burst, time.monotonic()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Gateway:
    def __init__(
        self,
        routes: list[Route],
        pools: dict[str, FunctionPool],
        verifiers: dict[str, CognitoVerifier],
        gateway_responses: dict[str, Any],
        binary_media_types: list[str],
        throttle: tuple[float, float] | None,
        static: dict[str, Callable[[], tuple[str, bytes]]],
    ) -> None:
        self.routes = sorted((_compile(r) for r in routes), key=lambda c: -c.literal_segments)
        self.pools = pools
        self.verifiers = verifiers
        self.gateway_responses = gateway_responses
        self.binary_media_types = binary_media_types
        self.throttle = TokenBucket(*throttle) if throttle else None
        self.static = static
        self._server: ThreadingHTTPServer | None = None

    # ---------------------------------------------------------------- gateway answers
    def gateway_answer(self, kind: str, default_status: int, fallback_message: str) -> Answer:
        spec = (
            self.gateway_responses.get(kind)
            or self.gateway_responses.get("DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX")
            or {}
        )
        status = int(spec.get("statusCode", default_status)) if kind in self.gateway_responses else default_status
        body = (spec.get("responseTemplates") or {}).get("application/json") or json.dumps(
            {"message": fallback_message, "errors": []}
        )
        headers = [("Content-Type", "application/json")]
        for name, value in (spec.get("responseParameters") or {}).items():
            if name.startswith("gatewayresponse.header."):
                headers.append((name.removeprefix("gatewayresponse.header."), str(value).strip("'")))
        return Answer(status, headers, body.encode())

    # ---------------------------------------------------------------- request handling
    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for compiled in self.routes:
            found = compiled.pattern.match(path)
            if found and compiled.route.method in (method, "ANY"):
                return compiled.route, found.groupdict()
        return None

    def handle(  # noqa: PLR0911 - one early answer per gateway check, in API Gateway's order
        self, method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes, client_ip: str
    ) -> Answer:
        split = urlsplit(raw_path)
        path = split.path or "/"
        if method == "GET" and path in self.static:
            content_type, payload = self.static[path]()
            return Answer(200, [("Content-Type", content_type)], payload)
        if self.throttle is not None and not self.throttle.take():
            return self.gateway_answer("THROTTLED", 429, "Too Many Requests")
        if len(body) > MAX_PAYLOAD_BYTES:
            return self.gateway_answer("REQUEST_TOO_LARGE", 413, "Request Too Large")
        matched = self.match(method, path)
        if matched is None:
            return self.gateway_answer("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
        route, path_parameters = matched
        header_map = {name.lower(): value for name, value in headers}
        authorizer: dict[str, Any] | None = None
        if route.authorizer:
            verifier = self.verifiers[route.authorizer]
            try:
                verified = verifier.verify(header_map.get("authorization"), route.scopes)
            except TokenRejected as rejected:
                log.info("401 %s %s: %s", method, path, rejected)
                return self.gateway_answer("UNAUTHORIZED", 401, "Unauthorized")
            authorizer = {"claims": claims_for_lambda(verified.claims)}
        event = self._event(method, path, split.query, headers, body, route, path_parameters, authorizer, client_ip)
        result = self.pools[route.function].invoke(event, event["requestContext"]["requestId"])
        if not result.ok or not isinstance(result.payload, dict) or "statusCode" not in result.payload:
            log.error("function %s failed: %s", route.function, (result.payload or {}).get("errorType"))
            return self.gateway_answer("DEFAULT_5XX", 502, "Internal server error")
        return self._answer(result.payload)

    def _event(
        self,
        method: str,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        route: Route,
        path_parameters: dict[str, str],
        authorizer: dict[str, Any] | None,
        client_ip: str,
    ) -> dict[str, Any]:
        multi_headers: dict[str, list[str]] = {}
        for name, value in headers:
            multi_headers.setdefault(name, []).append(value)
        multi_query = parse_qs(query, keep_blank_values=True) if query else {}
        content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
        is_binary = any(content_type.startswith(t) for t in self.binary_media_types)
        text_body: str | None
        if not body:
            text_body = None
        elif is_binary:
            text_body = base64.b64encode(body).decode()
        else:
            text_body = body.decode("utf-8", errors="replace")
        now = datetime.now(UTC)
        request_id = str(uuid.uuid4())
        return {
            "resource": route.path,
            "path": path,
            "httpMethod": method,
            "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": "local",
                "resourcePath": route.path,
                "httpMethod": method,
                "extendedRequestId": request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": f"/{STAGE}{path}",
                "accountId": "123456789012",
                "protocol": "HTTP/1.1",
                "stage": STAGE,
                "domainPrefix": "localhost",
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "requestId": request_id,
                "identity": {
                    "sourceIp": client_ip,
                    "userAgent": next((v for n, v in headers if n.lower() == "user-agent"), None),
                },
                "domainName": "localhost",
                "apiId": "local",
                "authorizer": authorizer,
            },
            "body": text_body,
            "isBase64Encoded": is_binary and bool(body),
        }

    @staticmethod
    def _answer(payload: dict[str, Any]) -> Answer:
        headers: list[tuple[str, str]] = [(k, str(v)) for k, v in (payload.get("headers") or {}).items()]
        for name, values in (payload.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(v)) for v in values)
        body = payload.get("body") or ""
        data = base64.b64decode(body) if payload.get("isBase64Encoded") else str(body).encode()
        return Answer(int(payload["statusCode"]), headers, data)

    # ---------------------------------------------------------------- server
    def serve(self, host: str, port: int) -> int:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body are two writes; without this, Nagle plus delayed ACK adds ~40 ms per answer.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_PAYLOAD_BYTES:
                    answer = gateway.gateway_answer("REQUEST_TOO_LARGE", 413, "Request Too Large")
                    self.close_connection = True
                else:
                    body = self.rfile.read(length) if length else b""
                    try:
                        answer = gateway.handle(
                            self.command, self.path, list(self.headers.items()), body, self.client_address[0]
                        )
                    except Exception:
                        log.exception("gateway error")
                        answer = gateway.gateway_answer("DEFAULT_5XX", 500, "Internal server error")
                self.send_response(answer.status)
                for name, value in answer.headers:
                    if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                log.debug("%s " + format, self.client_address[0], *args)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self._server = Server((host, port), Handler)
        threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True).start()
        return int(self._server.server_address[1])

    def shutdown(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def swagger_page(openapi_url: str) -> bytes:
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Stride API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({{url: "{openapi_url}", dom_id: "#swagger-ui", persistAuthorization: true}});</script>
</body></html>""".encode()


def swagger_assets() -> dict[str, Callable[[], tuple[str, bytes]]]:
    from swagger_ui_bundle import swagger_ui_path

    folder = Path(swagger_ui_path)
    return {
        "/docs/swagger-ui.css": lambda: ("text/css", (folder / "swagger-ui.css").read_bytes()),
        "/docs/swagger-ui-bundle.js": lambda: (
            "application/javascript",
            (folder / "swagger-ui-bundle.js").read_bytes(),
        ),
    }
