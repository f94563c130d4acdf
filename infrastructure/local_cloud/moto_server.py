"""moto's threaded server with DynamoDB requests taken one at a time.

moto's TransactWriteItems deep-copies the table to roll back on failure; a write from another thread
during that copy fails the request with "dictionary changed size during iteration" (a 500 that real
DynamoDB never gives). Serialising DynamoDB calls costs little (moto holds the GIL anyway) and keeps the
other services concurrent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _DynamoDBOneAtATime:
    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
            return self._app(environ, start_response)
        with self._lock:
            # Materialise the body inside the lock: moto does its work while the response is produced.
            return list(self._app(environ, start_response))


class SerialisedDynamoDBMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = _DynamoDBOneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()
