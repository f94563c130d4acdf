"""Kudos, comments and @mentions over HTTP through the local cloud (AP30-AP34)."""

from __future__ import annotations

from multiprocessing.pool import ThreadPool

import pytest
import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault, create_manual, stravalib_client
from tests.integration.test_triggers import wait_for

pytestmark = pytest.mark.integration


def _delete(user: AppUser, path: str) -> requests.Response:
    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def _me(user: AppUser) -> int:
    return int(user.get("/api/v3/athlete").json()["id"])


def _counts(user: AppUser, activity_id: int) -> tuple[int, int]:
    body = user.get(f"/api/v3/activities/{activity_id}").json()
    return body["kudos_count"], body["comment_count"]


def _comment(user: AppUser, activity_id: int, text: str) -> dict:
    response = user.post(f"/api/v3/activities/{activity_id}/comments", json={"text": text})
    assert response.status_code == 201, response.text
    return response.json()


def test_kudos_once_per_athlete_counted_listed_and_removed(make_user) -> None:  # noqa: ANN001
    # Given an owner's run and another athlete
    owner, fan = make_user(), make_user()
    run = create_manual(owner)
    kudos = f"/api/v3/activities/{run['id']}/kudos"
    # When the fan gives kudos, it is given (201) and the owner sees the count
    first = fan.post(kudos)
    assert first.status_code == 201, first.text
    assert first.json() == {"activity_id": run["id"], "athlete_id": _me(fan), "given": True}
    assert _counts(owner, run["id"]) == (1, 0)
    # When the fan gives kudos again, nothing changes (200, still one)
    again = fan.post(kudos)
    assert again.status_code == 200 and again.json()["given"] is False
    assert _counts(owner, run["id"]) == (1, 0)
    # The kudoers list names the fan as a SummaryAthlete
    listed = owner.get(kudos).json()
    assert [a["id"] for a in listed] == [_me(fan)]
    strava_model.SummaryAthlete.model_validate(listed[0])
    assert listed[0]["resource_state"] == 2 and listed[0]["firstname"] == "Test"
    # When the fan takes it back, the count drops; taking back nothing is 404
    assert _delete(fan, kudos).status_code == 204
    assert _counts(owner, run["id"]) == (0, 0)
    assert owner.get(kudos).json() == []
    assert_fault(_delete(fan, kudos), 404)


def test_no_kudos_on_ones_own_activity(user: AppUser) -> None:
    run = create_manual(user)
    body = assert_fault(user.post(f"/api/v3/activities/{run['id']}/kudos"), 403)
    assert "own activity" in body["message"]
    assert _counts(user, run["id"]) == (0, 0)


def test_concurrent_kudos_are_counted_exactly(make_user) -> None:  # noqa: ANN001
    # Given an activity and six athletes, each sending their kudos twice at the same time
    owner = make_user()
    fans = [make_user() for _ in range(6)]
    run = create_manual(owner)
    path = f"/api/v3/activities/{run['id']}/kudos"
    with ThreadPool(12) as pool:
        statuses = pool.map(lambda fan: fan.post(path).status_code, fans * 2)
    # Then each athlete got exactly one 201, and the count is exactly six
    assert sorted(statuses) == [200] * 6 + [201] * 6, statuses
    assert _counts(owner, run["id"]) == (6, 0)
    assert sorted(a["id"] for a in owner.get(path).json()) == sorted(_me(fan) for fan in fans)


def test_an_activity_one_may_not_see_is_not_found_for_kudos_and_comments(make_user) -> None:  # noqa: ANN001
    # Given another athlete's only_me activity
    owner, other = make_user(), make_user()
    run = create_manual(owner)
    owner.put(f"/api/v3/activities/{run['id']}", json={"visibility": "only_me"})
    base = f"/api/v3/activities/{run['id']}"
    not_found = assert_fault(other.get(base), 404)
    # Then every kudos and comment route answers exactly as GET /activities/{id} does
    for response in (
        other.post(f"{base}/kudos"),
        other.get(f"{base}/kudos"),
        _delete(other, f"{base}/kudos"),
        other.post(f"{base}/comments", json={"text": "hello"}),
        other.get(f"{base}/comments"),
        _delete(other, f"{base}/comments/{run['id']}"),
    ):
        assert assert_fault(response, 404) == not_found
    # And an id that does not exist at all looks the same
    assert assert_fault(other.post("/api/v3/activities/123456789/kudos"), 404) == not_found
    assert _counts(owner, run["id"]) == (0, 0)


@pytest.mark.parametrize(("text", "code"), [("", "blank"), ("   \n ", "blank"), ("x" * 1001, "too long")])
def test_comment_text_must_be_1_to_1000_characters(user: AppUser, text: str, code: str) -> None:
    run = create_manual(user)
    body = assert_fault(user.post(f"/api/v3/activities/{run['id']}/comments", json={"text": text}), 422)
    assert body["errors"] == [{"resource": "Comment", "field": "text", "code": code}]
    assert _counts(user, run["id"]) == (0, 0)


def test_comments_are_added_as_json_form_or_query_and_listed_oldest_first(make_user) -> None:  # noqa: ANN001
    owner, friend = make_user(), make_user()
    run = create_manual(owner)
    path = f"/api/v3/activities/{run['id']}/comments"
    # When comments come as JSON, as a form field and as a query parameter (1 and 1,000 characters, trimmed)
    first = _comment(friend, run["id"], "  a  ")
    form = friend.post(path, data={"text": "y" * 1000})
    query = owner.post(path, params={"text": "thanks!"})
    assert form.status_code == 201 and query.status_code == 201, (form.text, query.text)
    # Then each answers Strava's Comment, with the author as a SummaryAthlete
    comment = strava_model.Comment.model_validate(first)
    assert comment.text == "a" and comment.activity_id == run["id"] and first["mentions"] == []
    assert comment.athlete is not None and comment.athlete.id == _me(friend)
    # And they are listed oldest first, counted on the activity
    listed = owner.get(path).json()
    assert [c["id"] for c in listed] == [first["id"], form.json()["id"], query.json()["id"]]
    assert [c["athlete"]["id"] for c in listed] == [_me(friend), _me(friend), _me(owner)]
    assert _counts(owner, run["id"]) == (0, 3)
    assert [c["id"] for c in owner.get(path, params={"page": 2, "per_page": 2}).json()] == [query.json()["id"]]
    # A body that is not JSON is a 400, not a comment
    bad = friend.post(path, data="{not json", headers={"Content-Type": "application/json"})
    assert_fault(bad, 400)


def test_mentions_resolve_to_athletes_who_may_see_the_activity(make_user) -> None:  # noqa: ANN001
    # Given a followers-only run, a follower who comments, another follower and a stranger
    owner, author, follower, stranger = make_user(), make_user(), make_user(), make_user()
    owner_id = _me(owner)
    for athlete in (author, follower):
        assert athlete.post(f"/api/v3/athletes/{owner_id}/follow").status_code == 200
    run = create_manual(owner)
    owner.put(f"/api/v3/activities/{run['id']}", json={"visibility": "followers_only"})
    # When the author mentions the follower (twice, in capitals), the stranger, a name nobody has, an e-mail
    # address, and the owner
    text = (
        f"Great run @{follower.username.upper()}! cc @{stranger.username} @nobody-{owner_id} "
        f"mail {follower.username}@example.com, @{owner.username}, again @{follower.username}."
    )
    created = _comment(author, run["id"], text)
    # Then only those who may see the activity are mentioned, in order, each once, with their username
    assert created["mentions"] == [
        {"id": _me(follower), "username": follower.username},
        {"id": owner_id, "username": owner.username},
    ]
    assert created["text"] == text
    strava_model.Comment.model_validate(created)
    # And the list shows the same mentions; stravalib still reads it as Strava's Comment
    listed = owner.get(f"/api/v3/activities/{run['id']}/comments").json()
    assert listed[0]["mentions"] == created["mentions"]
    parsed = list(stravalib_client(owner).get_activity_comments(run["id"]))
    assert [c.id for c in parsed] == [created["id"]] and parsed[0].text == text


def test_comments_are_deleted_by_author_or_owner_not_by_others(make_user) -> None:  # noqa: ANN001
    owner, author, stranger = make_user(), make_user(), make_user()
    run = create_manual(owner)
    base = f"/api/v3/activities/{run['id']}/comments"
    mine = _comment(author, run["id"], "first")
    theirs = _comment(author, run["id"], "second")
    assert _counts(owner, run["id"]) == (0, 2)
    # A stranger who sees the activity may not delete another's comment
    body = assert_fault(_delete(stranger, f"{base}/{mine['id']}"), 403)
    assert body["errors"][0]["resource"] == "Comment"
    # The author deletes theirs, the owner deletes one on their activity
    assert _delete(author, f"{base}/{mine['id']}").status_code == 204
    assert _delete(owner, f"{base}/{theirs['id']}").status_code == 204
    assert _counts(owner, run["id"]) == (0, 0)
    assert owner.get(base).json() == []
    # Deleting again, or a comment that never was, is 404
    assert_fault(_delete(author, f"{base}/{mine['id']}"), 404)
    assert_fault(_delete(owner, f"{base}/{run['id']}"), 404)


def test_stravalib_reads_kudoers_and_comments(make_user) -> None:  # noqa: ANN001
    owner, fans = make_user(), [make_user() for _ in range(3)]
    run = create_manual(owner)
    for fan in fans:
        assert fan.post(f"/api/v3/activities/{run['id']}/kudos").status_code == 201
    _comment(fans[0], run["id"], f"nice @{fans[1].username}")
    client = stravalib_client(owner)
    kudoers = list(client.get_activity_kudos(run["id"]))
    assert sorted(k.id for k in kudoers) == sorted(_me(fan) for fan in fans)
    assert all(k.firstname == "Test" for k in kudoers)
    comments = list(client.get_activity_comments(run["id"]))
    assert len(comments) == 1 and comments[0].athlete is not None and comments[0].athlete.id == _me(fans[0])


def test_a_block_stops_kudos_and_comments_and_hides_earlier_ones(make_user) -> None:  # noqa: ANN001
    # Given a fan who gave kudos and commented, and a bystander who did too
    owner, fan, bystander = make_user(), make_user(), make_user()
    run = create_manual(owner)
    base = f"/api/v3/activities/{run['id']}"
    for athlete in (fan, bystander):
        assert athlete.post(f"{base}/kudos").status_code == 201
        _comment(athlete, run["id"], "well done")
    # When the owner blocks the fan
    blocked = owner.post(f"/api/v3/athletes/{_me(fan)}/block")
    assert blocked.status_code == 200, blocked.text
    # Then the fan can neither give kudos nor comment (the activity no longer exists for them)
    assert_fault(fan.post(f"{base}/kudos"), 404)
    assert_fault(fan.post(f"{base}/comments", json={"text": "hi"}), 404)
    # And the owner's lists no longer show the fan; the bystander is still there
    assert [a["id"] for a in owner.get(f"{base}/kudos").json()] == [_me(bystander)]
    assert [c["athlete"]["id"] for c in owner.get(f"{base}/comments").json()] == [_me(bystander)]
    # And a comment mentioning the blocked fan does not resolve the mention
    created = _comment(owner, run["id"], f"thanks @{fan.username} and @{bystander.username}")
    assert [m["id"] for m in created["mentions"]] == [_me(bystander)]


def test_deleting_the_activity_purges_its_kudos_and_comments(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    owner, fan = make_user(), make_user()
    run = create_manual(owner)
    assert fan.post(f"/api/v3/activities/{run['id']}/kudos").status_code == 201
    _comment(fan, run["id"], "first")
    _comment(owner, run["id"], "second")
    assert cloud.info is not None
    dynamodb, table = cloud.client("dynamodb"), cloud.info.table_name

    def reactions() -> list[str]:
        items = dynamodb.query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": f"ACT#{run['id']}"}},
            ConsistentRead=True,
        )["Items"]
        return sorted(item["SK"]["S"].split("#")[0] for item in items)

    assert reactions() == ["COMMENT", "COMMENT", "KUDOS", "META"]
    # When the owner deletes the activity, the consumer of activity.deleted removes the rest of its partition
    assert _delete(owner, f"/api/v3/activities/{run['id']}").status_code == 204
    wait_for(lambda: reactions() == [])
