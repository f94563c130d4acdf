"""The social graph's items: follows, follow requests, blocks, mutes and suggestions (AP21-AP29).

A follow is two ``EdgeItem``s, ``ATH#<a>#FOLLOWING``/``ATH#<b>`` and ``ATH#<b>#FOLLOWERS``/``ATH#<a>``, written
or removed in one transaction with the two profiles' counters (``friend_count`` of the follower,
``follower_count`` of the followed), so the counts never drift from the edges.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.connection import Connection
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from stride.accounts.models import Athlete
from stride.errors import ConflictError
from stride.store import keys
from stride.store.athletes import AthleteRepository
from stride.store.errors import translated
from stride.store.models import AthleteItem, EdgeItem, StrideItem, SuggestionsItem

Key = tuple[str, str]
_BATCH_KEYS = 100  # BatchGetItem's limit
_QUERY_PAGE = 1000


def following_key(follower_id: int, followed_id: int) -> Key:
    return keys.following_pk(follower_id), keys.athlete_sk(followed_id)


def follower_key(follower_id: int, followed_id: int) -> Key:
    return keys.followers_pk(followed_id), keys.athlete_sk(follower_id)


def request_key(requester_id: int, target_id: int) -> Key:
    return keys.follow_requests_pk(target_id), keys.athlete_sk(requester_id)


def block_key(blocker_id: int, blocked_id: int) -> Key:
    return keys.blocks_pk(blocker_id), keys.athlete_sk(blocked_id)


@dataclass(frozen=True)
class BlockState:
    """The edges between two athletes that a block changes, read strongly consistent just before it."""

    already_blocked: bool
    blocker_follows: bool
    blocked_follows: bool
    requests: tuple[Key, ...]  # pending requests between the two, either way


def _edge(key: Key, owner_id: int, other_id: int, now: datetime) -> EdgeItem:
    return EdgeItem(key[0], key[1], athlete_id=owner_id, other_id=other_id, created_at=now)


def _profile(athlete_id: int) -> AthleteItem:
    return AthleteItem(keys.athlete_pk(athlete_id), keys.PROFILE)


def _counter_actions(friend_delta: int, follower_delta: int) -> list[Action]:
    actions: list[Action] = []
    if friend_delta:
        actions.append(AthleteItem.friend_count.add(friend_delta))
    if follower_delta:
        actions.append(AthleteItem.follower_count.add(follower_delta))
    return actions


class SocialRepository:
    """Reads and writes the graph's items. Each method names its access pattern."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    # ---------------------------------------------------------------- reads
    def existing(self, wanted: Iterable[Key], *, consistent: bool = False) -> set[Key]:
        """AP26: BatchGetItem of edge keys (100 a call); the answer holds the keys whose item exists."""
        unique = sorted(set(wanted))
        found: set[Key] = set()
        for start in range(0, len(unique), _BATCH_KEYS):
            with translated("Athlete"):
                items = StrideItem.batch_get(unique[start : start + _BATCH_KEYS], consistent_read=consistent)
                found |= {(item.PK, item.SK) for item in items}
        return found

    def profiles(self, athlete_ids: Iterable[int]) -> dict[int, Athlete]:
        """AP26: BatchGetItem PK=ATH#<id>, SK=PROFILE for a page of athletes (missing ones are left out)."""
        return AthleteRepository().get_many(athlete_ids)

    def edge_ids(self, partition: str, *, limit: int, offset: int = 0) -> list[int]:
        """AP25: Query PK=<partition> (following, followers, requests, blocks), in athlete-id order,
        Limit offset+limit (Strava's page numbers; the caller bounds the depth), then the slice is kept."""
        depth = offset + limit
        with translated("Athlete"):
            items = list(StrideItem.query(partition, limit=depth, page_size=min(depth, _QUERY_PAGE)))
        return [keys.athlete_from_sk(item.SK) for item in items[offset:depth]]

    def suggestions(self, athlete_id: int) -> list[tuple[int, int]]:
        """AP29: GetItem PK=ATH#<id>, SK=SUGGESTIONS: [(athlete id, shared connections)], best first."""
        with translated("Suggestions"):
            try:
                item = SuggestionsItem.get(keys.athlete_pk(athlete_id), keys.SUGGESTIONS)
            except SuggestionsItem.DoesNotExist:
                return []
        return [(int(entry["athlete_id"]), int(entry["shared"])) for entry in json.loads(item.suggestions)]

    def save_suggestions(self, athlete_id: int, ranked: list[tuple[int, int]]) -> None:
        """AP29: PutItem PK=ATH#<id>, SK=SUGGESTIONS (the whole list, replaced at each computation)."""
        item = SuggestionsItem(
            keys.athlete_pk(athlete_id),
            keys.SUGGESTIONS,
            suggestions=json.dumps([{"athlete_id": other, "shared": shared} for other, shared in ranked]),
            computed_at=datetime.now(UTC),
        )
        with translated("Suggestions"):
            item.save()

    # ---------------------------------------------------------------- follows
    def follow(self, follower_id: int, followed_id: int, *, approving_request: bool = False) -> bool:
        """AP21: TransactWriteItems: Put the FOLLOWING and FOLLOWERS edges (attribute_not_exists), ADD
        friend_count 1 and follower_count 1 on the two profiles (which must exist); when approving, Delete the
        request item (attribute_exists) too. False if the follow already existed (nothing written)."""
        now = datetime.now(UTC)
        try:
            with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
                transaction.save(
                    _edge(following_key(follower_id, followed_id), follower_id, followed_id, now),
                    condition=EdgeItem.PK.does_not_exist(),
                )
                transaction.save(
                    _edge(follower_key(follower_id, followed_id), followed_id, follower_id, now),
                    condition=EdgeItem.PK.does_not_exist(),
                )
                transaction.update(
                    _profile(follower_id), actions=_counter_actions(1, 0), condition=AthleteItem.PK.exists()
                )
                transaction.update(
                    _profile(followed_id), actions=_counter_actions(0, 1), condition=AthleteItem.PK.exists()
                )
                if approving_request:
                    pk, sk = request_key(follower_id, followed_id)
                    transaction.delete(EdgeItem(pk, sk), condition=EdgeItem.PK.exists())
        except ConflictError:
            if following_key(follower_id, followed_id) in self.existing(
                [following_key(follower_id, followed_id)], consistent=True
            ):
                return False
            raise
        return True

    def unfollow(self, follower_id: int, followed_id: int) -> bool:
        """AP22: TransactWriteItems: Delete both edges (attribute_exists), ADD -1 on the two counters.
        False if there was no follow (nothing written)."""
        try:
            with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
                self._remove_follow(transaction, follower_id, followed_id)
                transaction.update(_profile(follower_id), actions=_counter_actions(-1, 0))
                transaction.update(_profile(followed_id), actions=_counter_actions(0, -1))
        except ConflictError:
            if not self.existing([following_key(follower_id, followed_id)], consistent=True):
                return False
            raise
        return True

    @staticmethod
    def _remove_follow(transaction: TransactWrite, follower_id: int, followed_id: int) -> None:
        for pk, sk in (following_key(follower_id, followed_id), follower_key(follower_id, followed_id)):
            transaction.delete(EdgeItem(pk, sk), condition=EdgeItem.PK.exists())

    def request(self, requester_id: int, target_id: int) -> bool:
        """AP23: PutItem PK=ATH#<target>#FOLLOWREQ, SK=ATH#<requester> (attribute_not_exists). False if pending."""
        pk, sk = request_key(requester_id, target_id)
        try:
            with translated("Athlete"):
                _edge((pk, sk), target_id, requester_id, datetime.now(UTC)).save(condition=EdgeItem.PK.does_not_exist())
        except ConflictError:
            return False
        return True

    def delete_request(self, requester_id: int, target_id: int) -> bool:
        """AP23: DeleteItem PK=ATH#<target>#FOLLOWREQ, SK=ATH#<requester> (attribute_exists). False if absent."""
        pk, sk = request_key(requester_id, target_id)
        try:
            with translated("Athlete"):
                EdgeItem(pk, sk).delete(condition=EdgeItem.PK.exists())
        except ConflictError:
            return False
        return True

    # ---------------------------------------------------------------- blocks
    def block_state(self, blocker_id: int, blocked_id: int) -> BlockState:
        """AP27 (read): one consistent BatchGetItem of the block, both follows and both requests."""
        requests = (request_key(blocker_id, blocked_id), request_key(blocked_id, blocker_id))
        found = self.existing(
            [
                block_key(blocker_id, blocked_id),
                following_key(blocker_id, blocked_id),
                following_key(blocked_id, blocker_id),
                *requests,
            ],
            consistent=True,
        )
        return BlockState(
            already_blocked=block_key(blocker_id, blocked_id) in found,
            blocker_follows=following_key(blocker_id, blocked_id) in found,
            blocked_follows=following_key(blocked_id, blocker_id) in found,
            requests=tuple(key for key in requests if key in found),
        )

    def block(self, blocker_id: int, blocked_id: int, state: BlockState) -> None:
        """AP27: TransactWriteItems: Put ATH#<a>#BLOCKS/ATH#<b>; for each follow between the two that ``state``
        says exists, Delete both edges (attribute_exists), else ConditionCheck that it is still absent; ADD the
        matching -1s on the two profiles (one Update each); Delete pending requests both ways. A follow created
        or removed since ``state`` was read cancels the transaction (ConflictError): read again and retry."""
        counts: Counter[tuple[int, str]] = Counter()
        now = datetime.now(UTC)
        with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
            pk, sk = block_key(blocker_id, blocked_id)
            transaction.save(_edge((pk, sk), blocker_id, blocked_id, now))
            for follower, followed, exists in (
                (blocker_id, blocked_id, state.blocker_follows),
                (blocked_id, blocker_id, state.blocked_follows),
            ):
                if exists:
                    self._remove_follow(transaction, follower, followed)
                    counts[(follower, "friend")] -= 1
                    counts[(followed, "follower")] -= 1
                else:
                    edge_pk, edge_sk = following_key(follower, followed)
                    transaction.condition_check(EdgeItem, edge_pk, edge_sk, condition=EdgeItem.PK.does_not_exist())
            for athlete_id in (blocker_id, blocked_id):
                actions = _counter_actions(counts[(athlete_id, "friend")], counts[(athlete_id, "follower")])
                if actions:
                    transaction.update(_profile(athlete_id), actions=actions)
            for request_pk, request_sk in state.requests:
                transaction.delete(EdgeItem(request_pk, request_sk))

    def unblock(self, blocker_id: int, blocked_id: int) -> None:
        """AP27: DeleteItem PK=ATH#<a>#BLOCKS, SK=ATH#<b> (follows removed by the block stay removed)."""
        pk, sk = block_key(blocker_id, blocked_id)
        with translated("Athlete"):
            EdgeItem(pk, sk).delete()

    # ---------------------------------------------------------------- mutes
    def mute(self, muter_id: int, muted_id: int) -> bool:
        """AP28: TransactWriteItems: Put ATH#<a>#MUTES/ATH#<b> (attribute_not_exists) and its reverse
        ATH#<b>#MUTEDBY/ATH#<a>, which the feed fan-out reads. False if already muted."""
        now = datetime.now(UTC)
        mutes = (keys.mutes_pk(muter_id), keys.athlete_sk(muted_id))
        try:
            with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
                transaction.save(_edge(mutes, muter_id, muted_id, now), condition=EdgeItem.PK.does_not_exist())
                muted_by = (keys.muted_by_pk(muted_id), keys.athlete_sk(muter_id))
                transaction.save(_edge(muted_by, muted_id, muter_id, now))
        except ConflictError:
            if mutes in self.existing([mutes], consistent=True):
                return False
            raise
        return True

    def unmute(self, muter_id: int, muted_id: int) -> None:
        """AP28: TransactWriteItems: Delete both mute items (absent ones are no-ops)."""
        with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
            transaction.delete(EdgeItem(keys.mutes_pk(muter_id), keys.athlete_sk(muted_id)))
            transaction.delete(EdgeItem(keys.muted_by_pk(muted_id), keys.athlete_sk(muter_id)))
