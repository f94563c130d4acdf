"""Segment leaderboards through the local cloud (AP63-AP72): effort events put on the real bus as the matcher
publishes them, the consumer (EventBridge rule -> SQS -> UpdateLeaderboardsFunction) keeps the boards, and the
leaderboard and records are read over HTTP. The consumer runs asynchronously, so every check polls with a deadline.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from infrastructure.local_cloud.cloud import LocalCloud
from stride.events.contracts import (
    DomainEvent,
    SegmentEffortRecordedEvent,
    SegmentEffortRemovedEvent,
    SegmentEffortSnapshot,
)
from stride.privacy.trim import encode_polyline
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault
from tests.integration.test_segments import from_points, line, somewhere

pytestmark = pytest.mark.integration

DEADLINE_S = 30.0
NOW = datetime.now(UTC).replace(microsecond=0)
Board = dict[str, Any]


def profile(user: AppUser, **params: Any) -> int:
    response = user.put("/api/v3/athlete", json=params)
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def segment(user: AppUser, kind: str = "Ride") -> int:
    return int(from_points(user, line(somewhere(), 800), name="board test", kind=kind)["id"])


def effort(
    segment_id: int, athlete_id: int, elapsed: float, *, days_ago: float = 0, visibility: str = "everyone"
) -> SegmentEffortSnapshot:
    start = NOW - timedelta(days=days_ago, minutes=30)
    return SegmentEffortSnapshot(
        effort_id=random.randrange(10**15, 2**62),  # noqa: S311 (test data, not a secret)
        segment_id=segment_id,
        activity_id=random.randrange(10**15, 2**62),  # noqa: S311
        athlete_id=athlete_id,
        sport_type="Ride",
        start_date=start,
        start_date_local=start.replace(tzinfo=None),
        elapsed_time=elapsed,
        moving_time=elapsed - 1,
        distance=800.0,
        start_index=0,
        end_index=80,
        visibility=visibility,
    )


def publish(cloud: LocalCloud, *events: DomainEvent) -> None:
    assert cloud.info is not None
    answer = cloud.client("events").put_events(
        Entries=[
            {
                "Source": type(event).source,
                "DetailType": type(event).detail_type,
                "Detail": event.model_dump_json(),
                "EventBusName": cloud.info.event_bus_name,
            }
            for event in events
        ]
    )
    assert answer["FailedEntryCount"] == 0


def recorded(cloud: LocalCloud, *efforts: SegmentEffortSnapshot) -> None:
    publish(cloud, *(SegmentEffortRecordedEvent(effort=e) for e in efforts))


def removed(cloud: LocalCloud, *efforts: SegmentEffortSnapshot) -> None:
    publish(cloud, *(SegmentEffortRemovedEvent(effort=e, reason="activity_deleted") for e in efforts))


def board(user: AppUser, segment_id: int, **params: Any) -> requests.Response:
    return user.get(f"/api/v3/segments/{segment_id}/leaderboard", params=params)


def wait_board(user: AppUser, segment_id: int, until: Callable[[Board], bool], **params: Any) -> Board:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        response = board(user, segment_id, **params)
        assert response.status_code == 200, response.text
        body = response.json()
        if until(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"the leaderboard never reached the expected state: {body}")
        time.sleep(0.2)


def standings(body: Board) -> list[tuple[int, int, int]]:
    return [(e["rank"], e["athlete_id"], e["elapsed_time"]) for e in body["entries"]]


def athletes(body: Board) -> list[int]:
    return [e["athlete_id"] for e in body["entries"]]


def holder(body: Board, title: str) -> int | None:
    held = body["titles"][title]
    return held["athlete_id"] if held else None


# ---------------------------------------------------------------- ranking, filters, my rank


def _in_period(days_ago: float, date_range: str) -> bool:
    day = (NOW - timedelta(days=days_ago, minutes=30)).date()
    today = NOW.date()
    if date_range == "today":
        return day == today
    if date_range == "this_week":
        return day.isocalendar()[:2] == today.isocalendar()[:2]
    if date_range == "this_month":
        return (day.year, day.month) == (today.year, today.month)
    return day.year == today.year


def test_ranking_filters_and_my_rank(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given four athletes with profiles (sex, weight) and a ride segment
    a, b, c, d = (make_user() for _ in range(4))
    ids = {
        "a": profile(a, sex="M", weight=70, birthdate="1990-06-15"),
        "b": profile(b, sex="F", weight=60, birthdate="1988-01-01"),
        "c": profile(c, sex="M", weight=80, birthdate="1960-03-03"),
        "d": profile(d, weight=90),
    }
    segment_id = segment(a)
    # When their efforts land (a rode twice: a slow one 40 days ago, a faster one today)
    plan = [("a", 300.4, 40), ("a", 295.2, 0), ("b", 290.0, 2), ("c", 310.0, 2), ("d", 280.0, 40)]
    recorded(cloud, *(effort(segment_id, ids[who], t, days_ago=ago) for who, t, ago in plan))
    # Then the overall board holds each athlete's best, fastest first, ranked
    # (the five events are consumed in batches, in any order: wait for all of them, not just for four entries)
    expected = [(1, ids["d"], 280), (2, ids["b"], 290), (3, ids["a"], 295), (4, ids["c"], 310)]
    body = wait_board(a, segment_id, lambda body: standings(body) == expected)
    assert body["entry_count"] == 4
    assert body["kom_type"] == "kom"
    # And the caller's own entry and rank come with the page, even off the page (counted from the buckets)
    assert body["athlete_entry"]["rank"] == 3 and body["athlete_entry"]["athlete_id"] == ids["a"]
    off_page = board(c, segment_id, per_page=2).json()
    assert athletes(off_page) == [ids["d"], ids["b"]]
    assert off_page["athlete_entry"]["rank"] == 4 and off_page["athlete_entry"]["elapsed_time"] == 310
    assert board(b, segment_id, page=2, per_page=2).json()["entries"][0]["rank"] == 3
    # And each filter reads its own board
    men = board(a, segment_id, gender="M").json()
    assert standings(men) == [(1, ids["a"], 295), (2, ids["c"], 310)] and men["entry_count"] == 2
    assert athletes(board(a, segment_id, gender="F").json()) == [ids["b"]]
    assert athletes(board(a, segment_id, weight_class="65_74").json()) == [ids["a"]]
    assert athletes(board(a, segment_id, weight_class="85_94").json()) == [ids["d"]]
    assert board(b, segment_id, weight_class="85_94").json()["athlete_entry"] is None
    # (age groups from the private birthdates, on the efforts' dates; d gave none and is on no age board)
    assert athletes(board(a, segment_id, age_group="35_44").json()) == [ids["b"], ids["a"]]
    assert athletes(board(a, segment_id, age_group="65_69").json()) == [ids["c"]]
    assert board(d, segment_id, age_group="35_44").json()["athlete_entry"] is None
    for date_range in ("today", "this_week", "this_month", "this_year"):
        best: dict[str, tuple[float, int]] = {}
        for who, t, ago in plan:
            if _in_period(ago, date_range) and (who not in best or t < best[who][0]):
                best[who] = (t, ids[who])
        expected = [athlete for _, athlete in sorted(best.values())]
        assert athletes(board(a, segment_id, date_range=date_range).json()) == expected, date_range
    # And titles: KOM the fastest man, QOM the fastest woman, CR the fastest overall (sex unknown included)
    body = wait_board(a, segment_id, lambda body: holder(body, "cr") == ids["d"])
    assert (holder(body, "kom"), holder(body, "qom")) == (ids["a"], ids["b"])


def test_bad_filters_are_faults(user: AppUser) -> None:
    segment_id = segment(user)
    # club_id with following is a 400 (the club filter itself is tested in test_clubs.py); an unknown club is a 404
    assert assert_fault(board(user, segment_id, club_id=5, following="true"), 400)["errors"][0]["field"] == "club_id"
    assert_fault(board(user, segment_id, club_id=5), 404)
    assert assert_fault(board(user, segment_id, age_group="25_34", gender="F"), 400)["errors"][0]["field"]
    assert assert_fault(board(user, segment_id, gender="M", date_range="today"), 400)["errors"][0]["field"]
    assert_fault(board(user, segment_id, gender="X"), 422)
    assert_fault(board(user, segment_id, date_range="yesterday"), 422)
    assert_fault(board(user, segment_id, page=50, per_page=200), 422)
    assert_fault(board(user, 12345), 404)


# ---------------------------------------------------------------- titles change hands


def test_kom_changes_hands_and_comes_back_when_removed(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given a KOM holder on a ride segment
    first, second, woman = make_user(), make_user(), make_user()
    first_id, second_id = profile(first, sex="M"), profile(second, sex="M")
    woman_id = profile(woman, sex="F")
    segment_id = segment(first)
    held = effort(segment_id, first_id, 300.0, days_ago=3)
    recorded(cloud, held)
    wait_board(first, segment_id, lambda body: holder(body, "kom") == first_id)
    # When a faster man's effort lands, and a woman's
    faster = effort(segment_id, second_id, 280.0, days_ago=1)
    recorded(cloud, faster, effort(segment_id, woman_id, 330.0, days_ago=1))
    # Then the KOM changes hands and the QOM is hers
    body = wait_board(first, segment_id, lambda body: holder(body, "kom") == second_id and holder(body, "qom"))
    assert holder(body, "qom") == woman_id and holder(body, "cr") == second_id and body["entry_count"] == 3
    # When the new holder's effort is removed (activity deleted)
    removed(cloud, faster)
    # Then the KOM goes back and the remover leaves the board
    body = wait_board(first, segment_id, lambda body: holder(body, "cr") == first_id)
    assert second_id not in athletes(body) and body["entry_count"] == 2 and holder(body, "kom") == first_id
    # When the holder rides slower, then the faster ride is removed: they fall back to their next best
    slower = effort(segment_id, first_id, 305.0, days_ago=0)
    recorded(cloud, slower)
    wait_board(first, segment_id, lambda body: body["titles"]["kom"]["effort_id"] == held.effort_id)
    records = first.get(f"/api/v3/athletes/{first_id}/records").json()
    assert [len(s["efforts"]) for s in records["segments"] if s["segment_id"] == segment_id] == [2]
    removed(cloud, held)
    body = wait_board(first, segment_id, lambda body: body["athlete_entry"]["effort_id"] == slower.effort_id)
    assert body["athlete_entry"]["elapsed_time"] == 305 and holder(body, "kom") == first_id


def test_duplicate_and_private_events_change_nothing(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given a rider's effort event, and a sentinel athlete whose effort is published after everything else
    rider, sentinel = make_user(), make_user()
    rider_id, sentinel_id = profile(rider, sex="M"), profile(sentinel)
    segment_id = segment(rider)
    once = effort(segment_id, rider_id, 200.0)
    event = SegmentEffortRecordedEvent(effort=once)
    # When the same event is delivered twice, then an only_me effort arrives (it never reaches a board)
    publish(cloud, event)
    publish(cloud, event)
    recorded(cloud, effort(segment_id, rider_id, 100.0, visibility="only_me"))
    recorded(cloud, effort(segment_id, sentinel_id, 210.0))
    # Then, once the sentinel is on the board, the rider is on it once, with the effort delivered twice
    body = wait_board(rider, segment_id, lambda body: sentinel_id in athletes(body))
    assert standings(body) == [(1, rider_id, 200), (2, sentinel_id, 210)] and body["entry_count"] == 2
    # And the rider's records hold that one effort (their best efforts: none, they uploaded nothing)
    records = rider.get(f"/api/v3/athletes/{rider_id}/records").json()
    mine = [s for s in records["segments"] if s["segment_id"] == segment_id]
    assert [e["effort_id"] for e in mine[0]["efforts"]] == [once.effort_id]
    assert records["best_efforts"] == []
    # When the same effort is recorded again with other numbers (its activity was matched again)
    recorded(cloud, once.model_copy(update={"elapsed_time": 215.0}))
    # Then it replaces the one kept: the rider now ranks second, still with one effort
    body = wait_board(rider, segment_id, lambda body: athletes(body) == [sentinel_id, rider_id])
    assert standings(body) == [(1, sentinel_id, 210), (2, rider_id, 215)] and body["athlete_entry"]["rank"] == 2
    records = rider.get(f"/api/v3/athletes/{rider_id}/records").json()
    assert [len(s["efforts"]) for s in records["segments"] if s["segment_id"] == segment_id] == [1]
    # When only its moving time changes (same board keys: the entry is overwritten in place)
    recorded(cloud, once.model_copy(update={"elapsed_time": 215.0, "moving_time": 150.0}))
    # Then the board shows the new moving time, same rank
    body = wait_board(rider, segment_id, lambda body: body["entries"][1]["moving_time"] == 150)
    assert standings(body) == [(1, sentinel_id, 210), (2, rider_id, 215)] and body["entry_count"] == 2


def test_late_events_lose_to_newer_ones(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given two efforts whose events arrive out of order (SQS does not keep order)
    rider, sentinel = make_user(), make_user()
    rider_id, sentinel_id = profile(rider), profile(sentinel)
    segment_id = segment(rider)
    deleted, kept = effort(segment_id, rider_id, 200.0), effort(segment_id, rider_id, 220.0)
    earlier, later = NOW - timedelta(minutes=5), NOW - timedelta(minutes=1)
    # When one's removal arrives before its recording, and the other's recording before an older removal
    publish(
        cloud,
        SegmentEffortRemovedEvent(effort=deleted, reason="activity_deleted", occurred_at=later),
        SegmentEffortRecordedEvent(effort=deleted, occurred_at=earlier),
        SegmentEffortRecordedEvent(effort=kept, occurred_at=later),
        SegmentEffortRemovedEvent(effort=kept, reason="only_me", occurred_at=earlier),
    )
    recorded(cloud, effort(segment_id, sentinel_id, 230.0))
    # Then the newer event of each wins: the removed effort never shows, the recorded one stays
    body = wait_board(rider, segment_id, lambda body: sentinel_id in athletes(body))
    assert standings(body) == [(1, rider_id, 220), (2, sentinel_id, 230)]
    assert body["athlete_entry"]["effort_id"] == kept.effort_id


# ---------------------------------------------------------------- Local Legend


def test_local_legend_counts_the_last_90_days(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given a regular (3 efforts in 90 days) and a former regular (5 efforts long ago, 1 recent)
    regular, former = make_user(), make_user()
    regular_id, former_id = profile(regular), profile(former)
    segment_id = segment(regular, kind="Run")
    recorded(cloud, *(effort(segment_id, regular_id, 400.0 + n, days_ago=10 * n) for n in range(3)))
    recorded(cloud, *(effort(segment_id, former_id, 350.0 + n, days_ago=100 + n) for n in range(5)))
    recorded(cloud, effort(segment_id, former_id, 390.0, days_ago=1))
    # Then the Local Legend is the regular, with their count; the former regular is still the fastest
    body = wait_board(
        regular, segment_id, lambda body: body["entry_count"] == 2 and body["titles"]["local_legend"] is not None
    )
    body = wait_board(regular, segment_id, lambda body: body["titles"]["local_legend"]["effort_count"] == 3)
    assert body["titles"]["local_legend"]["athlete_id"] == regular_id
    assert body["kom_type"] == "cr" and athletes(body) == [former_id, regular_id]


# ---------------------------------------------------------------- who sees whom


def test_blocked_athletes_are_left_out_and_following_ranks_followees(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given three athletes on a board; the reader follows one and has blocked another
    reader, friend, blocked = make_user(), make_user(), make_user()
    reader_id, friend_id, blocked_id = profile(reader), profile(friend), profile(blocked)
    segment_id = segment(reader)
    assert reader.post(f"/api/v3/athletes/{friend_id}/follow").status_code in (200, 201)
    assert reader.post(f"/api/v3/athletes/{blocked_id}/block").status_code in (200, 201, 204)
    recorded(
        cloud,
        effort(segment_id, reader_id, 250.0),
        effort(segment_id, friend_id, 260.0),
        effort(segment_id, blocked_id, 240.0),
    )
    wait_board(friend, segment_id, lambda body: body["entry_count"] == 3 and holder(body, "cr") == blocked_id)
    # Then the reader does not see the blocked athlete (nor do they see the reader), titles included
    seen = board(reader, segment_id).json()
    assert athletes(seen) == [reader_id, friend_id] and seen["entry_count"] == 3
    assert seen["titles"]["cr"] is None and seen["athlete_entry"]["rank"] == 2
    assert reader_id not in athletes(board(blocked, segment_id).json())
    # And a third party sees everyone
    assert athletes(board(friend, segment_id).json()) == [blocked_id, reader_id, friend_id]
    # And following=true ranks the reader among the athletes they follow
    mine = board(reader, segment_id, following="true").json()
    assert standings(mine) == [(1, reader_id, 250), (2, friend_id, 260)] and mine["entry_count"] == 2
    # And records: the blocked athlete's are not found for the reader; a stranger's show no best efforts
    assert_fault(reader.get(f"/api/v3/athletes/{blocked_id}/records"), 404)
    theirs = reader.get(f"/api/v3/athletes/{friend_id}/records")
    assert theirs.status_code == 200, theirs.text
    assert theirs.json()["best_efforts"] is None
    assert [s["segment_id"] for s in theirs.json()["segments"]] == [segment_id]


# ---------------------------------------------------------------- end to end: upload, match, boards


def test_an_uploaded_ride_reaches_the_board_and_leaves_it_when_deleted(make_user) -> None:  # noqa: ANN001
    from tests import segment_ground as ground
    from tests.integration.test_segment_matching import activity_efforts, upload_ride, wait_for

    # Given the test ground's segment, made by its own athlete, moved east or west to a place of its own (the
    # same latitude keeps every distance) so the matching tests' rides on the ground never ride it
    creator, rider = make_user(), make_user()
    rider_id = profile(rider, sex="F")
    shift = random.choice((-1, 1)) * random.uniform(20, 60)  # noqa: S311 (test data, not a secret)
    lat, lng, altitude = ground.segment_points()
    lng = [x + shift for x in lng]
    body = {
        "name": "Ground climb for the boards",
        "polyline": encode_polyline(list(zip(lat, lng, strict=True))),
        "activity_type": "Ride",
        "altitude": altitude,
    }
    made = creator.post("/api/v3/segments", json=body)
    assert made.status_code == 201, made.text
    segment_id = int(made.json()["id"])
    # When a rider uploads a ride over it (GPX through the uploads API; the matcher publishes the effort)
    ride = ground.ride_once()
    ride = dataclasses.replace(ride, lng=[x + shift for x in ride.lng])
    activity_id = upload_ride(rider, ride, "boards")
    # Then the rider tops the board with the constructed time, and holds the QOM and the CR
    board_now = wait_board(rider, segment_id, lambda body: rider_id in athletes(body))
    (entry,) = board_now["entries"]
    assert entry["rank"] == 1 and entry["activity_id"] == activity_id
    assert abs(entry["elapsed_time"] - ride.efforts[0].elapsed) <= 1.0
    board_now = wait_board(rider, segment_id, lambda body: holder(body, "qom") == rider_id)
    assert holder(board_now, "cr") == rider_id and holder(board_now, "kom") is None
    # And the effort on the activity carries the ranks the boards wrote back (PR 1, overall 1)
    ranked = wait_for(
        lambda: [e for e in activity_efforts(rider, activity_id, segment_id) if e["kom_rank"] is not None],
        what="ranks written back",
    )
    assert (ranked[0]["pr_rank"], ranked[0]["kom_rank"]) == (1, 1)
    # When the activity is deleted
    gone = requests.delete(f"{rider.api_url}/api/v3/activities/{activity_id}", headers=rider.headers, timeout=30)
    assert gone.status_code == 204, gone.text
    # Then the rider leaves the board and the titles
    emptied = wait_board(rider, segment_id, lambda body: body["entry_count"] == 0 and holder(body, "cr") is None)
    assert emptied["athlete_entry"] is None and emptied["titles"]["qom"] is None
