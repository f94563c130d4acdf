"""Activity metrics on crafted activities with known answers (stride.activities.metrics)."""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any

import numpy as np
import pytest

from stride.activities.metrics import compute, elevation, polyline, power, strava_timezone
from stride.activities.metrics.timezone import utc_offset, zone_at
from stride.activities.parsing.model import FileLap, FileSession, ParsedActivity, from_columns

T0 = 1_719_817_200.0  # 2024-07-01T07:00:00Z
METRES_PER_DEGREE = 6_371_008.8 * np.pi / 180  # along a meridian, on the sphere haversine uses


def activity(
    speed: Any,
    *,
    gps: bool = True,
    device_distance: bool = True,
    start: tuple[float, float] = (45.0, 7.0),
    **columns: Any,
) -> ParsedActivity:
    """1 Hz samples moving north at ``speed`` m/s (an array, one value per interval, or a constant)."""
    steps = np.asarray(speed, dtype=np.float64)
    n = int(columns.pop("n", steps.size + 1 if steps.ndim else 1001))
    steps = np.broadcast_to(steps, (n - 1,)) if steps.ndim == 0 else steps
    dist = np.concatenate(([0.0], np.cumsum(steps)))
    cols: dict[str, Any] = {"time": T0 + np.arange(n, dtype=np.float64)}
    if gps:
        cols["lat"] = start[0] + dist / METRES_PER_DEGREE
        cols["lon"] = np.full(n, start[1])
    if device_distance:
        cols["distance"] = dist
    fields = {k: columns.pop(k) for k in ("pauses", "laps", "sessions", "sport") if k in columns}
    cols.update(columns)
    return from_columns("fit", cols, **fields)


def test_constant_speed_straight_line() -> None:
    # Given a 1000 s run at a steady 5 m/s (5 km), GPS and device distance agreeing
    parsed = activity(5.0)
    # When the metrics are computed
    m = compute(parsed, sport_type="Run")
    # Then distance, times and speeds are exact
    assert m.distance == pytest.approx(5000.0)
    assert (m.moving_time, m.elapsed_time) == (1000, 1000)
    assert m.average_speed == pytest.approx(5.0)
    assert m.max_speed == pytest.approx(5.0)
    assert m.start_time == T0
    # And the splits are five kilometres of 200 s, the miles 322 s, the last one partial
    assert [(s.split, s.distance, s.elapsed_time, s.moving_time) for s in m.splits_metric] == [
        (k, 1000.0, 200, 200) for k in range(1, 6)
    ]
    standard = m.splits_standard
    assert [s.elapsed_time for s in standard] == [322, 322, 322, 34]
    assert standard[-1].distance == pytest.approx(5000 - 3 * 1609.344)
    assert all(s.average_speed == pytest.approx(5.0) for s in m.splits_metric + standard)
    assert sum(s.elapsed_time for s in standard) == m.elapsed_time


def test_gps_only_distance_is_the_haversine_length() -> None:
    # Given the same run with positions only (a GPX, say)
    parsed = activity(5.0, device_distance=False)
    # When the metrics are computed
    m = compute(parsed, sport_type="Run")
    # Then the GPS distance is the track's length
    assert m.distance == pytest.approx(5000.0, rel=1e-6)
    assert m.moving_time == 1000
    assert m.start_latlng == pytest.approx([45.0, 7.0])
    assert m.end_latlng is not None and m.end_latlng[0] == pytest.approx(45.0 + 5000 / METRES_PER_DEGREE)


def test_a_gps_spike_adds_no_distance() -> None:
    # Given a GPS-only ride with one fix thrown 5 km east
    parsed = activity(8.0, device_distance=False)
    parsed.lon[500] += 5000 / (METRES_PER_DEGREE * np.cos(np.radians(45.0)))
    # When the metrics are computed
    m = compute(parsed, sport_type="Ride")
    # Then the spike is dropped and the ride is still 8 km, its max speed plausible
    assert m.distance == pytest.approx(8000.0, rel=1e-4)
    assert m.max_speed == pytest.approx(8.0, rel=0.01)


def test_a_stop_in_the_middle_is_not_moving_time() -> None:
    # Given a run: 600 s at 4 m/s, 120 s standing still, 600 s at 4 m/s (the timer running throughout)
    speed = np.concatenate((np.full(600, 4.0), np.zeros(120), np.full(600, 4.0)))
    # When the metrics are computed
    m = compute(activity(speed), sport_type="Run")
    # Then the stop counts in elapsed time only, and the pace is over moving time
    assert m.elapsed_time == 1320
    assert m.moving_time == 1200
    assert m.average_speed == pytest.approx(4.0, rel=0.01)
    moving = m.streams["moving"]
    assert moving.dtype == np.bool_ and not moving[650:670].any() and moving[100] and moving[-100]


def test_a_short_slow_moment_stays_moving() -> None:
    # Given a ride that rolls through a junction at 0.5 m/s for 8 s (shorter than a stop)
    speed = np.concatenate((np.full(300, 8.0), np.full(8, 0.5), np.full(300, 8.0)))
    # When the metrics are computed
    m = compute(activity(speed), sport_type="Ride")
    # Then nothing is taken off
    assert m.moving_time == 608


def test_a_timer_pause_never_counts() -> None:
    # Given a run paused for 300 s (no samples while the timer was stopped)
    first = T0 + np.arange(601.0)
    second = first[-1] + 300 + np.arange(1, 601.0)
    t = np.concatenate((first, second))
    dist = np.concatenate((np.arange(601.0) * 4, 2400 + np.arange(1, 601.0) * 4))
    parsed = from_columns(
        "fit",
        {"time": t, "distance": dist, "lat": 45 + dist / METRES_PER_DEGREE, "lon": np.full(t.size, 7.0)},
        pauses=[(first[-1], first[-1] + 300)],
    )
    # When the metrics are computed
    m = compute(parsed, sport_type="Run")
    # Then elapsed time includes the pause and moving time does not
    assert m.elapsed_time == 1500
    assert m.moving_time == 1200
    assert m.distance == pytest.approx(4800.0)
    # And the pause is no burst of speed nor a stop in the velocity stream
    assert m.max_speed == pytest.approx(4.0)


def test_a_recording_gap_at_rest_is_not_moving_time() -> None:
    # Given smart recording: a 600 s hole between two samples at the same place, the timer running
    t = np.concatenate((T0 + np.arange(301.0), T0 + 900 + np.arange(301.0)))
    dist = np.concatenate((np.arange(301.0) * 8, 2400 + np.arange(301.0) * 8))
    parsed = from_columns("fit", {"time": t, "distance": dist})
    # When the metrics are computed
    m = compute(parsed, sport_type="Ride")
    # Then the hole is not moving time
    assert m.elapsed_time == 1200
    assert m.moving_time == pytest.approx(600, abs=3)


def test_indoor_without_speed_moves_for_the_whole_timer() -> None:
    # Given a trainer ride with heart rate and power only
    n = 1801
    parsed = from_columns(
        "fit",
        {"time": T0 + np.arange(n, dtype=float), "heartrate": np.full(n, 140.0), "watts": np.full(n, 200.0)},
        trainer=True,
    )
    # When the metrics are computed
    m = compute(parsed, sport_type="VirtualRide")
    # Then the timer is the moving time, and nothing about places is invented
    assert (m.distance, m.moving_time, m.elapsed_time) == (0.0, 1800, 1800)
    assert m.timezone is None and m.utc_offset == 0.0 and m.polyline is None and m.start_latlng is None
    assert m.splits_metric == [] and m.best_efforts == []
    assert set(m.streams) == {"time", "heartrate", "watts"}


def test_noisy_flat_altitude_gains_nothing() -> None:
    # Given a flat ride whose GPS altitude wobbles by a metre or two
    rng = np.random.default_rng(7)
    alt = 200 + rng.normal(0, 1.0, 3601)
    # When the metrics are computed
    m = compute(activity(8.0, n=3601, altitude=alt), sport_type="Ride")
    # Then the noise does not creep into elevation gain
    assert m.total_elevation_gain < 3.0
    assert m.elev_low is not None and m.elev_high is not None and m.elev_high - m.elev_low < 4.0


def test_barometric_quantisation_gains_nothing() -> None:
    # Given barometric altitude flickering between two 0.2 m steps for an hour
    alt = 150 + 0.2 * (np.arange(3601) % 2)
    # When the metrics are computed
    m = compute(activity(8.0, n=3601, altitude=alt), sport_type="Ride")
    # Then the gain is zero
    assert m.total_elevation_gain == 0.0


def test_a_clean_climb_counts_exactly() -> None:
    # Given a steady climb of 100 m, then down 50 m and up 100 m again
    alt = np.concatenate((np.linspace(0, 100, 1001), np.linspace(100, 50, 501)[1:], np.linspace(50, 150, 1001)[1:]))
    # When the metrics are computed
    m = compute(activity(5.0, n=alt.size, altitude=alt), sport_type="Run")
    # Then the gain is the two climbs (smoothing rounds each turning point by centimetres)
    assert m.total_elevation_gain == pytest.approx(200.0, abs=0.5)
    assert m.elev_high == pytest.approx(150.0, abs=0.01)
    assert m.elev_low == pytest.approx(0.0, abs=0.01)
    assert m.streams["grade_smooth"][300] == pytest.approx(2.0, abs=0.01)  # 0.1 m per 5 m


def test_a_steady_climb_counts_to_the_centimetre() -> None:
    m = compute(activity(5.0, altitude=np.linspace(0, 100, 1001)), sport_type="Run")
    assert m.total_elevation_gain == pytest.approx(100.0, abs=0.01)


def test_the_device_ascent_is_the_gain_when_the_file_has_one() -> None:
    # Given a file whose device totalled 42 m of ascent (a barometric unit's own count)
    alt = np.linspace(0, 100, 1001)
    session = FileSession(sport="Run", start_time=T0, total_timer_time=1000.0, total_ascent=42.0)
    # When the metrics are computed
    m = compute(activity(5.0, altitude=alt, sessions=[session]), sport_type="Run")
    # Then Strava's choice is followed: the device's number, the laps still from the stream
    assert m.total_elevation_gain == 42.0
    assert m.laps[0].total_elevation_gain == pytest.approx(100.0, abs=0.01)


@pytest.mark.parametrize("n", [1, 2, 5, 100, 1000])
def test_backlash_scan_equals_the_loop(n: int) -> None:
    # Given a random walk
    x = np.cumsum(np.random.default_rng(n).normal(0, 1, n))
    # When the vectorised play operator runs
    y = elevation.backlash(x.copy(), 1.5)
    # Then it equals the textbook recursion
    expected = np.empty(n)
    expected[0] = x[0]
    for i in range(1, n):
        expected[i] = min(max(expected[i - 1], x[i] - 1.5), x[i] + 1.5)
    assert np.allclose(y, expected)


def test_constant_power_weighted_average_equals_average() -> None:
    # Given a ride at a steady 200 W
    m = compute(activity(8.0, watts=np.full(1001, 200.0)), sport_type="Ride")
    # Then average and weighted average agree, and the work is power times moving time
    assert m.average_watts == pytest.approx(200.0)
    assert m.weighted_average_watts == 200
    assert m.max_watts == 200
    assert m.kilojoules == pytest.approx(200.0)
    assert m.device_watts is True
    assert m.calories == pytest.approx(200.0 / (4.184 * 0.24))


def test_alternating_power_weighs_more_than_its_average() -> None:
    # Given 100 W and 300 W alternating every 60 s for an hour
    watts = np.where((np.arange(3601) // 60) % 2 == 0, 100.0, 300.0)
    # When the metrics are computed
    m = compute(activity(8.0, n=3601, watts=watts), sport_type="Ride")
    # Then the weighted average (30 s rolling, fourth-power mean) is above the plain average
    assert m.average_watts == pytest.approx(200.0, abs=0.2)
    assert m.weighted_average_watts is not None and 220 < m.weighted_average_watts < 300


def test_weighted_average_skips_stopped_time() -> None:
    # Given 0 W for 30 min of standing still, then 250 W riding
    watts = np.full(1000, 250.0)
    moving = np.concatenate((np.zeros(500), np.ones(500)))
    # When the weighted average is taken over moving time
    value = power.weighted_average(watts, moving)
    # Then only the riding counts
    assert value == pytest.approx(250.0)


def test_best_efforts_on_a_constructed_run() -> None:
    # Given 5 km at 4 m/s except the second kilometre at 5 m/s (200 s)
    speed = np.concatenate((np.full(250, 4.0), np.full(200, 5.0), np.full(750, 4.0)))
    # When the metrics are computed
    m = compute(activity(speed), sport_type="Run")
    efforts = {e.name: e for e in m.best_efforts}
    # Then the distances up to 5k are there, in Strava's names, and no longer ones
    assert list(efforts) == ["400m", "1/2 mile", "1k", "1 mile", "2 mile", "5k"]
    # And the best kilometre is the fast one, starting at its first sample
    best = efforts["1k"]
    assert (best.elapsed_time, best.moving_time, best.start_index, best.end_index) == (200, 200, 250, 450)
    assert best.start_time == T0 + 250
    assert efforts["400m"].elapsed_time == 80
    assert efforts["1 mile"].elapsed_time == round(200 + 609.344 / 4)  # the fast km and 609 m at 4 m/s
    assert efforts["5k"].elapsed_time == 1200


def test_coarse_to_fine_best_effort_search_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the coarse-to-fine search forced to coarse steps, on irregular runs with stops and gaps
    module = importlib.import_module("stride.activities.metrics.best_efforts")
    monkeypatch.setattr(module, "COARSE_STARTS", 50)
    rng = np.random.default_rng(11)
    for _ in range(40):
        n = int(rng.integers(500, 5000))
        dist = np.concatenate(([0.0], np.cumsum(rng.choice([0.0, 2.0, 3.5, 5.0, 9.0], n - 1))))
        elapsed = np.concatenate(([0.0], np.cumsum(rng.choice([1.0, 1.0, 2.0, 7.0], n - 1))))
        # When the fastest 1000 m is searched
        start, finish, _ = module._fastest(dist, elapsed, 1000.0)
        # Then it is the brute force's answer over every start
        every = np.arange(int(np.searchsorted(dist, dist[-1] - 1000.0, side="right")))
        brute, _ = module._finish(dist, elapsed, every, 1000.0)
        assert finish - elapsed[start] == pytest.approx(float(np.min(brute - elapsed[every])))


def test_best_efforts_are_for_runs_only() -> None:
    m = compute(activity(5.0), sport_type="Ride")
    assert m.best_efforts == []


def test_laps_from_the_file() -> None:
    # Given a file with two laps splitting 1000 s at 400 s
    laps = [FileLap(T0, T0 + 400), FileLap(T0 + 400, T0 + 1000)]
    # When the metrics are computed
    m = compute(activity(5.0, laps=laps), sport_type="Run")
    # Then the laps are mapped to samples and add up to the activity
    assert [(lap.lap_index, lap.name, lap.start_index, lap.end_index) for lap in m.laps] == [
        (1, "Lap 1", 0, 400),
        (2, "Lap 2", 400, 1000),
    ]
    assert [lap.elapsed_time for lap in m.laps] == [400, 600]
    assert sum(lap.moving_time for lap in m.laps) == m.moving_time
    assert sum(lap.distance for lap in m.laps) == pytest.approx(m.distance)
    assert m.laps[0].distance == pytest.approx(2000.0)
    assert m.laps[1].start_time == T0 + 400


def test_one_lap_without_file_laps() -> None:
    m = compute(activity(5.0, heartrate=np.full(1001, 150.0)), sport_type="Run")
    assert len(m.laps) == 1
    lap = m.laps[0]
    assert (lap.start_index, lap.end_index, lap.elapsed_time, lap.moving_time) == (0, 1000, 1000, 1000)
    assert lap.distance == pytest.approx(5000.0)
    assert lap.average_heartrate == pytest.approx(150.0)
    assert lap.split == 1


def test_polyline_encodes_googles_example() -> None:
    # Google's documented example
    encoded = polyline.encode(np.array([38.5, 40.7, 43.252]), np.array([-120.2, -120.95, -126.453]))
    assert encoded == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert polyline.decode(encoded) == [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)]


def test_polyline_round_trips_any_coordinates() -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-90, 90, 2000), rng.uniform(-180, 180, 2000)
    decoded = np.asarray(polyline.decode(polyline.encode(lat, lon)))
    assert np.allclose(decoded, np.round(np.column_stack((lat, lon)) * 1e5) / 1e5, atol=1e-9)


def test_summary_polyline_is_a_few_hundred_points() -> None:
    # Given a long wiggly GPS track
    rng = np.random.default_rng(5)
    lat = 45 + np.cumsum(rng.normal(0, 1e-4, 50_000))
    lon = 7 + np.cumsum(rng.normal(0, 1e-4, 50_000))
    # When the polylines are made
    detailed, summary = polyline.track(lat, lon)
    # Then the detailed one has every point (repeats after rounding dropped), the summary at most 300
    rounded = np.round(np.column_stack((lat, lon)) * 1e5)
    assert len(polyline.decode(detailed)) == 1 + np.count_nonzero(np.any(rounded[1:] != rounded[:-1], axis=1))
    points = polyline.decode(summary)
    assert 2 < len(points) <= polyline.SUMMARY_MAX_POINTS
    assert points[0] == pytest.approx((round(lat[0], 5), round(lon[0], 5)))
    assert points[-1] == pytest.approx((round(lat[-1], 5), round(lon[-1], 5)))


def test_simplify_keeps_corners() -> None:
    lat = np.concatenate((np.linspace(0, 0.01, 50), np.full(50, 0.01)))
    lon = np.concatenate((np.zeros(50), np.linspace(0, 0.01, 50)))
    assert polyline.simplify(lat, lon, 1.0, 300).tolist() == [0, 49, 99]


@pytest.mark.parametrize(
    ("lat", "lon", "when", "zone", "offset"),
    [
        (52.52, 13.405, T0, "Europe/Berlin", 7200.0),  # summer time
        (52.52, 13.405, 1_704_096_000.0, "Europe/Berlin", 3600.0),  # 2024-01-01
        (40.7128, -74.006, 1_704_096_000.0, "America/New_York", -18000.0),
        (-33.8688, 151.2093, T0, "Australia/Sydney", 36000.0),
        (28.6139, 77.209, T0, "Asia/Kolkata", 19800.0),
    ],
)
def test_timezone_at_the_start(lat: float, lon: float, when: float, zone: str, offset: float) -> None:
    assert zone_at(lat, lon) == zone
    assert utc_offset(zone, when) == offset


def test_timezone_of_an_activity() -> None:
    m = compute(activity(5.0, start=(48.8566, 2.3522)), sport_type="Run")
    assert (m.timezone, m.utc_offset) == ("Europe/Paris", 7200.0)
    assert strava_timezone(m.timezone, m.utc_offset) == "(GMT+02:00) Europe/Paris"


def test_strava_timezone_strings() -> None:
    assert strava_timezone("Europe/Berlin", 3600) == "(GMT+01:00) Europe/Berlin"
    assert strava_timezone("America/Los_Angeles", -28800) == "(GMT-08:00) America/Los_Angeles"
    assert strava_timezone("Asia/Kolkata", 19800) == "(GMT+05:30) Asia/Kolkata"
    assert strava_timezone(None, 0) == "(GMT+00:00) UTC"


def test_zone_buckets() -> None:
    # Given 600 s at 130 bpm then 600 s at 150 bpm, and 200 W throughout
    hr = np.concatenate((np.full(601, 130.0), np.full(600, 150.0)))
    parsed = activity(5.0, n=1201, heartrate=hr, watts=np.full(1201, 200.0))
    # When the metrics are computed with the athlete's zones (as lower bounds, the service's form)
    m = compute(parsed, sport_type="Run", hr_zones=[0, 120, 140, 160, 180], power_zones=[0, 150, 250])
    # Then the seconds fall in Strava's buckets, the last one open
    by_type = {z.type: z for z in m.zones}
    assert by_type["heartrate"].buckets == [
        (0.0, 120.0, 0),
        (120.0, 140.0, 600),
        (140.0, 160.0, 600),
        (160.0, 180.0, 0),
        (180.0, -1.0, 0),
    ]
    assert by_type["power"].buckets == [(0.0, 150.0, 0), (150.0, 250.0, 1200), (250.0, -1.0, 0)]
    assert by_type["heartrate"].sensor_based and by_type["power"].sensor_based
    # And upper bounds alone mean the same zones
    again = compute(parsed, sport_type="Run", hr_zones=[120, 140, 160, 180])
    assert again.zones[0].buckets == by_type["heartrate"].buckets


def test_no_zones_without_readings() -> None:
    m = compute(activity(5.0), sport_type="Run", hr_zones=[0, 120, 140], power_zones=[0, 150])
    assert m.zones == []


def test_heart_rate_gaps_stay_nan_and_averages_skip_them() -> None:
    hr = np.full(1001, 140.0)
    hr[100:200] = np.nan
    m = compute(activity(5.0, heartrate=hr), sport_type="Run")
    assert m.average_heartrate == pytest.approx(140.0)
    assert np.isnan(m.streams["heartrate"][150])


def test_streams_are_strava_shaped() -> None:
    # Given a run with every sensor and a short GPS dropout
    n = 1001
    parsed = activity(
        5.0,
        altitude=np.linspace(100, 120, n),
        heartrate=np.full(n, 150.0),
        cadence=np.full(n, 85.0),
        watts=np.full(n, 250.0),
        temp=np.full(n, 21.0),
    )
    parsed.lat[300:303] = np.nan
    parsed.lon[300:303] = np.nan
    parsed.lat[600:700] = np.nan
    parsed.lon[600:700] = np.nan
    # When the metrics are computed
    streams = compute(parsed, sport_type="Run").streams
    # Then every Strava stream type is there, all of length n
    assert set(streams) == {
        "time", "latlng", "distance", "altitude", "velocity_smooth", "heartrate", "cadence", "watts", "temp",
        "moving", "grade_smooth",
    }  # fmt: skip
    assert all(len(v) == n for v in streams.values())
    assert streams["time"].dtype == np.int64 and streams["time"][-1] == 1000
    assert streams["latlng"].shape == (n, 2)
    # And a short dropout is filled, a long one left empty
    assert np.isfinite(streams["latlng"][301]).all()
    assert np.isnan(streams["latlng"][650]).all()


def test_numbers_are_plain_python() -> None:
    # Given a full-featured activity
    n = 2001
    parsed = activity(
        4.0,
        n=n,
        altitude=np.linspace(0, 50, n),
        heartrate=np.full(n, 150.0),
        cadence=np.full(n, 170.0),
        watts=np.full(n, 250.0),
        temp=np.full(n, 18.0),
        laps=[FileLap(T0, T0 + 1000), FileLap(T0 + 1000, T0 + 2000)],
    )
    # When the metrics are computed
    m = compute(parsed, sport_type="Run", hr_zones=[0, 120, 140, 160, 180], power_zones=[0, 200, 300])

    # Then no numpy scalar leaks into what the service stores
    def check(value: Any) -> None:
        if isinstance(value, np.ndarray):
            return  # streams are arrays by design
        assert not isinstance(value, np.generic), value
        if isinstance(value, dict):
            for item in value.values():
                check(item)
        elif isinstance(value, list | tuple):
            for item in value:
                check(item)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                check(getattr(value, f.name))

    check(m)


def test_calories_by_source() -> None:
    # A run with heart rate uses the heart-rate estimate, one without it the sport's MET
    with_hr = compute(activity(3.0, n=3601, heartrate=np.full(3601, 150.0)), sport_type="Run", weight_kg=70)
    without = compute(activity(3.0, n=3601), sport_type="Run", weight_kg=70)
    assert 500 < with_hr.calories < 900
    assert without.calories == pytest.approx(9.8 * 70 * 1.0)


def test_no_samples_falls_back_to_the_device_totals() -> None:
    # Given a FIT with a session and no records
    session = FileSession(
        sport="Ride", start_time=T0, total_elapsed_time=38.35, total_timer_time=18.71, total_distance=120.0
    )
    parsed = from_columns("fit", {"time": np.zeros(0)}, sessions=[session])
    # When the metrics are computed
    m = compute(parsed, sport_type="Ride")
    # Then the device's totals are the activity
    assert (m.start_time, m.distance, m.moving_time, m.elapsed_time) == (T0, 120.0, 19, 38)
    assert m.streams == {} and m.laps == []


def test_lost_records_fall_back_to_the_device_totals() -> None:
    # Given a file cut short: samples for 300 s of a session that timed 3600 s and 11 km
    session = FileSession(
        sport="Run", start_time=T0, total_elapsed_time=3600.0, total_timer_time=3600.0, total_distance=11000.0
    )
    m = compute(activity(3.0, n=301, sessions=[session]), sport_type="Run")
    # Then the device's totals describe the activity, not the fragment
    assert (m.distance, m.moving_time, m.elapsed_time) == (11000.0, 3600, 3600)


def test_samples_outside_the_session_are_clock_glitches() -> None:
    # Given a ride whose last records are stamped two years later, with a reset distance
    parsed = activity(8.0, n=1001, sessions=[FileSession(sport="Ride", start_time=T0, total_elapsed_time=1000.0)])
    glitch = from_columns(
        "fit",
        {"time": np.r_[parsed.time, T0 + 6e7 + np.arange(5.0)], "distance": np.r_[parsed.distance, np.full(5, 50.0)]},
        sessions=parsed.sessions,
    )
    m = compute(glitch, sport_type="Ride")
    assert (m.distance, m.elapsed_time) == (8000.0, 1000)


def test_multisport_legs_use_their_own_rules() -> None:
    # Given a swim leg of 600 s at 0.2 m/s (slow, but swims count their timer) then a 600 s ride at 8 m/s
    speed = np.concatenate((np.full(600, 0.2), np.full(600, 8.0)))
    sessions = [
        FileSession(sport="Swim", start_time=T0, total_elapsed_time=600.0),
        FileSession(sport="Ride", start_time=T0 + 600, total_elapsed_time=600.0),
    ]
    m = compute(activity(speed, sessions=sessions), sport_type="Swim")
    assert m.moving_time == 1200
