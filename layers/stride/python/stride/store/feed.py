"""The home feed's items: fanned-out entries, the popular athletes, and the reads a feed page needs (AP35-AP39).

Reads go through pynamodb. The fan-out writer talks to the low-level client instead: it sends BatchWriteItem
requests of 25 from a thread pool (tens of thousands of items per event), retrying unprocessed items with
backoff, and reports how many it could not write so the consumer can fail the event and let EventBridge retry.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from botocore.config import Config
from botocore.exceptions import ClientError

from stride.activities.models import Activity
from stride.config import table_settings
from stride.privacy.trim import NOTHING_HIDDEN, MapPrivacy
from stride.store import keys
from stride.store.activities import activity_from_item
from stride.store.errors import translated
from stride.store.models import ActivityItem, AthleteItem, FeedEntryItem, PopularItem, PrivacyItem, StrideItem
from stride.store.privacy import privacy_key, to_map_privacy

Key = tuple[str, str]
BATCH_WRITE_MAX = 25  # BatchWriteItem's limit
BATCH_GET_MAX = 100  # BatchGetItem's limit
WRITE_WORKERS = 12
WRITE_ATTEMPTS = 8  # one send and up to seven resends of what DynamoDB left unprocessed
_QUERY_PAGE = 1000
_RETRYABLE = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded",
              "InternalServerError", "ServiceUnavailable"}  # fmt: skip
# What a feed page needs of an activity and of a privacy item: never the compressed detail (laps, splits).
_FRESH_ATTRIBUTES = [
    "PK", "SK", "kind", "v", "activity_id", "athlete_id", "summary", "visibility", "upload_id", "external_id",
    "created_at", "updated_at", "revision", "kudos_count", "comment_count", "zones", "hide_start_end",
]  # fmt: skip


@dataclass(frozen=True)
class EntryRef:
    """One entry of a reader's feed as the feed partition holds it."""

    start_epoch: int
    activity_id: int
    author_id: int


@dataclass(frozen=True)
class WriteReport:
    requested: int
    failed: int  # still unprocessed after every retry
    batches: int


def feed_entry_key(reader_id: int, start_epoch: int, activity_id: int) -> Key:
    return keys.feed_pk(reader_id), keys.feed_sk(start_epoch, activity_id)


def position_from_sk(sort_key: str) -> tuple[int, int]:
    """(start epoch, activity id) of a feed or activity-list sort key (both are ``start#id``, zero-padded)."""
    start, _, activity = sort_key.partition("#")
    return int(start), int(activity)


def feed_entry_item(
    reader_id: int, author_id: int, activity_id: int, start_epoch: int, entry_json: str, ttl_days: int
) -> FeedEntryItem:
    sort_key = keys.feed_sk(start_epoch, activity_id)
    return FeedEntryItem(
        keys.feed_pk(reader_id),
        sort_key,
        GSI1PK=keys.feed_author_pk(reader_id, author_id),
        GSI1SK=sort_key,
        reader_id=reader_id,
        author_id=author_id,
        activity_id=activity_id,
        entry=entry_json,
        ttl=datetime.now(UTC) + timedelta(days=ttl_days),
    )


@cache
def _client() -> Any:
    import boto3

    # One pooled connection per writer thread, so the threads never wait for a socket. Client-side parameter
    # validation is off: it walks every attribute of every item (most of the client's CPU on a 25-item batch),
    # and the items come from pynamodb's serializer, which already produces valid attribute values.
    config = Config(
        max_pool_connections=WRITE_WORKERS + 4,
        retries={"mode": "standard", "max_attempts": 3},
        parameter_validation=False,
    )
    return boto3.client("dynamodb", config=config)


_pool_lock = threading.Lock()
_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(workers: int) -> ThreadPoolExecutor:
    """Kept per warm container: threads are started once, not per event."""
    with _pool_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed-writer")
        return _pools[workers]


class FeedRepository:
    """Reads and writes of the feed context. Each method names its access pattern."""

    def __init__(self, client: Any = None, workers: int = WRITE_WORKERS, backoff_s: float = 0.05) -> None:
        self._client_override = client
        self.workers = workers
        self.backoff_s = backoff_s

    @property
    def _db(self) -> Any:
        return self._client_override or _client()

    # ---------------------------------------------------------------- reads of a feed page
    def page(self, reader_id: int, before: tuple[int, int] | None, limit: int) -> tuple[list[EntryRef], bool]:
        """AP35: Query PK=FEED#<reader>, SK < the cursor's position, descending, Limit ``limit`` (per_page + 1).
        Answers the entries and whether the partition may hold more."""
        condition = StrideItem.SK < keys.feed_sk(*before) if before is not None else None
        with translated("Feed"):
            results = StrideItem.query(
                keys.feed_pk(reader_id),
                range_key_condition=condition,
                scan_index_forward=False,
                limit=limit,
                page_size=limit,
            )
            refs = [
                EntryRef(position_from_sk(item.SK)[0], int(item.activity_id), int(item.author_id))
                for item in results
                if isinstance(item, FeedEntryItem)
            ]
            more = results.last_evaluated_key is not None
        return refs, more

    def fresh(
        self, activity_ids: Iterable[int], author_ids: Iterable[int]
    ) -> tuple[dict[int, Activity], dict[int, MapPrivacy], int]:
        """AP36: one BatchGetItem (100 keys: a page of 50 activities and 50 authors) of the activities as they
        are now (counters, name, visibility; absent = deleted) and their authors' map privacy.
        Answers (activities by id, privacy by author, keys requested)."""
        activity_keys = [(keys.activity_pk(a), keys.META) for a in sorted(set(activity_ids))]
        authors = sorted(set(author_ids))
        wanted = [*activity_keys, *(privacy_key(a) for a in authors)]
        activities: dict[int, Activity] = {}
        privacy: dict[int, MapPrivacy] = dict.fromkeys(authors, NOTHING_HIDDEN)
        if not wanted:
            return activities, privacy, 0
        with translated("Feed"):
            for item in StrideItem.batch_get(wanted, attributes_to_get=_FRESH_ATTRIBUTES):
                if isinstance(item, ActivityItem):
                    activities[int(item.activity_id)] = activity_from_item(item)
                elif isinstance(item, PrivacyItem):
                    privacy[int(item.PK[len(keys.ATHLETE) :])] = to_map_privacy(item)
        return activities, privacy, len(wanted)

    def popular_ids(self) -> dict[int, int]:
        """AP39: Query PK=POPULAR (a small partition: athletes above the fan-out threshold) → follower counts."""
        with translated("Feed"):
            return {
                int(item.athlete_id): int(item.follower_count)
                for item in StrideItem.query(keys.POPULAR_PK, page_size=_QUERY_PAGE)
                if isinstance(item, PopularItem)
            }

    def followed_unmuted(self, reader_id: int, athlete_ids: Sequence[int]) -> tuple[set[int], int]:
        """AP39 (cont.): one BatchGetItem of the reader's following and mute edges to each popular athlete.
        Answers (the ones the reader follows and has not muted, keys requested)."""
        wanted: list[Key] = []
        for other in athlete_ids:
            wanted += [(keys.following_pk(reader_id), keys.athlete_sk(other)),
                       (keys.mutes_pk(reader_id), keys.athlete_sk(other))]  # fmt: skip
        found: set[Key] = set()
        with translated("Feed"):
            for start in range(0, len(wanted), BATCH_GET_MAX):
                found |= {(item.PK, item.SK) for item in StrideItem.batch_get(wanted[start : start + BATCH_GET_MAX])}
        followed = {
            other
            for other in athlete_ids
            if (keys.following_pk(reader_id), keys.athlete_sk(other)) in found
            and (keys.mutes_pk(reader_id), keys.athlete_sk(other)) not in found
        }
        return followed, len(wanted)

    def recent_activities(self, athlete_id: int, before: tuple[int, int] | None, limit: int) -> list[Activity]:
        """AP13 for the feed's read-time merge: Query GSI1 GSI1PK=ATH#<a>#ACT, GSI1SK < the cursor's position,
        descending, Limit ``limit``."""
        condition = StrideItem.GSI1SK < keys.athlete_activities_sk(*before) if before is not None else None
        with translated("Feed"):
            return [
                activity_from_item(item)
                for item in StrideItem.gsi1.query(
                    keys.athlete_activities_pk(athlete_id),
                    range_key_condition=condition,
                    scan_index_forward=False,
                    limit=limit,
                    page_size=limit,
                )
                if isinstance(item, ActivityItem)
            ]

    # ---------------------------------------------------------------- reads of the fan-out
    def follower_count(self, athlete_id: int) -> int | None:
        """AP01: GetItem PK=ATH#<id>, SK=PROFILE (strongly consistent: the count decides fan-out or merge)."""
        with translated("Athlete"):
            try:
                item = AthleteItem.get(
                    keys.athlete_pk(athlete_id),
                    keys.PROFILE,
                    consistent_read=True,
                    attributes_to_get=["follower_count"],
                )
            except AthleteItem.DoesNotExist:
                return None
        return int(item.follower_count or 0)

    def _edge_ids(self, partition: str) -> Iterator[list[int]]:
        """Pages of the ``athlete_sk`` sort keys of one edge partition, projected to SK only."""
        request: dict[str, Any] = {
            "TableName": table_settings().table_name,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ProjectionExpression": "SK",
            "Limit": _QUERY_PAGE,
        }
        while True:
            with translated("Feed"):
                answer = self._db.query(**request)
            yield [keys.athlete_from_sk(item["SK"]["S"]) for item in answer.get("Items", [])]
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def follower_ids(self, author_id: int) -> Iterator[list[int]]:
        """AP38: Query PK=ATH#<author>#FOLLOWERS, in pages of 1,000, SK only."""
        return self._edge_ids(keys.followers_pk(author_id))

    def muted_by(self, author_id: int) -> set[int]:
        """AP38 (cont.): Query PK=ATH#<author>#MUTEDBY once: followers who muted the author get no entry."""
        return {athlete for page in self._edge_ids(keys.muted_by_pk(author_id)) for athlete in page}

    def author_entry_keys(self, reader_id: int, author_id: int) -> list[Key]:
        """AP37: Query GSI1 GSI1PK=FEED#<reader>#ATH#<author> (keys only): what unfollow, block, mute remove."""
        found: list[Key] = []
        request: dict[str, Any] = {
            "TableName": table_settings().table_name,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": {":pk": {"S": keys.feed_author_pk(reader_id, author_id)}},
            "ProjectionExpression": "PK, SK",
        }
        while True:
            with translated("Feed"):
                answer = self._db.query(**request)
            found += [(item["PK"]["S"], item["SK"]["S"]) for item in answer.get("Items", [])]
            if "LastEvaluatedKey" not in answer:
                return found
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    # ---------------------------------------------------------------- popular athletes
    def put_popular(self, athlete_id: int, follower_count: int) -> None:
        """AP39: PutItem PK=POPULAR, SK=ATH#<id> (idempotent)."""
        with translated("Feed"):
            PopularItem(
                keys.POPULAR_PK, keys.athlete_sk(athlete_id), athlete_id=athlete_id, follower_count=follower_count
            ).save()

    def delete_popular(self, athlete_id: int) -> None:
        """AP39: DeleteItem PK=POPULAR, SK=ATH#<id> (absent is fine)."""
        with translated("Feed"):
            PopularItem(keys.POPULAR_PK, keys.athlete_sk(athlete_id)).delete()

    def is_popular(self, athlete_id: int) -> bool:
        """AP39: GetItem PK=POPULAR, SK=ATH#<id>."""
        with translated("Feed"):
            try:
                PopularItem.get(keys.POPULAR_PK, keys.athlete_sk(athlete_id), consistent_read=True)
            except PopularItem.DoesNotExist:
                return False
        return True

    # ---------------------------------------------------------------- batched parallel writes
    def put_entries(self, items: Sequence[FeedEntryItem]) -> WriteReport:
        """AP35 writes: BatchWriteItem PutRequests of 25 from a thread pool. Puts are deterministic (same key,
        same entry), so a replay writes the same feed."""
        return self._write([{"PutRequest": {"Item": item.serialize()}} for item in items])

    def delete_entries(self, entry_keys: Sequence[Key]) -> WriteReport:
        """AP35 deletes: BatchWriteItem DeleteRequests of 25 from a thread pool (absent keys are fine)."""
        unique = list(dict.fromkeys(entry_keys))
        return self._write([{"DeleteRequest": {"Key": {"PK": {"S": pk}, "SK": {"S": sk}}}} for pk, sk in unique])

    def put_entries_one_by_one(self, items: Sequence[FeedEntryItem]) -> int:
        """The naive fan-out (one PutItem per reader, in order): only the benchmark's baseline uses it."""
        table = table_settings().table_name
        for item in items:
            self._db.put_item(TableName=table, Item=item.serialize())
        return len(items)

    def _write(self, requests: list[dict[str, Any]]) -> WriteReport:
        chunks = [requests[i : i + BATCH_WRITE_MAX] for i in range(0, len(requests), BATCH_WRITE_MAX)]
        if not chunks:
            return WriteReport(0, 0, 0)
        if len(chunks) == 1:
            failed = self._write_chunk(chunks[0])
        else:
            failed = sum(_pool(self.workers).map(self._write_chunk, chunks))
        return WriteReport(len(requests), failed, len(chunks))

    def _write_chunk(self, chunk: list[dict[str, Any]]) -> int:
        """Send one batch and resend what comes back unprocessed, with jittered exponential backoff.
        Answers how many requests are still unprocessed after the last attempt."""
        table = table_settings().table_name
        pending = chunk
        for attempt in range(WRITE_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, self.backoff_s * 2**attempt))  # noqa: S311 - jitter, not crypto
            try:
                answer = self._db.batch_write_item(RequestItems={table: pending})
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in _RETRYABLE:
                    continue
                raise
            pending = answer.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                return 0
        return len(pending)
