"""moto's threaded server with DynamoDB requests taken one at a time, table Queries that read one partition,
transactions that back up only the items they touch, and Kinesis shard writes that never lose a record.

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


class TouchedItemTransactions:
    """Make moto's TransactWriteItems back up the items it touches instead of the whole table.

    moto deep-copies each table a transaction names (to roll back on failure), and its ``BaseModel`` keeps
    every instance it ever made for the /moto-api data view, copies included: each transaction cost time and
    memory in proportion to the table and never gave the memory back (2,000 live-session starts grew the cloud
    to 23 GB; a 7-item transaction on a 200k-item table copied 1.4M items). DynamoDB has no such cost. Here the
    items a transaction names are copied before it runs and put back if it is cancelled: the same all-or-nothing
    outcome (moto keeps a table's items in ``Table.items`` only; indexes are read from them), at a cost that does
    not grow with the table. The instance lists only that data view reads are emptied after each transaction.
    """

    def __init__(self) -> None:
        self._originals: tuple[Any, Any] | None = None

    def install(self) -> None:
        import moto.dynamodb.models as backend_module
        from moto.core.model_instances import model_data
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.dynamo_type import DynamoType
        from moto.dynamodb.models.table import Table

        if self._originals is not None:
            return
        original, real_copy = DynamoDBBackend.transact_write_items, backend_module.copy
        self._originals = (original, real_copy)

        class _NoTableCopy:
            """``copy`` as moto's backend module sees it: a Table is not copied (its items are, below)."""

            def __getattr__(self, name: str) -> Any:
                return getattr(real_copy, name)

            @staticmethod
            def deepcopy(value: Any, memo: Any = None) -> Any:
                return value if isinstance(value, Table) else real_copy.deepcopy(value, memo)

        def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
            backups = []
            for entry in transact_items:
                op = next(iter(entry.values()))
                table = backend.tables.get(op.get("TableName"))
                key = op.get("Key") or op.get("Item") or {}
                if table is None or table.hash_key_attr not in key:
                    continue  # moto answers these with its own validation error, before any write
                hash_key = DynamoType(key[table.hash_key_attr])
                range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
                backups.append((table, hash_key, range_key, real_copy.deepcopy(table.get_item(hash_key, range_key))))
            try:
                original(backend, transact_items)
            except Exception:
                for table, hash_key, range_key, before in reversed(backups):
                    bucket = table.items.setdefault(hash_key, {}) if table.range_key_attr else table.items
                    slot = range_key if table.range_key_attr else hash_key
                    if before is None:
                        bucket.pop(slot, None)
                    else:
                        bucket[slot] = before
                raise
            finally:
                for model in model_data["dynamodb"].values():
                    getattr(model, "instances_tracked", []).clear()

        backend_module.copy = _NoTableCopy()  # type: ignore[assignment]
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign,assignment]

    def remove(self) -> None:
        import moto.dynamodb.models as backend_module
        from moto.dynamodb.models import DynamoDBBackend

        if self._originals is None:
            return
        DynamoDBBackend.transact_write_items, backend_module.copy = self._originals  # type: ignore[method-assign]
        self._originals = None


TOUCHED_ITEM_TRANSACTIONS = TouchedItemTransactions()
_KINESIS_PUTS = threading.Lock()


def serialise_kinesis_puts() -> None:
    """moto's ``Shard.put_record`` reads the shard's last sequence number and stores the record under the next
    one without a lock: two concurrent PutRecords to one shard can get the same number, and one record is lost
    (3 of 480 with 16 writer threads; one point batch of 1,500 in the live benchmark). Kinesis never loses an
    acknowledged record, so the local cloud takes shard writes one at a time (moto holds the GIL anyway)."""
    from moto.kinesis.models import Shard

    original = Shard.put_record
    if getattr(original, "serialised", False):
        return

    def put_record(shard: Any, *args: Any, **kwargs: Any) -> Any:
        with _KINESIS_PUTS:
            return original(shard, *args, **kwargs)

    put_record.serialised = True  # type: ignore[attr-defined]
    Shard.put_record = put_record  # type: ignore[method-assign,assignment]


class SerialisedDynamoDBMotoServer(ThreadedMotoServer):
    def _server_entry(self) -> None:
        app = _DynamoDBOneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(self._ip_address, self._port, app, True, request_handler=MotoRequestHandler)
        self._server_ready_event.set()
        self._server.serve_forever()
