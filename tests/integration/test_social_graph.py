"""The social graph through the local cloud, as the app uses it: follows with counts, follow requests of
private profiles, lists and mutual followers, blocks, mutes and friends-of-friends suggestions."""

from __future__ import annotations

import time

import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault


def delete(user: AppUser, path: str) -> requests.Response:
    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def me(user: AppUser) -> dict:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return response.json()


def counts(user: AppUser) -> tuple[int, int]:
    """(follower_count, friend_count) on the athlete's own profile."""
    profile = me(user)
    return profile["follower_count"], profile["friend_count"]


def follow(user: AppUser, athlete_id: int, expected: str = "following") -> None:
    response = user.post(f"/api/v3/athletes/{athlete_id}/follow")
    assert response.status_code == 200, response.text
    assert response.json() == {"athlete_id": athlete_id, "state": expected}


def ids_of(response: requests.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [athlete["id"] for athlete in response.json()]


def test_follow_and_unfollow_keep_both_counts_and_are_harmless_twice(make_user) -> None:  # noqa: ANN001
    # Given two athletes
    alice, bob = make_user(), make_user()
    alice_id, bob_id = me(alice)["id"], me(bob)["id"]
    # When Alice follows Bob, twice
    follow(alice, bob_id)
    follow(alice, bob_id)
    # Then each profile counts the follow once
    assert counts(alice) == (0, 1)
    assert counts(bob) == (1, 0)
    # And the lists show it, as Strava's SummaryAthlete
    followers = bob.get(f"/api/v3/athletes/{bob_id}/followers")
    assert ids_of(followers) == [alice_id]
    summary = strava_model.SummaryAthlete.model_validate(followers.json()[0])
    assert summary.firstname == "Test" and followers.json()[0]["resource_state"] == 2
    assert ids_of(bob.get(f"/api/v3/athletes/{alice_id}/following")) == [bob_id]
    # When Alice unfollows, twice
    assert delete(alice, f"/api/v3/athletes/{bob_id}/follow").status_code == 204
    assert delete(alice, f"/api/v3/athletes/{bob_id}/follow").status_code == 204
    # Then both counts are back to zero and the lists are empty
    assert counts(alice) == (0, 0)
    assert counts(bob) == (0, 0)
    assert ids_of(bob.get(f"/api/v3/athletes/{bob_id}/followers")) == []


def test_following_oneself_or_nobody_is_refused_clearly(user: AppUser) -> None:
    # Given an athlete
    own_id = me(user)["id"]
    # When they follow themself, a missing athlete, or a malformed id
    # Then the answers say why, in Strava's Fault shape
    assert_fault(user.post(f"/api/v3/athletes/{own_id}/follow"), 422)
    assert_fault(user.post("/api/v3/athletes/999999999/follow"), 404)
    assert_fault(user.post("/api/v3/athletes/nobody/follow"), 422)
    assert counts(user) == (0, 0)


def test_an_idempotency_key_replays_a_follow(make_user) -> None:  # noqa: ANN001
    # Given two athletes
    alice, bob = make_user(), make_user()
    bob_id = me(bob)["id"]
    # When the app retries a follow with the same Idempotency-Key
    headers = {"Idempotency-Key": "follow-once"}
    first = alice.post(f"/api/v3/athletes/{bob_id}/follow", headers=headers)
    again = alice.post(f"/api/v3/athletes/{bob_id}/follow", headers=headers)
    # Then the same answer comes back and the follow counts once
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert counts(bob) == (1, 0)


def test_a_private_profile_approves_or_denies_follow_requests(make_user) -> None:  # noqa: ANN001
    # Given a private athlete and three others
    owner, alice, carol, dave = make_user(), make_user(), make_user(), make_user()
    owner_id = owner.put("/api/v3/athlete", json={"private_profile": True}).json()["id"]
    alice_id, carol_id, dave_id = me(alice)["id"], me(carol)["id"], me(dave)["id"]
    # When they ask to follow
    follow(alice, owner_id, "requested")
    follow(alice, owner_id, "requested")
    follow(carol, owner_id, "requested")
    follow(dave, owner_id, "requested")
    # Then nothing is counted yet and the owner sees the pending requests
    assert counts(owner) == (0, 0)
    assert sorted(ids_of(owner.get("/api/v3/athlete/follow_requests"))) == sorted([alice_id, carol_id, dave_id])
    # And the private lists stay closed to non-followers
    assert_fault(alice.get(f"/api/v3/athletes/{owner_id}/followers"), 403)
    # When Dave cancels, the owner approves Alice and denies Carol
    assert delete(dave, f"/api/v3/athletes/{owner_id}/follow").status_code == 204
    approved = owner.post(f"/api/v3/athlete/follow_requests/{alice_id}")
    assert approved.status_code == 200, approved.text
    assert approved.json()["id"] == alice_id
    assert delete(owner, f"/api/v3/athlete/follow_requests/{carol_id}").status_code == 204
    # Then only Alice follows, with both counts, and no request is left
    assert ids_of(owner.get("/api/v3/athlete/follow_requests")) == []
    assert counts(owner) == (1, 0)
    assert counts(alice) == (0, 1)
    follow(alice, owner_id, "following")
    follow(carol, owner_id, "requested")
    # And Alice, a follower now, sees the owner's lists and full profile
    assert ids_of(alice.get(f"/api/v3/athletes/{owner_id}/followers")) == [alice_id]
    assert alice.get(f"/api/v3/athletes/{owner_id}").json()["resource_state"] == 2
    # And a request that is gone cannot be approved
    assert_fault(owner.post(f"/api/v3/athlete/follow_requests/{dave_id}"), 404)


def test_lists_page_with_strava_parameters(make_user) -> None:  # noqa: ANN001
    # Given an athlete with three followers
    star = make_user()
    star_id = me(star)["id"]
    fans = [make_user() for _ in range(3)]
    for fan in fans:
        follow(fan, star_id)
    fan_ids = sorted(me(fan)["id"] for fan in fans)
    # When the followers are read two by two
    first = ids_of(star.get(f"/api/v3/athletes/{star_id}/followers", params={"page": 1, "per_page": 2}))
    second = ids_of(star.get(f"/api/v3/athletes/{star_id}/followers", params={"page": 2, "per_page": 2}))
    third = ids_of(star.get(f"/api/v3/athletes/{star_id}/followers", params={"page": 3, "per_page": 2}))
    # Then the pages cover each follower once, in id order
    assert first + second == fan_ids and len(first) == 2 and third == []
    # And bad or too deep pages are refused
    assert_fault(star.get(f"/api/v3/athletes/{star_id}/followers", params={"per_page": 201}), 422)
    assert_fault(star.get(f"/api/v3/athletes/{star_id}/followers", params={"page": 11, "per_page": 200}), 422)
    assert_fault(star.get("/api/v3/athletes/999999999/following"), 404)


def test_mutual_followers_are_the_ones_i_follow(make_user) -> None:  # noqa: ANN001
    # Given I follow X and Y; X, Y and Z follow T
    mine, x, y, z, target = (make_user() for _ in range(5))
    x_id, y_id, target_id = me(x)["id"], me(y)["id"], me(target)["id"]
    follow(mine, x_id)
    follow(mine, y_id)
    for other in (x, y, z):
        follow(other, target_id)
    # When I ask who of mine follows T
    mutual = ids_of(mine.get(f"/api/v3/athletes/{target_id}/mutual_followers"))
    # Then it is X and Y, not Z
    assert mutual == sorted([x_id, y_id])


def test_a_block_removes_follows_both_ways_and_hides_each_from_the_other(make_user) -> None:  # noqa: ANN001
    # Given Alice and Bob follow each other and Bob asked to follow private Carol, who follows Alice
    alice, bob, carol = make_user(), make_user(), make_user()
    alice_id, bob_id = me(alice)["id"], me(bob)["id"]
    carol_id = carol.put("/api/v3/athlete", json={"private_profile": True}).json()["id"]
    follow(alice, bob_id)
    follow(bob, alice_id)
    follow(bob, carol_id, "requested")
    follow(carol, alice_id)
    # When Alice blocks Bob (twice: the second changes nothing)
    for _ in range(2):
        blocked = alice.post(f"/api/v3/athletes/{bob_id}/block")
        assert blocked.status_code == 200, blocked.text
        assert blocked.json() == {"athlete_id": bob_id, "state": "blocked"}
    # Then both follows are gone with their counts; Carol's follow of Alice stays
    assert counts(alice) == (1, 0)
    assert counts(bob) == (0, 0)
    # And each is hidden from the other: profile, lists and following all 404
    assert_fault(bob.get(f"/api/v3/athletes/{alice_id}"), 404)
    assert_fault(alice.get(f"/api/v3/athletes/{bob_id}"), 404)
    assert_fault(bob.get(f"/api/v3/athletes/{alice_id}/followers"), 404)
    assert_fault(bob.post(f"/api/v3/athletes/{alice_id}/follow"), 404)
    assert_fault(alice.post(f"/api/v3/athletes/{bob_id}/follow"), 404)
    assert_fault(bob.post(f"/api/v3/athletes/{alice_id}/mute"), 404)
    assert bob_id not in ids_of(carol.get(f"/api/v3/athletes/{alice_id}/followers"))
    # And Alice's block list names Bob
    assert ids_of(alice.get("/api/v3/athlete/blocks")) == [bob_id]
    # When Carol blocks Bob, his pending request to her goes too
    assert carol.post(f"/api/v3/athletes/{bob_id}/block").status_code == 200
    assert ids_of(carol.get("/api/v3/athlete/follow_requests")) == []
    # When Alice unblocks Bob
    assert delete(alice, f"/api/v3/athletes/{bob_id}/block").status_code == 204
    # Then they see each other again, the follows are not restored, and following works again
    assert alice.get(f"/api/v3/athletes/{bob_id}").status_code == 200
    assert ids_of(alice.get("/api/v3/athlete/blocks")) == []
    assert counts(bob) == (0, 0)
    follow(bob, alice_id)
    assert counts(alice) == (2, 0)
    # And blocking oneself or nobody is refused
    assert_fault(alice.post(f"/api/v3/athletes/{alice_id}/block"), 422)
    assert_fault(alice.post("/api/v3/athletes/999999999/block"), 404)


def test_a_mute_writes_both_directions_for_the_feed(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given Alice follows Bob
    alice, bob = make_user(), make_user()
    alice_id, bob_id = me(alice)["id"], me(bob)["id"]
    follow(alice, bob_id)
    # When Alice mutes Bob, twice
    for _ in range(2):
        muted = alice.post(f"/api/v3/athletes/{bob_id}/mute")
        assert muted.status_code == 200, muted.text
        assert muted.json() == {"athlete_id": bob_id, "state": "muted"}
    # Then the mute and its reverse (read by the feed fan-out) are stored, and Alice still follows Bob
    assert cloud.info is not None
    dynamodb = cloud.client("dynamodb")
    table = cloud.info.table_name

    def stored(pk: str, sk: str) -> bool:
        return "Item" in dynamodb.get_item(TableName=table, Key={"PK": {"S": pk}, "SK": {"S": sk}}, ConsistentRead=True)

    assert stored(f"ATH#{alice_id}#MUTES", f"ATH#{bob_id:019d}")
    assert stored(f"ATH#{bob_id}#MUTEDBY", f"ATH#{alice_id:019d}")
    assert counts(alice) == (0, 1)
    # When Alice unmutes Bob
    assert delete(alice, f"/api/v3/athletes/{bob_id}/mute").status_code == 204
    # Then both items are gone
    assert not stored(f"ATH#{alice_id}#MUTES", f"ATH#{bob_id:019d}")
    assert not stored(f"ATH#{bob_id}#MUTEDBY", f"ATH#{alice_id:019d}")
    assert_fault(alice.post(f"/api/v3/athletes/{alice_id}/mute"), 422)


def wait_suggestions(user: AppUser, expected: list[tuple[int, int]], timeout: float = 60.0) -> list[dict]:
    """Poll until the consumer has computed ``expected`` [(id, shared)] for ``user``."""
    deadline = time.monotonic() + timeout
    seen: list[tuple[int, int]] = []
    while time.monotonic() < deadline:
        response = user.get("/api/v3/athlete/suggestions")
        assert response.status_code == 200, response.text
        seen = [(entry["id"], entry["shared_connections"]) for entry in response.json()]
        if seen == expected:
            return response.json()
        time.sleep(0.2)
    raise AssertionError(f"suggestions were {seen}, expected {expected}")


def test_suggestions_are_friends_of_friends_ranked_by_shared_connections(make_user) -> None:  # noqa: ANN001
    # Given A follows B and E; then B follows C and D, and E follows D (events A is not part of)
    a, b, c, d, e = (make_user() for _ in range(5))
    b_id, c_id, d_id, e_id = (me(u)["id"] for u in (b, c, d, e))
    follow(a, b_id)
    follow(a, e_id)
    follow(b, c_id)
    follow(b, d_id)
    follow(e, d_id)
    # When the consumer has run
    # Then A is offered D (followed by B and E) before C (followed by B only), as SummaryAthletes
    suggested = wait_suggestions(a, [(d_id, 2), (c_id, 1)])
    strava_model.SummaryAthlete.model_validate(suggested[0])
    # When A follows D, and C blocks A
    follow(a, d_id)
    assert c.post(f"/api/v3/athletes/{me(a)['id']}/block").status_code == 200
    # Then neither is offered any more
    wait_suggestions(a, [])
