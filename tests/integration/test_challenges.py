"""Challenges through the local cloud as clients: create (ADMIN for platform ones), join with a backfill, manual
activities inside and outside the window and of another sport, edits and deletes, the same event delivered twice
(put on the bus again), progress, completion, the badge in S3 fetched through its URL, the trophy case, the
notification, the leaderboard and my rank, group challenges and their invitees, bad input answered with Faults.
Scoring runs asynchronously (EventBridge rule -> ScoreChallengesFunction), so every check polls with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from infrastructure.local_cloud.cloud import LocalCloud
from stride.events.contracts import ActivityCreatedEvent, ActivitySnapshot
from tests.integration.conftest import AppUser
from tests.integration.test_activities import _delete, assert_fault, create_manual
from tests.integration.test_segment_leaderboards import publish

pytestmark = pytest.mark.integration

DEADLINE_S = 30.0
NOW = datetime.now(UTC).replace(microsecond=0)
START = (NOW - timedelta(days=3)).date().isoformat()
END = (NOW + timedelta(days=10)).date().isoformat()
INSIDE = (NOW - timedelta(days=1)).replace(tzinfo=None).isoformat()
OUTSIDE = (NOW - timedelta(days=5)).replace(tzinfo=None).isoformat()


def athlete_id(user: AppUser) -> int:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def new_challenge(user: AppUser, **fields: Any) -> requests.Response:
    body = {
        "name": "December 10k",
        "challenge_type": "distance",
        "visibility": "platform",
        "start_date_local": START,
        "end_date_local": END,
        "timezone": "UTC",
        "sport_types": ["Run"],
        "goal": 10000,
        **fields,
    }
    return user.post("/api/v3/challenges", json=body)


def poll(read: Callable[[], Any], until: Callable[[Any], bool], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        value = read()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never reached the expected state: {value}")
        time.sleep(0.25)


def challenge(user: AppUser, challenge_id: int) -> dict[str, Any]:
    response = user.get(f"/api/v3/challenges/{challenge_id}")
    assert response.status_code == 200, response.text
    return response.json()


def progress(user: AppUser, challenge_id: int) -> float | None:
    return (challenge(user, challenge_id)["progress"] or {}).get("value")


def wait_progress(user: AppUser, challenge_id: int, value: float | None) -> dict[str, Any]:
    poll(lambda: progress(user, challenge_id), lambda v: v == value, f"progress {value}")
    return challenge(user, challenge_id)


def synthetic_run(athlete: int, distance: float) -> ActivityCreatedEvent:
    start = NOW - timedelta(hours=30)
    return ActivityCreatedEvent(
        activity=ActivitySnapshot(
            activity_id=int(time.time_ns() % 10**15) + 10**15,
            athlete_id=athlete,
            name="synthetic",
            sport_type="Run",
            start_date=start,
            start_date_local=start.replace(tzinfo=None),
            visibility="everyone",
            distance=distance,
            moving_time=600,
            elapsed_time=600,
        )
    )


def test_bad_input_and_who_may_create(make_user) -> None:  # noqa: ANN001
    member = make_user()
    # A platform challenge is ADMIN's
    assert_fault(new_challenge(member), 403)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"start_date_local": END, "end_date_local": START}, "end_date_local"),
        ({"end_date_local": "2020-01-01", "start_date_local": "2019-12-01"}, "end_date_local"),
        ({"challenge_type": "streak", "goal": None}, "goal"),
        ({"goal": -5}, "goal"),
        ({"sport_types": ["Jetski"]}, "sport_types"),
        ({"challenge_type": "segment_time", "goal": 300}, "segment_id"),
        ({"challenge_type": "segment_time", "goal": 300, "segment_id": 123456789}, "segment_id"),
        ({"challenge_type": "teleport"}, "challenge_type"),
        ({"invitees": list(range(1, 201))}, "invitees"),
        ({"invitees": [987654321]}, "invitees"),
    ]
    for fields, field in cases:
        body = assert_fault(new_challenge(member, visibility="group", **fields), 422)
        assert field in {e["field"] for e in body["errors"]} or field in body["message"], (fields, body)
    assert_fault(member.get("/api/v3/challenges/123456789"), 404)
    assert_fault(member.get("/api/v3/challenges", params={"filter": "mine"}), 422)
    assert_fault(member.get("/api/v3/challenges", params={"page": 50, "per_page": 100}), 422)
    assert_fault(member.post("/api/v3/challenges/123456789/join"), 404)


def test_platform_challenge_scored_end_to_end(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    admin, alice, bob = make_user(groups=("MEMBER", "ADMIN")), make_user(), make_user()
    alice_id, bob_id = athlete_id(alice), athlete_id(bob)
    created = new_challenge(admin)
    assert created.status_code == 201, created.text
    body = created.json()
    challenge_id = body["id"]
    assert (body["visibility"], body["unit"], body["goal"], body["participant_count"]) == (
        "platform",
        "meters",
        10000,
        0,
    )
    # Alice ran before joining, inside the window: the join counts it (and not the run before the window)
    create_manual(alice, distance=3000, start_date_local=INSIDE)
    create_manual(alice, distance=9000, start_date_local=OUTSIDE)
    joined = alice.post(f"/api/v3/challenges/{challenge_id}/join")
    assert joined.status_code == 200, joined.text
    assert joined.json()["progress"]["value"] == 3000 and joined.json()["participant_count"] == 1
    assert alice.post(f"/api/v3/challenges/{challenge_id}/join").json()["participant_count"] == 1  # idempotent
    # A run inside counts; a ride (another sport) does not
    run = create_manual(alice, distance=4000, start_date_local=INSIDE)
    create_manual(alice, distance=20000, sport_type="Ride", start_date_local=INSIDE)
    wait_progress(alice, challenge_id, 7000)
    # Edits: to another sport the run leaves, back it returns; only_me leaves, everyone returns
    path = f"/api/v3/activities/{run['id']}"
    assert alice.put(path, json={"sport_type": "Ride"}).status_code == 200
    wait_progress(alice, challenge_id, 3000)
    assert alice.put(path, json={"sport_type": "Run"}).status_code == 200
    wait_progress(alice, challenge_id, 7000)
    assert alice.put(path, json={"visibility": "only_me"}).status_code == 200
    wait_progress(alice, challenge_id, 3000)
    assert alice.put(path, json={"visibility": "everyone"}).status_code == 200
    wait_progress(alice, challenge_id, 7000)
    # The same event delivered twice counts once: E twice, then F; once F counts, E's copy was handled too
    twice, after = synthetic_run(alice_id, 500), synthetic_run(alice_id, 250)
    publish(cloud, twice)
    wait_progress(alice, challenge_id, 7500)
    publish(cloud, twice)
    publish(cloud, after)
    wait_progress(alice, challenge_id, 7750)
    time.sleep(1.0)
    assert progress(alice, challenge_id) == 7750
    # A delete takes the run out
    assert _delete(alice, path).status_code == 204
    wait_progress(alice, challenge_id, 3750)
    # Bob joins and runs; the leaderboard ranks alice first, bob second
    assert bob.post(f"/api/v3/challenges/{challenge_id}/join").status_code == 200
    create_manual(bob, distance=2000, start_date_local=INSIDE)
    wait_progress(bob, challenge_id, 2000)
    board = bob.get(f"/api/v3/challenges/{challenge_id}/leaderboard").json()
    assert [(e["rank"], e["athlete_id"], e["value"]) for e in board["entries"]] == [
        (1, alice_id, 3750),
        (2, bob_id, 2000),
    ]
    assert board["athlete_entry"]["rank"] == 2 and board["entry_count"] == 2
    second_page = bob.get(f"/api/v3/challenges/{challenge_id}/leaderboard", params={"page": 2, "per_page": 1}).json()
    assert [(e["rank"], e["athlete_id"]) for e in second_page["entries"]] == [(2, bob_id)]
    # Alice reaches the goal: completed once, notified, a badge and a trophy
    create_manual(alice, distance=6500, start_date_local=INSIDE)
    done = wait_progress(alice, challenge_id, 10250)["progress"]
    assert done["completed"] and done["percent_complete"] == 100
    notes = poll(
        lambda: alice.get("/api/v3/notifications").json(),
        lambda b: any(n["type"] == "challenge_completed" for n in (b["notifications"] if isinstance(b, dict) else b)),
        "the challenge_completed notification",
    )
    listed = notes["notifications"] if isinstance(notes, dict) else notes
    assert [n["challenge_id"] for n in listed if n["type"] == "challenge_completed"] == [challenge_id]
    trophies = poll(lambda: bob.get(f"/api/v3/athletes/{alice_id}/trophies").json(), bool, "alice's trophy case")
    assert [(t["challenge_id"], t["name"], t["unit"]) for t in trophies] == [(challenge_id, "December 10k", "meters")]
    badge = requests.get(trophies[0]["badge_url"], timeout=10)
    assert badge.status_code == 200 and badge.content.startswith(b"<svg") and b"December 10k" in badge.content
    assert bob.get(f"/api/v3/athletes/{bob_id}/trophies").json() == []
    # Lists: joined and open for alice; finished is empty while it runs
    joined_list = alice.get("/api/v3/challenges", params={"filter": "joined"}).json()
    assert [c["id"] for c in joined_list] == [challenge_id] and joined_list[0]["progress"]["completed"]
    open_list = alice.get("/api/v3/challenges", params={"filter": "open"}).json()
    assert challenge_id in [c["id"] for c in open_list if c["joined"]]
    assert alice.get("/api/v3/challenges", params={"filter": "finished"}).json() == []
    # Bob leaves: off the board, count down
    assert _delete(bob, f"/api/v3/challenges/{challenge_id}/join").status_code == 204
    after_leave = alice.get(f"/api/v3/challenges/{challenge_id}/leaderboard").json()
    assert [e["athlete_id"] for e in after_leave["entries"]] == [alice_id] and after_leave["entry_count"] == 1
    assert challenge(alice, challenge_id)["participant_count"] == 1


def test_group_challenge_invitees_blocks_and_private_trophies(make_user) -> None:  # noqa: ANN001
    owner, invited, stranger = make_user(), make_user(), make_user()
    invited_id, stranger_id = athlete_id(invited), athlete_id(stranger)
    created = new_challenge(
        owner, visibility="group", challenge_type="activity_count", goal=3, sport_types=[], invitees=[invited_id]
    )
    assert created.status_code == 201, created.text
    challenge_id = created.json()["id"]
    # Only the creator and the invitees see it and may join
    assert challenge(invited, challenge_id)["visibility"] == "group"
    assert_fault(stranger.get(f"/api/v3/challenges/{challenge_id}"), 404)
    assert_fault(stranger.post(f"/api/v3/challenges/{challenge_id}/join"), 404)
    assert_fault(stranger.get(f"/api/v3/challenges/{challenge_id}/leaderboard"), 404)
    assert challenge_id in [c["id"] for c in invited.get("/api/v3/challenges", params={"filter": "open"}).json()]
    assert challenge_id not in [c["id"] for c in stranger.get("/api/v3/challenges", params={"filter": "open"}).json()]
    assert invited.post(f"/api/v3/challenges/{challenge_id}/join").status_code == 200
    # A block between an invitee and the creator hides the challenge
    assert invited.post(f"/api/v3/athletes/{athlete_id(owner)}/block").status_code in (200, 201, 204)
    assert_fault(invited.get(f"/api/v3/challenges/{challenge_id}"), 404)
    # A private profile's trophy case is for followers only; blocked athletes do not exist
    assert stranger.put("/api/v3/athlete", json={"private_profile": True}).status_code == 200
    assert_fault(invited.get(f"/api/v3/athletes/{stranger_id}/trophies"), 403)
    assert stranger.get(f"/api/v3/athletes/{stranger_id}/trophies").json() == []
    assert_fault(owner.get(f"/api/v3/athletes/{invited_id}/trophies"), 404)


def test_demo_seed_creates_a_platform_challenge_alice_and_bob_join(make_user) -> None:  # noqa: ANN001
    from infrastructure.local_cloud.seed_challenges import seed_challenges

    users = {"admin": make_user(groups=("MEMBER", "ADMIN")), "alice": make_user(), "bob": make_user()}
    headers_of = {name: user.headers for name, user in users.items()}
    ids = {name: athlete_id(user) for name, user in users.items()}
    challenge_id = seed_challenges(users["alice"].api_url, headers_of, ids)
    assert challenge_id is not None
    board = poll(
        lambda: users["alice"].get(f"/api/v3/challenges/{challenge_id}/leaderboard").json(),
        lambda b: b["entry_count"] == 2,
        "the demo challenge's board",
    )
    assert [e["athlete_id"] for e in board["entries"]] == [ids["bob"], ids["alice"]]
    assert board["athlete_entry"]["rank"] == 2


def test_segment_time_is_fed_by_effort_events(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    from stride.events.contracts import SegmentEffortRecordedEvent, SegmentEffortRemovedEvent
    from tests.integration.test_segment_leaderboards import effort, segment

    admin, rider = make_user(groups=("MEMBER", "ADMIN")), make_user()
    rider_id = athlete_id(rider)
    segment_id = segment(admin)
    created = new_challenge(
        admin, name="Hill sprint", challenge_type="segment_time", segment_id=segment_id, goal=300, sport_types=[]
    )
    assert created.status_code == 201, created.text
    challenge_id = created.json()["id"]
    assert rider.post(f"/api/v3/challenges/{challenge_id}/join").status_code == 200
    slow, fast = effort(segment_id, rider_id, 320.25, days_ago=1), effort(segment_id, rider_id, 290.5, days_ago=1)
    other_segment = effort(segment_id + 1, rider_id, 100.0, days_ago=1)
    publish(cloud, *(SegmentEffortRecordedEvent(effort=e) for e in (slow, other_segment)))
    assert wait_progress(rider, challenge_id, 320.25)["progress"]["completed"] is False
    # The fastest effort counts (lower is better) and beats the goal time
    publish(cloud, SegmentEffortRecordedEvent(effort=fast))
    done = wait_progress(rider, challenge_id, 290.5)["progress"]
    assert done["completed"] and done["percent_complete"] == 100
    # The effort leaves the boards (its activity deleted): the slower one is the best again
    publish(cloud, SegmentEffortRemovedEvent(effort=fast, reason="activity_deleted"))
    wait_progress(rider, challenge_id, 320.25)
    board = rider.get(f"/api/v3/challenges/{challenge_id}/leaderboard").json()
    assert (board["unit"], board["athlete_entry"]["value"], board["athlete_entry"]["rank"]) == ("seconds", 320.25, 1)
