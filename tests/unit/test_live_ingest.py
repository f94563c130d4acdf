"""The consumer's work on one record (stride.live.ingest) with the table, S3 and pushes replaced by fakes: the
fast and slow paths, redelivery, a lost race, an ended session."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from stride.live import ingest, segments_live
from stride.live.models import Audience, Session, Status
from stride.live.track import LiveState, Motion, Point

T0 = 1_800_000_000.0


class FakeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.lose_next_race = False

    def get_session(self, session_id: int, *, consistent: bool = False) -> Session | None:
        return self.session if session_id == self.session.id else None

    def save_state(self, session: Session, state: LiveState, segments: str | None) -> bool:
        if self.lose_next_race or session.rev != self.session.rev:
            self.lose_next_race = False
            return False
        self.session = replace(self.session, state=state, rev=session.rev + 1, segments=segments or session.segments)
        return True


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    now = datetime.now(UTC)
    session = Session(7, 1, "Ride", None, Status.LIVE, Audience.FOLLOWERS, now, now)
    chunks: dict[str, list[Point]] = {}
    pushed: list[list[Point]] = []
    monkeypatch.setattr(ingest, "motion_for", lambda _: Motion(1.0, 35.0))
    monkeypatch.setattr(ingest.chunks, "put_chunk", lambda _s, name, points: chunks.__setitem__(name, list(points)))
    monkeypatch.setattr(
        ingest.chunks, "read_track", lambda _s: sorted((p for c in chunks.values() for p in c), key=lambda p: p.time_ms)
    )
    monkeypatch.setattr(ingest.watchers, "push_points", lambda _s, new, _state, _r: pushed.append(list(new)))
    monkeypatch.setattr(ingest.segments_live, "load", lambda _a: segments_live.Progress([]))
    return {"repo": FakeRepository(session), "chunks": chunks, "pushed": pushed}


def record(first: int, last: int) -> dict[str, Any]:
    points = [{"time": T0 + i, "lat": 46.5 + i * 5 / 111_195, "lng": 6.6} for i in range(first, last + 1)]
    return {"kind": "points", "session_id": 7, "athlete_id": 1, "battery": 60, "points": points}


def apply(world: dict[str, Any], message: dict[str, Any], sequence: str, arrival_ms: int = 1) -> str:
    return ingest.handle(message, sequence, arrival_ms, world["repo"])


def test_in_order_then_late_then_redelivered(world: dict[str, Any]) -> None:
    repo, chunks, pushed = world["repo"], world["chunks"], world["pushed"]
    assert apply(world, record(0, 9), "s1") == "merged"
    assert apply(world, record(20, 29), "s2") == "merged"
    # A late batch overlapping both: only the 10 missing points are new, stored and pushed
    assert apply(world, record(5, 24), "s3") == "merged"
    assert [p.time_ms for p in chunks["s3"]] == [round((T0 + i) * 1000) for i in range(10, 20)]
    assert [len(p) for p in pushed] == [10, 10, 10]
    state = repo.session.state
    assert state.point_count == 30 and state.distance == pytest.approx(145.0, rel=1e-3)
    # The same records again (Kinesis redelivers a batch): nothing new, nothing pushed, same track and state
    for message, sequence in ((record(0, 9), "s1"), (record(5, 24), "s3")):
        assert apply(world, message, sequence) in {"duplicate", "refreshed"}
    assert len(pushed) == 3 and set(chunks) == {"s1", "s2", "s3"}
    assert replace(repo.session.state, last_seen_ms=None) == replace(state, last_seen_ms=None)


def test_a_lost_race_raises_so_the_record_is_retried(world: dict[str, Any]) -> None:
    world["repo"].lose_next_race = True
    with pytest.raises(ingest.StaleStateError):
        apply(world, record(0, 4), "s1")
    assert apply(world, record(0, 4), "s1") == "merged"  # the retry
    assert world["repo"].session.state.point_count == 5


def test_points_of_a_discarded_or_unknown_session_are_dropped(world: dict[str, Any]) -> None:
    world["repo"].session = replace(world["repo"].session, status=Status.DISCARDED)
    assert apply(world, record(0, 4), "s1") == "gone"
    assert apply(world, {**record(0, 1), "session_id": 8}, "s2") == "gone"
    assert world["chunks"] == {}


def test_an_unknown_record_kind_is_ignored(world: dict[str, Any]) -> None:
    assert apply(world, {"kind": "selfie", "session_id": 7}, "s1") == "ignored"
