"""Who may watch a live session (policies.cedar, "live tracking"), safety-link tokens, group gaps and live
segment detection: pure rules of stride.live."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from stride.live import segments_live
from stride.live.groups import gaps
from stride.live.models import Audience, Session, Status
from stride.live.sharing import TOKEN_BYTES, token_hash
from stride.live.track import LiveState, Point
from stride.policy import (
    STRANGER,
    Caller,
    Relation,
    can_cheer_live,
    can_watch_live,
    sees_full_live_track,
    share_can_watch_live,
)

OWNER, VIEWER, SESSION = 1, 2, 99
FOLLOWER = Relation(follows=True)
BLOCKED_FOLLOWER = Relation(follows=True, blocked=True)
STEP = 1.0 / 111_195  # degrees of latitude for 1 m


def caller(athlete_id: int, *groups: str) -> Caller:
    return Caller(athlete_id, f"sub-{athlete_id}", frozenset(groups))


@pytest.mark.parametrize(
    ("audience", "chosen", "relation", "allowed"),
    [
        ("followers", (), FOLLOWER, True),
        ("followers", (), STRANGER, False),
        ("followers", (), BLOCKED_FOLLOWER, False),
        ("chosen", (VIEWER,), STRANGER, True),
        ("chosen", (3,), FOLLOWER, False),
        ("chosen", (VIEWER,), Relation(blocked=True), False),
        ("only_me", (), FOLLOWER, False),
    ],
)
def test_who_may_watch(audience: str, chosen: tuple[int, ...], relation: Relation, allowed: bool) -> None:
    assert can_watch_live(caller(VIEWER), SESSION, OWNER, audience, chosen, relation) is allowed


@pytest.mark.parametrize("audience", ["followers", "chosen", "only_me"])
def test_the_owner_always_watches_and_alone_sees_the_whole_track(audience: str) -> None:
    assert can_watch_live(caller(OWNER), SESSION, OWNER, audience, (), STRANGER)
    assert sees_full_live_track(caller(OWNER), SESSION, OWNER)
    assert not sees_full_live_track(caller(VIEWER), SESSION, OWNER)


@pytest.mark.parametrize("role", ["MODERATOR", "ADMIN"])
def test_staff_get_no_live_positions(role: str) -> None:
    staff = caller(VIEWER, role)
    assert not can_watch_live(staff, SESSION, OWNER, "only_me", (), STRANGER)
    assert not sees_full_live_track(staff, SESSION, OWNER)


def test_a_share_link_watches_its_own_session_only() -> None:
    assert share_can_watch_live(SESSION, SESSION, OWNER)
    assert not share_can_watch_live(SESSION, SESSION + 1, OWNER)


def test_cheers_need_watching_and_never_go_to_oneself() -> None:
    assert can_cheer_live(caller(VIEWER), SESSION, OWNER, "followers", (), FOLLOWER)
    assert not can_cheer_live(caller(VIEWER), SESSION, OWNER, "followers", (), STRANGER)
    assert not can_cheer_live(caller(OWNER), SESSION, OWNER, "followers", (), STRANGER)


def test_share_tokens_are_stored_as_their_sha256_only() -> None:
    token = "x" * 43
    assert token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert len(token_hash(token)) == 64 and token not in token_hash(token)
    assert token_hash(token) != token_hash(token + "y")
    assert TOKEN_BYTES >= 32


def session(athlete_id: int, distance: float, moving_time: float) -> Session:
    now = datetime.now(UTC)
    state = LiveState(point_count=2, distance=distance, moving_time=moving_time, first_ms=0, last_ms=1000, lat=1, lng=1)
    return Session(athlete_id, athlete_id, "Ride", None, Status.LIVE, Audience.FOLLOWERS, now, now, state=state)


def test_group_gaps_are_to_the_leader_in_metres_and_seconds_at_the_leaders_speed(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("stride.live.access.sees_full_track", lambda *_: True)
    members = gaps(caller(1), [session(3, 900, 100), session(1, 1000, 100), session(2, 1000, 200)])
    assert [(m.athlete_id, m.gap_distance, m.gap_time) for m in members] == [
        (1, 0.0, 0.0),
        (2, 0.0, 0.0),
        (3, 100.0, 10.0),
    ]
    assert gaps(caller(1), []) == []


def candidate(pr_ms: int | None = 60_000) -> segments_live.Candidate:
    # A 1 km segment due north of (46.5, 6.6)
    return segments_live.Candidate(7, "Climb", (46.5, 6.6), (46.5 + 1000 * STEP, 6.6), 1000.0, pr_ms)


def north(first_m: float, last_m: float, every_m: float, speed: float, t0: int = 0) -> list[Point]:
    count = int((last_m - first_m) / every_m) + 1
    return [
        Point(t0 + round((first_m + k * every_m - first_m) / speed * 1000), 46.5 + (first_m + k * every_m) * STEP, 6.6)
        for k in range(count)
    ]


def test_a_live_segment_starts_and_finishes_with_the_time_against_the_pr() -> None:
    progress = segments_live.Progress([candidate()])
    ride = north(-100, 1100, 10, 20.0)  # 20 m/s: 1 km in 50 s
    # When the points arrive in three batches
    events = [e for part in (ride[:30], ride[30:80], ride[80:]) for e in segments_live.advance(progress, part)]
    # Then the segment starts once and finishes once, 50 s after the start: 10 s faster than the 60 s PR
    assert [e.phase for e in events] == ["started", "finished"]
    finished = events[1].message(99)
    assert finished == {"type": "segment", "session_id": 99, "segment_id": 7, "name": "Climb", "phase": "finished",
                        "elapsed_time": pytest.approx(50.0, abs=1.0), "pr_elapsed_time": 60.0,
                        "delta": pytest.approx(-10.0, abs=1.0)}  # fmt: skip
    # And the new best becomes the PR for the next pass
    assert progress.candidates[0].pr_ms == pytest.approx(50_000, abs=1000)


def test_a_live_segment_left_half_way_is_dropped_and_a_first_pass_has_no_pr() -> None:
    progress = segments_live.Progress([candidate(pr_ms=None)])
    out_and_back = north(-50, 500, 10, 10.0) + [
        Point(60_000 + k * 1000, 46.5 + (500 - k * 10) * STEP, 6.6) for k in range(1, 400)
    ]
    events = segments_live.advance(progress, out_and_back)
    assert [e.phase for e in events][:1] == ["started"] and "finished" not in [e.phase for e in events]
    progress = segments_live.Progress([candidate(pr_ms=None)])
    done = segments_live.advance(progress, north(-50, 1050, 10, 10.0))
    assert done[-1].phase == "finished" and done[-1].pr_elapsed_time is None and done[-1].delta is None


def test_live_segment_progress_round_trips_through_json() -> None:
    progress = segments_live.Progress([candidate()])
    segments_live.advance(progress, north(-20, 200, 10, 10.0))
    again = segments_live.Progress.loads(progress.dumps())
    assert again == progress and 7 in again.open
