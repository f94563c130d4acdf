"""The live track's merge and state math (stride.live.track): pure, so checked exhaustively here."""

from __future__ import annotations

import itertools
import random

import pytest

from stride.live.track import GAP, LiveState, Motion, Point, fold, fresh, merge, recompute, unique_by_ms
from stride.privacy.trim import distance

RIDE = Motion(min_moving_speed=1.0, max_speed=35.0)
STEP = 5.0 / 111_195  # degrees of latitude for 5 m


def line(first: int, last: int, *, every: float = 1.0, metres: float = 5.0, t0: int = 1_800_000_000_000) -> list[Point]:
    """Points ``first``..``last`` every ``every`` s, ``metres`` apart, northwards."""
    return [
        Point(t0 + round(i * every * 1000), 46.5 + i * STEP * metres / 5.0, 6.6, 400.0 + i, heartrate=100 + i)
        for i in range(first, last + 1)
    ]


def test_unique_by_ms_sorts_and_keeps_the_first_of_each_millisecond() -> None:
    # Given points out of order with a millisecond given twice (different values)
    a, b, c = Point(3, 1, 1), Point(1, 2, 2), Point(2, 3, 3)
    twin = Point(1, 9, 9)
    # When they are made unique
    # Then they are in time order and the first one given of the twin millisecond wins
    assert unique_by_ms([a, b, c, twin]) == [b, c, a]


def test_fresh_drops_points_already_known() -> None:
    known = {p.time_ms for p in line(0, 9)}
    batch = line(5, 14)
    assert [p.time_ms for p in fresh(batch, known)] == [p.time_ms for p in line(10, 14)]


def test_merge_lets_the_track_win_over_a_later_duplicate() -> None:
    track = line(0, 3)
    late = [Point(track[1].time_ms, 0.0, 0.0)]
    assert merge(track, late) == track


def test_fold_of_a_steady_ride() -> None:
    # Given 30 points 5 m and 1 s apart
    points = line(0, 29)
    # When the state is folded from nothing
    state = fold(LiveState(), points, RIDE)
    # Then distance, times, speed, pace, position and heart rate follow
    assert state.point_count == 30
    assert state.distance == pytest.approx(145.0, rel=1e-3)
    assert state.moving_time == 29 and state.elapsed_time == 29
    assert state.average_speed == pytest.approx(5.0, rel=1e-3)
    assert state.pace == pytest.approx(200.0, rel=1e-3)
    assert (state.lat, state.lng, state.heartrate, state.altitude) == (points[-1].lat, 6.6, 129, 429.0)


def test_a_state_before_any_movement_has_no_pace() -> None:
    state = fold(LiveState(), [Point(1000, 1, 1)], RIDE)
    assert state.point_count == 1 and state.moving_time == 0 and state.pace is None and state.average_speed == 0


def test_standing_still_is_not_moving_time() -> None:
    # Given a ride that stops for 20 s (points 1 s apart, 10 cm apart: below 1 m/s)
    moving = line(0, 10)
    stop = [Point(moving[-1].time_ms + 1000 * k, moving[-1].lat + k * 1e-6, 6.6) for k in range(1, 21)]
    state = fold(LiveState(), moving + stop, RIDE)
    # Then the stop adds elapsed time, not moving time
    assert state.elapsed_time == 30 and state.moving_time == 10


def test_a_gap_is_credited_the_time_its_distance_needs() -> None:
    # Given 10 s at 5 m/s, then a 100 s hole covering 200 m (the phone slept), then more riding
    before = line(0, 10)
    after = [Point(before[-1].time_ms + 100_000, before[-1].lat + 40 * STEP, 6.6)]
    state = fold(LiveState(), before + after, RIDE)
    # Then the hole counts as 200 m at the average moving speed so far (40 s), not 100 s
    assert 100 > GAP
    assert state.moving_time == pytest.approx(10 + 40, rel=1e-3)
    assert state.elapsed_time == 110


def test_a_gps_jump_adds_no_distance() -> None:
    points = line(0, 5) + [Point(line(0, 6)[-1].time_ms, 47.5, 6.6)]  # 111 km in a second
    state = fold(LiveState(), points, RIDE)
    assert state.distance == pytest.approx(25.0, rel=1e-3)


def test_sports_without_a_stopped_state_count_every_second() -> None:
    swim = Motion(min_moving_speed=None, max_speed=5.0)
    points = [Point(k * 1000, 46.5, 6.6) for k in range(11)]
    assert fold(LiveState(), points, swim).moving_time == 10


@pytest.mark.parametrize("seed", range(5))
def test_batches_in_any_order_and_repeated_give_the_same_state_as_one_fold(seed: int) -> None:
    # Given a ride with a stop and a gap, cut into batches that arrive shuffled, some twice
    rng = random.Random(seed)
    points = line(0, 40) + line(60, 80, metres=0.2) + line(81, 120, every=1.0)
    batches = [points[i : i + 7] for i in range(0, len(points), 7)]
    arrivals = batches + rng.sample(batches, 3)
    rng.shuffle(arrivals)
    # When the consumer's two paths merge them (extend when in order, else refold the merged track)
    track: list[Point] = []
    state = LiveState()
    for batch in arrivals:
        new = fresh(batch, {p.time_ms for p in track})
        if state.last_ms is None or all(p.time_ms > state.last_ms for p in batch):
            state = fold(state, unique_by_ms(batch), RIDE)
        else:
            state = recompute(merge(track, new), RIDE, battery=None, last_seen_ms=None)
        track = merge(track, new)
    # Then the track holds each point once, in order, and the state is the fold of the whole track
    assert track == unique_by_ms(points)
    whole = fold(LiveState(), track, RIDE)
    assert state.point_count == whole.point_count == len(points)
    assert state.distance == pytest.approx(whole.distance)
    assert state.moving_time == pytest.approx(whole.moving_time)
    assert state.elapsed_time == whole.elapsed_time


def test_distance_is_the_sum_of_the_steps() -> None:
    points = line(0, 50, metres=7.0)
    expected = sum(distance((a.lat, a.lng), (b.lat, b.lng)) for a, b in itertools.pairwise(points))
    assert fold(LiveState(), points, RIDE).distance == pytest.approx(expected)


def test_state_and_points_round_trip_through_json() -> None:
    state = fold(LiveState(battery=40, last_seen_ms=5), line(0, 3), RIDE)
    assert LiveState.loads(state.dumps()) == state
    assert LiveState.loads(None) == LiveState()
    point = Point(1_800_000_000_123, 46.5, 6.6, 401.5, 120, 85, 250, 7.5)
    assert Point.from_json(point.to_json() | {"speed": 7.5}) == point
