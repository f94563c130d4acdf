"""Kudos and comments on an activity, and the username markers @mentions resolve through (AP30-AP34).

Kudos and comments live in the activity's partition (``ACT#<id>``), beside its ``META`` item, whose
``kudos_count``/``comment_count`` are kept with ADD in the same transaction as the item they count: the
counts never drift from the items, and the kudos item's ``attribute_not_exists`` is the one-per-athlete rule.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from stride.accounts.models import Athlete
from stride.errors import ConflictError
from stride.store import keys
from stride.store.athletes import AthleteRepository
from stride.store.errors import translated
from stride.store.models import ActivityItem, CommentItem, KudosItem, StrideItem, UsernameItem

_BATCH_KEYS = 100  # BatchGetItem's limit
_CONFLICT_RETRIES = 6  # concurrent transactions on one activity's counters cancel each other; retry those
_FIRST = 0  # index of the kudos or comment item in the transaction
_ACTIVITY = 1  # index of the activity's counter update


class ActivityGoneError(Exception):
    """The activity's META item is absent (deleted meanwhile): nothing was written."""


@dataclass(frozen=True)
class Comment:
    id: int
    activity_id: int
    athlete_id: int
    text: str
    created_at: datetime
    mentions: tuple[int, ...] = ()


def _comment_to_domain(item: CommentItem) -> Comment:
    return Comment(
        id=int(item.comment_id),
        activity_id=int(item.activity_id),
        athlete_id=int(item.athlete_id),
        text=item.text,
        created_at=item.created_at,
        mentions=tuple(int(m) for m in cast("list[float]", item.mentions or [])),
    )


def _codes(exc: TransactWriteError) -> list[str | None]:
    return [reason.code if reason else None for reason in exc.cancellation_reasons]


class ReactionRepository:
    """Reads and writes kudos, comments and username markers. Each method names its access pattern."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    def _transact(self, resource: str, build: Callable[[TransactWrite], None]) -> bool:
        """Run a two-item transaction (the reaction item, then the activity's counter). True if written; False if
        the reaction item's condition failed; ActivityGoneError if the activity's did. A cancellation caused only
        by a concurrent transaction on the same items (another athlete's kudos) is retried with jitter."""
        for attempt in range(_CONFLICT_RETRIES):
            try:
                with translated(resource), TransactWrite(connection=self._conn()) as transaction:
                    build(transaction)
                return True
            except ConflictError as exc:
                cause = exc.__cause__
                codes = _codes(cause) if isinstance(cause, TransactWriteError) else []
                if len(codes) > _ACTIVITY and codes[_ACTIVITY] == "ConditionalCheckFailed":
                    raise ActivityGoneError from exc
                if codes and codes[_FIRST] == "ConditionalCheckFailed":
                    return False
                if attempt == _CONFLICT_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 (jitter, not a secret)
        raise AssertionError("unreachable")

    # ---------------------------------------------------------------- kudos
    def give_kudos(self, activity_id: int, athlete_id: int, now: datetime) -> bool:
        """AP30: TransactWriteItems: Put ACT#<a>/KUDOS#<athlete> if absent; Update ACT#<a>/META ADD kudos_count 1 if
        the activity exists. False when the athlete had already given kudos (nothing written)."""
        item = KudosItem(
            keys.activity_pk(activity_id),
            keys.kudos_sk(athlete_id),
            activity_id=activity_id,
            athlete_id=athlete_id,
            created_at=now,
        )

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=KudosItem.PK.does_not_exist())
            transaction.update(
                ActivityItem(keys.activity_pk(activity_id), keys.META),
                actions=[ActivityItem.kudos_count.add(1)],
                condition=ActivityItem.PK.exists(),
            )

        return self._transact("Kudos", build)

    def remove_kudos(self, activity_id: int, athlete_id: int) -> bool:
        """AP30: TransactWriteItems: Delete ACT#<a>/KUDOS#<athlete> if present; Update ACT#<a>/META ADD kudos_count -1.
        False when there was no kudos to remove."""

        def build(transaction: TransactWrite) -> None:
            transaction.delete(
                KudosItem(keys.activity_pk(activity_id), keys.kudos_sk(athlete_id)), condition=KudosItem.PK.exists()
            )
            transaction.update(
                ActivityItem(keys.activity_pk(activity_id), keys.META),
                actions=[ActivityItem.kudos_count.add(-1)],
                condition=ActivityItem.PK.exists(),
            )

        return self._transact("Kudos", build)

    def kudoers(self, activity_id: int, *, limit: int, offset: int = 0) -> list[int]:
        """AP31: Query PK=ACT#<a>, SK begins_with KUDOS#, ascending (athlete-id order), Limit offset+limit (Strava's
        page numbers; the caller bounds the depth), then the slice is kept."""
        with translated("Kudos"):
            items = KudosItem.query(
                keys.activity_pk(activity_id),
                range_key_condition=KudosItem.SK.startswith(keys.KUDOS),
                limit=offset + limit,
                page_size=offset + limit,
            )
            return [int(item.athlete_id) for item in items][offset:]

    # ---------------------------------------------------------------- comments
    def add_comment(self, comment: Comment) -> None:
        """AP32: TransactWriteItems: Put ACT#<a>/COMMENT#<id> if absent; Update ACT#<a>/META ADD comment_count 1 if the
        activity exists. A clash of the new id (1 in 4 million within a millisecond) raises ConflictError."""
        item = CommentItem(
            keys.activity_pk(comment.activity_id),
            keys.comment_sk(comment.id),
            comment_id=comment.id,
            activity_id=comment.activity_id,
            athlete_id=comment.athlete_id,
            text=comment.text,
            mentions=list(comment.mentions) or None,
            created_at=comment.created_at,
        )

        def build(transaction: TransactWrite) -> None:
            transaction.save(item, condition=CommentItem.PK.does_not_exist())
            transaction.update(
                ActivityItem(keys.activity_pk(comment.activity_id), keys.META),
                actions=[ActivityItem.comment_count.add(1)],
                condition=ActivityItem.PK.exists(),
            )

        if not self._transact("Comment", build):
            raise ConflictError.about("comment id clash, retry", "Comment", "id", "conflict")

    def get_comment(self, activity_id: int, comment_id: int) -> Comment | None:
        """AP32: GetItem PK=ACT#<a>, SK=COMMENT#<id> (consistent: a delete follows the read)."""
        with translated("Comment"):
            try:
                item = CommentItem.get(keys.activity_pk(activity_id), keys.comment_sk(comment_id), consistent_read=True)
            except CommentItem.DoesNotExist:
                return None
        return _comment_to_domain(item)

    def delete_comment(self, activity_id: int, comment_id: int) -> bool:
        """AP32: TransactWriteItems: Delete ACT#<a>/COMMENT#<id> if present; Update ACT#<a>/META ADD comment_count -1.
        False when the comment was already gone."""

        def build(transaction: TransactWrite) -> None:
            transaction.delete(
                CommentItem(keys.activity_pk(activity_id), keys.comment_sk(comment_id)),
                condition=CommentItem.PK.exists(),
            )
            transaction.update(
                ActivityItem(keys.activity_pk(activity_id), keys.META),
                actions=[ActivityItem.comment_count.add(-1)],
                condition=ActivityItem.PK.exists(),
            )

        return self._transact("Comment", build)

    def comments(self, activity_id: int, *, limit: int, offset: int = 0) -> list[Comment]:
        """AP33: Query PK=ACT#<a>, SK begins_with COMMENT#, ascending (ids are time-ordered: oldest first),
        Limit offset+limit, then the slice is kept."""
        with translated("Comment"):
            items = CommentItem.query(
                keys.activity_pk(activity_id),
                range_key_condition=CommentItem.SK.startswith(keys.COMMENT),
                limit=offset + limit,
                page_size=offset + limit,
            )
            return [_comment_to_domain(item) for item in items][offset:]

    # ---------------------------------------------------------------- athletes
    def athletes_by_username(self, usernames: Iterable[str]) -> dict[str, int]:
        """AP34: BatchGetItem PK=USERNAME#<lower-case name>, SK=IDENTITY: the athletes behind some usernames (unknown
        names are left out)."""
        wanted = sorted({name.lower() for name in usernames})
        found: dict[str, int] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            batch = [(keys.username_pk(name), keys.IDENTITY_SK) for name in wanted[start : start + _BATCH_KEYS]]
            with translated("Athlete"):
                for item in StrideItem.batch_get(batch):
                    if isinstance(item, UsernameItem):
                        found[item.PK[len(keys.USERNAME) :]] = int(item.athlete_id)
        return found

    def profiles(self, athlete_ids: Iterable[int]) -> dict[int, Athlete]:
        """AP26: BatchGetItem PK=ATH#<id>, SK=PROFILE for the athletes of a page (missing ones are left out)."""
        return AthleteRepository().get_many(athlete_ids)

    # ---------------------------------------------------------------- purge
    def purge(self, activity_id: int) -> int:
        """AP31 + AP33 on a deleted activity: Query PK=ACT#<a> for SK begins_with KUDOS# and COMMENT# (keys only),
        then BatchWriteItem deletes, 25 a call. Deleting what is already gone is harmless, so a redelivered event
        does nothing new. Returns how many items were deleted."""
        deleted = 0
        for prefix in (keys.KUDOS, keys.COMMENT):
            with translated("Activity"):
                found = list(
                    StrideItem.query(
                        keys.activity_pk(activity_id),
                        range_key_condition=StrideItem.SK.startswith(prefix),
                        attributes_to_get=["PK", "SK", "kind"],
                        consistent_read=True,
                    )
                )
                if found:
                    with StrideItem.batch_write() as batch:
                        for item in found:
                            batch.delete(item)
            deleted += len(found)
        return deleted
