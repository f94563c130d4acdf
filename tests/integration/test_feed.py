"""The home feed through the local cloud: follows, activity events, the fan-out consumer and GET /api/v3/feed.

The fan-out runs asynchronously (EventBridge → FanOutFunction), so every check of its effect polls with a deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from stride.events.contracts import ActivityCreatedEvent, ActivitySnapshot
from tests.integration.conftest import POPULAR_AT, AppUser
from tests.integration.test_activities import assert_fault, create_manual

DEADLINE_S = 30.0
# The get_feed container caches the popular set for 60 s: a popular author made after a reader's first feed read
# is only merged once the cache expires.
POPULAR_DEADLINE_S = 75.0


def athlete_id(user: AppUser) -> int:
    return int(user.get("/api/v3/athlete").json()["id"])


def follow(reader: AppUser, author: AppUser) -> None:
    response = reader.post(f"/api/v3/athletes/{athlete_id(author)}/follow")
    assert response.status_code in (200, 201), response.text
    assert response.json()["state"] == "following"


def delete(user: AppUser, path: str) -> requests.Response:
    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def feed(user: AppUser, **params: object) -> requests.Response:
    return user.get("/api/v3/feed", params=params)


def whole_feed(user: AppUser, per_page: int = 50) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        response = feed(user, per_page=per_page, **({"cursor": cursor} if cursor else {}))
        assert response.status_code == 200, response.text
        body = response.json()
        entries += body["entries"]
        cursor = body["next_cursor"]
        if cursor is None:
            return entries
    raise AssertionError("the feed never ended")


def wait_feed(
    user: AppUser, until: Callable[[list[dict[str, Any]]], bool], timeout: float = DEADLINE_S
) -> list[dict[str, Any]]:
    """Poll the reader's whole feed until ``until`` holds (the fan-out consumer runs asynchronously)."""
    deadline = time.monotonic() + timeout
    entries = whole_feed(user)
    while not until(entries):
        if time.monotonic() > deadline:
            raise AssertionError(f"feed never reached the expected state: {[(e['id'], e['name']) for e in entries]}")
        time.sleep(0.2)
        entries = whole_feed(user)
    return entries


def ids(entries: list[dict[str, Any]]) -> list[int]:
    return [entry["id"] for entry in entries]


def has(*activity_ids: int) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda entries: set(activity_ids) <= set(ids(entries))


def lacks(*activity_ids: int) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda entries: not set(activity_ids) & set(ids(entries))


def stored_entries(cloud: LocalCloud, reader: AppUser) -> list[int]:
    """Activity ids in the reader's feed partition, read straight from the table (what the fan-out wrote)."""
    assert cloud.info is not None
    answer = cloud.client("dynamodb").query(
        TableName=cloud.info.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"FEED#{athlete_id(reader)}"}},
    )
    return [int(item["activity_id"]["N"]) for item in answer["Items"]]


def wait_until(check: Callable[[], bool], timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition never held")
        time.sleep(0.2)


def at(hour: int, minute: int = 0, day: int = 10) -> str:
    return f"2026-10-{day:02d}T{hour:02d}:{minute:02d}:00"


# ---------------------------------------------------------------- popular athlete (built first: see the cache note)


@pytest.fixture(scope="module", autouse=True)
def popular(cloud: LocalCloud, make_user) -> dict[str, Any]:  # noqa: ANN001
    """An athlete with POPULAR_AT followers, in the POPULAR partition before the module's first feed read."""
    assert cloud.info is not None
    author = make_user()
    readers = [make_user() for _ in range(POPULAR_AT)]
    for reader in readers:
        follow(reader, author)
    key = {"PK": {"S": "POPULAR"}, "SK": {"S": f"ATH#{athlete_id(author):019d}"}}
    dynamodb = cloud.client("dynamodb")
    wait_until(lambda: "Item" in dynamodb.get_item(TableName=cloud.info.table_name, Key=key, ConsistentRead=True))
    return {"author": author, "readers": readers}


def test_popular_athlete_is_merged_at_read_time_and_reads_like_a_fanned_out_one(
    cloud: LocalCloud, make_user, popular: dict[str, Any]
) -> None:  # noqa: ANN001
    # Given a reader following a popular athlete (POPULAR_AT followers) and an ordinary one (1 follower)
    star, reader = popular["author"], popular["readers"][0]
    ordinary = make_user()
    follow(reader, ordinary)
    # When both post, interleaved in time
    s1 = create_manual(star, name="star early", start_date_local=at(6))
    o1 = create_manual(ordinary, name="ordinary mid", start_date_local=at(7))
    s2 = create_manual(star, name="star late", start_date_local=at(8))
    o2 = create_manual(ordinary, name="ordinary latest", start_date_local=at(9))
    # Then the reader's feed holds all four, newest first
    entries = wait_feed(reader, has(s1["id"], s2["id"], o1["id"], o2["id"]), POPULAR_DEADLINE_S)
    assert ids(entries)[:4] == [o2["id"], s2["id"], o1["id"], s1["id"]]
    # And the star's activities were not fanned out to the reader: they were merged at read time
    wait_until(lambda: {o1["id"], o2["id"]} <= set(stored_entries(cloud, reader)))
    assert not {s1["id"], s2["id"]} & set(stored_entries(cloud, reader))
    # And each entry reads exactly as in its author's own (fanned-out) feed, whichever path it took
    own = {e["id"]: e for e in wait_feed(star, has(s1["id"], s2["id"])) + wait_feed(ordinary, has(o1["id"], o2["id"]))}
    for entry in entries[:4]:
        assert entry == own[entry["id"]]
        strava_model.SummaryActivity.model_validate(entry)
    # And paging one entry at a time across both sources gives the same sequence
    assert ids(whole_feed(reader, per_page=1))[:4] == ids(entries)[:4]
    # And an ordinary author's reader (1 follower) gets the same shape as the star's readers
    other_reader = popular["readers"][1]
    assert ids(wait_feed(other_reader, has(s1["id"], s2["id"]), POPULAR_DEADLINE_S))[:2] == [s2["id"], s1["id"]]


# ---------------------------------------------------------------- fan-out


def test_followed_activities_appear_newest_first_and_page_with_a_cursor(make_user) -> None:  # noqa: ANN001
    # Given A following B
    a, b = make_user(), make_user()
    follow(a, b)
    # When B creates three activities and A one
    made = [create_manual(b, name=f"b{i}", start_date_local=at(8 + i)) for i in range(3)]
    mine = create_manual(a, name="a own", start_date_local=at(9, 30))
    # Then A's feed shows all four, newest first by start date, as Strava SummaryActivity
    entries = wait_feed(a, has(mine["id"], *(m["id"] for m in made)))
    assert ids(entries) == [made[2]["id"], mine["id"], made[1]["id"], made[0]["id"]]
    for entry in entries:
        strava_model.SummaryActivity.model_validate(entry)
    # And per_page=3 gives a page of 3 with a cursor, then the last one
    first = feed(a, per_page=3).json()
    assert ids(first["entries"]) == ids(entries)[:3] and first["next_cursor"]
    second = feed(a, per_page=3, cursor=first["next_cursor"]).json()
    assert ids(second["entries"]) == ids(entries)[3:]
    # And B, who follows nobody, sees only B's own
    assert ids(wait_feed(b, has(*(m["id"] for m in made)))) == [m["id"] for m in reversed(made)]


def test_tampered_or_foreign_cursor_is_a_400_fault(make_user) -> None:  # noqa: ANN001
    # Given A with a feed long enough for a second page
    a, b = make_user(), make_user()
    for i in range(3):
        create_manual(a, name=f"a{i}", start_date_local=at(10 + i))
    wait_feed(a, lambda entries: len(entries) == 3)
    token = feed(a, per_page=1).json()["next_cursor"]
    assert feed(a, per_page=1, cursor=token).status_code == 200
    # When the cursor is altered by one character, or presented by another reader
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    # Then both are refused with a 400 Fault
    body = assert_fault(feed(a, per_page=1, cursor=flipped), 400)
    assert body["errors"][0]["field"] == "cursor"
    assert_fault(feed(b, per_page=1, cursor=token), 400)
    assert_fault(feed(a, cursor="garbage"), 400)
    # And per_page is bounded
    assert_fault(feed(a, per_page=51), 422)


def test_visibility_rules_of_the_feed(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given A following B
    a, b = make_user(), make_user()
    follow(a, b)
    # When B makes one activity only_me, one followers_only and hides one from home
    private = create_manual(b, name="private", start_date_local=at(6, day=11))
    followers = create_manual(b, name="followers", start_date_local=at(7, day=11))
    hidden = create_manual(b, name="hidden", start_date_local=at(8, day=11))
    assert b.put(f"/api/v3/activities/{private['id']}", json={"visibility": "only_me"}).status_code == 200
    assert b.put(f"/api/v3/activities/{followers['id']}", json={"visibility": "followers_only"}).status_code == 200
    assert b.put(f"/api/v3/activities/{hidden['id']}", json={"hide_from_home": True}).status_code == 200
    marker = create_manual(b, name="after", start_date_local=at(9, day=11))
    # Then A sees the followers_only one, and the only_me and hidden ones are nowhere: not read, not stored
    entries = wait_feed(a, has(followers["id"], marker["id"]))
    wait_until(lambda: not {private["id"], hidden["id"]} & set(stored_entries(cloud, a)))
    entries = whole_feed(a)
    assert lacks(private["id"], hidden["id"])(entries)
    assert next(e for e in entries if e["id"] == followers["id"])["visibility"] == "followers_only"
    # And not even B's own feed holds them (they are not fanned out at all)
    assert lacks(private["id"], hidden["id"])(wait_feed(b, has(followers["id"], marker["id"])))


def test_rename_shows_and_delete_removes(make_user) -> None:  # noqa: ANN001
    # Given A following B, and B's activity in A's feed
    a, b = make_user(), make_user()
    follow(a, b)
    activity = create_manual(b, name="before", start_date_local=at(6, day=12))
    wait_feed(a, has(activity["id"]))
    # When B renames it
    assert b.put(f"/api/v3/activities/{activity['id']}", json={"name": "after"}).status_code == 200
    # Then A's feed shows the new name
    wait_feed(a, lambda entries: any(e["id"] == activity["id"] and e["name"] == "after" for e in entries))
    # When B deletes it
    assert delete(b, f"/api/v3/activities/{activity['id']}").status_code in (200, 204)
    # Then it leaves both feeds
    wait_feed(a, lacks(activity["id"]))
    wait_feed(b, lacks(activity["id"]))


def test_unfollow_and_mute_remove_the_authors_entries(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given A and C following B, with B's activity in both feeds
    a, b, c = make_user(), make_user(), make_user()
    follow(a, b)
    follow(c, b)
    first = create_manual(b, name="first", start_date_local=at(6, day=13))
    wait_feed(a, has(first["id"]))
    wait_feed(c, has(first["id"]))
    # When A unfollows B
    assert delete(a, f"/api/v3/athletes/{athlete_id(b)}/follow").status_code in (200, 204)
    # Then B's entries leave A's feed
    wait_feed(a, lacks(first["id"]))
    # When C mutes B
    assert c.post(f"/api/v3/athletes/{athlete_id(b)}/mute").status_code in (200, 201, 204)
    # Then B's entries leave C's feed, and B's next activity is not written there
    wait_feed(c, lacks(first["id"]))
    later = create_manual(b, name="later", start_date_local=at(7, day=13))
    wait_feed(b, has(later["id"]))
    wait_until(lambda: later["id"] in stored_entries(cloud, b))
    assert later["id"] not in stored_entries(cloud, c)
    assert lacks(later["id"])(whole_feed(c))


def test_duplicate_activity_created_event_leaves_one_entry(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given A following B, and B's activity fanned out once
    assert cloud.info is not None
    a, b = make_user(), make_user()
    follow(a, b)
    activity = create_manual(b, name="twice", start_date_local=at(6, day=14))
    wait_feed(a, has(activity["id"]))
    # When the same activity.created event is delivered twice more
    event = ActivityCreatedEvent(
        activity=ActivitySnapshot(
            activity_id=activity["id"],
            athlete_id=athlete_id(b),
            name=activity["name"],
            sport_type=activity["sport_type"],
            start_date=activity["start_date"],
            start_date_local=activity["start_date_local"],
            visibility=activity["visibility"],
        )
    )
    function_name = cloud.state.functions["FanOutFunction"].function_name
    mark = len(cloud.reports)
    for _ in range(2):
        cloud.client("events").put_events(
            Entries=[
                {
                    "Source": ActivityCreatedEvent.source,
                    "DetailType": ActivityCreatedEvent.detail_type,
                    "Detail": event.model_dump_json(),
                    "EventBusName": cloud.info.event_bus_name,
                }
            ]
        )
    wait_until(lambda: sum(1 for r in cloud.reports[mark:] if r.function == function_name) >= 2)
    # Then A's feed holds it once, in the API and in the table
    assert ids(whole_feed(a)).count(activity["id"]) == 1
    assert stored_entries(cloud, a).count(activity["id"]) == 1


def test_kudos_count_is_read_fresh(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given B's activity in A's feed with no kudos
    assert cloud.info is not None
    a, b = make_user(), make_user()
    follow(a, b)
    activity = create_manual(b, name="kudos", start_date_local=at(6, day=15))
    entry = next(e for e in wait_feed(a, has(activity["id"])) if e["id"] == activity["id"])
    assert entry["kudos_count"] == 0
    # When the activity's counter goes up (as a kudos write does: ADD on the activity item, no event for the feed)
    cloud.client("dynamodb").update_item(
        TableName=cloud.info.table_name,
        Key={"PK": {"S": f"ACT#{activity['id']}"}, "SK": {"S": "META"}},
        UpdateExpression="ADD kudos_count :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
    )
    # Then the very next feed read shows it (entries are joined with the activity at read time)
    entry = next(e for e in whole_feed(a) if e["id"] == activity["id"])
    assert entry["kudos_count"] == 1
