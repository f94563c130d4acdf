"""Map privacy: zone boundaries, hidden start/end, polylines, hidden maps, settings validation, and the
trimmed streams and views others get of an activity."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest

from stride.activities import reads, service, streams_codec
from stride.activities.models import Activity, ActivityDetail, ActivitySummary
from stride.activities.views import DetailedActivityView, SummaryActivityView, UpdatableActivityRequest
from stride.errors import ForbiddenError, InvalidInputError
from stride.policy import STRANGER, ActivityAccess, Caller
from stride.privacy import settings
from stride.privacy.maps import shared_map
from stride.privacy.trim import (
    EARTH_RADIUS,
    NOTHING_HIDDEN,
    MapPrivacy,
    PrivacyZone,
    decode_polyline,
    distance,
    encode_polyline,
    hidden_mask,
    in_zone,
    trim_polyline,
)

CENTRE = (46.05, 14.50)
OWNER, OTHER = 1001, 2002


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point ``metres`` due north (a meridian arc: the haversine distance is exactly that)."""
    return point[0] + math.degrees(metres / EARTH_RADIUS), point[1]


def east_track(start: tuple[float, float], step: float, count: int) -> list[tuple[float, float]]:
    """``count`` points ``step`` metres apart, heading east."""
    per_metre = math.degrees(1 / (EARTH_RADIUS * math.cos(math.radians(start[0]))))
    return [(start[0], start[1] + i * step * per_metre) for i in range(count)]


def zone(radius: float, centre: tuple[float, float] = CENTRE, zone_id: int = 1) -> MapPrivacy:
    return MapPrivacy(zones=(PrivacyZone(zone_id, centre[0], centre[1], radius),))


# ---------------------------------------------------------------- zones and hidden start/end


@pytest.mark.parametrize("radius", [200.0, 400.0, 1600.0])
def test_a_point_just_inside_a_zone_is_hidden_and_one_just_outside_is_not(radius: float) -> None:
    # Given a zone and points 1 m inside and 5 m outside its radius
    inside, outside = north_of(CENTRE, radius - 1), north_of(CENTRE, radius + 5)
    assert distance(CENTRE, inside) == pytest.approx(radius - 1, abs=0.01)
    # When the mask is computed
    mask = hidden_mask([inside, outside], zone(radius))
    # Then only the inside point is hidden
    assert mask == [True, False]


def test_a_point_outside_the_zone_stays_outside_after_polyline_rounding() -> None:
    # Given a point 5 m outside a zone, rounded as a polyline rounds it (1e-5 degrees)
    outside = north_of(CENTRE, 405)
    rounded = decode_polyline(encode_polyline([outside]))[0]
    # Then it is still visible (the margin covers the rounding)
    assert not in_zone(rounded, zone(400).zones)


def test_hide_start_end_hides_the_first_and_last_metres_along_the_track() -> None:
    # Given a straight 1 km track with a point every 10 m, and 100 m hidden at each end
    track = east_track(CENTRE, 10, 101)
    # When the mask is computed
    mask = hidden_mask(track, MapPrivacy(hide_start_end=100))
    # Then the points within 100 m of either end are hidden, the others not
    assert mask[:10] == [True] * 10 and mask[-10:] == [True] * 10
    assert not any(mask[12:-12])
    assert sum(mask) in range(20, 25)


def test_nothing_hidden_hides_nothing() -> None:
    track = east_track(CENTRE, 10, 50)
    assert not any(hidden_mask(track, NOTHING_HIDDEN))
    assert not NOTHING_HIDDEN.hides_anything


# ---------------------------------------------------------------- polylines and the shared map


def test_polyline_round_trip_at_five_decimals() -> None:
    # Given points with more precision than a polyline carries, on both sides of 0
    points = [(46.051234567, 14.501234567), (-33.8688, 151.2093), (0.0, -0.00001), (89.99999, -179.99999)]
    # When encoded and decoded
    decoded = decode_polyline(encode_polyline(points))
    # Then each comes back rounded to 1e-5 degrees
    assert decoded == [(round(lat, 5), round(lng, 5)) for lat, lng in points]
    assert decode_polyline(None) == [] and decode_polyline("") == []


def test_trim_polyline_cuts_the_zone_and_keeps_the_rest() -> None:
    # Given a 2 km track starting in the middle of a 400 m zone
    track = east_track(CENTRE, 20, 101)
    polyline = encode_polyline(track)
    # When it is trimmed
    trimmed = decode_polyline(trim_polyline(polyline, zone(400)))
    # Then no point lies within the zone, and the points beyond it are all there
    assert trimmed and all(distance(CENTRE, p) > 400 for p in trimmed)
    assert len(trimmed) == sum(1 for p in track if distance(CENTRE, p) > 402)
    assert trim_polyline(polyline, NOTHING_HIDDEN) == polyline and trim_polyline(None, zone(400)) is None


def test_shared_map_moves_start_to_the_first_visible_point() -> None:
    # Given an activity whose start lies in a zone
    track = east_track(CENTRE, 20, 101)
    polyline = encode_polyline(track)
    start, end = list(track[0]), list(track[-1])
    # When another person's map is made
    shared = shared_map(polyline, polyline, start, end, zone(400), hide_map=False)
    # Then the start is the first visible point, outside the zone, and the end (outside) is the last point
    assert shared.start_latlng is not None and distance(CENTRE, tuple(shared.start_latlng)) > 400  # type: ignore[arg-type]
    assert shared.end_latlng == pytest.approx([round(v, 5) for v in end])
    assert all(distance(CENTRE, p) > 400 for p in decode_polyline(shared.polyline))


def test_a_hidden_map_shows_no_position() -> None:
    track = east_track(CENTRE, 20, 10)
    polyline = encode_polyline(track)
    shared = shared_map(polyline, polyline, list(track[0]), list(track[-1]), NOTHING_HIDDEN, hide_map=True)
    assert (shared.summary_polyline, shared.polyline, shared.start_latlng, shared.end_latlng) == ("", None, None, None)


def test_a_track_wholly_inside_a_zone_shows_nothing() -> None:
    track = east_track(CENTRE, 10, 20)
    polyline = encode_polyline(track)
    shared = shared_map(polyline, polyline, list(track[0]), list(track[-1]), zone(1600), hide_map=False)
    assert shared.polyline == "" and shared.start_latlng is None and shared.end_latlng is None


# ---------------------------------------------------------------- settings


def _zones(count: int) -> list[settings.ZoneInput]:
    return [settings.ZoneInput(lat=46.0 + i / 100, lng=14.5, radius=400) for i in range(count)]


def test_settings_give_new_zones_ids_and_keep_given_ones() -> None:
    privacy = settings.validate([*_zones(2), settings.ZoneInput(46.2, 14.5, 200, zone_id=42)], 300)
    ids = [z.zone_id for z in privacy.zones]
    assert ids[2] == 42 and len(set(ids)) == 3 and all(i > 0 for i in ids)
    assert privacy.hide_start_end == 300


@pytest.mark.parametrize(
    ("zones", "hide", "field"),
    [
        (_zones(11), 0, "zones"),
        ([settings.ZoneInput(90.5, 14.5, 400)], 0, "zones.0.lat"),
        ([settings.ZoneInput(-91, 14.5, 400)], 0, "zones.0.lat"),
        ([*_zones(1), settings.ZoneInput(46, 180.01, 400)], 0, "zones.1.lng"),
        ([settings.ZoneInput(46, math.nan, 400)], 0, "zones.0.lng"),
        ([settings.ZoneInput(46, 14.5, 199.9)], 0, "zones.0.radius"),
        ([settings.ZoneInput(46, 14.5, 1600.1)], 0, "zones.0.radius"),
        ([settings.ZoneInput(46, 14.5, 400, 7), settings.ZoneInput(46.1, 14.5, 400, 7)], 0, "zones.1.id"),
        ([settings.ZoneInput(46, 14.5, 400, 0)], 0, "zones.0.id"),
        ([], -1, "hide_start_end"),
        ([], 1600.5, "hide_start_end"),
        ([], math.inf, "hide_start_end"),
    ],
)
def test_settings_refuse_what_is_out_of_range_naming_the_field(
    zones: list[settings.ZoneInput], hide: float, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        settings.validate(zones, hide)
    assert [(d.resource, d.field) for d in refused.value.details] == [("Privacy", field)]


def test_settings_accept_the_boundaries() -> None:
    privacy = settings.validate(
        [*_zones(9), settings.ZoneInput(90, -180, 200), settings.ZoneInput(-90, 180, 1600)][:10], 1600
    )
    assert len(privacy.zones) == 10


class FakePrivacy:
    def __init__(self, stored: dict[int, MapPrivacy] | None = None) -> None:
        self.stored = stored or {}
        self.reads: list[int] = []

    def get(self, athlete_id: int) -> MapPrivacy:
        self.reads.append(athlete_id)
        return self.stored.get(athlete_id, NOTHING_HIDDEN)

    def put(self, athlete_id: int, privacy: MapPrivacy) -> None:
        self.stored[athlete_id] = privacy


def test_settings_are_replaced_whole_and_need_their_scopes() -> None:
    repo = FakePrivacy()
    me = Caller(OWNER, "sub")
    settings.update_privacy(me, _zones(3), 100, repository=repo)  # type: ignore[arg-type]
    settings.update_privacy(me, _zones(1), 0, repository=repo)  # type: ignore[arg-type]
    assert len(settings.get_privacy(me, repository=repo).zones) == 1  # type: ignore[arg-type]
    with pytest.raises(ForbiddenError):
        settings.update_privacy(Caller(OWNER, "sub", scopes=frozenset({"read"})), [], 0, repository=repo)  # type: ignore[arg-type]
    with pytest.raises(ForbiddenError):
        settings.get_privacy(Caller(OWNER, "sub", scopes=frozenset({"activity:read"})), repository=repo)  # type: ignore[arg-type]


# ---------------------------------------------------------------- what others get of an activity


TRACK = east_track(CENTRE, 20, 101)  # 2 km east from the zone's centre


def _activity(hide_map: bool = False) -> Activity:
    polyline = encode_polyline(TRACK)
    now = datetime(2026, 5, 1, 8, tzinfo=UTC)
    summary = ActivitySummary(
        name="Morning Run",
        sport_type="Run",
        type="Run",
        start_date=now,
        start_date_local=now,
        start_latlng=list(TRACK[0]),
        end_latlng=list(TRACK[-1]),
        summary_polyline=polyline,
        hide_map=hide_map,
        has_streams=True,
    )
    return Activity(
        id=77,
        athlete_id=OWNER,
        summary=summary,
        visibility="everyone",
        created_at=now,
        updated_at=now,
        detail=ActivityDetail(polyline=polyline),
        streams_key="streams/77",
    )


class FakeS3:
    def __init__(self) -> None:
        n = len(TRACK)
        latlng = np.array(TRACK, dtype=float)
        latlng[3] = np.nan  # a GPS gap inside the zone: it must go with the zone
        self.blob = streams_codec.encode(
            {"time": np.arange(n, dtype=float), "latlng": latlng, "heartrate": np.full(n, 140.0)}
        )

    def get_object(self, **_: Any) -> dict[str, Any]:
        return {"Body": io.BytesIO(self.blob)}


def _viewer(caller_id: int, repo: FakePrivacy, hide_map: bool = False) -> reads.ViewerMap:
    return reads.viewer_map(Caller(caller_id, "sub"), _activity(hide_map), privacy=repo)  # type: ignore[arg-type]


def test_the_owner_sees_everything_and_their_settings_are_not_read() -> None:
    repo = FakePrivacy({OWNER: zone(400)})
    viewer = _viewer(OWNER, repo)
    assert viewer.full and not viewer.trims and repo.reads == []
    size, streams = reads.read_streams(_activity(), None, FakeS3(), viewer)
    assert size == len(TRACK) and streams["latlng"][0] is not None


@pytest.mark.parametrize("keys", [None, {"time", "latlng"}, {"time", "heartrate"}, {"heartrate"}])
def test_others_lose_hidden_samples_from_every_stream_even_without_latlng(keys: set[str] | None) -> None:
    # Given an owner with a 400 m zone at the start of the track
    viewer = _viewer(OTHER, FakePrivacy({OWNER: zone(400)}))
    visible = [i for i, p in enumerate(TRACK) if distance(CENTRE, p) > 402]
    # When another athlete reads the streams
    size, streams = reads.read_streams(_activity(), keys, FakeS3(), viewer)
    # Then exactly the samples outside the zone remain, in every stream, aligned
    assert size == len(visible) and all(len(data) == size for data in streams.values())
    if "time" in streams:
        assert streams["time"] == visible
    if keys is not None:
        assert set(streams) == keys
    if "latlng" in streams:
        assert all(distance(CENTRE, tuple(p)) > 400 for p in streams["latlng"])


def test_a_hidden_map_removes_the_latlng_stream_only() -> None:
    repo = FakePrivacy({OWNER: zone(400)})
    viewer = _viewer(OTHER, repo, hide_map=True)
    assert viewer.hide_map and repo.reads == []  # no need for the zones: nothing positional is shown
    size, streams = reads.read_streams(_activity(True), None, FakeS3(), viewer)
    assert "latlng" not in streams and size == len(TRACK) == len(streams["time"])
    assert reads.read_streams(_activity(True), {"latlng"}, FakeS3(), viewer) == (0, {})
    with pytest.raises(ForbiddenError):
        reads.require_map(viewer)
    reads.require_map(_viewer(OWNER, repo, hide_map=True))


def test_exports_of_others_hold_no_point_of_the_zone() -> None:
    viewer = _viewer(OTHER, FakePrivacy({OWNER: zone(400)}))
    _size, streams = reads.read_streams(_activity(), {"time", "latlng", "altitude"}, FakeS3(), viewer)
    geo = reads.to_geojson(_activity(), streams)
    line = geo["features"][0]["geometry"]["coordinates"]
    assert line and all(distance(CENTRE, (lat, lng)) > 400 for lng, lat, *_ in line)
    gpx = reads.to_gpx(_activity(), streams)
    assert gpx.count("<trkpt") == len(line)


def test_the_activity_view_of_others_is_trimmed_and_the_owner_sees_hide_map() -> None:
    activity = _activity()
    other = reads.viewer_map(Caller(OTHER, "sub"), activity, privacy=FakePrivacy({OWNER: zone(400)}))  # type: ignore[arg-type]
    view = DetailedActivityView.from_domain_detailed(activity, ActivityAccess.VIEW, reads.shared_of(activity, other))
    assert view.start_latlng is not None and distance(CENTRE, tuple(view.start_latlng)) > 400  # type: ignore[arg-type]
    for polyline in (view.map.polyline, view.map.summary_polyline):
        points = decode_polyline(polyline)
        assert points and all(distance(CENTRE, p) > 400 for p in points)
    assert view.hide_map is None
    mine = DetailedActivityView.from_domain_detailed(
        activity, ActivityAccess.OWNER, reads.shared_of(activity, reads.OWNER_MAP)
    )
    assert mine.map.polyline == activity.detail.polyline and mine.start_latlng == activity.summary.start_latlng
    assert mine.hide_map is False
    assert SummaryActivityView.from_domain(_activity(True), owner=True).hide_map is True
    assert SummaryActivityView.from_domain(_activity(True)).hide_map is None


class FakeActivities:
    def __init__(self, activity: Activity) -> None:
        self.activity = activity
        self.saved: list[Activity] = []

    def get(self, _activity_id: int) -> Activity:
        return self.activity

    def save_changes(self, activity: Activity, expected_revision: int) -> None:
        assert expected_revision == self.activity.revision
        self.saved.append(activity)


def test_hide_map_is_an_update_that_is_detected_and_published(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an owner's activity (the relation lookup is not needed for the owner)
    monkeypatch.setattr("stride.social.relations.relation", lambda *_: STRANGER)
    activity = _activity()
    activity.id = 1 << 30
    repo, published = FakeActivities(activity), []
    body = UpdatableActivityRequest.model_validate({"hide_map": True}).model_dump(exclude_unset=True)
    # When the owner hides the map
    after = service.update_activity(Caller(OWNER, "sub"), activity.id, body, repository=repo, publish=published.extend)  # type: ignore[arg-type]
    # Then it is stored, and the event says what changed and tells consumers
    assert after.summary.hide_map and repo.saved
    assert published[0].changed == ["hide_map"] and published[0].after.hide_map is True
    # And setting it again to the same value changes nothing
    repo.activity = after
    service.update_activity(Caller(OWNER, "sub"), activity.id, body, repository=repo, publish=published.extend)  # type: ignore[arg-type]
    assert len(published) == 1


def test_ap45_ap46_privacy_key() -> None:
    # AP45/AP46: the settings live on the athlete's partition under SK=PRIVACY
    from stride.store.privacy import privacy_key

    assert privacy_key(42) == ("ATH#42", "PRIVACY")
