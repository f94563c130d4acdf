"""Segments through the local cloud as a client (AP48-AP54): create from an activity stretch and from a polyline,
every validation error, get, explore by bounds with its filters, star and unstar, the starred list, streams."""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any

import pytest
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from stride.privacy.trim import decode_polyline, distance, encode_polyline
from stride.segments import cells
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault, create_manual, stravalib_client
from tests.integration.test_uploads import upload, wait_upload
from tests.segment_ground import (
    GRADE,
    SEGMENT_END,
    SEGMENT_LENGTH,
    SEGMENT_START,
    SPEED,
    ride_once,
    segment_points,
    to_gpx,
)

pytestmark = pytest.mark.integration

LatLng = tuple[float, float]
_K = math.pi / 180.0 * 6_371_008.8  # metres per degree of latitude


def me(user: AppUser) -> int:
    return int(user.get("/api/v3/athlete").json()["id"])


def line(start: LatLng, metres: float, bearing: float = 0.0, step: float = 10.0) -> list[LatLng]:
    """Points every ``step`` metres from ``start`` along a constant bearing (degrees from north)."""
    n = max(1, round(metres / step))
    lat0, lng0 = start
    north, east = math.cos(math.radians(bearing)), math.sin(math.radians(bearing))
    return [
        (lat0 + north * metres * i / n / _K, lng0 + east * metres * i / n / (_K * math.cos(math.radians(lat0))))
        for i in range(n + 1)
    ]


def offset(point: LatLng, north_m: float, east_m: float) -> LatLng:
    return point[0] + north_m / _K, point[1] + east_m / (_K * math.cos(math.radians(point[0])))


def somewhere() -> LatLng:
    """A random place of its own for each test, so segments made by other tests never land in its cells."""
    return random.uniform(-50, 60), random.uniform(-170, 170)  # noqa: S311 (test data, not a secret)


def create(user: AppUser, **body: Any) -> dict[str, Any]:
    response = user.post("/api/v3/segments", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    strava_model.DetailedSegment.model_validate(created)
    return created


def from_points(
    user: AppUser, points: list[LatLng], name: str = "Test segment", kind: str = "Ride", altitude: Any = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "polyline": encode_polyline(points), "activity_type": kind}
    if altitude is not None:
        body["altitude"] = altitude
    return create(user, **body)


def elsewhere() -> float:
    """A random longitude shift: the test ground moved east or west keeps every distance (only longitudes change),
    and keeps these segments off the ground other tests match against."""
    return random.choice((-1, 1)) * random.uniform(20, 60)  # noqa: S311 (test data, not a secret)


def upload_ground_ride(user: AppUser, sport_type: str | None = None) -> tuple[int, Any]:
    """The test ground's ride (8 m/s, one sample a second, 4.9 km), moved elsewhere, uploaded as GPX: its activity
    id and the moved ride. Corpus files are uploaded by other tests too, and the ground itself is where the
    matching and leaderboard tests ride: a segment on either would give their activities efforts they do not
    expect."""
    truth = ride_once()
    shift = elsewhere()
    moved = dataclasses.replace(truth, lng=[lng + shift for lng in truth.lng])
    fields = {"external_id": f"ground-{random.getrandbits(32)}"}  # noqa: S311
    if sport_type:
        fields["sport_type"] = sport_type
    done = wait_upload(user, upload(user, to_gpx(moved), "gpx", "ground.gpx", **fields)["id"])
    assert done["activity_id"], done
    return int(done["activity_id"]), moved


@pytest.fixture(scope="module")
def ridden(make_user) -> dict[str, Any]:  # noqa: ANN001
    """An owner with one uploaded run and its latlng, altitude and distance streams."""
    owner = make_user()
    activity_id, _ = upload_ground_ride(owner, sport_type="Run")
    streams = owner.get(f"/api/v3/activities/{activity_id}/streams", params={"keys": "latlng,altitude,distance"}).json()
    return {
        "owner": owner,
        "activity_id": activity_id,
        "latlng": [tuple(p) for p in streams["latlng"]["data"]],
        "distance": streams["distance"]["data"],
        "altitude": streams["altitude"]["data"],
    }


# ---------------------------------------------------------------- create from an activity


def test_segment_from_an_activity_stretch_is_stored_indexed_and_public(
    cloud: LocalCloud, ridden: dict[str, Any], make_user
) -> None:  # noqa: ANN001
    owner: AppUser = ridden["owner"]
    start, end = 20, 120
    # When the owner makes a segment of samples 20..120 of the run
    created = create(owner, name="  Hill run  ", activity_id=ridden["activity_id"], start_index=start, end_index=end)
    # Then it is a DetailedSegment through those samples: trimmed name, Run, its ends, its length
    assert created["name"] == "Hill run" and created["activity_type"] == "Run"
    assert created["resource_state"] == 3 and created["private"] is False and created["hazardous"] is False
    assert created["start_latlng"] == pytest.approx(list(ridden["latlng"][start]), abs=1e-6)
    assert created["end_latlng"] == pytest.approx(list(ridden["latlng"][end]), abs=1e-6)
    along = ridden["distance"][end] - ridden["distance"][start]
    assert created["distance"] == pytest.approx(along, rel=0.02)
    alts = ridden["altitude"][start : end + 1]
    assert created["elevation_high"] == pytest.approx(max(alts), abs=0.1)
    assert created["elevation_low"] == pytest.approx(min(alts), abs=0.1)
    assert created["effort_count"] == 0 and created["athlete_count"] == 0 and created["star_count"] == 0
    assert created["starred"] is False and created["athlete_segment_stats"] is None
    assert created["city"] is None and created["map"]["id"] == f"s{created['id']}"
    drawn = decode_polyline(created["map"]["polyline"])
    assert distance(drawn[0], ridden["latlng"][start]) < 2 and distance(drawn[-1], ridden["latlng"][end]) < 2
    # And it is one segment item plus one item in each index, under the cells of its start
    assert cloud.info is not None
    dynamo = cloud.client("dynamodb")
    padded = f"SEG#{created['id']:019d}"
    lat, lng = created["start_latlng"]
    for pk, sk, kind in (
        (f"SEG#{created['id']}", "META", "segment"),
        (f"SEGCELL#{cells.match_cell(lat, lng)}", padded, "segment_cell"),
        (f"SEGAREA#{cells.explore_cell(lat, lng)}", padded, "segment_area"),
    ):
        item = dynamo.get_item(TableName=cloud.info.table_name, Key={"PK": {"S": pk}, "SK": {"S": sk}}).get("Item")
        assert item is not None and item["kind"]["S"] == kind, (pk, sk)
    # And anyone reads it (segments are public), as created (the counters aside: the matcher may still be working
    # on the run's activity.created, and the segment is a stretch of that very run)
    stranger = make_user()
    read = stranger.get(f"/api/v3/segments/{created['id']}")
    assert read.status_code == 200, read.text
    strava_model.DetailedSegment.model_validate(read.json())
    counters = {"effort_count", "athlete_count"}
    assert {k: v for k, v in read.json().items() if k not in counters} == {
        k: v for k, v in created.items() if k not in counters
    }


def test_a_stranger_may_not_make_a_segment_of_someone_elses_activity(ridden: dict[str, Any], make_user) -> None:  # noqa: ANN001
    stranger = make_user()
    body = {"name": "mine now", "activity_id": ridden["activity_id"], "start_index": 0, "end_index": 100}
    # The run is public: the stranger sees it, but it is not theirs (403)
    fault = assert_fault(stranger.post("/api/v3/segments", json=body), 403)
    assert fault["errors"] == [{"resource": "Segment", "field": "activity_id", "code": "forbidden"}]
    # An activity the stranger cannot see, or one that does not exist, is 404 as GET /activities/{id} answers
    assert_fault(stranger.post("/api/v3/segments", json={**body, "activity_id": 123456789}), 404)


def test_an_activity_without_a_track_or_of_another_sport_makes_no_segment(user: AppUser) -> None:
    manual = create_manual(user)
    body = {"name": "no gps", "activity_id": manual["id"], "start_index": 0, "end_index": 10}
    fault = assert_fault(user.post("/api/v3/segments", json=body), 422)
    assert fault["errors"] == [{"resource": "Segment", "field": "activity_id", "code": "no track"}]
    swim = create_manual(user, sport_type="Swim")
    fault = assert_fault(user.post("/api/v3/segments", json={**body, "activity_id": swim["id"]}), 422)
    assert fault["errors"] == [{"resource": "Segment", "field": "activity_id", "code": "sport type"}]


def test_an_only_me_activity_is_not_found_for_others_but_usable_by_its_owner(make_user) -> None:  # noqa: ANN001
    owner, other = make_user(), make_user()
    activity_id, _ = upload_ground_ride(owner)
    assert owner.put(f"/api/v3/activities/{activity_id}", json={"visibility": "only_me"}).status_code == 200
    body = {"name": "hidden", "activity_id": activity_id, "start_index": 0, "end_index": 60}
    assert_fault(other.post("/api/v3/segments", json=body), 404)
    made = create(owner, **body)
    assert made["activity_type"] == "Ride"


@pytest.mark.parametrize(
    ("change", "status", "field", "code"),
    [
        ({"end_index": None}, 422, "end_index", "missing"),
        ({"start_index": None}, 422, "start_index", "missing"),
        ({"start_index": 50, "end_index": 50}, 422, "end_index", "invalid"),
        ({"start_index": 60, "end_index": 40}, 422, "end_index", "invalid"),
        ({"end_index": 100_000}, 422, "end_index", "out of range"),
        ({"start_index": 100_000, "end_index": 100_001}, 422, "start_index", "out of range"),
        ({"start_index": -1}, 422, "start_index", "greater_than_equal"),
        ({"end_index": 3}, 422, "end_index", "too short"),
        ({"polyline": "_p~iF~ps|U_ulLnnqC"}, 422, "polyline", "invalid"),
        ({"activity_type": "Swim"}, 422, "activity_type", "invalid"),
        ({"activity_id": 0}, 422, "activity_id", "greater_than"),
    ],
)
def test_bad_activity_stretches_get_a_422_naming_the_field(
    ridden: dict[str, Any], change: dict[str, Any], status: int, field: str, code: str
) -> None:
    body = {"name": "bad", "activity_id": ridden["activity_id"], "start_index": 0, "end_index": 100, **change}
    fault = assert_fault(ridden["owner"].post("/api/v3/segments", json=body), status)
    assert any(e["field"] == field and e["code"] == code for e in fault["errors"]), fault


def test_a_stretch_through_a_privacy_zone_or_hidden_start_is_refused(make_user) -> None:  # noqa: ANN001
    owner = make_user()
    activity_id, _ = upload_ground_ride(owner, sport_type="Run")
    latlng = owner.get(f"/api/v3/activities/{activity_id}/streams", params={"keys": "latlng"}).json()["latlng"]["data"]
    # Given a 200 m privacy zone around sample 100
    zone = {"lat": latlng[100][0], "lng": latlng[100][1], "radius": 200}
    assert owner.put("/api/v3/athlete/privacy", json={"zones": [zone], "hide_start_end": 0}).status_code == 200
    through = {"name": "home run", "activity_id": activity_id, "start_index": 80, "end_index": 120}
    # Then a stretch through it is refused with a message that says why
    fault = assert_fault(owner.post("/api/v3/segments", json=through), 422)
    assert "privacy zone" in fault["message"]
    assert fault["errors"] == [{"resource": "Segment", "field": "start_index", "code": "privacy zone"}]
    # And so is a polyline through it
    polyline = {"name": "drawn", "polyline": encode_polyline(line(tuple(latlng[100]), 500)), "activity_type": "Run"}
    assert assert_fault(owner.post("/api/v3/segments", json=polyline), 422)["errors"][0]["code"] == "privacy zone"
    # And a stretch far from it is fine, as long as it is not in the hidden start of the activity
    far = [i for i, p in enumerate(latlng) if distance(tuple(p), (zone["lat"], zone["lng"])) > 300]
    start = far[0]
    end = next(i for i in far if i > start + 40 and all(j in far for j in range(start, i + 1)))
    create(owner, name="outside", activity_id=activity_id, start_index=start, end_index=end)
    assert owner.put("/api/v3/athlete/privacy", json={"zones": [], "hide_start_end": 1600}).status_code == 200
    fault = assert_fault(owner.post("/api/v3/segments", json={**through, "start_index": 0, "end_index": 30}), 422)
    assert fault["errors"][0]["code"] == "privacy zone"


def test_a_stretch_of_a_ground_ride_is_the_ground_segment(user: AppUser) -> None:
    # Given the test ground's ride (8 m/s, one sample a second), moved elsewhere, uploaded as GPX
    activity_id, moved = upload_ground_ride(user)
    # When the rider makes a segment of the samples at road distances 1,000 m and 4,376 m (index = distance / 8)
    start, end = round(SEGMENT_START / SPEED), math.floor(SEGMENT_END / SPEED)
    made = create(user, name="Ground climb", activity_id=activity_id, start_index=start, end_index=end)
    # Then it is that stretch of road: its length, 5 % climb, Strava's category 3 (16,000 <= 3,376 m x 5 % < 32,000)
    along = SPEED * (end - start)
    assert made["activity_type"] == "Ride"
    assert made["distance"] == pytest.approx(along, abs=2)
    assert made["average_grade"] == pytest.approx(GRADE * 100, abs=0.05)
    assert made["elevation_high"] - made["elevation_low"] == pytest.approx(GRADE * along, abs=0.2)
    assert made["climb_category"] == 2
    assert made["start_latlng"] == pytest.approx([moved.lat[start], moved.lng[start]], abs=1e-6)
    assert made["end_latlng"] == pytest.approx([moved.lat[end], moved.lng[end]], abs=1e-6)


def test_the_ground_segment_drawn_as_a_polyline(user: AppUser) -> None:
    shift = elsewhere()
    lat, lng, altitude = segment_points()
    made = from_points(user, list(zip(lat, [x + shift for x in lng], strict=True)), altitude=altitude)
    # polyline rounding (1e-5 degrees) moves each point by a metre at most
    assert made["distance"] == pytest.approx(SEGMENT_LENGTH, abs=3)
    assert made["average_grade"] == pytest.approx(GRADE * 100, abs=0.05)
    assert made["maximum_grade"] == pytest.approx(GRADE * 100, abs=0.2)
    assert made["elevation_low"] == pytest.approx(altitude[0], abs=0.05)
    assert made["elevation_high"] == pytest.approx(altitude[-1], abs=0.05)
    assert made["total_elevation_gain"] == pytest.approx(GRADE * SEGMENT_LENGTH, abs=1)
    assert made["climb_category"] == 2


# ---------------------------------------------------------------- create from a polyline


def test_segment_from_a_polyline_has_strava_numbers(user: AppUser) -> None:
    # Given a 2 km straight climb at 5 % (100 m up), one altitude per point
    points = line(somewhere(), 2000)
    altitude = [100 + 100 * i / (len(points) - 1) for i in range(len(points))]
    # When it is made a segment
    made = from_points(user, points, name="The climb", altitude=altitude)
    # Then distance, grades, elevation and Strava's climb category follow: 2,000 m x 5 % = 10,000 -> category 4 (1)
    assert made["distance"] == pytest.approx(2000, abs=5)
    assert made["average_grade"] == pytest.approx(5.0, abs=0.1)
    assert made["maximum_grade"] == pytest.approx(5.0, abs=0.3)
    assert made["elevation_low"] == pytest.approx(100) and made["elevation_high"] == pytest.approx(200)
    assert made["total_elevation_gain"] == pytest.approx(100, abs=2)
    assert made["climb_category"] == 1 and made["activity_type"] == "Ride"
    # And the stored polyline is the line, simplified (a straight line needs its two ends)
    drawn = decode_polyline(made["map"]["polyline"])
    assert len(drawn) == 2 and distance(drawn[0], points[0]) < 2 and distance(drawn[-1], points[-1]) < 2


def test_a_polyline_without_altitude_is_flat_and_uncategorised(user: AppUser) -> None:
    made = from_points(user, line(somewhere(), 500, bearing=90), kind="Run")
    assert made["activity_type"] == "Run" and made["distance"] == pytest.approx(500, abs=3)
    assert made["average_grade"] == 0 and made["climb_category"] == 0
    assert made["elevation_high"] is None and made["elevation_low"] is None


_PLACE = (45.0, 7.0)
_LINE = encode_polyline(line(_PLACE, 500))
_RIDE = {"name": "n", "polyline": _LINE, "activity_type": "Ride"}


@pytest.mark.parametrize(
    ("body", "status", "field", "code"),
    [
        ({**_RIDE, "name": ""}, 422, "name", None),
        ({**_RIDE, "name": "   "}, 422, "name", "blank"),
        ({**_RIDE, "name": "x" * 256}, 422, "name", None),
        ({"polyline": _LINE, "activity_type": "Ride"}, 422, "name", None),
        ({"name": "n"}, 422, "activity_id", "missing"),
        ({"name": "n", "polyline": _LINE}, 422, "activity_type", "missing"),
        ({**_RIDE, "activity_type": "Swim"}, 422, "activity_type", "invalid"),
        ({**_RIDE, "polyline": "é!"}, 422, "polyline", "invalid"),
        ({**_RIDE, "polyline": "??"}, 422, "polyline", "invalid"),
        ({**_RIDE, "polyline": encode_polyline(line(_PLACE, 90))}, 422, "polyline", "too short"),
        ({**_RIDE, "polyline": encode_polyline(line(_PLACE, 101_000, step=500))}, 422, "polyline", "too long"),
        ({**_RIDE, "polyline": encode_polyline([_PLACE, _PLACE])}, 422, "polyline", "invalid"),
        ({**_RIDE, "altitude": [1, 2]}, 422, "altitude", "invalid"),
        ({**_RIDE, "altitude": [1e6] * len(decode_polyline(_LINE))}, 422, "altitude.0", "less_than_equal"),
        (
            {**_RIDE, "polyline": encode_polyline(line(_PLACE, 50_001 * 1.11, step=1.11))},
            422,
            "polyline",
            "too many points",
        ),
        ({**_RIDE, "colour": "red"}, 422, "colour", None),
        ({**_RIDE, "polyline": 42}, 422, "polyline", None),
    ],
)
def test_bad_polyline_segments_get_a_422_naming_the_field(
    user: AppUser, body: dict[str, Any], status: int, field: str, code: str | None
) -> None:
    fault = assert_fault(user.post("/api/v3/segments", json=body), status)
    assert any(e["field"] == field and (code is None or e["code"] == code) for e in fault["errors"]), fault


def test_a_body_that_is_not_json_is_a_400(user: AppUser) -> None:
    response = user.post("/api/v3/segments", data="{not json", headers={"Content-Type": "application/json"})
    assert_fault(response, 400)


def test_an_unknown_segment_is_404(user: AppUser) -> None:
    for path in ("/api/v3/segments/123456789", "/api/v3/segments/123456789/streams"):
        fault = assert_fault(user.get(path), 404)
        assert fault["errors"] == [{"resource": "Segment", "field": "id", "code": "invalid"}]
    assert_fault(user.put("/api/v3/segments/123456789/starred", data={"starred": "true"}), 404)


# ---------------------------------------------------------------- explore


def explore(user: AppUser, **params: Any) -> list[dict[str, Any]]:
    response = user.get("/api/v3/segments/explore", params=params)
    assert response.status_code == 200, response.text
    strava_model.ExplorerResponse.model_validate(response.json())
    return response.json()["segments"]


def bounds(south_west: LatLng, north_east: LatLng) -> str:
    return f"{south_west[0]},{south_west[1]},{north_east[0]},{north_east[1]}"


def test_explore_finds_segments_in_bounds_filtered_by_type_and_category(make_user) -> None:  # noqa: ANN001
    creator, viewer = make_user(), make_user()
    home = somewhere()
    # Given in a 3 km square (made in the reverse of the answer's order): a run, a flat ride, a categorised climb
    # (ride); and a ride that starts 2 km outside
    run = from_points(creator, line(offset(home, 1500, 2500), 800, bearing=180), name="Run", kind="Run")
    flat = from_points(creator, line(offset(home, 2500, 300), 1500, bearing=90), name="Flat")
    climb_points = line(offset(home, 500, 500), 2000, bearing=45)
    climb = from_points(
        creator,
        climb_points,
        name="Climb",
        altitude=[10 + 100 * i / (len(climb_points) - 1) for i in range(len(climb_points))],
    )
    outside = from_points(creator, line(offset(home, -2000, 1000), 3000), name="Outside")
    box = bounds(home, offset(home, 3000, 3000))
    # When the viewer explores the square
    everything = explore(viewer, bounds=box)
    # Then the three inside come back, the hardest climb first, then the longest; never the one outside
    assert [s["id"] for s in everything] == [climb["id"], flat["id"], run["id"]]
    first = everything[0]
    assert first["climb_category"] == 1 and first["climb_category_desc"] == "4"
    assert first["avg_grade"] == pytest.approx(5.0, abs=0.1) and first["elev_difference"] == pytest.approx(100)
    assert first["start_latlng"] == climb["start_latlng"] and first["starred"] is False
    assert distance(decode_polyline(first["points"])[-1], tuple(climb["end_latlng"])) < 2
    assert everything[1]["climb_category_desc"] == "NC"
    # And the filters keep what they name
    assert [s["id"] for s in explore(viewer, bounds=box, activity_type="riding")] == [climb["id"], flat["id"]]
    assert [s["id"] for s in explore(viewer, bounds=box, activity_type="running")] == [run["id"]]
    assert [s["id"] for s in explore(viewer, bounds=box, min_cat=1)] == [climb["id"]]
    assert [s["id"] for s in explore(viewer, bounds=box, max_cat=0)] == [flat["id"], run["id"]]
    # And a map of about 30 km (some 30 cells, read in parallel) finds all four, the outside one second (longest)
    wide = bounds((home[0] - 0.1, home[1] - 0.15), (home[0] + 0.15, home[1] + 0.2))
    assert [s["id"] for s in explore(viewer, bounds=wide)] == [climb["id"], outside["id"], flat["id"], run["id"]]
    # And a map around the outside one finds it alone
    around = bounds(offset(home, -2100, 900), offset(home, -1900, 1100))
    assert [s["id"] for s in explore(viewer, bounds=around)] == [outside["id"]]


def test_explore_answers_at_most_ten(user: AppUser) -> None:
    home = somewhere()
    made = [from_points(user, line(offset(home, 100 * i, 0), 200 + 10 * i, bearing=90))["id"] for i in range(12)]
    found = explore(user, bounds=bounds(offset(home, -50, -50), offset(home, 1300, 500)))
    # the ten longest, longest first
    assert [s["id"] for s in found] == made[::-1][:10]


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"bounds": "1,2,3"}, 400, "four numbers"),
        ({"bounds": "a,b,c,d"}, 400, "four numbers"),
        ({"bounds": "10,10,9,11"}, 400, "south-west"),
        ({"bounds": "10,10,11,10"}, 400, "south-west"),
        ({"bounds": "95,10,96,11"}, 400, "within"),
        ({"bounds": "nan,10,11,11"}, 400, "finite"),
        ({"bounds": "40,0,41,1"}, 400, "zoom in"),
        ({}, 422, "bounds"),
        ({"bounds": "40,0,40.1,0.1", "activity_type": "swimming"}, 422, "activity_type"),
        ({"bounds": "40,0,40.1,0.1", "min_cat": 6}, 422, "min_cat"),
        ({"bounds": "40,0,40.1,0.1", "min_cat": 3, "max_cat": 2}, 422, "min_cat"),
    ],
)
def test_bad_explore_requests_are_refused_clearly(
    user: AppUser, params: dict[str, Any], status: int, words: str
) -> None:
    fault = assert_fault(user.get("/api/v3/segments/explore", params=params), status)
    assert words in fault["message"], fault


# ---------------------------------------------------------------- stars


def star(user: AppUser, segment_id: int, value: str, as_json: bool = False) -> dict[str, Any]:
    path = f"/api/v3/segments/{segment_id}/starred"
    response = user.put(path, json={"starred": value == "true"}) if as_json else user.put(path, data={"starred": value})
    assert response.status_code == 200, response.text
    strava_model.DetailedSegment.model_validate(response.json())
    return response.json()


def starred_ids(user: AppUser, **params: Any) -> list[int]:
    response = user.get("/api/v3/segments/starred", params=params)
    assert response.status_code == 200, response.text
    for listed in response.json():
        strava_model.SummarySegment.model_validate(listed)
        assert listed["starred"] is True and listed["resource_state"] == 2
    return [s["id"] for s in response.json()]


def stored_stars(cloud: LocalCloud, user: AppUser, segment_id: int) -> tuple[list[str], bool]:
    """The sort keys of the athlete's star list and whether the segment's starred-by marker exists, from the table."""
    assert cloud.info is not None
    dynamo, athlete = cloud.client("dynamodb"), me(user)
    listed = dynamo.query(
        TableName=cloud.info.table_name,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ATH#{athlete}#STARS"}},
    )["Items"]
    marker = dynamo.get_item(
        TableName=cloud.info.table_name,
        Key={"PK": {"S": f"SEG#{segment_id}"}, "SK": {"S": f"STARBY#{athlete:019d}"}},
    ).get("Item")
    return [item["SK"]["S"] for item in listed], marker is not None


def test_star_unstar_and_the_starred_list(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    creator, fan, other = make_user(), make_user(), make_user()
    first = from_points(creator, line(somewhere(), 300))
    second = from_points(creator, line(somewhere(), 400))
    # When the fan stars the first (a form field, as Strava takes it), twice
    assert star(fan, first["id"], "true")["starred"] is True
    again = star(fan, first["id"], "true")
    # Then it is starred once: one list item, one marker, star_count 1
    assert again["starred"] is True and again["star_count"] == 1
    sort_keys, marked = stored_stars(cloud, fan, first["id"])
    assert marked and len(sort_keys) == 1 and sort_keys[0].endswith(f"#SEG#{first['id']:019d}")
    assert fan.get(f"/api/v3/segments/{first['id']}").json()["starred"] is True
    assert other.get(f"/api/v3/segments/{first['id']}").json()["starred"] is False
    # When the other athlete stars it too (JSON body) and the fan stars the second (query parameter)
    assert star(other, first["id"], "true", as_json=True)["star_count"] == 2
    response = fan.put(f"/api/v3/segments/{second['id']}/starred", params={"starred": "true"})
    assert response.status_code == 200 and response.json()["star_count"] == 1
    # Then the fan's list has both, the latest star first, and pages
    assert starred_ids(fan) == [second["id"], first["id"]]
    assert starred_ids(fan, page=2, per_page=1) == [first["id"]]
    assert starred_ids(creator) == []
    # And explore says which are starred
    found = explore(
        fan,
        bounds=bounds(offset(tuple(first["start_latlng"]), -100, -100), offset(tuple(first["start_latlng"]), 400, 100)),
    )
    assert [(s["id"], s["starred"]) for s in found] == [(first["id"], True)]
    # When the fan unstars the first, twice
    assert star(fan, first["id"], "false")["starred"] is False
    undone = star(fan, first["id"], "false")
    assert undone["starred"] is False and undone["star_count"] == 1
    assert starred_ids(fan) == [second["id"]]
    assert starred_ids(other) == [first["id"]]
    sort_keys, marked = stored_stars(cloud, fan, first["id"])
    assert not marked and [k.endswith(f"#SEG#{second['id']:019d}") for k in sort_keys] == [True]


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": {"starred": "maybe"}}, 422, "invalid"),
        ({}, 422, "missing"),
        ({"data": "[1]", "headers": {"Content-Type": "application/json"}}, 400, "invalid"),
        ({"data": "{no", "headers": {"Content-Type": "application/json"}}, 400, "invalid json"),
    ],
)
def test_bad_star_requests(user: AppUser, kwargs: dict[str, Any], status: int, code: str) -> None:
    segment = from_points(user, line(somewhere(), 200))
    fault = assert_fault(user.put(f"/api/v3/segments/{segment['id']}/starred", **kwargs), status)
    assert fault["errors"][0]["code"] == code


def test_starred_list_depth_and_per_page_are_bounded(user: AppUser) -> None:
    assert_fault(user.get("/api/v3/segments/starred", params={"per_page": 201}), 422)
    assert_fault(user.get("/api/v3/segments/starred", params={"page": 11, "per_page": 200}), 422)


# ---------------------------------------------------------------- streams


def test_segment_streams_are_strava_streamsets_of_the_path(user: AppUser) -> None:
    points = line(somewhere(), 1000, bearing=30)
    altitude = [50 + 0.03 * 10 * i for i in range(len(points))]
    made = from_points(user, points, altitude=altitude)
    path = f"/api/v3/segments/{made['id']}/streams"
    # When all streams are asked for, keyed by type
    response = user.get(path, params={"keys": "latlng,distance,altitude", "key_by_type": "true"})
    assert response.status_code == 200, response.text
    streams = response.json()
    strava_model.StreamSet.model_validate(streams)
    # Then they are the path, a point about every 10 m, from the start to the end
    latlng, dist, alt = streams["latlng"]["data"], streams["distance"]["data"], streams["altitude"]["data"]
    assert len(latlng) == len(dist) == len(alt) == streams["latlng"]["original_size"]
    assert 90 <= len(latlng) <= 110
    assert latlng[0] == pytest.approx(made["start_latlng"], abs=1e-5)
    assert latlng[-1] == pytest.approx(made["end_latlng"], abs=1e-5)
    assert dist[0] == 0 and dist[-1] == pytest.approx(made["distance"], abs=1)
    assert alt[0] == pytest.approx(50, abs=0.1) and alt[-1] == pytest.approx(80, abs=0.2)
    # And as a list, with types, when not keyed by type; unknown types are 422
    listed = user.get(path, params={"keys": "distance", "key_by_type": "false"}).json()
    assert [s["type"] for s in listed] == ["distance"]
    strava_model.DistanceStream.model_validate(listed[0])
    # Strava's other stream types are left out (a segment has none of them); a name that is no stream type is 422
    assert set(user.get(path, params={"keys": "latlng,heartrate,time"}).json()) == {"latlng"}
    assert_fault(user.get(path, params={"keys": "latlng,colour"}), 422)


def test_a_segment_without_altitude_has_no_altitude_stream(user: AppUser) -> None:
    made = from_points(user, line(somewhere(), 300), kind="Run")
    streams = user.get(f"/api/v3/segments/{made['id']}/streams").json()
    assert set(streams) == {"latlng", "distance"}


def test_a_retried_create_with_an_idempotency_key_makes_one_segment(user: AppUser) -> None:
    # Given a phone that sends the same creation twice with one Idempotency-Key
    body = {"name": "retried", "polyline": encode_polyline(line(somewhere(), 300)), "activity_type": "Run"}
    headers = {"Idempotency-Key": f"create-{random.getrandbits(32)}"}  # noqa: S311
    first = user.post("/api/v3/segments", json=body, headers=headers)
    second = user.post("/api/v3/segments", json=body, headers=headers)
    # Then both answers are the one segment
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["id"] == second.json()["id"]
    # And without the key, the same body makes another
    assert create(user, **body)["id"] != first.json()["id"]


def test_stravalib_reads_segments_explores_and_lists_stars(make_user) -> None:  # noqa: ANN001
    # Given a segment with altitude, starred by a reader who uses stravalib, Strava's reference client
    creator, reader = make_user(), make_user()
    points = line(somewhere(), 1200, bearing=60)
    made = from_points(creator, points, name="Via stravalib", altitude=[20 + i * 0.5 for i in range(len(points))])
    star(reader, made["id"], "true")
    client = stravalib_client(reader)
    # Then stravalib reads it, finds it by bounds, lists it as starred and reads its streams unchanged
    segment = client.get_segment(made["id"])
    assert segment.id == made["id"] and segment.name == "Via stravalib" and segment.star_count == 1
    assert float(segment.distance) == pytest.approx(made["distance"])
    start = tuple(made["start_latlng"])
    found = client.explore_segments((offset(start, -200, -200), offset(start, 200, 200)), activity_type="riding")
    assert [s.id for s in found] == [made["id"]] and found[0].climb_category == made["climb_category"]
    assert [s.id for s in client.get_starred_segments()] == [made["id"]]
    streams = client.get_segment_streams(made["id"])
    assert set(streams) == {"latlng", "distance", "altitude"}
    assert streams["distance"].data[-1] == pytest.approx(made["distance"], abs=1)
