"""Live sessions for their owner and watchers: start, points (into the stream), pause, resume, finish, discard,
reads and the "who I follow is live" list (AP73-AP79). The consumer (stride.live.ingest) keeps the state."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache

from stride import ids
from stride.activities.sports import canonical
from stride.errors import ConflictError, ErrorDetail, InvalidInputError, NotFoundError
from stride.live import access, stream
from stride.live.athletes import summaries, summary
from stride.live.models import MAX_CHOSEN, Audience, Session, Status
from stride.live.track import Point
from stride.live.views import LiveSessionView, last_position
from stride.observability import logger
from stride.policy import Caller, require_scope
from stride.social.relations import relations
from stride.store.live import LiveRepository

WRITE_SCOPE = "activity:write"
READ_SCOPE = "activity:read"
EARLY = 60.0  # s a point may predate the session's start (the phone's fix before the tap)
AHEAD = 60.0  # s a point may be ahead of the server's clock
FOLLOWING_READ = 1000  # followed athletes examined for "who is live"


@cache
def get_repository() -> LiveRepository:
    return LiveRepository()


def not_found() -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail("LiveSession", "id", "invalid")])


def load(session_id: int, repo: LiveRepository | None = None, *, consistent: bool = True) -> Session:
    session = (
        (repo or get_repository()).get_session(session_id, consistent=consistent) if ids.is_valid(session_id) else None
    )
    if session is None:
        raise not_found()
    return session


def own(caller: Caller, session_id: int, repo: LiveRepository | None = None) -> Session:
    """The caller's own session; anyone else's is 404 (session ids are not to be probed)."""
    session = load(session_id, repo)
    if session.athlete_id != caller.athlete_id:
        raise not_found()
    return session


def _ended(session: Session) -> ConflictError:
    return ConflictError(f"the session is {session.status.value}", [ErrorDetail("LiveSession", "status", "invalid")])


def start(
    caller: Caller, sport_type: str, name: str | None, audience: str, athlete_ids: Sequence[int],
    repo: LiveRepository | None = None,
) -> Session:  # fmt: skip
    """A new live session; 409 while the athlete has another one live or paused."""
    require_scope(caller, WRITE_SCOPE)
    sport = canonical(sport_type)
    if sport is None:
        raise InvalidInputError.about("unknown sport_type", "LiveSession", "sport_type", "invalid")
    chosen = tuple(sorted(set(athlete_ids) - {caller.athlete_id}))
    if audience != Audience.CHOSEN.value and chosen:
        raise InvalidInputError.about("athlete_ids go with audience chosen", "LiveSession", "athlete_ids", "invalid")
    if len(chosen) > MAX_CHOSEN:
        raise InvalidInputError.about(f"at most {MAX_CHOSEN} athletes", "LiveSession", "athlete_ids", "too many")
    now = datetime.now(UTC)
    session = Session(
        id=ids.new_id(),
        athlete_id=caller.athlete_id,
        sport_type=sport,
        name=(name or "").strip() or None,
        status=Status.LIVE,
        audience=Audience(audience),
        started_at=now,
        updated_at=now,
        chosen=chosen,
    )
    try:
        (repo or get_repository()).create_session(session, None)
    except ConflictError:
        raise ConflictError.about(
            "another live session is open: finish or discard it first", "LiveSession", "status", "already live"
        ) from None
    logger.info("live session started", session_id=session.id)
    return session


def post_points(
    caller: Caller, session_id: int, points: Sequence[Point], battery: int | None, repo: LiveRepository | None = None
) -> int:
    """Validate the batch against the session and put it on the stream; the number of points accepted."""
    require_scope(caller, WRITE_SCOPE)
    session = own(caller, session_id, repo)
    if not session.is_open:
        raise _ended(session)
    start_s, now = session.started_at.timestamp(), time.time()
    for index, point in enumerate(points):
        seconds = point.time_ms / 1000
        if not start_s - EARLY <= seconds <= now + AHEAD:
            raise InvalidInputError.about(
                "a point's time must be within the session (from its start - 60 s to now + 60 s)",
                "LiveSession", f"points[{index}].time", "out of range",
            )  # fmt: skip
    message = {
        "kind": "points",
        "session_id": session.id,
        "athlete_id": session.athlete_id,
        "battery": battery,
        "points": [p.to_json() | {"speed": p.speed} for p in points],
    }
    stream.put(session.id, [message])
    return len(points)


def set_paused(caller: Caller, session_id: int, paused: bool, repo: LiveRepository | None = None) -> Session:
    require_scope(caller, WRITE_SCOPE)
    r = repo or get_repository()
    session = own(caller, session_id, r)
    if not session.is_open:
        raise _ended(session)
    target = Status.PAUSED if paused else Status.LIVE
    if session.status is not target:
        r.set_status(session, target)
        session = replace(session, status=target, updated_at=datetime.now(UTC))
    return session


def finish(caller: Caller, session_id: int, repo: LiveRepository | None = None) -> Session:
    """End the session and queue the finish record: the consumer writes the GPX as an upload after every
    point posted before (same partition key, so the same shard, in order)."""
    require_scope(caller, WRITE_SCOPE)
    r = repo or get_repository()
    session = own(caller, session_id, r)
    if not session.is_open:
        raise _ended(session)
    upload_id = ids.new_id()
    r.set_status(session, Status.FINISHED, upload_id=upload_id)
    stream.put(session.id, [{"kind": "finish", "session_id": session.id, "athlete_id": session.athlete_id,
                             "upload_id": upload_id}])  # fmt: skip
    logger.info("live session finished", session_id=session.id, upload_id=upload_id)
    return replace(session, status=Status.FINISHED, upload_id=upload_id, updated_at=datetime.now(UTC))


def discard(caller: Caller, session_id: int, repo: LiveRepository | None = None) -> Session:
    """Throw the session away: its track chunks and share links go; the state stays only as "discarded"."""
    from stride.live import chunks  # S3 only on this path

    require_scope(caller, WRITE_SCOPE)
    r = repo or get_repository()
    session = own(caller, session_id, r)
    if session.status is Status.DISCARDED:
        return session
    if session.status is Status.FINISHED:
        raise _ended(session)
    r.set_status(session, Status.DISCARDED)
    r.delete_shares(r.shares_of(session.id))
    chunks.delete_track(session.id)
    return replace(session, status=Status.DISCARDED, updated_at=datetime.now(UTC))


def view(
    caller: Caller | None, session_id: int, *, share_session_id: int | None = None, with_track: bool = True,
    repo: LiveRepository | None = None,
) -> LiveSessionView:  # fmt: skip
    """A session as the caller (or a share link's holder) may see it, with the merged track so far; 404 for
    anyone who may not watch it."""
    from stride.live import chunks

    if caller is not None:
        require_scope(caller, READ_SCOPE)
    session = load(session_id, repo)
    if session.status is Status.DISCARDED and not access.sees_full_track(caller, session):
        raise not_found()
    if not access.may_watch(caller, session, share_session_id=share_session_id):
        raise not_found()
    track = chunks.read_track(session.id) if with_track else []
    position = last_position(session.state)
    if not access.sees_full_track(caller, session):
        # Others get the track without the zones, and no position while the athlete is inside one.
        zones = access.zones_of(session.athlete_id)
        track = access.trimmed(track, zones)
        if position is not None and not access.trimmed([position], zones):
            position = None
    return LiveSessionView.from_domain(
        session, summary(session.athlete_id), position=position, activity_id=_activity_id(session), track=track
    )


def _activity_id(session: Session) -> int | None:
    if session.upload_id is None:
        return None
    from stride.store.activities import UploadRepository

    upload = UploadRepository().get(session.upload_id)
    return upload.activity_id if upload else None


def as_view(session: Session) -> LiveSessionView:
    """The owner's view of a session just changed (no track)."""
    return LiveSessionView.from_domain(session, summary(session.athlete_id), position=last_position(session.state))


def following(caller: Caller, repo: LiveRepository | None = None) -> list[LiveSessionView]:
    """Athletes the caller follows who are live or paused now and whom the caller may watch, newest first;
    a position inside the athlete's privacy zones is never shown (null)."""
    from stride.store import keys
    from stride.store.social import SocialRepository

    require_scope(caller, READ_SCOPE)
    r = repo or get_repository()
    followed = SocialRepository().edge_ids(keys.following_pk(caller.athlete_id), limit=FOLLOWING_READ)
    current = r.current_session_ids(followed)
    sessions = r.get_sessions(current.values())
    rels = relations(caller.athlete_id, [s.athlete_id for s in sessions.values()])
    visible = [s for s in sessions.values() if s.is_open and access.may_watch(caller, s, rel=rels.get(s.athlete_id))]
    names = summaries(s.athlete_id for s in visible)
    answer = []
    for session in sorted(visible, key=lambda s: s.started_at, reverse=True):
        position = last_position(session.state)
        if position is not None and not access.trimmed([position], access.zones_of(session.athlete_id)):
            position = None
        answer.append(LiveSessionView.from_domain(session, names[session.athlete_id], position=position))
    return answer
