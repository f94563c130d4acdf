"""Live tracking's items (AP73-AP89): sessions and their state, the one-live-session marker, share links, cheers,
the WebSocket connection registry and group sessions. See docs/live.md and docs/access-patterns.md.

Items of an ended session and of connections carry a TTL so the table forgets them (sessions 30 days after
they end, connections and watch items after API Gateway's 2-hour connection limit).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from stride.errors import ConflictError
from stride.live.models import Audience, Cheer, Group, Session, Share, Status
from stride.live.track import LiveState
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import (
    LiveCheerItem,
    LiveConnectionItem,
    LiveCurrentItem,
    LiveGroupItem,
    LiveGroupMemberItem,
    LiveSessionItem,
    LiveShareItem,
    LiveWatchItem,
    StrideItem,
)

_BATCH_KEYS = 100
ENDED_TTL = 30 * 86_400  # s an ended session (and its cheers, links) stays readable
CONNECTION_TTL = 2 * 3_600 + 600  # API Gateway closes a WebSocket connection after 2 hours
GROUP_TTL = 2 * 86_400


def _ttl(seconds: int) -> datetime:
    return datetime.fromtimestamp(time.time() + seconds, UTC)


def _to_session(item: LiveSessionItem) -> Session:
    return Session(
        id=int(item.session_id),
        athlete_id=int(item.athlete_id),
        sport_type=item.sport_type,
        name=item.name,
        status=Status(item.status),
        audience=Audience(item.audience),
        started_at=item.started_at,
        updated_at=item.updated_at,
        chosen=_ints(item.chosen),
        group_id=int(item.group_id) if item.group_id is not None else None,
        upload_id=int(item.upload_id) if item.upload_id is not None else None,
        rev=int(item.rev or 0),
        state=LiveState.loads(item.state),
        segments=item.segments,
    )


def _ints(values: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in (values or []))


def _strs(values: Any) -> list[str]:
    return [str(v) for v in (values or [])]


def topics_of(item: LiveConnectionItem) -> list[str]:
    return _strs(item.topics)


def _current_key(athlete_id: int) -> tuple[str, str]:
    return keys.athlete_pk(athlete_id), keys.LIVE_CURRENT


class LiveRepository:
    """Reads and writes live items. Each method names its access pattern."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    # ---------------------------------------------------------------- sessions
    def create_session(self, session: Session, segments: str | None) -> None:
        """AP73: TransactWriteItems: Put ``ATH#<a>``/``LIVE#CURRENT`` (attribute_not_exists: one open session per
        athlete) and the session ``LIVE#<s>``/``META`` (GSI1 ``ATH#<a>#LIVE``). ConflictError if one is open."""
        item = LiveSessionItem(
            keys.live_session_pk(session.id),
            keys.META,
            session_id=session.id,
            athlete_id=session.athlete_id,
            sport_type=session.sport_type,
            name=session.name,
            status=session.status.value,
            audience=session.audience.value,
            chosen=list(session.chosen) or None,
            started_at=session.started_at,
            updated_at=session.updated_at,
            state=session.state.dumps(),
            segments=segments,
            GSI1PK=keys.athlete_live_sessions_pk(session.athlete_id),
            GSI1SK=keys.athlete_live_sessions_sk(int(session.started_at.timestamp()), session.id),
        )
        marker = LiveCurrentItem(*_current_key(session.athlete_id), session_id=session.id)
        with translated("LiveSession"), TransactWrite(connection=self._conn()) as transaction:
            transaction.save(marker, condition=LiveCurrentItem.PK.does_not_exist())
            transaction.save(item, condition=LiveSessionItem.PK.does_not_exist())

    def get_session(self, session_id: int, *, consistent: bool = False) -> Session | None:
        """AP75: GetItem PK=LIVE#<s>, SK=META."""
        with translated("LiveSession"):
            try:
                item = LiveSessionItem.get(keys.live_session_pk(session_id), keys.META, consistent_read=consistent)
            except LiveSessionItem.DoesNotExist:
                return None
        return _to_session(item)

    def get_sessions(self, session_ids: Iterable[int]) -> dict[int, Session]:
        """AP76: BatchGetItem PK=LIVE#<s>, SK=META (100 a call)."""
        wanted = sorted({keys.live_session_pk(s) for s in session_ids})
        found: dict[int, Session] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            with translated("LiveSession"):
                for item in LiveSessionItem.batch_get([(pk, keys.META) for pk in wanted[start : start + _BATCH_KEYS]]):
                    found[int(item.session_id)] = _to_session(item)
        return found

    def current_session_ids(self, athlete_ids: Iterable[int]) -> dict[int, int]:
        """AP77: BatchGetItem PK=ATH#<a>, SK=LIVE#CURRENT: athlete id -> their open session's id."""
        wanted = sorted({_current_key(a) for a in athlete_ids})
        found: dict[int, int] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            with translated("LiveSession"):
                for item in LiveCurrentItem.batch_get(wanted[start : start + _BATCH_KEYS]):
                    found[int(item.PK.removeprefix(keys.ATHLETE))] = int(item.session_id)
        return found

    def set_status(
        self, session: Session, status: Status, *, upload_id: int | None = None, group_id: int | None = None
    ) -> None:
        """AP78: UpdateItem status (conditional on the status read); an ending status also Deletes the athlete's
        ``LIVE#CURRENT`` marker in the same transaction and sets the session's TTL."""
        item = LiveSessionItem(keys.live_session_pk(session.id), keys.META)
        actions: list[Any] = [
            LiveSessionItem.status.set(status.value),
            LiveSessionItem.updated_at.set(datetime.now(UTC)),
        ]
        if upload_id is not None:
            actions.append(LiveSessionItem.upload_id.set(upload_id))
        if group_id is not None:
            actions.append(LiveSessionItem.group_id.set(group_id))
        ending = status in (Status.FINISHED, Status.DISCARDED)
        if ending:
            actions.append(LiveSessionItem.ttl.set(_ttl(ENDED_TTL)))
        condition = LiveSessionItem.status == session.status.value
        with translated("LiveSession"), TransactWrite(connection=self._conn()) as transaction:
            transaction.update(item, actions=actions, condition=condition)
            if ending:
                marker = LiveCurrentItem(*_current_key(session.athlete_id))
                transaction.delete(marker, condition=LiveCurrentItem.session_id == session.id)

    def save_state(self, session: Session, state: LiveState, segments: str | None) -> bool:
        """AP79: UpdateItem state, segments, rev+1 if rev is the one read (the consumer's optimistic lock).
        False when the session changed meanwhile (the record is retried)."""
        item = LiveSessionItem(keys.live_session_pk(session.id), keys.META)
        actions: list[Any] = [LiveSessionItem.state.set(state.dumps()), LiveSessionItem.rev.set(session.rev + 1)]
        if segments is not None:
            actions.append(LiveSessionItem.segments.set(segments))
        try:
            with translated("LiveSession"):
                item.update(actions=actions, condition=LiveSessionItem.rev == session.rev)
        except ConflictError:
            return False
        return True

    # ---------------------------------------------------------------- share links
    def put_share(self, share: Share) -> None:
        """AP80: TransactWriteItems: Put ``LIVESHARE#<hash>``/``META`` and ``LIVE#<s>``/``SHARE#<id>``."""
        ttl = share.expires_at
        with translated("LiveShare"), TransactWrite(connection=self._conn()) as transaction:
            for pk, sk in ((keys.live_share_pk(share.token_hash), keys.META),
                           (keys.live_session_pk(share.session_id), keys.share_sk(share.id))):  # fmt: skip
                transaction.save(
                    LiveShareItem(
                        pk,
                        sk,
                        share_id=share.id,
                        session_id=share.session_id,
                        token_hash=share.token_hash,
                        expires_at=share.expires_at,
                        ttl=ttl,
                    ),
                    condition=LiveShareItem.PK.does_not_exist(),
                )

    def share_by_hash(self, token_hash: str) -> Share | None:
        """AP81: GetItem PK=LIVESHARE#<sha256 of the token>, SK=META."""
        with translated("LiveShare"):
            try:
                item = LiveShareItem.get(keys.live_share_pk(token_hash), keys.META)
            except LiveShareItem.DoesNotExist:
                return None
        return Share(int(item.share_id), int(item.session_id), item.token_hash, item.expires_at)

    def shares_of(self, session_id: int) -> list[Share]:
        """AP82: Query PK=LIVE#<s>, SK begins_with SHARE#."""
        with translated("LiveShare"):
            items = LiveShareItem.query(
                keys.live_session_pk(session_id), LiveShareItem.SK.startswith(keys.SHARE), consistent_read=True
            )
            return [Share(int(i.share_id), int(i.session_id), i.token_hash, i.expires_at) for i in items]

    def delete_shares(self, shares: Iterable[Share]) -> None:
        """AP83: BatchWriteItem Delete both items of each link."""
        with translated("LiveShare"), LiveShareItem.batch_write() as batch:
            for share in shares:
                batch.delete(LiveShareItem(keys.live_share_pk(share.token_hash), keys.META))
                batch.delete(LiveShareItem(keys.live_session_pk(share.session_id), keys.share_sk(share.id)))

    # ---------------------------------------------------------------- cheers
    def put_cheer(self, cheer: Cheer) -> None:
        """AP84: PutItem PK=LIVE#<s>, SK=CHEER#<id>."""
        with translated("LiveCheer"):
            LiveCheerItem(
                keys.live_session_pk(cheer.session_id),
                keys.cheer_sk(cheer.id),
                cheer_id=cheer.id,
                from_athlete_id=cheer.from_athlete_id,
                text=cheer.text,
                created_at=cheer.created_at,
                ttl=_ttl(ENDED_TTL),
            ).save(condition=LiveCheerItem.PK.does_not_exist())

    # ---------------------------------------------------------------- connections and watchers
    def put_connection(self, connection_id: str, attrs: dict[str, Any]) -> None:
        """AP85: PutItem PK=LIVECONN#<connection>, SK=META (on $connect)."""
        with translated("LiveConnection"):
            LiveConnectionItem(
                keys.live_connection_pk(connection_id), keys.META, ttl=_ttl(CONNECTION_TTL), topics=[], **attrs
            ).save()

    def get_connection(self, connection_id: str) -> LiveConnectionItem | None:
        """AP85: GetItem PK=LIVECONN#<connection>, SK=META."""
        with translated("LiveConnection"):
            try:
                return LiveConnectionItem.get(keys.live_connection_pk(connection_id), keys.META)
            except LiveConnectionItem.DoesNotExist:
                return None

    def watch(self, connection_id: str, topics: list[str], viewer_kind: str, athlete_id: int | None) -> None:
        """AP86: BatchWriteItem Put ``LIVEWATCH#<topic>``/``CONN#<connection>`` per topic, then UpdateItem the
        connection's ``topics`` (so $disconnect and a 410 find every watch item)."""
        with translated("LiveConnection"), LiveWatchItem.batch_write() as batch:
            for topic in topics:
                batch.save(
                    LiveWatchItem(
                        keys.live_watch_pk(topic),
                        keys.connection_sk(connection_id),
                        connection_id=connection_id,
                        viewer_kind=viewer_kind,
                        athlete_id=athlete_id,
                        ttl=_ttl(CONNECTION_TTL),
                    )
                )
        with translated("LiveConnection"):
            LiveConnectionItem(keys.live_connection_pk(connection_id), keys.META).update(
                actions=[LiveConnectionItem.topics.set((LiveConnectionItem.topics | []).append(topics))]
            )

    def unwatch(self, connection_id: str, topics: Iterable[str]) -> None:
        """AP87: BatchWriteItem Delete ``LIVEWATCH#<topic>``/``CONN#<connection>`` per topic."""
        with translated("LiveConnection"), LiveWatchItem.batch_write() as batch:
            for topic in set(topics):
                batch.delete(LiveWatchItem(keys.live_watch_pk(topic), keys.connection_sk(connection_id)))

    def delete_connection(self, connection_id: str) -> None:
        """AP87: the connection's watch items (from its ``topics``) and DeleteItem of the connection."""
        item = self.get_connection(connection_id)
        if item is not None:
            self.unwatch(connection_id, _strs(item.topics))
        with translated("LiveConnection"):
            LiveConnectionItem(keys.live_connection_pk(connection_id), keys.META).delete()

    def watchers(self, topic: str) -> list[LiveWatchItem]:
        """AP88: Query PK=LIVEWATCH#<topic> (every connection watching it)."""
        with translated("LiveConnection"):
            return list(LiveWatchItem.query(keys.live_watch_pk(topic)))

    # ---------------------------------------------------------------- groups
    def create_group(self, group: Group) -> None:
        """AP89: PutItem PK=LIVEGRP#<g>, SK=META."""
        with translated("LiveGroup"):
            LiveGroupItem(
                keys.live_group_pk(group.id),
                keys.META,
                group_id=group.id,
                owner_id=group.owner_id,
                name=group.name,
                invited=list(group.invited),
                created_at=group.created_at,
                ttl=_ttl(GROUP_TTL),
            ).save(condition=LiveGroupItem.PK.does_not_exist())

    def get_group(self, group_id: int) -> Group | None:
        """AP89: Query PK=LIVEGRP#<g> (META and MEMBER#<a> items, one call)."""
        meta: LiveGroupItem | None = None
        members: dict[int, int] = {}
        with translated("LiveGroup"):
            for item in StrideItem.query(keys.live_group_pk(group_id), consistent_read=True):
                if isinstance(item, LiveGroupItem):
                    meta = item
                elif isinstance(item, LiveGroupMemberItem):
                    members[int(item.athlete_id)] = int(item.session_id)
        if meta is None:
            return None
        return Group(
            int(meta.group_id),
            int(meta.owner_id),
            meta.name,
            _ints(meta.invited),
            meta.created_at,
            members,
        )

    def add_member(self, group_id: int, session: Session) -> None:
        """AP89: TransactWriteItems: Put ``LIVEGRP#<g>``/``MEMBER#<a>`` and set the session's group_id (only
        while the session is open and in no other group)."""
        member = LiveGroupMemberItem(
            keys.live_group_pk(group_id),
            keys.member_sk(session.athlete_id),
            athlete_id=session.athlete_id,
            session_id=session.id,
            ttl=_ttl(GROUP_TTL),
        )
        item = LiveSessionItem(keys.live_session_pk(session.id), keys.META)
        condition = LiveSessionItem.status.is_in(Status.LIVE.value, Status.PAUSED.value) & (
            LiveSessionItem.group_id.does_not_exist() | (LiveSessionItem.group_id == group_id)
        )
        with translated("LiveGroup"), TransactWrite(connection=self._conn()) as transaction:
            transaction.save(member)
            transaction.update(item, actions=[LiveSessionItem.group_id.set(group_id)], condition=condition)
