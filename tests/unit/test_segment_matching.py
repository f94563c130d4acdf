"""Matching against the synthetic ground: every ride's efforts against the constructed truth."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from stride.activities.metrics import compute
from stride.activities.parsing.gpx import parse_gpx
from stride.segments.geometry import SegmentPath, make_path
from stride.segments.matching import (
    CORRIDOR,
    END_TOLERANCE,
    START_TOLERANCE,
    Match,
    Track,
    match_all,
    match_segment,
    prefilter,
)
from tests import segment_ground as ground

SEGMENT_ID = 42


@pytest.fixture(scope="module")
def path() -> SegmentPath:
    return make_path(*ground.segment_points())


def _match(ride: ground.Ride, path: SegmentPath) -> list[Match]:
    return match_segment(Track.from_streams(ride.streams()), SEGMENT_ID, path)


def _assert_truth(matches: list[Match], ride: ground.Ride, within: float = 0.1) -> None:
    assert len(matches) == len(ride.efforts) > 0
    for n, (m, truth) in enumerate(zip(matches, ride.efforts, strict=True)):
        assert m.segment_id == SEGMENT_ID and m.pass_index == n
        assert m.start_offset == pytest.approx(truth.start, abs=within)
        assert m.elapsed_time == pytest.approx(truth.elapsed, abs=within)
        assert m.moving_time == pytest.approx(truth.moving_time, abs=within)
        # the stream indexes bracket the effort
        assert ride.time[m.start_index] <= m.start_offset < ride.time[m.start_index + 1]
        assert ride.time[m.end_index - 1] < m.start_offset + m.elapsed_time <= ride.time[m.end_index]


def test_a_ride_along_the_segment_matches_once_to_the_hundredth(path: SegmentPath) -> None:
    # Given a 1 Hz ride along the road at 8 m/s
    ride = ground.ride_once()
    # When it is matched
    matches = _match(ride, path)
    # Then one effort, its times within 0.01 s of the truth and its distance the segment's
    _assert_truth(matches, ride, within=0.01)
    assert matches[0].distance == pytest.approx(ground.SEGMENT_LENGTH, rel=0.002)


def test_a_ride_starting_on_the_start_line_starts_at_its_first_sample(path: SegmentPath) -> None:
    # Given a ride that begins exactly at the segment start
    ride = ground.ride([ground.Leg(ground.SEGMENT_START, ground.ROAD_LENGTH, 7.0)])
    # When it is matched / Then the effort starts at the first sample
    matches = _match(ride, path)
    _assert_truth(matches, ride, within=0.01)
    assert matches[0].start_offset == 0.0 and matches[0].start_index == 0


def test_riding_it_twice_gives_two_passes_and_the_reverse_leg_none(path: SegmentPath) -> None:
    # Given a ride out, back in reverse, and out again at another speed
    ride = ground.ride_twice()
    # When it is matched
    matches = _match(ride, path)
    # Then two efforts, each at its own speed
    _assert_truth(matches, ride, within=0.01)
    assert [m.pass_index for m in matches] == [0, 1]
    assert matches[1].elapsed_time == pytest.approx(ground.SEGMENT_LENGTH / 6.5, abs=0.01)


def test_a_reverse_ride_does_not_match(path: SegmentPath) -> None:
    assert _match(ground.ride_reverse(), path) == []


def test_a_shortcut_across_the_bends_does_not_match(path: SegmentPath) -> None:
    assert _match(ground.ride_shortcut(), path) == []


def test_a_stop_counts_in_elapsed_but_not_in_moving_time(path: SegmentPath) -> None:
    # Given a ride with a 45 s stop inside the segment
    ride = ground.ride_with_stop(45)
    # When it is matched
    matches = _match(ride, path)
    # Then elapsed includes the stop and moving time does not
    _assert_truth(matches, ride, within=0.01)
    assert matches[0].elapsed_time - matches[0].moving_time == pytest.approx(45.0, abs=0.01)


def test_without_a_moving_stream_moving_time_is_elapsed(path: SegmentPath) -> None:
    streams = ground.ride_with_stop(30).streams()
    del streams["moving"]
    (m,) = match_segment(Track.from_streams(streams), SEGMENT_ID, path)
    assert m.moving_time == m.elapsed_time


@pytest.mark.parametrize("dt", [2.0, 5.0, 9.7])
def test_sparse_recording_interpolates_the_crossings(path: SegmentPath, dt: float) -> None:
    # Given a ride recorded every few seconds (smart recording), the crossings between samples
    ride = ground.ride_once(dt=dt)
    # When it is matched / Then the times are still exact (a steady speed between samples)
    _assert_truth(_match(ride, path), ride, within=0.01)


def test_irregular_gaps_still_match(path: SegmentPath) -> None:
    # Given a ride with irregular sample times (gaps up to 12 s)
    rng = np.random.default_rng(2)
    times = np.concatenate(([0.0], np.cumsum(rng.uniform(0.5, 12.0, 200))))
    times = times[times <= ground.ROAD_LENGTH / ground.SPEED]
    ride = ground.ride([ground.Leg(0.0, ground.ROAD_LENGTH, ground.SPEED)], times=times.tolist())
    # Then the effort's times are within a tenth of a second
    _assert_truth(_match(ride, path), ride, within=0.1)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_gps_noise_still_matches_within_a_second(path: SegmentPath, seed: int) -> None:
    # Given a ride with 5 m of GPS scatter per axis
    ride = ground.ride_once(noise=5.0, seed=seed)
    # When it is matched / Then one effort, within a second of the truth
    _assert_truth(_match(ride, path), ride, within=1.0)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_corridor_boundary_just_inside_matches(path: SegmentPath, side: float) -> None:
    # Given a ride pushed 3 m inside the corridor's edge for 250 m, on either side of the road
    ride = ground.ride_once(offset=ground.beside(side * (CORRIDOR - 3.0)))
    # Then it matches
    _assert_truth(_match(ride, path), ride, within=0.01)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_corridor_boundary_just_outside_does_not_match(path: SegmentPath, side: float) -> None:
    # Given the same ride pushed 3 m outside the corridor's edge
    ride = ground.ride_once(offset=ground.beside(side * (CORRIDOR + 3.0)))
    # Then it does not match
    assert _match(ride, path) == []


def test_passing_wide_of_the_start_does_not_match(path: SegmentPath) -> None:
    # Given a ride that passes the start line beside the road, farther than the start tolerance
    far = ground.beside(START_TOLERANCE + 5.0, start=0.0, end=ground.SEGMENT_START + 30.0)
    ride = ground.ride_once(offset=far)
    assert _match(ride, path) == []
    # and one within it matches
    near = ground.beside(START_TOLERANCE - 5.0, start=0.0, end=ground.SEGMENT_START + 30.0)
    assert len(_match(ground.ride_once(offset=near), path)) == 1


def test_passing_wide_of_the_end_does_not_match(path: SegmentPath) -> None:
    wide = ground.beside(END_TOLERANCE + 5.0, start=ground.SEGMENT_END - 30.0, end=ground.ROAD_LENGTH + 100.0)
    assert _match(ground.ride_once(offset=wide), path) == []


def test_turning_back_inside_the_segment_does_not_match(path: SegmentPath) -> None:
    # Given a ride that turns back 300 m before the end, and then rides on again to the end
    turn = ground.SEGMENT_END - 300.0
    legs = [ground.Leg(0.0, turn, 8.0), ground.Leg(turn, turn - 200.0, 8.0), ground.Leg(turn - 200.0, 4_600.0, 8.0)]
    ride = ground.ride(legs)
    # Then no effort (progress went back 200 m); the truth agrees
    assert ride.efforts == []
    assert _match(ride, path) == []


def test_stopping_short_of_the_end_does_not_match(path: SegmentPath) -> None:
    ride = ground.ride([ground.Leg(0.0, ground.SEGMENT_END - 40.0, 8.0)])
    assert ride.efforts == [] and _match(ride, path) == []


def test_a_loop_segment_matches_once_per_lap() -> None:
    # Given a closed loop (a 1.2 km square starting and ending halfway along its south side) ridden three
    # times at 6 m/s, from 100 m before the start
    side = 300.0
    xy = np.array([(150, 0), (side, 0), (side, side), (0, side), (0, 0), (150, 0)], dtype=float)
    lat, lng = ground.to_latlng(xy[:, 0], xy[:, 1])
    loop = make_path(lat, lng)
    t = np.arange(0.0, (100.0 + 3 * 4 * side) / 6.0 + 1.0)
    s = np.minimum(t * 6.0 - 100.0, 3 * 4 * side + 60.0)
    corners = np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1])))))
    along = np.mod(s, 4 * side)
    x = np.where(s < 0, 150.0 + s, np.interp(along, corners, xy[:, 0]))
    y = np.where(s < 0, 0.0, np.interp(along, corners, xy[:, 1]))
    rlat, rlng = ground.to_latlng(x, y)
    streams = {"time": t.tolist(), "latlng": np.column_stack((rlat, rlng)).tolist()}
    # When it is matched
    matches = match_segment(Track.from_streams(streams), 7, loop)
    # Then three laps of 200 s each, back to back
    assert [round(m.start_offset, 3) for m in matches] == [pytest.approx(100 / 6, abs=1e-3), 216.667, 416.667]
    assert all(m.elapsed_time == pytest.approx(200.0, abs=0.01) for m in matches)


def test_streams_without_positions_keep_the_stream_indexes(path: SegmentPath) -> None:
    # Given a ride whose first 10 samples have no fix
    ride = ground.ride_once()
    streams = ride.streams()
    for i in range(10):
        streams["latlng"][i] = None
    # When it is matched
    (m,) = match_segment(Track.from_streams(streams), SEGMENT_ID, path)
    # Then the indexes still point into the full streams
    assert ride.time[m.start_index] <= m.start_offset < ride.time[m.start_index + 1]


@pytest.mark.parametrize(
    ("streams", "message"),
    [
        ({"time": [0, 1]}, "latlng"),
        ({"time": [0, 1], "latlng": [[40.0, -105.0]]}, "length"),
        ({"time": [1, 0], "latlng": [[40.0, -105.0], [40.0, -105.0]]}, "backwards"),
        ({"time": [0, 1], "latlng": [[40.0, -105.0], [40.0, -105.0]], "moving": [True]}, "length"),
        ({"time": [0, 1], "latlng": [[40.0, -105.0], [40.0, -105.0]], "distance": [0.0]}, "length"),
    ],
)
def test_track_refuses_malformed_streams(streams: dict[str, list[object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Track.from_streams(streams)


def test_prefilter_keeps_the_true_candidates_and_drops_far_ones(path: SegmentPath) -> None:
    # Given a ride along the road, the ground's segment, a segment in reverse, and segments far away
    ride = ground.ride_once(dt=4.0)
    track = Track.from_streams(ride.streams())
    lat, lng, _ = ground.segment_points()
    candidates = [
        (1, lat[0], lng[0], lat[-1], lng[-1]),  # the segment
        (2, lat[-1], lng[-1], lat[0], lng[0]),  # the same road the other way: both ends are near
        (3, lat[0] + 0.01, lng[0], lat[-1], lng[-1]),  # start 1.1 km off the road
        (4, lat[0], lng[0], lat[-1], lng[-1] + 0.01),  # end 850 m off
        (5, 41.0, -104.0, 41.01, -104.0),  # another town
    ]
    # When they are prefiltered
    kept = prefilter(track, candidates)
    # Then the ones whose both ends the ride passes stay
    assert kept == [1, 2]
    assert prefilter(track, []) == []


def test_match_all_orders_efforts_and_skips_segments_not_ridden() -> None:
    # Given the segment, its first half, and a reversed copy
    lat, lng, alt = ground.segment_points()
    half = ground.route(ground.SEGMENT_START, ground.SEGMENT_START + 1_500.0)
    paths = {
        3: make_path(lat, lng, alt),
        1: make_path(*half),
        2: make_path(lat[::-1], lng[::-1]),
    }
    ride = ground.ride_twice()
    # When the ride is matched against all three
    matches = match_all(Track.from_streams(ride.streams()), paths)
    # Then by start time: each forward pass starts both forward segments at once (the id breaks the tie), and
    # the reverse leg rides the reversed copy
    assert [(m.segment_id, m.pass_index) for m in matches] == [(1, 0), (3, 0), (2, 0), (1, 1), (3, 1)]


def test_ten_thousand_points_against_two_hundred_paths_is_well_under_a_second() -> None:
    # Given a 10k-point ride up and down the road 6 times with noise, and 200 segments along the road
    legs = []
    for _ in range(6):
        legs += [ground.Leg(0.0, ground.ROAD_LENGTH, 6.0), ground.Leg(ground.ROAD_LENGTH, 0.0, 6.0)]
    ride = ground.ride(legs, noise=3.0)
    rng = np.random.default_rng(1)
    paths = {}
    for i in range(200):
        a = float(rng.uniform(0, ground.ROAD_LENGTH - 600))
        b = float(rng.uniform(a + 300, min(ground.ROAD_LENGTH, a + 4_000)))
        paths[i] = make_path(*ground.route(a, b))
    streams = ride.streams()
    took = []
    for _ in range(3):  # CPU time, the best of three: the machine is shared
        began = time.process_time()
        track = Track.from_streams(streams)
        matches = match_all(track, paths)
        took.append(time.process_time() - began)
    # Then every segment is matched on each of the 6 forward passes, in well under a second
    assert len(track) > 9_000
    assert len(matches) == 6 * 200
    assert min(took) < 0.8


@pytest.mark.parametrize(
    "make",
    [ground.ride_once, ground.ride_twice, lambda: ground.ride_with_stop(45), lambda: ground.ride_once(dt=3.0)],
)
def test_the_grounds_gpx_goes_through_the_upload_pipeline_and_matches_the_truth(
    make: Callable[[], ground.Ride],
) -> None:
    # Given a ground ride written as GPX (what M's integration tests upload)
    ride = make()
    # When the upload pipeline's parser and metrics read it, and its streams (as the streams API serves them,
    # NaN positions as null) are matched
    metrics = compute(parse_gpx(ground.to_gpx(ride)), sport_type="Ride")
    streams: dict[str, list[Any]] = {name: column.tolist() for name, column in metrics.streams.items()}
    streams["latlng"] = [None if math.isnan(a) else [a, b] for a, b in streams["latlng"]]
    matches = match_segment(Track.from_streams(streams), SEGMENT_ID, make_path(*ground.segment_points()))
    # Then the efforts are the truth, to the hundredth of a second (the times are whole seconds)
    assert len(matches) == len(ride.efforts)
    for m, truth in zip(matches, ride.efforts, strict=True):
        assert m.start_offset == pytest.approx(truth.start, abs=0.01)
        assert m.elapsed_time == pytest.approx(truth.elapsed, abs=0.01)
        assert m.moving_time == pytest.approx(truth.moving_time, abs=0.01)


def test_to_gpx_writes_every_point_with_its_time_and_elevation() -> None:
    ride = ground.ride_once(dt=2.5)
    parsed = parse_gpx(ground.to_gpx(ride))
    assert len(parsed) == len(ride.time)
    assert np.allclose(parsed.lat, ride.lat, atol=1e-7) and np.allclose(parsed.lon, ride.lng, atol=1e-7)
    assert np.allclose(parsed.altitude, ride.altitude, atol=0.05)


def test_a_straight_line_through_switchbacks_inside_the_corridor_fails_on_distance() -> None:
    # Given a segment of switchbacks 30 m either side of a line (legs 50 m apart: 1.5 km of path over 1 km),
    # and a ride straight up the line, which never leaves the 40 m corridor
    n = 21
    along = np.linspace(0.0, 1_000.0, n)
    side = np.where(np.arange(n) % 2 == 0, -30.0, 30.0)
    side[0] = side[-1] = 0.0
    lat, lng = ground.to_latlng(side, along)
    zigzag = make_path(lat, lng)
    t = np.arange(0.0, 161.0)
    rlat, rlng = ground.to_latlng(np.zeros_like(t), t * 8.0 - 100.0)
    streams: dict[str, list[Any]] = {"time": t.tolist(), "latlng": np.column_stack((rlat, rlng)).tolist()}
    track = Track.from_streams(streams)
    # When it is matched / Then no effort: it covered 1 km of a 1.5 km segment
    assert zigzag.length > 1_400.0
    assert match_segment(track, 9, zigzag) == []
    # (the corridor and the direction alone would have let it through)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("stride.segments.matching.MIN_COVERED", 0.0)
        assert len(match_segment(track, 9, zigzag)) == 1


# a road north 500 m to a junction, then east 1.2 km; and one east 1.2 km to a junction, then north
START_AT_CORNER = ((0.0, -500.0), (0.0, 0.0), (1_200.0, 0.0))
END_AT_CORNER = ((-1_200.0, 0.0), (0.0, 0.0), (0.0, 500.0))


def _east(x0: float) -> SegmentPath:
    """A 1 km segment due east from (x0, 0) metres of the ground's origin."""
    x = np.linspace(x0, x0 + 1_000.0, 51)
    lat, lng = ground.to_latlng(x, np.zeros_like(x))
    return make_path(lat, lng)


@pytest.mark.parametrize(
    ("course", "segment_from", "start", "within"),
    [
        # the segment starts at the junction: the approach runs along the start line, and the track turns
        # across it between two samples (62 s and 63 s), so the start is known to half a second
        (START_AT_CORNER, 0.0, 62.5, 0.5),
        # the segment ends at the junction: the track then runs along the end line
        (END_AT_CORNER, -1_000.0, 25.0, 0.01),
    ],
)
def test_a_segment_starting_or_ending_at_a_right_angle_junction_matches(
    course: ground.Course, segment_from: float, start: float, within: float
) -> None:
    # Given a ride through the junction at 8 m/s (1 km of segment: 125 s)
    segment = _east(segment_from)
    clean = ground.ride([ground.Leg(0.0, 1_700.0, 8.0)], course=course)
    # When it is matched / Then the effort's times are the truth
    (m,) = match_segment(Track.from_streams(clean.streams()), 1, segment)
    assert m.start_offset == pytest.approx(start, abs=within)
    assert m.elapsed_time == pytest.approx(125.0, abs=within)
    # and with 5 m of scatter it still matches, every time, within 3 s
    for seed in range(10):
        noisy = ground.ride([ground.Leg(0.0, 1_700.0, 8.0)], course=course, noise=5.0, seed=seed)
        (m,) = match_segment(Track.from_streams(noisy.streams()), 1, segment)
        assert m.start_offset == pytest.approx(start, abs=3.0)
        assert m.elapsed_time == pytest.approx(125.0, abs=3.0)
