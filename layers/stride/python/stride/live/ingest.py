"""The Kinesis consumer's work on one record: merge points into the session's live state, append the new ones
as a track chunk, push them to watchers; a finish record turns the merged track into an upload.

Idempotent on redelivery: a batch whose points are all after the last known point extends the state (the
common case, no read of the track); anything else (late, out of order, or a record seen before) is merged
against the whole track read from its chunks and the state is refolded from it, so the same points always
give the same track and the same state. A chunk is named by the record's sequence number, and written only
when the record brought new points. The state write is conditional on the revision read; losing that race
raises, and the batch processor reports the record for a retry.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import Any

from stride.errors import ConflictError
from stride.live import chunks, gpx, groups, segments_live, watchers
from stride.live.models import Session, Status
from stride.live.track import Motion, Point, fold, fresh, merge, recompute, unique_by_ms
from stride.live.views import LiveStateView, last_position
from stride.observability import logger
from stride.store.live import LiveRepository


class StaleStateError(Exception):
    """The session's state changed while this record was merged: retry the record."""


@cache
def get_repository() -> LiveRepository:
    return LiveRepository()


def motion_for(sport_type: str) -> Motion:
    from stride.activities.metrics.sports import profile  # the consumer only: it loads numpy

    sport = profile(sport_type)
    return Motion(sport.min_moving_speed, sport.max_speed)


def handle(message: dict[str, Any], sequence: str, arrival_ms: int, repo: LiveRepository | None = None) -> str:
    kind = message.get("kind")
    if kind == "points":
        return apply_points(message, sequence, arrival_ms, repo)
    if kind == "finish":
        return apply_finish(message, repo)
    logger.warning("unknown live record", kind=str(kind))
    return "ignored"


def apply_points(message: dict[str, Any], sequence: str, arrival_ms: int, repo: LiveRepository | None = None) -> str:
    r = repo or get_repository()
    session = r.get_session(int(message["session_id"]), consistent=True)
    if session is None or session.status is Status.DISCARDED:
        return "gone"
    batch = [Point.from_json(raw) for raw in message.get("points") or []]
    motion = motion_for(session.sport_type)
    state = session.state
    if state.last_ms is None or all(p.time_ms > state.last_ms for p in batch):
        new = unique_by_ms(batch)
        next_state = fold(state, new, motion)
    else:
        track = chunks.read_track(session.id)
        new = fresh(batch, {p.time_ms for p in track})
        next_state = recompute(merge(track, new), motion, battery=state.battery, last_seen_ms=state.last_seen_ms)
    battery = message.get("battery")
    next_state = replace(
        next_state,
        battery=int(battery) if battery is not None else state.battery,
        last_seen_ms=max(arrival_ms, state.last_seen_ms or 0),
    )
    # Live segments follow the points that extend the track (late ones come too late for a live split).
    in_order = [p for p in new if state.last_ms is None or p.time_ms > state.last_ms]
    progress, events = _segments(session, in_order)
    if new:
        chunks.put_chunk(session.id, sequence, new)
    if next_state == state and progress is None:
        return "duplicate"
    if not r.save_state(session, next_state, progress):
        raise StaleStateError(f"session {session.id} changed")
    updated = replace(session, state=next_state, rev=session.rev + 1)
    if new:
        _push(updated, new, r)
    for event in events:
        watchers.push_to_owner(updated, event.message(session.id), r)
    return "merged" if new else "refreshed"


def _segments(session: Session, points: list[Point]) -> tuple[str | None, list[segments_live.SegmentEvent]]:
    """The session's new live-segment progress (None: unchanged) and what happened along ``points``."""
    if not points:
        return None, []
    progress = (
        segments_live.Progress.loads(session.segments) if session.segments else segments_live.load(session.athlete_id)
    )
    if not progress.candidates:
        return (None if session.segments else progress.dumps()), []
    events = segments_live.advance(progress, points)
    return progress.dumps(), events


def _push(session: Session, new: list[Point], repo: LiveRepository) -> None:
    owner_state = LiveStateView.from_domain(session.state, last_position(session.state)).model_dump()
    watchers.push_points(session, new, owner_state, repo)
    if session.group_id is not None:
        _push_group(session.group_id, repo)


def _push_group(group_id: int, repo: LiveRepository) -> None:
    from stride.policy import Caller

    group = groups.find(group_id, repo)
    if group is None:
        return
    for item in repo.watchers(watchers.group_topic(group_id)):
        if item.athlete_id is None:
            continue
        members = groups.members_for(Caller(int(item.athlete_id), ""), group, repo)
        watchers.push.send(
            item.connection_id,
            {"type": "group", "group_id": group_id, "members": [m.model_dump() for m in members]},
        )


def apply_finish(message: dict[str, Any], repo: LiveRepository | None = None) -> str:
    """Write the merged track as a GPX upload, exactly as POST /uploads stores one: the Upload item first, then
    the raw file at its key in the uploads bucket, whose ObjectCreated event runs process_upload. Once only."""
    from stride.activities.models import Upload, UploadStatus
    from stride.activities.uploads import object_key
    from stride.store.activities import UploadRepository

    r = repo or get_repository()
    session = r.get_session(int(message["session_id"]), consistent=True)
    if session is None or session.status is not Status.FINISHED:
        return "gone"
    upload_id = int(message["upload_id"])
    if session.upload_id != upload_id:
        return "stale"
    key = object_key(session.athlete_id, upload_id, "gpx")
    now = datetime.now(UTC)
    upload = Upload(
        id=upload_id,
        athlete_id=session.athlete_id,
        status=UploadStatus.PROCESSING,
        object_key=key,
        created_at=now,
        updated_at=now,
        external_id=f"live-{session.id}",
        data_type="gpx",
        name=session.name,
        sport_type=session.sport_type,
    )
    uploads = UploadRepository()
    try:
        uploads.create(upload)
    except ConflictError:
        if chunks.object_exists(key):
            return "duplicate"
    track = chunks.read_track(session.id)
    chunks.put_object(key, gpx.build(track, session.name, session.sport_type), "application/gpx+xml")
    logger.info("live session written as upload", session_id=session.id, upload_id=upload_id, points=len(track))
    return "finished"


def decode(data: bytes) -> dict[str, Any]:
    return dict(json.loads(data))
