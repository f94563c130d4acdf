"""Clubs through the local cloud as clients use them (AP110-AP129): create open and private clubs, join, requests
approved and denied, leave, remove, promote, hand over; the club feed and the weekly leaderboard kept by the clubs
consumer (EventBridge rule -> SQS -> UpdateClubsFunction) from real activity writes; group events with RSVP; the
segment leaderboard's club filter. The consumer runs asynchronously, so every check polls with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from stride.clubs import rules
from stride.events.contracts import ActivityCreatedEvent, ActivitySnapshot
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault, create_manual
from tests.integration.test_segment_leaderboards import effort, publish, recorded, segment, wait_board

pytestmark = pytest.mark.integration

DEADLINE_S = 30.0
Json = dict[str, Any]


@pytest.fixture(scope="module")
def crew(make_user) -> dict[str, AppUser]:  # noqa: ANN001
    """alice (owner of every club here), bob, carol (members), dan (never a member)."""
    return {name: make_user(given_name=name.title(), family_name="Rider") for name in ("alice", "bob", "carol", "dan")}


def me(user: AppUser) -> int:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def new_club(user: AppUser, **fields: Any) -> Json:
    response = user.post("/api/v3/clubs", json={"name": "Morning Riders", "timezone": "Europe/Helsinki", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def join(user: AppUser, club_id: int) -> Json:
    response = user.post(f"/api/v3/clubs/{club_id}/join")
    assert response.status_code == 200, response.text
    return response.json()


def polled(read: Callable[[], requests.Response], until: Callable[[Any], bool]) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        response = read()
        assert response.status_code == 200, response.text
        body = response.json()
        if until(body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"never reached the expected state: {body}")
        time.sleep(0.2)


def delete(user: AppUser, path: str) -> requests.Response:
    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def drained(cloud: LocalCloud) -> None:
    """Wait until ClubsQueue holds nothing (visible or in flight), and check nothing reached ClubsDLQ."""
    sqs = cloud.client("sqs")
    urls = [u for u in sqs.list_queues().get("QueueUrls", []) if u.lower().endswith(("-clubsqueue", "-clubsdlq"))]
    queue = next(u for u in urls if u.lower().endswith("-clubsqueue"))
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + DEADLINE_S
    while True:
        found = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
        if all(found[n] == "0" for n in names):
            break
        assert time.monotonic() < deadline, f"ClubsQueue never drained: {found}"
        time.sleep(0.2)
    dlq = next(u for u in urls if u.lower().endswith("-clubsdlq"))
    assert sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=names[:1])["Attributes"][names[0]] == "0"


def board(user: AppUser, club_id: int, **params: Any) -> requests.Response:
    return user.get(f"/api/v3/clubs/{club_id}/leaderboard", params=params)


def rows(body: Json) -> list[tuple[int, int, float]]:
    return [(e["rank"], e["athlete"]["id"], e["distance"]) for e in body["entries"]]


def feed(user: AppUser, club_id: int, **params: Any) -> requests.Response:
    return user.get(f"/api/v3/clubs/{club_id}/activities", params=params)


# ---------------------------------------------------------------- clubs, members, admins


def test_create_read_and_list_clubs_in_stravas_shapes(crew: dict[str, AppUser]) -> None:
    alice, dan = crew["alice"], crew["dan"]
    # When alice creates an open club
    created = new_club(alice, description="Dawn loops", city="Helsinki", country="Finland", activity_types=["Ride"])
    club = strava_model.DetailedClub.model_validate(created)
    # Then she is its owner, an admin and its first member, and the answer is Strava's DetailedClub
    assert club.owner and club.admin and club.membership == "member" and club.member_count == 1
    assert club.resource_state == 3 and club.private is False and club.sport_type == "cycling"
    # And another athlete reads it too, without membership flags
    seen = dan.get(f"/api/v3/clubs/{created['id']}")
    assert seen.status_code == 200
    other = strava_model.DetailedClub.model_validate(seen.json())
    assert other.membership is None and not other.owner and not other.admin and other.name == "Morning Riders"
    # And it is in alice's clubs as a SummaryClub
    mine = alice.get("/api/v3/athlete/clubs")
    assert mine.status_code == 200
    assert [strava_model.SummaryClub.model_validate(c).id for c in mine.json()] == [created["id"]]
    assert dan.get("/api/v3/athlete/clubs").json() == []
    # And admins edit it; others may not
    edited = alice.put(f"/api/v3/clubs/{created['id']}", json={"name": "Dawn Patrol", "city": None})
    assert edited.status_code == 200 and edited.json()["name"] == "Dawn Patrol" and edited.json()["city"] is None
    assert_fault(dan.put(f"/api/v3/clubs/{created['id']}", json={"name": "Mine now"}), 403)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Bad zone", "timezone": "Mars/Olympus"},
        {"name": ""},
        {"name": "x", "sport_type": "curling"},
        {"name": "x", "unknown": 1},
        {"name": "x", "url": "Not A Slug"},
    ],
)
def test_bad_club_input_is_a_fault(crew: dict[str, AppUser], body: Json) -> None:
    assert_fault(crew["alice"].post("/api/v3/clubs", json=body), 422)


def test_unknown_clubs_and_bad_ids_are_faults(crew: dict[str, AppUser]) -> None:
    alice = crew["alice"]
    assert_fault(alice.get("/api/v3/clubs/12345"), 404)
    assert_fault(alice.get("/api/v3/clubs/not-a-number"), 422)
    assert_fault(alice.post("/api/v3/clubs/12345/join"), 404)
    assert_fault(alice.put("/api/v3/clubs/12345", json={}), 422)


def test_open_club_join_leave_promote_remove_and_hand_over(crew: dict[str, AppUser]) -> None:
    alice, bob, carol, dan = crew["alice"], crew["bob"], crew["carol"], crew["dan"]
    ids = {name: me(user) for name, user in crew.items()}
    club = new_club(alice)["id"]
    # When bob and carol join an open club (bob twice)
    assert join(bob, club) == {"success": True, "active": True, "membership": "member"}
    assert join(bob, club)["membership"] == "member"
    join(carol, club)
    # Then they are members at once, counted once, listed as Strava's ClubAthlete
    assert alice.get(f"/api/v3/clubs/{club}").json()["member_count"] == 3
    members = dan.get(f"/api/v3/clubs/{club}/members")  # an open club's members are public
    assert members.status_code == 200
    listed = {m["id"]: strava_model.ClubAthlete.model_validate(m) for m in members.json()}
    assert set(listed) == {ids["alice"], ids["bob"], ids["carol"]}
    assert listed[ids["alice"]].owner and listed[ids["alice"]].admin and not listed[ids["bob"]].admin
    assert listed[ids["bob"]].firstname == "Bob" and listed[ids["bob"]].lastname == "R."
    assert [a["id"] for a in dan.get(f"/api/v3/clubs/{club}/admins").json()] == [ids["alice"]]
    assert club in [c["id"] for c in bob.get("/api/v3/athlete/clubs").json()]
    # And a member may not promote; an admin may
    assert_fault(bob.post(f"/api/v3/clubs/{club}/admins/{ids['carol']}"), 403)
    promoted = alice.post(f"/api/v3/clubs/{club}/admins/{ids['bob']}")
    assert promoted.status_code == 200 and promoted.json()["admin"] is True
    assert {a["id"] for a in alice.get(f"/api/v3/clubs/{club}/admins").json()} == {ids["alice"], ids["bob"]}
    assert_fault(alice.post(f"/api/v3/clubs/{club}/admins/{ids['dan']}"), 404)  # not a member
    # And an admin removes a member but never the owner, and only the owner removes an admin
    assert_fault(delete(bob, f"/api/v3/clubs/{club}/members/{ids['alice']}"), 403)
    assert delete(bob, f"/api/v3/clubs/{club}/members/{ids['carol']}").status_code == 204
    assert ids["carol"] not in [m["id"] for m in alice.get(f"/api/v3/clubs/{club}/members").json()]
    assert carol.get(f"/api/v3/clubs/{club}").json()["membership"] is None
    assert_fault(delete(bob, f"/api/v3/clubs/{club}/members/{ids['carol']}"), 404)
    # And the owner cannot leave until she hands the club over (the owner only)
    assert_fault(delete(alice, f"/api/v3/clubs/{club}/join"), 409)
    assert_fault(bob.post(f"/api/v3/clubs/{club}/admins/{ids['bob']}", params={"transfer_ownership": "true"}), 403)
    handed = alice.post(f"/api/v3/clubs/{club}/admins/{ids['bob']}", params={"transfer_ownership": "true"})
    assert handed.status_code == 200 and handed.json()["owner"] is True
    assert bob.get(f"/api/v3/clubs/{club}").json()["owner"] is True
    assert alice.get(f"/api/v3/clubs/{club}").json()["owner"] is False
    left = delete(alice, f"/api/v3/clubs/{club}/join")
    assert left.status_code == 200 and left.json() == {"success": True, "active": False, "membership": None}
    assert alice.get(f"/api/v3/clubs/{club}").json()["member_count"] == 1
    # And leaving what one is not in is not an error
    assert delete(dan, f"/api/v3/clubs/{club}/join").status_code == 200


def test_private_club_requests_approved_and_denied(crew: dict[str, AppUser]) -> None:
    alice, bob, carol, dan = crew["alice"], crew["bob"], crew["carol"], crew["dan"]
    ids = {name: me(user) for name, user in crew.items()}
    club = new_club(alice, name="Secret Squirrels", private=True)["id"]
    # When bob and carol ask to join a private club
    assert join(bob, club) == {"success": True, "active": False, "membership": "pending"}
    join(carol, club)
    # Then they wait: pending, and the club's content is closed to them (its summary is not)
    pending = bob.get(f"/api/v3/clubs/{club}").json()
    assert pending["membership"] == "pending" and pending["private"] is True and pending["member_count"] == 1
    for path in ("members", "admins", "activities", "leaderboard", "group_events"):
        assert_fault(bob.get(f"/api/v3/clubs/{club}/{path}"), 403)
    # And only admins see and decide the requests
    assert_fault(bob.get(f"/api/v3/clubs/{club}/requests"), 403)
    asked = alice.get(f"/api/v3/clubs/{club}/requests")
    assert asked.status_code == 200
    assert {r["athlete"]["id"] for r in asked.json()} == {ids["bob"], ids["carol"]}
    assert_fault(bob.post(f"/api/v3/clubs/{club}/requests/{ids['carol']}"), 403)
    # When alice approves bob and denies carol
    approved = alice.post(f"/api/v3/clubs/{club}/requests/{ids['bob']}")
    assert approved.status_code == 200 and strava_model.ClubAthlete.model_validate(approved.json()).admin is False
    assert delete(alice, f"/api/v3/clubs/{club}/requests/{ids['carol']}").status_code == 204
    # Then bob is a member who sees the members; carol is not, and her request is gone
    assert bob.get(f"/api/v3/clubs/{club}").json()["membership"] == "member"
    assert {m["id"] for m in bob.get(f"/api/v3/clubs/{club}/members").json()} == {ids["alice"], ids["bob"]}
    assert carol.get(f"/api/v3/clubs/{club}").json()["membership"] is None
    assert_fault(alice.post(f"/api/v3/clubs/{club}/requests/{ids['carol']}"), 404)
    assert_fault(alice.post(f"/api/v3/clubs/{club}/requests/{ids['dan']}"), 404)
    assert alice.get(f"/api/v3/clubs/{club}/requests").json() == []
    # And an outsider still sees only the summary
    assert dan.get(f"/api/v3/clubs/{club}").json()["member_count"] == 2
    assert_fault(dan.get(f"/api/v3/clubs/{club}/members"), 403)


# ---------------------------------------------------------------- the club feed and the weekly leaderboard


def _moments(timezone: str) -> tuple[str, str, str, str]:
    """A start this week (between the week's start and now) and the same time last week, in the club's week and as
    the manual activity's start_date_local (manual starts are read as UTC); and both weeks' names."""
    now = datetime.now(UTC)
    this_week = rules.week_of(now, timezone)
    start, _ = rules.week_bounds(this_week, timezone)
    moment = start + (now - start) / 2
    last = moment - timedelta(days=7)
    fmt = "%Y-%m-%dT%H:%M:%S"
    return moment.strftime(fmt), last.strftime(fmt), this_week, rules.week_of(last, timezone)


def test_club_feed_and_weekly_leaderboard(cloud: LocalCloud, crew: dict[str, AppUser]) -> None:  # noqa: PLR0915
    alice, bob, carol, dan = crew["alice"], crew["bob"], crew["carol"], crew["dan"]
    ids = {name: me(user) for name, user in crew.items()}
    club = new_club(alice, name="Weekly Grind")["id"]
    join(bob, club)
    join(carol, club)
    now_local, last_local, this_week, last_week = _moments("Europe/Helsinki")
    # alice follows carol (her followers_only activity is for followers)
    assert alice.post(f"/api/v3/athletes/{ids['carol']}/follow").status_code in (200, 201)
    # When members record activities this week and last week, and a non-member too
    bob_now = create_manual(bob, name="Bob now", sport_type="Ride", distance=20_000, start_date_local=now_local)
    create_manual(bob, name="Bob last week", sport_type="Ride", distance=50_000, start_date_local=last_local)
    carol_fo = create_manual(
        carol, name="Carol friends", sport_type="Ride", distance=30_000, start_date_local=now_local
    )
    assert carol.put(f"/api/v3/activities/{carol_fo['id']}", json={"visibility": "followers_only"}).status_code == 200
    carol_private = create_manual(
        carol, name="Carol secret", sport_type="Ride", distance=100_000, start_date_local=now_local
    )
    assert carol.put(f"/api/v3/activities/{carol_private['id']}", json={"visibility": "only_me"}).status_code == 200
    create_manual(
        alice, name="Alice now", sport_type="Ride", distance=10_000, elapsed_time=1500, start_date_local=now_local
    )
    create_manual(dan, name="Dan elsewhere", sport_type="Ride", distance=90_000, start_date_local=now_local)
    # Then this week's board ranks the members by distance; only_me never counts, a non-member never appears
    body = polled(
        lambda: board(alice, club),
        lambda b: b["entry_count"] == 3 and rows(b)[0][2] == 30_000,
    )
    assert body["week"] == this_week and body["metric"] == "distance"
    assert rows(body) == [(1, ids["carol"], 30_000), (2, ids["bob"], 20_000), (3, ids["alice"], 10_000)]
    assert body["athlete_entry"]["rank"] == 3 and body["athlete_entry"]["moving_time"] == 1500
    # And last week's board has last week's activities only
    last = board(alice, club, week=last_week).json()
    assert rows(last) == [(1, ids["bob"], 50_000)] and last["entry_count"] == 1 and last["athlete_entry"] is None
    # And pages and my rank beyond the page come from the counts; ties share a rank
    paged = board(alice, club, per_page=1, page=2).json()
    assert rows(paged) == [(2, ids["bob"], 20_000)] and paged["athlete_entry"]["rank"] == 3
    by_count = board(bob, club, metric="activities").json()
    assert [e["rank"] for e in by_count["entries"]] == [1, 1, 1] and by_count["athlete_entry"]["rank"] == 1
    # And the club feed is Strava's ClubActivity, newest first, as each reader may see each activity
    seen_by_alice = polled(lambda: feed(alice, club), lambda f: len(f) == 4)
    for item in seen_by_alice:
        strava_model.ClubActivity.model_validate(item)
    assert {a["name"] for a in seen_by_alice} == {"Bob now", "Bob last week", "Carol friends", "Alice now"}
    assert seen_by_alice[-1]["name"] == "Bob last week"
    assert {a["name"] for a in feed(bob, club).json()} == {"Bob now", "Bob last week", "Alice now"}  # not a follower
    assert_fault(feed(dan, club), 403)  # members only, even in an open club
    # And a block hides each from the other
    assert bob.post(f"/api/v3/athletes/{ids['alice']}/block").status_code in (200, 201, 204)
    assert "Alice now" not in {a["name"] for a in feed(bob, club).json()}
    assert ids["bob"] not in [r[1] for r in rows(board(alice, club).json())]
    assert delete(bob, f"/api/v3/athletes/{ids['alice']}/block").status_code in (200, 204)

    # When the same activity.created event is delivered twice more
    snapshot = ActivitySnapshot(
        activity_id=bob_now["id"],
        athlete_id=ids["bob"],
        name="Bob now",
        sport_type="Ride",
        start_date=datetime.fromisoformat(now_local).replace(tzinfo=UTC),
        start_date_local=datetime.fromisoformat(now_local),
        visibility="everyone",
        distance=20_000,
    )
    duplicate = ActivityCreatedEvent(activity=snapshot)
    publish(cloud, duplicate, duplicate)
    drained(cloud)
    # Then nothing moved
    again = board(alice, club).json()
    assert rows(again) == [(1, ids["carol"], 30_000), (2, ids["bob"], 20_000), (3, ids["alice"], 10_000)]
    assert again["entries"][1]["activities"] == 1
    assert [a["name"] for a in feed(alice, club).json()].count("Bob now") == 1

    # When bob makes his ride only_me, then visible again with a new name, and carol deletes hers
    assert bob.put(f"/api/v3/activities/{bob_now['id']}", json={"visibility": "only_me"}).status_code == 200
    polled(lambda: board(alice, club), lambda b: b["entry_count"] == 2)
    assert "Bob now" not in {a["name"] for a in feed(alice, club).json()}
    edited = bob.put(f"/api/v3/activities/{bob_now['id']}", json={"visibility": "everyone", "name": "Bob again"})
    assert edited.status_code == 200
    polled(lambda: feed(alice, club), lambda f: "Bob again" in {a["name"] for a in f})
    assert delete(carol, f"/api/v3/activities/{carol_fo['id']}").status_code == 204
    # Then the board re-scores: bob is back, carol is gone; last week's board keeps its totals
    body = polled(lambda: board(alice, club), lambda b: b["entry_count"] == 2 and rows(b)[0][1] == ids["bob"])
    assert rows(body) == [(1, ids["bob"], 20_000), (2, ids["alice"], 10_000)]
    assert "Carol friends" not in {a["name"] for a in feed(alice, club).json()}
    assert rows(board(alice, club, week=last_week).json()) == [(1, ids["bob"], 50_000)]

    # When bob leaves the club
    assert delete(bob, f"/api/v3/clubs/{club}/join").status_code == 200
    # Then his entries leave the feed and this week's board; last week's board keeps them (history)
    polled(lambda: board(alice, club), lambda b: b["entry_count"] == 1)
    polled(lambda: feed(alice, club), lambda f: [a["name"] for a in f] == ["Alice now"])
    assert rows(board(alice, club, week=last_week).json()) == [(1, ids["bob"], 50_000)]
    drained(cloud)


@pytest.mark.parametrize(
    "params",
    [{"week": "2026-W60"}, {"week": "next"}, {"metric": "speed"}, {"per_page": 0}, {"page": 6, "per_page": 200}],
)
def test_bad_leaderboard_queries_are_faults(crew: dict[str, AppUser], params: Json) -> None:
    club = new_club(crew["alice"], name="Params")["id"]
    assert_fault(board(crew["alice"], club, **params), 422)


# ---------------------------------------------------------------- group events


def test_group_events_with_rsvp(crew: dict[str, AppUser]) -> None:
    alice, bob, dan = crew["alice"], crew["bob"], crew["dan"]
    club = new_club(alice, name="Saturday Social")["id"]
    join(bob, club)
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT07:30:00")
    ride = {
        "title": "Coffee ride",
        "description": "No drop",
        "start_date_local": tomorrow,
        "timezone": "Europe/Helsinki",
        "address": "Kauppatori",
        "start_latlng": [60.1675, 24.9525],
        "polyline": "_p~iF~ps|U_ulLnnqC_mqNvxq`@",
        "sport_type": "Ride",
    }
    # When an admin posts a group ride; a member may not
    assert_fault(bob.post(f"/api/v3/clubs/{club}/group_events", json=ride), 403)
    created = alice.post(f"/api/v3/clubs/{club}/group_events", json=ride)
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["start_date_local"].startswith(tomorrow[:16]) and event["joined_count"] == 0
    assert event["start_date"].endswith(("+00:00", "Z")) and event["timezone"] == "Europe/Helsinki"
    # Then it is upcoming, and members go (once) and take it back
    assert [e["id"] for e in bob.get(f"/api/v3/clubs/{club}/group_events").json()] == [event["id"]]
    going = bob.post(f"/api/v3/group_events/{event['id']}/rsvp")
    assert going.status_code == 200 and going.json()["joined"] is True and going.json()["joined_count"] == 1
    assert bob.post(f"/api/v3/group_events/{event['id']}/rsvp").json()["joined_count"] == 1
    seen = alice.get(f"/api/v3/group_events/{event['id']}").json()
    assert seen["joined"] is False and seen["joined_count"] == 1
    assert_fault(dan.post(f"/api/v3/group_events/{event['id']}/rsvp"), 403)
    back = delete(bob, f"/api/v3/group_events/{event['id']}/rsvp")
    assert back.status_code == 200 and back.json()["joined"] is False and back.json()["joined_count"] == 0
    # And bad events are faults; a private club's events do not exist for outsiders
    for bad in (
        {**ride, "start_date_local": "2020-01-01T07:00:00"},
        {**ride, "timezone": "Nowhere/Land"},
        {**ride, "segment_id": 5},
        {**ride, "start_latlng": [95, 10]},
        {key: value for key, value in ride.items() if key != "title"},
    ):
        assert_fault(alice.post(f"/api/v3/clubs/{club}/group_events", json=bad), 422)
    secret = new_club(alice, name="Secret rides", private=True)["id"]
    hidden = alice.post(f"/api/v3/clubs/{secret}/group_events", json=ride).json()
    assert_fault(dan.get(f"/api/v3/group_events/{hidden['id']}"), 404)
    assert_fault(dan.get("/api/v3/group_events/99999"), 404)


# ---------------------------------------------------------------- the segment leaderboard's club filter


def test_segment_leaderboard_club_filter(cloud: LocalCloud, crew: dict[str, AppUser]) -> None:
    alice, bob, dan = crew["alice"], crew["bob"], crew["dan"]
    ids = {name: me(user) for name, user in crew.items()}
    club = new_club(alice, name="Hill Club")["id"]
    join(bob, club)
    segment_id = segment(alice)
    # When members and a non-member ride the segment
    recorded(
        cloud,
        effort(segment_id, ids["dan"], 100.0),
        effort(segment_id, ids["bob"], 120.0),
        effort(segment_id, ids["alice"], 130.0),
    )
    wait_board(alice, segment_id, lambda b: b["entry_count"] == 3)
    # Then the club filter ranks the club's members only
    body = wait_board(alice, segment_id, lambda b: len(b["entries"]) == 2, club_id=club)
    assert [(e["rank"], e["athlete_id"]) for e in body["entries"]] == [(1, ids["bob"]), (2, ids["alice"])]
    assert body["entry_count"] == 2 and body["athlete_entry"]["rank"] == 2
    # And a non-member may not rank by the club; an unknown club is 404; club_id and following do not combine
    assert_fault(dan.get(f"/api/v3/segments/{segment_id}/leaderboard", params={"club_id": club}), 403)
    assert_fault(alice.get(f"/api/v3/segments/{segment_id}/leaderboard", params={"club_id": 424242}), 404)
    both = alice.get(f"/api/v3/segments/{segment_id}/leaderboard", params={"club_id": club, "following": "true"})
    assert_fault(both, 400)
