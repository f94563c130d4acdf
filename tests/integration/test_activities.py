"""The activity API over HTTP through the local cloud: manual activities, edits, visibility, delete, stats."""

from __future__ import annotations

import pytest
from stravalib import Client, strava_model

from tests.integration.conftest import AppUser
from tests.integration.test_triggers import wait_for

pytestmark = pytest.mark.integration


def stravalib_client(user: AppUser) -> Client:
    """stravalib, Strava's reference client, pointed at the local API."""
    client = Client(access_token=user.access_token)
    client.protocol.server = user.api_url.removeprefix("http://")
    client.protocol.resolve_url = lambda url: (  # type: ignore[method-assign]
        url if url.startswith("http") else f"{user.api_url}/api/v3/{url.strip('/')}"
    )
    return client


def create_manual(user: AppUser, **fields: object) -> dict:
    form = {
        "name": "Lunch run",
        "sport_type": "Run",
        "start_date_local": "2026-11-20T12:30:00",
        "elapsed_time": "1800",
        "distance": "5000",
        **{k: str(v) for k, v in fields.items()},
    }
    response = user.post("/api/v3/activities", data=form)
    assert response.status_code == 201, response.text
    return response.json()


def assert_fault(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"message", "errors"} and body["message"]
    return body


def test_manual_activity_is_created_read_listed_and_validates_as_strava(user: AppUser) -> None:
    # When the athlete records a manual run with form fields, as Strava's createActivity takes them
    created = create_manual(user, description="easy")
    # Then it reads back as a DetailedActivity that stravalib's model accepts
    fetched = user.get(f"/api/v3/activities/{created['id']}")
    assert fetched.status_code == 200
    detailed = strava_model.DetailedActivity.model_validate(fetched.json())
    assert detailed.name == "Lunch run" and detailed.distance == 5000 and detailed.manual is True
    assert detailed.elapsed_time == 1800 and detailed.moving_time == 1800
    assert detailed.average_speed == pytest.approx(5000 / 1800)
    assert detailed.description == "easy"
    # And it is in the athlete's list, newest first, as SummaryActivity
    create_manual(user, name="Later run", start_date_local="2026-11-21T08:00:00")
    listed = user.get("/api/v3/athlete/activities").json()
    assert [a["name"] for a in listed] == ["Later run", "Lunch run"]
    for item in listed:
        strava_model.SummaryActivity.model_validate(item)


def test_before_after_and_paging_filter_the_list(user: AppUser) -> None:
    for day in (10, 11, 12):
        create_manual(user, name=f"day {day}", start_date_local=f"2026-11-{day}T07:00:00")
    after_11 = 1_794_380_400  # 2026-11-11T07:00:00Z
    assert [a["name"] for a in user.get("/api/v3/athlete/activities", params={"after": after_11}).json()] == ["day 12"]
    assert [a["name"] for a in user.get("/api/v3/athlete/activities", params={"before": after_11}).json()] == ["day 10"]
    page2 = user.get("/api/v3/athlete/activities", params={"per_page": 2, "page": 2}).json()
    assert [a["name"] for a in page2] == ["day 10"]
    assert_fault(user.get("/api/v3/athlete/activities", params={"per_page": 500}), 422)


def test_owner_edits_and_visibility_hides_it_from_others(make_user) -> None:  # noqa: ANN001
    owner, other = make_user(), make_user()
    created = create_manual(owner)
    path = f"/api/v3/activities/{created['id']}"
    # Another athlete sees an activity visible to everyone
    assert other.get(path).status_code == 200
    # The owner edits it (Strava's UpdatableActivity plus visibility)
    response = owner.put(path, json={"name": "Tempo", "sport_type": "TrailRun", "visibility": "only_me"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["sport_type"], body["type"], body["private"]) == ("Tempo", "TrailRun", "Run", True)
    # Now nobody else can see that it exists, and nobody else can edit or delete it
    assert_fault(other.get(path), 404)
    assert_fault(other.put(path, json={"name": "mine"}), 404)
    assert_fault(other.delete(path) if hasattr(other, "delete") else _delete(other, path), 404)
    # Unknown fields and sport types are refused with 422 naming the field
    assert_fault(owner.put(path, json={"sport_type": "Jetski"}), 422)
    assert_fault(owner.put(path, json={"distance": 1}), 422)


def _delete(user: AppUser, path: str):  # noqa: ANN202
    import requests

    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def test_delete_removes_the_activity(user: AppUser) -> None:
    created = create_manual(user)
    path = f"/api/v3/activities/{created['id']}"
    assert _delete(user, path).status_code == 204
    assert_fault(user.get(path), 404)
    assert_fault(_delete(user, path), 404)
    assert user.get("/api/v3/athlete/activities").json() == []


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"elapsed_time": "0"}, "elapsed_time"),
        ({"sport_type": "Jetski"}, "sport_type"),
        ({"start_date_local": "yesterday"}, "start_date_local"),
    ],
)
def test_bad_manual_activities_get_422(user: AppUser, form: dict, field: str) -> None:
    base = {"name": "x", "sport_type": "Run", "start_date_local": "2026-11-20T12:30:00", "elapsed_time": "60"}
    body = assert_fault(user.post("/api/v3/activities", data={**base, **form}), 422)
    assert any(field in e["field"] for e in body["errors"]), body


def test_stats_follow_created_updated_and_deleted_activities(user: AppUser) -> None:
    me = user.get("/api/v3/athlete").json()["id"]
    stats_path = f"/api/v3/athletes/{me}/stats"

    def totals() -> dict:
        body = user.get(stats_path).json()
        strava_model.ActivityStats.model_validate(body)
        return body

    # Given a run visible to everyone, the consumer of activity.created counts it
    run = create_manual(user, distance=10_000, elapsed_time=3000)
    wait_for(lambda: totals()["all_run_totals"]["count"] == 1)
    body = totals()
    assert body["all_run_totals"]["distance"] == 10_000 and body["ytd_run_totals"]["count"] == 1
    assert body["recent_run_totals"]["moving_time"] == 3000
    # When it becomes a ride, its contribution moves from runs to rides
    user.put(f"/api/v3/activities/{run['id']}", json={"sport_type": "Ride"})
    wait_for(lambda: totals()["all_ride_totals"]["count"] == 1)
    assert totals()["all_run_totals"]["count"] == 0
    assert totals()["biggest_ride_distance"] == 10_000
    # When it is made private, it no longer counts (Strava counts only activities visible to everyone)
    user.put(f"/api/v3/activities/{run['id']}", json={"visibility": "only_me"})
    wait_for(lambda: totals()["all_ride_totals"]["count"] == 0)
    # A deleted everyone-visible activity is taken out again
    other = create_manual(user, distance=3000)
    wait_for(lambda: totals()["all_run_totals"]["count"] == 1)
    _delete(user, f"/api/v3/activities/{other['id']}")
    wait_for(lambda: totals()["all_run_totals"]["count"] == 0)
    assert totals()["all_run_totals"]["distance"] == 0


def test_stravalib_creates_updates_and_lists_activities(user: AppUser) -> None:
    from datetime import datetime

    client = stravalib_client(user)
    created = client.create_activity(
        "Stravalib ride", sport_type="Ride", start_date_local=datetime(2026, 11, 19, 9, 0), elapsed_time=3600,
        distance=30_000,
    )  # fmt: skip
    assert created.distance == 30_000
    updated = client.update_activity(created.id, name="Renamed", commute=True)
    assert updated.name == "Renamed" and updated.commute is True
    listed = list(client.get_activities(limit=5))
    assert [a.id for a in listed] == [created.id]
    assert client.get_activity(created.id).name == "Renamed"
