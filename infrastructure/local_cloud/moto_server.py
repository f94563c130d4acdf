"""moto's threaded server with DynamoDB requests taken one at a time, and table Queries that read one partition.

moto's TransactWriteItems deep-copies the table to roll back on failure; a write from another thread
during that copy fails the request with "dictionary changed size during iteration" (a 500 that real
DynamoDB never gives). Serialising DynamoDB calls costs little (moto holds the GIL anyway) and keeps the
other services concurrent.
"""

from __future__ import annotations

import inspect
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


class OnePartitionQueries:
    """Make the in-process moto read only the queried partition on a table Query, as DynamoDB does.

    moto answers every Query by sorting every item of the table (``Table.all_items``) and then keeping the
    queried partition: about 10 us per item, so a Query costs 0.3 s once 30,000 items are stored, and since
    DynamoDB calls are served one at a time, a consumer making a hundred Queries (segment matching) held every
    other function's reads for seconds. While a table Query (not an index Query) runs, ``all_items`` returns
    the queried partition only; moto keeps the items of the partition whose hash key equals the queried one,
    then sorts them by range key, so the answer is the same. Index Queries are left as moto does them.
    """

    def __init__(self) -> None:
        self._hint = threading.local()
        self._originals: tuple[Any, Any] | None = None

    def install(self) -> None:
        from moto.dynamodb.models.table import Table

        if self._originals is not None:
            return
        original_query, original_all_items = Table.query, Table.all_items
        self._originals = (original_query, original_all_items)
        hint = self._hint
        signature = inspect.signature(original_query)

        def query(table: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
            # moto passes index_name by position or by name: bind to tell a table Query from an index Query
            index_name = signature.bind(table, hash_key, *args, **kwargs).arguments.get("index_name")
            if index_name or hash_key is None:
                return original_query(table, hash_key, *args, **kwargs)
            hint.partition = (table, hash_key)
            try:
                return original_query(table, hash_key, *args, **kwargs)
            finally:
                hint.partition = None

        def all_items(table: Any) -> Any:
            partition = getattr(hint, "partition", None)
            if partition is None or partition[0] is not table or not table.range_key_attr:
                return original_all_items(table)
            found = table.items.get(partition[1]) or {}
            return sorted(found.values(), key=lambda x: (x.hash_key, x.range_key))

        Table.query, Table.all_items = query, all_items  # type: ignore[method-assign,assignment]

    def remove(self) -> None:
        from moto.dynamodb.models.table import Table

        if self._originals is None:
            return
        Table.query, Table.all_items = self._originals  # type: ignore[method-assign]
        self._originals = None


PARTITION_QUERIES = OnePartitionQueries()


class SerialisedDynamoDBMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = _DynamoDBOneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()
