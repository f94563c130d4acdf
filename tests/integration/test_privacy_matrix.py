"""Map privacy through the local cloud: every route that returns activity data, for every kind of viewer,
every visibility (and a hidden map), with a privacy zone on the start of each track and without one.

One owner uploads four real GPS files once (module fixtures). A follower, a stranger, a blocked athlete (who
followed before the block) and a moderator read them. Each cell asserts the exact status, and for a 200 that
no position another person gets lies inside the zone, while the owner gets the whole track (zone included).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from stravalib import strava_model

from stride.privacy.trim import PrivacyZone, decode_polyline, distance, in_zone
from tests.conftest import CORPUS
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault
from tests.integration.test_uploads import upload_and_wait

pytestmark = pytest.mark.integration

RADIUS = 400.0
DEADLINE_S = 60.0
# Four small real tracks (uploads are slow on the local cloud): one per column of the matrix.
FILES = {
    "everyone": CORPUS / "fit" / "fitparse_2013-02-06-12-11-14.fit",
    "followers_only": CORPUS / "fit" / "gc_10k-garmin-fr15.fit",
    "only_me": CORPUS / "fit" / "fittrackee_apple_watch.fit",
    "hidden_map": CORPUS / "gpx" / "gpsbabel_globalsat_gh625XT.gpx",  # visibility everyone, hide_map true
}
KINDS = list(FILES)
VIEWERS = ["owner", "follower", "stranger", "blocked", "moderator"]
ROUTES = ["activity", "streams_latlng", "streams_no_latlng", "geojson", "gpx", "original", "laps"]
LatLng = tuple[float, float]


@dataclass
class Baseline:
    """What the owner gets of one activity: the whole track."""

    activity_id: int
    centre: LatLng  # the first fix of the track: the centre of its privacy zone
    latlng: list[LatLng]
    times: list[int]
    laps: int


@dataclass
class World:
    users: dict[str, AppUser]
    owner_id: int
    activities: dict[str, Baseline] = field(default_factory=dict)

    @property
    def zones(self) -> list[PrivacyZone]:
        return [PrivacyZone(i, b.centre[0], b.centre[1], RADIUS) for i, b in enumerate(self.activities.values())]


def me(user: AppUser) -> int:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def _upload(owner: AppUser, kind: str) -> tuple[str, int]:
    done = upload_and_wait(owner, FILES[kind], name=f"privacy {kind}", external_id=f"privacy-{kind}")
    assert done["activity_id"], done
    return kind, int(done["activity_id"])


@pytest.fixture(scope="module")
def world(make_user) -> World:  # noqa: ANN001
    users = {viewer: make_user() for viewer in VIEWERS if viewer != "moderator"}
    users["moderator"] = make_user(groups=("MODERATOR",))
    owner = users["owner"]
    found = World(users, me(owner))
    # The follower and the (future) blocked athlete follow the owner; the owner then blocks the latter,
    # which removes that follow too.
    for viewer in ("follower", "blocked"):
        followed = users[viewer].post(f"/api/v3/athletes/{found.owner_id}/follow")
        assert followed.status_code == 200 and followed.json()["state"] == "following", followed.text
    blocked = owner.post(f"/api/v3/athletes/{me(users['blocked'])}/block")
    assert blocked.status_code == 200, blocked.text
    with ThreadPoolExecutor(len(FILES)) as pool:
        uploaded = dict(pool.map(lambda kind: _upload(owner, kind), KINDS))
    for kind, activity_id in uploaded.items():
        change = {"hide_map": True} if kind == "hidden_map" else {"visibility": kind}
        updated = owner.put(f"/api/v3/activities/{activity_id}", json=change)
        assert updated.status_code == 200, updated.text
        streams = owner.get(f"/api/v3/activities/{activity_id}/streams", params={"keys": "latlng,time"}).json()
        latlng = [(p[0], p[1]) for p in streams["latlng"]["data"]]
        laps = owner.get(f"/api/v3/activities/{activity_id}/laps").json()
        found.activities[kind] = Baseline(activity_id, latlng[0], latlng, streams["time"]["data"], len(laps))
        # The track must leave its zone, or "nothing inside the zone" would hold for an empty answer
        assert any(distance(latlng[0], p) > RADIUS + 50 for p in latlng)
    return found


@pytest.fixture(scope="module", params=["zone", "no_zone"])
def zone_on(request: pytest.FixtureRequest, world: World) -> Iterator[bool]:
    """The owner's settings: a 400 m zone on the start of each track, or none. Module-scoped, so pytest runs
    all cells of one setting together; each instance sets its own state, so any single cell also runs alone."""
    on = request.param == "zone"
    zones = [{"lat": z.lat, "lng": z.lng, "radius": z.radius} for z in world.zones] if on else []
    response = world.users["owner"].put("/api/v3/athlete/privacy", json={"zones": zones, "hide_start_end": 0})
    assert response.status_code == 200, response.text
    assert len(response.json()["zones"]) == len(zones)
    yield on


# ---------------------------------------------------------------- expectations


def can_view(viewer: str, kind: str) -> bool:
    return {
        "owner": True,
        "moderator": True,  # moderators open any activity, with the map cut like everyone else's
        "follower": kind != "only_me",
        "stranger": kind in ("everyone", "hidden_map"),
        "blocked": False,
    }[viewer]


def expected_status(route: str, viewer: str, kind: str) -> int:
    if not can_view(viewer, kind):
        return 404
    if route == "original":
        return 303 if viewer == "owner" else 404  # the raw file holds every point: the owner's alone
    if route == "gpx" and kind == "hidden_map" and viewer != "owner":
        return 403  # a GPX is nothing but the map
    return 200


def in_the_zone(world: World, points: list[LatLng]) -> list[LatLng]:
    """The points the server must hide: within a zone's radius (plus its margin for polyline rounding)."""
    return [p for p in points if in_zone(p, world.zones)]


def check_positions(world: World, viewer: str, kind: str, zone: bool, points: list[LatLng]) -> None:
    """Others never get a point of the zone when it is on; without the zone, and for the owner, the track's
    start area is there; a hidden map shows others no position at all."""
    if kind == "hidden_map" and viewer != "owner":
        assert points == []
        return
    assert points, "no position at all"
    inside = in_the_zone(world, points)
    if zone and viewer != "owner":
        assert inside == []
    else:
        assert inside


# ---------------------------------------------------------------- the routes


def _activity(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    response = user.get(f"/api/v3/activities/{base.activity_id}")
    body = response.json()
    strava_model.DetailedActivity.model_validate(body)
    points = decode_polyline(body["map"]["polyline"]) + decode_polyline(body["map"]["summary_polyline"])
    points += [tuple(body[name]) for name in ("start_latlng", "end_latlng") if body[name]]  # type: ignore[misc]
    check_positions(world, viewer, kind, zone, points)
    assert body.get("hide_map") == ((kind == "hidden_map") if viewer == "owner" else None)


def _expected_times(world: World, viewer: str, kind: str, zone: bool, base: Baseline) -> list[int]:
    if viewer == "owner" or not zone or kind == "hidden_map":
        return base.times
    return [t for t, p in zip(base.times, base.latlng, strict=True) if not in_zone(p, world.zones)]


def _streams_latlng(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    body = user.get(f"/api/v3/activities/{base.activity_id}/streams", params={"keys": "latlng,time"}).json()
    latlng = [(p[0], p[1]) for p in body.get("latlng", {"data": []})["data"]]
    check_positions(world, viewer, kind, zone, latlng)
    assert body["time"]["data"] == _expected_times(world, viewer, kind, zone, base)
    assert {s["original_size"] for s in body.values()} == {len(body["time"]["data"])}


def _streams_no_latlng(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    # Without latlng asked for, the hidden samples still leave every stream (time would place them otherwise)
    body = user.get(f"/api/v3/activities/{base.activity_id}/streams", params={"keys": "time,distance"}).json()
    assert set(body) == {"time", "distance"}
    assert body["time"]["data"] == _expected_times(world, viewer, kind, zone, base)
    assert len(body["distance"]["data"]) == len(body["time"]["data"])


def _geojson(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    body = user.get(f"/api/v3/activities/{base.activity_id}/geojson").json()
    assert body["type"] == "FeatureCollection"
    points: list[LatLng] = []
    for feature in body["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"] if geometry["type"] == "LineString" else [geometry["coordinates"]]
        points += [(c[1], c[0]) for c in coordinates]
    check_positions(world, viewer, kind, zone, points)


TRKPT = re.compile(r'<trkpt lat="([-0-9.]+)" lon="([-0-9.]+)"')


def _gpx(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    response = user.get(f"/api/v3/activities/{base.activity_id}/export_gpx")
    assert response.headers["Content-Type"].startswith("application/gpx+xml")
    points = [(float(lat), float(lon)) for lat, lon in TRKPT.findall(response.text)]
    check_positions(world, viewer, kind, zone, points)


def _original(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    response = user.get(f"/api/v3/activities/{base.activity_id}/export_original", allow_redirects=False)
    assert requests.get(response.headers["Location"], timeout=30).content == FILES[kind].read_bytes()


def _laps(world: World, user: AppUser, viewer: str, kind: str, zone: bool, base: Baseline) -> None:
    laps = user.get(f"/api/v3/activities/{base.activity_id}/laps").json()
    assert len(laps) == base.laps  # laps carry indexes and times, no position
    for lap in laps:
        strava_model.Lap.model_validate(lap)


def _request(route: str, user: AppUser, base: Baseline) -> requests.Response:
    path = f"/api/v3/activities/{base.activity_id}"
    return {
        "activity": lambda: user.get(path),
        "streams_latlng": lambda: user.get(f"{path}/streams", params={"keys": "latlng,time"}),
        "streams_no_latlng": lambda: user.get(f"{path}/streams", params={"keys": "time,distance"}),
        "geojson": lambda: user.get(f"{path}/geojson"),
        "gpx": lambda: user.get(f"{path}/export_gpx"),
        "original": lambda: user.get(f"{path}/export_original", allow_redirects=False),
        "laps": lambda: user.get(f"{path}/laps"),
    }[route]()


CHECKS: dict[str, Callable[[World, AppUser, str, str, bool, Baseline], None]] = {
    "activity": _activity,
    "streams_latlng": _streams_latlng,
    "streams_no_latlng": _streams_no_latlng,
    "geojson": _geojson,
    "gpx": _gpx,
    "original": _original,
    "laps": _laps,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("route", ROUTES)
def test_matrix(world: World, zone_on: bool, route: str, viewer: str, kind: str) -> None:
    # Given the owner's activity of this kind, and their zones on or off
    user, base = world.users[viewer], world.activities[kind]
    # When this viewer asks this route
    response = _request(route, user, base)
    # Then the status is exactly the expected one
    status = expected_status(route, viewer, kind)
    if status >= 400:
        assert_fault(response, status)
        return
    assert response.status_code == status, response.text
    # And what comes back shows others nothing of the zone (and the owner everything)
    CHECKS[route](world, user, viewer, kind, zone_on, base)


def test_matrix_athlete_activities_of_the_owner(world: World, zone_on: bool) -> None:
    # Given the owner's four activities, zones on or off
    # When the owner lists their activities
    response = world.users["owner"].get("/api/v3/athlete/activities", params={"per_page": 10})
    assert response.status_code == 200, response.text
    listed = {a["id"]: a for a in response.json()}
    # Then all four are there with their whole map (the start area included) and hide_map shown
    for kind, base in world.activities.items():
        summary = listed[base.activity_id]
        strava_model.SummaryActivity.model_validate(summary)
        points = decode_polyline(summary["map"]["summary_polyline"]) + [tuple(summary["start_latlng"])]
        assert in_the_zone(world, points), kind  # type: ignore[arg-type]
        assert summary["hide_map"] is (kind == "hidden_map")


def _feed(user: AppUser) -> list[dict[str, Any]]:
    response = user.get("/api/v3/feed", params={"per_page": 50})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


def _owned_entries(world: World, user: AppUser, expected: set[int]) -> dict[int, dict[str, Any]]:
    """The owner's entries in ``user``'s feed, once the fan-out delivered ``expected`` (polled, bounded)."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        entries = {e["id"]: e for e in _feed(user) if e["athlete"]["id"] == world.owner_id}
        if expected <= set(entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.25)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_matrix_feed(world: World, zone_on: bool, viewer: str) -> None:
    # Given the owner's activities fanned out to the owner and the one follower left after the block
    in_feed = {"everyone", "followers_only", "hidden_map"} if viewer in ("owner", "follower") else set()
    expected = {world.activities[kind].activity_id for kind in in_feed}
    # The others' feeds are read once the follower's has everything, so a late fan-out cannot pass for none
    fanned_out = {world.activities[k].activity_id for k in ("everyone", "followers_only", "hidden_map")}
    assert fanned_out <= set(_owned_entries(world, world.users["follower"], fanned_out))
    # When the viewer reads the home feed
    entries = _owned_entries(world, world.users[viewer], expected)
    # Then exactly the activities it may show are there, each map cut for others as on the activity page
    assert set(entries) == expected
    for kind in in_feed:
        entry = entries[world.activities[kind].activity_id]
        points = decode_polyline(entry["map"]["summary_polyline"])
        points += [tuple(entry[name]) for name in ("start_latlng", "end_latlng") if entry[name]]  # type: ignore[misc]
        check_positions(world, viewer, kind, zone_on, points)


# ---------------------------------------------------------------- the settings API


def test_privacy_settings_round_trip_and_keep_zone_ids(make_user) -> None:  # noqa: ANN001
    user = make_user()
    # Given an athlete who never set anything
    assert user.get("/api/v3/athlete/privacy").json() == {"zones": [], "hide_start_end": 0.0}
    # When two zones are set without ids
    first = user.put(
        "/api/v3/athlete/privacy",
        json={"zones": [{"lat": 46.05, "lng": 14.5, "radius": 200}, {"lat": -33.9, "lng": 151.2, "radius": 1600}],
              "hide_start_end": 500},
    )  # fmt: skip
    # Then the server names them, and they read back
    assert first.status_code == 200, first.text
    zones = first.json()["zones"]
    assert all(isinstance(z["id"], int) and z["id"] > 0 for z in zones) and zones[0]["id"] != zones[1]["id"]
    assert user.get("/api/v3/athlete/privacy").json() == first.json()
    # When the first is sent back with its id and the second left out
    kept = user.put("/api/v3/athlete/privacy", json={"zones": [zones[0]], "hide_start_end": 0}).json()
    # Then the settings are replaced whole, the kept zone keeping its id
    assert kept == {"zones": [zones[0]], "hide_start_end": 0.0}


@pytest.mark.parametrize(
    ("body", "field_name"),
    [
        ({"zones": [{"lat": 91, "lng": 0, "radius": 400}]}, "zones.0.lat"),
        ({"zones": [{"lat": 0, "lng": -180.5, "radius": 400}]}, "zones.0.lng"),
        ({"zones": [{"lat": 0, "lng": 0, "radius": 150}]}, "zones.0.radius"),
        ({"zones": [{"lat": 0, "lng": 0, "radius": 1601}]}, "zones.0.radius"),
        ({"zones": [{"lat": 0, "lng": 0, "radius": 400}] * 11}, "zones"),
        ({"hide_start_end": 1700}, "hide_start_end"),
        ({"zones": [{"lat": 0, "lng": 0, "radius": 400, "id": 5}, {"lat": 1, "lng": 0, "radius": 400, "id": 5}]},
         "zones.1.id"),
        ({"zones": [{"lat": 0, "lng": 0}]}, "zones.0.radius"),
    ],
)  # fmt: skip
def test_privacy_settings_refuse_bad_fields_with_a_422_fault(user: AppUser, body: dict, field_name: str) -> None:
    fault = assert_fault(user.put("/api/v3/athlete/privacy", json=body), 422)
    assert field_name in {e["field"] for e in fault["errors"]}, fault
