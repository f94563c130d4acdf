"""Segment geometry: Strava's numbers for a segment, and the stored path."""

from __future__ import annotations

import numpy as np
import pytest

from stride.segments import geometry
from stride.segments.geometry import climb_category, describe, make_path, path_from_bytes, path_to_bytes
from tests import segment_ground as ground


def _line(length: float, n: int, grade: float = 0.0, base: float = 1600.0) -> tuple[np.ndarray, ...]:
    """A straight line north from the ground's origin, ``n`` points over ``length`` metres, at ``grade``."""
    d = np.linspace(0.0, length, n)
    lat, lng = ground.to_latlng(np.zeros(n), d)
    return lat, lng, base + grade * d


@pytest.mark.parametrize(
    ("distance", "grade", "category"),
    [
        (2_000.0, 3.99, 0),  # 7,980 < 8,000
        (2_000.0, 4.0, 1),  # 8,000: category 4
        (4_000.0, 4.0, 2),  # 16,000: category 3
        (4_000.0, 7.99, 2),  # 31,960
        (4_000.0, 8.0, 3),  # 32,000: category 2
        (8_000.0, 8.0, 4),  # 64,000: category 1
        (10_000.0, 7.99, 4),  # 79,900
        (10_000.0, 8.0, 5),  # 80,000: HC
        (30_000.0, 2.99, 0),  # 89,700 but under 3 %: not a climb
        (30_000.0, 3.0, 5),
        (5_000.0, -6.0, 0),  # a descent
        (0.0, 10.0, 0),
    ],
)
def test_climb_category_thresholds(distance: float, grade: float, category: int) -> None:
    # Given a climb's distance and average grade / When it is categorised / Then Strava's API value comes out
    assert climb_category(distance, grade) == category


def test_describe_a_steady_climb() -> None:
    # Given a straight 3 km line climbing 150 m at a steady 5 %
    lat, lng, alt = _line(3_000.0, 301, grade=0.05)
    # When it is described
    shape = describe(lat, lng, alt)
    # Then its numbers are the line's
    assert shape.distance == pytest.approx(3_000.0, abs=0.5)
    assert shape.average_grade == pytest.approx(5.0, abs=0.05)
    assert shape.maximum_grade == pytest.approx(5.0, abs=0.05)
    assert shape.elevation_low == pytest.approx(1600.0)
    assert shape.elevation_high == pytest.approx(1750.0)
    assert shape.total_elevation_gain == pytest.approx(150.0, abs=0.5)
    assert shape.climb_category == 1  # 15,000: category 4
    assert shape.start_latlng == (float(lat[0]), float(lng[0]))
    assert shape.end_latlng == (float(lat[-1]), float(lng[-1]))


def test_describe_the_grounds_segment() -> None:
    # Given the ground's segment (a 3.4 km road with four bends, 5 %)
    lat, lng, alt = ground.segment_points()
    # When it is described
    shape = describe(lat, lng, alt)
    # Then the distance is the road's and the climb is category 3 (17,000)
    assert shape.distance == pytest.approx(ground.SEGMENT_LENGTH, abs=1.0)
    assert shape.average_grade == pytest.approx(5.0, abs=0.05)
    assert shape.climb_category == 2


def test_maximum_grade_is_the_steepest_stretch_of_at_least_100_m() -> None:
    # Given 1 km: flat, a 200 m wall at 12 %, flat again
    d = np.linspace(0.0, 1_000.0, 201)
    lat, lng = ground.to_latlng(np.zeros_like(d), d)
    alt = 1600.0 + 0.12 * np.clip(d - 400.0, 0.0, 200.0)
    # When it is described
    shape = describe(lat, lng, alt)
    # Then the maximum grade is the wall's and the average the whole line's
    assert shape.maximum_grade == pytest.approx(12.0, abs=0.3)
    assert shape.average_grade == pytest.approx(2.4, abs=0.05)
    assert shape.total_elevation_gain == pytest.approx(24.0, abs=0.3)


def test_one_altitude_spike_does_not_make_a_wall_nor_gain() -> None:
    # Given a flat 2 km line with one sample 15 m too high and 1 m of seeded noise
    lat, lng, alt = _line(2_000.0, 401)
    alt = alt + np.random.default_rng(3).normal(0.0, 1.0, alt.shape)
    alt[200] += 15.0
    # When it is described
    shape = describe(lat, lng, alt)
    # Then the maximum grade stays a few percent and the gain a few metres
    assert shape.maximum_grade < 4.0
    assert shape.total_elevation_gain < 6.0


def test_gain_counts_rollers_but_not_noise() -> None:
    # Given 3 rollers of 20 m over 3 km, with 0.5 m of noise
    d = np.linspace(0.0, 3_000.0, 601)
    lat, lng = ground.to_latlng(np.zeros_like(d), d)
    alt = 1600.0 + 10.0 * (1 - np.cos(2 * np.pi * d / 1_000.0)) + np.random.default_rng(5).normal(0.0, 0.5, d.shape)
    # When it is described
    shape = describe(lat, lng, alt)
    # Then the gain is the three climbs, about 60 m
    assert shape.total_elevation_gain == pytest.approx(60.0, abs=3.0)


def test_describe_without_altitude() -> None:
    # Given a line with no altitude, or with only one altitude value
    lat, lng, _ = _line(1_000.0, 11)
    for altitude in (None, [None] * 10 + [1600.0]):
        # When it is described
        shape = describe(lat, lng, altitude)
        # Then grades and gain are 0 and the elevations unknown
        assert shape.distance == pytest.approx(1_000.0, abs=0.5)
        assert (shape.average_grade, shape.maximum_grade, shape.total_elevation_gain) == (0.0, 0.0, 0.0)
        assert shape.elevation_high is None and shape.elevation_low is None
        assert shape.climb_category == 0


def test_describe_fills_gaps_in_altitude() -> None:
    # Given a 5 % line with the altitude of every other point missing
    lat, lng, alt = _line(2_000.0, 201, grade=0.05)
    gappy: list[float | None] = [None if i % 2 else float(a) for i, a in enumerate(alt)]
    # When it is described / Then the numbers are the full line's
    shape = describe(lat, lng, gappy)
    assert shape.average_grade == pytest.approx(5.0, abs=0.05)
    assert shape.elevation_high == pytest.approx(1700.0)


@pytest.mark.parametrize(
    ("lat", "lng", "message"),
    [
        ([40.0], [-105.0], "two points"),
        ([40.0, 40.0], [-105.0, -105.0], "length"),
        ([40.0, 95.0], [-105.0, -105.0], "range"),
        ([40.0, float("nan")], [-105.0, -105.0], "finite"),
        ([40.0, 40.1], [-105.0], "same length"),
    ],
)
def test_describe_refuses_what_is_not_a_line(lat: list[float], lng: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        describe(lat, lng, None)


def test_make_path_resamples_every_10_m_and_keeps_the_ends() -> None:
    # Given the ground's segment (points every 25 m and at the corners)
    lat, lng, alt = ground.segment_points()
    # When it is resampled
    path = make_path(lat, lng, alt)
    # Then steps are at most 10 m, the first and last points are exact, and every point lies on the road
    steps = np.diff(path.distance)
    assert steps.max() <= geometry.PATH_STEP + 1e-9 and steps.min() > 9.0
    assert (path.lat[0], path.lng[0], path.lat[-1], path.lng[-1]) == (lat[0], lng[0], lat[-1], lng[-1])
    assert path.length == pytest.approx(ground.SEGMENT_LENGTH, abs=1.0)
    assert path.altitude is not None
    assert path.altitude[0] == pytest.approx(alt[0]) and path.altitude[-1] == pytest.approx(alt[-1])
    # the resampled line never strays from the drawn one by more than a corner cut
    road = make_path(*ground.route(0.0, ground.ROAD_LENGTH, step=1.0)[:2])
    for la, lo in zip(path.lat[::7], path.lng[::7], strict=True):
        assert geometry.haversine(la, lo, road.lat, road.lng).min() < 4.0


def test_make_path_drops_repeated_points() -> None:
    lat, lng, _ = _line(100.0, 3)
    path = make_path([lat[0], lat[0], lat[1], lat[2], lat[2]], [lng[0], lng[0], lng[1], lng[2], lng[2]])
    assert path.length == pytest.approx(100.0, abs=0.1)
    assert path.altitude is None


def test_make_path_refuses_a_line_of_no_length() -> None:
    with pytest.raises(ValueError, match="length"):
        make_path([40.0, 40.0, 40.0], [-105.0, -105.0, -105.0])


def test_path_round_trips_through_bytes() -> None:
    # Given the ground's segment as a path, with and without altitude
    lat, lng, alt = ground.segment_points()
    for path in (make_path(lat, lng, alt), make_path(lat, lng)):
        # When it is stored and read back
        back = path_from_bytes(path_to_bytes(path))
        # Then every column is the same to the stored precision
        assert np.abs(back.lat - path.lat).max() < 1e-6
        assert np.abs(back.lng - path.lng).max() < 1e-6
        assert np.abs(back.distance - path.distance).max() < 0.01
        if path.altitude is None:
            assert back.altitude is None
        else:
            assert back.altitude is not None
            assert np.abs(back.altitude - path.altitude).max() < 0.06


def test_a_10_km_path_is_well_under_50_kb() -> None:
    # Given a 10 km segment drawn from a noisy GPS track (1 point a second at 8 m/s, 3 m scatter)
    n = 1_250
    d = np.linspace(0.0, 10_000.0, n)
    rng = np.random.default_rng(11)
    lat, lng = ground.to_latlng(300.0 * np.sin(d / 900.0) + rng.normal(0, 3, n), d + rng.normal(0, 3, n))
    alt = 1600.0 + 0.04 * d + rng.normal(0, 1, n)
    # When its path is stored
    blob = path_to_bytes(make_path(lat, lng, alt))
    # Then it is a few kilobytes
    assert len(blob) < 20_000


@pytest.mark.parametrize("blob", [b"", b"not zlib", b"x\x9c\x03\x00\x00\x00\x00\x01"])
def test_path_from_bytes_refuses_what_is_not_a_path(blob: bytes) -> None:
    with pytest.raises(ValueError, match="not a segment path"):
        path_from_bytes(blob)


def test_haversine_agrees_with_a_known_distance() -> None:
    # One degree of latitude on the mean-radius sphere
    assert float(geometry.haversine(40.0, -105.0, 41.0, -105.0)) == pytest.approx(111_195.1, abs=0.5)
