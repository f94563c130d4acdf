"""Bring the whole of Stride up on loopback: moto, resources from template.yaml, functions, gateway, triggers,
and the WebSocket API (with its management endpoint) when the template has one."""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3

from infrastructure.local_cloud.auth import CognitoVerifier
from infrastructure.local_cloud.gateway import Gateway, swagger_assets, swagger_page
from infrastructure.local_cloud.provisioner import Provisioned, Provisioner
from infrastructure.local_cloud.runtime import FunctionPool, Report
from infrastructure.local_cloud.template import expand, load_template
from infrastructure.local_cloud.triggers import AsyncInvoker, QueueDelivery, QueuePoller, StreamPoller
from infrastructure.local_cloud.websocket import WebSocketServer

log = logging.getLogger("stride.local_cloud")
ROOT = Path(__file__).resolve().parents[2]
STATE_DIR = ROOT / ".stride"
STATE_FILE = "local.json"
FUNCTIONS_FILE = "functions.json"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalInfo:
    """What a client needs to use the local cloud (also written to .stride/local.json)."""

    api_url: str
    endpoint_url: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    uploads_bucket: str
    media_bucket: str
    table_name: str
    event_bus_name: str
    live_tracks_stream: str
    swagger_url: str
    websocket_url: str | None = None  # ws://127.0.0.1:<port>/<stage>; None without a WebSocket API
    websocket_management_url: str | None = None  # endpoint_url of an apigatewaymanagementapi client


class LocalCloud:
    def __init__(
        self,
        root: Path = ROOT,
        extra_templates: list[Path] | None = None,
        host: str = "127.0.0.1",
        api_port: int | None = 3000,
        moto_port: int | None = 5050,
        region: str = "us-east-1",
        stage: str = "local",
        retry_delays: tuple[float, ...] = (1.0, 2.0),
        state_dir: Path | None = None,
        parameter_overrides: dict[str, str] | None = None,
        websocket_port: int | None = 3001,
    ) -> None:
        self.root = root
        self.extra_templates = extra_templates or []
        self.host, self.region, self.stage = host, region, stage
        self.api_port = api_port if api_port else free_port(host)
        self.moto_port = moto_port if moto_port else free_port(host)
        # Chosen before provisioning: functions' environment names the management endpoint.
        self.websocket_port = websocket_port if websocket_port else free_port(host)
        self.websocket_management_port = free_port(host)
        self.retry_delays = retry_delays
        self.state_dir = state_dir
        self.parameter_overrides = dict(parameter_overrides or {})
        self.endpoint_url = f"http://{host}:{self.moto_port}"
        self.reports: list[Report] = []
        self.pools: dict[str, FunctionPool] = {}
        self.state: Provisioned | None = None
        self.gateway: Gateway | None = None
        self.websocket: WebSocketServer | None = None
        self.info: LocalInfo | None = None
        self._stop = threading.Event()
        self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="trigger")
        self._moto: Any = None
        self._openapi: bytes | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> LocalInfo:
        from infrastructure.local_cloud.moto_server import (
            PARTITION_QUERIES,
            TOUCHED_ITEM_TRANSACTIONS,
            SerialisedDynamoDBMotoServer,
            serialise_kinesis_puts,
        )

        for name, value in {**CREDENTIALS, "AWS_DEFAULT_REGION": self.region}.items():
            os.environ.setdefault(name, value)
        started = time.perf_counter()
        self._moto = SerialisedDynamoDBMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        PARTITION_QUERIES.install()
        serialise_kinesis_puts()
        TOUCHED_ITEM_TRANSACTIONS.install()
        self._moto.start()
        template = self._template()
        expanded = expand(template, self.root, {**self.parameter_overrides, "Stage": self.stage})
        base_env = {
            **CREDENTIALS,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_XRAY_SDK_ENABLED": "false",
        }
        self.state = Provisioner(
            expanded,
            self.endpoint_url,
            self.region,
            self.stage,
            base_env,
            websocket_management_url=f"http://{self.host}:{self.websocket_management_port}",
        ).provision()
        self.pools = {
            logical_id: FunctionPool(spec, reports=self.reports) for logical_id, spec in self.state.functions.items()
        }
        verifiers = self._verifiers()
        static = {
            "/openapi.json": lambda: ("application/json", self.openapi_document()),
            "/docs": lambda: ("text/html", swagger_page("/openapi.json")),
            **swagger_assets(),
            "/health": lambda: ("application/json", b'{"status": "ok"}'),
        }
        self.gateway = Gateway(
            self.state.routes,
            self.pools,
            verifiers,
            self.state.gateway_responses,
            self.state.binary_media_types,
            self.state.throttle,
            static,
        )
        self.api_port = self.gateway.serve(self.host, self.api_port)
        self._start_websocket(template)
        self._start_triggers()
        self.info = self._info()
        if self.state_dir is not None:
            self._write_state(self.state_dir)
        log.info("local cloud up in %.1f s", time.perf_counter() - started)
        return self.info

    def stop(self) -> None:
        self._stop.set()
        if self.gateway is not None:
            self.gateway.shutdown()
        if self.websocket is not None:
            self.websocket.stop()
        for pool in self.pools.values():
            pool.close()
        self._executor.shutdown(wait=False, cancel_futures=True)
        if self._moto is not None:
            # moto keeps its state in module globals: empty it, so another LocalCloud in this process (a
            # benchmark measuring several things) starts from nothing, as a fresh `make run` does.
            with contextlib.suppress(OSError):
                urllib.request.urlopen(  # noqa: S310 - our own loopback server
                    urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST"), timeout=10
                ).close()
            self._moto.stop()
        if self.state_dir is not None:
            for name in (STATE_FILE, FUNCTIONS_FILE):
                (self.state_dir / name).unlink(missing_ok=True)

    def __enter__(self) -> LocalCloud:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ---------------------------------------------------------------- pieces
    def _template(self) -> dict[str, Any]:
        template = load_template(self.root / "template.yaml")
        for extra in self.extra_templates:
            fragment = load_template(extra)
            merged = copy.deepcopy(template)
            merged["Resources"].update(fragment.get("Resources", {}))
            template = merged
        return template

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=self.region)  # type: ignore[call-overload]

    def _verifiers(self) -> dict[str, CognitoVerifier]:
        assert self.state is not None
        cognito = self.client("cognito-idp")
        verifiers = {}
        for name, pool_id in self.state.authorizers.items():
            clients = cognito.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
            verifiers[name] = CognitoVerifier(self.endpoint_url, self.region, pool_id, {c["ClientId"] for c in clients})
        return verifiers

    def queue_url_for_arn(self, arn: str) -> str:
        return str(self.client("sqs").get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"])

    def _start_websocket(self, template: dict[str, Any]) -> None:
        assert self.state is not None
        if not self.state.websocket_apis:
            return
        # The API of template.yaml itself is reached at ws://host:port/<stage>; one added by a test fragment at
        # ws://host:port/<api id>/<stage> (websocket_endpoint() gives both).
        own = set(load_template(self.root / "template.yaml").get("Resources", {})) & set(template["Resources"])
        primary = next((i for i in self.state.websocket_apis if i in own), None)
        self.websocket = WebSocketServer(
            self.state.websocket_apis,
            self.pools,
            self.host,
            self.websocket_port,
            self.websocket_management_port,
            primary,
        )
        self.websocket.start()

    def websocket_endpoint(self, logical_id: str | None = None) -> tuple[str, str]:
        """(client URL, management endpoint URL) of a WebSocket API of the template (default: the primary)."""
        if self.websocket is None:
            raise LookupError("the template has no WebSocket API")
        return self.websocket.url(logical_id), self.websocket.management_url(logical_id)

    def _start_triggers(self) -> None:
        assert self.state is not None
        sqs = self.client("sqs")
        invoker = AsyncInvoker(sqs, self.queue_url_for_arn, self.retry_delays)
        for delivery in self.state.deliveries:
            poller = QueueDelivery(
                delivery, self.pools[delivery.function], self.client("sqs"), invoker, self._executor, self._stop
            )
            threading.Thread(target=poller.run, name=f"delivery-{delivery.function}", daemon=True).start()
        for mapping in self.state.stream_mappings:
            StreamPoller(
                mapping,
                self.pools[mapping.function],
                self.client("kinesis"),
                sqs,
                self.queue_url_for_arn,
                self.region,
                self._stop,
            ).run()
        for queue_mapping in self.state.queue_mappings:
            queue_poller = QueuePoller(
                queue_mapping,
                self.pools[queue_mapping.function],
                self.client("sqs"),
                self.region,
                self._stop,
                failed_visibility_s=int(self.retry_delays[0]) if self.retry_delays else 0,
            )
            threading.Thread(target=queue_poller.run, name=f"sqs-{queue_mapping.function}", daemon=True).start()

    def _info(self) -> LocalInfo:
        assert self.state is not None
        outputs = self.state.outputs
        api_url = f"http://{self.host}:{self.api_port}"
        return LocalInfo(
            api_url=api_url,
            endpoint_url=self.endpoint_url,
            region=self.region,
            user_pool_id=outputs["UserPoolId"],
            user_pool_client_id=outputs["UserPoolClientId"],
            uploads_bucket=outputs["UploadsBucketName"],
            media_bucket=outputs["MediaBucketName"],
            table_name=outputs["TableName"],
            event_bus_name=outputs["EventBusName"],
            live_tracks_stream=outputs["LiveTracksStreamName"],
            swagger_url=f"{api_url}/docs",
            websocket_url=self.websocket.url() if self.websocket else None,
            websocket_management_url=self.websocket.management_url() if self.websocket else None,
        )

    def _write_state(self, folder: Path) -> None:
        """`local.json` for clients; `functions.json` (each function as resolved here) for `make invoke`."""
        assert self.info is not None
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STATE_FILE).write_text(json.dumps(asdict(self.info), indent=2) + "\n")
        functions = {
            logical_id: pool.spec.worker_spec() | {"timeout_s": pool.spec.timeout_s}
            for logical_id, pool in self.pools.items()
        }
        (folder / FUNCTIONS_FILE).write_text(json.dumps(functions, indent=2) + "\n")

    def openapi_document(self) -> bytes:
        """Generated from the code (in a separate process: handler modules read settings at import)."""
        if self._openapi is None:
            output = subprocess.run(
                [sys.executable, "-m", "infrastructure.openapi"], cwd=self.root, check=True, capture_output=True
            )
            document = json.loads(output.stdout)
            document["servers"] = [{"url": f"http://{self.host}:{self.api_port}", "description": "local cloud"}]
            self._openapi = json.dumps(document).encode()
        return self._openapi
