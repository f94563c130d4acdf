"""Activity metrics: a parsed file (columns of samples) into Strava's numbers, vectorised with numpy.

``compute(parsed, sport_type=...)`` returns ``ActivityMetrics``: the summary fields of Strava's
DetailedActivity, laps, splits, best efforts, zone distributions and streams. Each rule lives in its own
module and says there why it is so; docs/accuracy.md compares the results with the devices' own totals.

Pipeline: timer time per sample interval (``timer``) -> cumulative distance from the best source
(``distance``) -> moving time and smoothed velocity (``moving``) -> elevation (``elevation``), power
(``power``), calories (``calories``) -> laps, splits, best efforts, zones, polylines, streams.

A file with no samples but a device summary (a FIT with sessions and no records) takes the sessions'
totals: there is nothing else to compute from.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stride.activities.metrics import calories, device, distance, elevation, power, streams, zones
from stride.activities.metrics.best_efforts import best_efforts
from stride.activities.metrics.laps import laps as compute_laps
from stride.activities.metrics.moving import moving_intervals, velocity_smooth
from stride.activities.metrics.polyline import track as polylines
from stride.activities.metrics.results import ActivityMetrics, BestEffort, Lap, Split, ZoneDistribution
from stride.activities.metrics.series import FloatArray, nanmax, weighted_mean
from stride.activities.metrics.splits import METRIC, STANDARD, splits
from stride.activities.metrics.sports import RUN_SPORTS, TIMER_WHEN_PAUSED, SportProfile, profile
from stride.activities.metrics.timer import paused_until, timer_intervals
from stride.activities.metrics.timezone import strava_timezone, utc_offset, zone_at
from stride.activities.metrics.track import Track
from stride.activities.parsing.model import ParsedActivity

__all__ = [
    "ActivityMetrics",
    "BestEffort",
    "Lap",
    "Split",
    "ZoneDistribution",
    "compute",
    "strava_timezone",
]


def _thresholds(parsed: ParsedActivity, t: FloatArray, main: SportProfile) -> tuple[FloatArray, float]:
    """Per-interval minimum moving speed (NaN: timer time counts), and the GPS jump speed.

    A multisport file (several sessions) judges each leg by its own sport: a swim leg counts its timer
    time, the bike leg the cycling threshold, the run leg the running one.
    """
    paused = bool(parsed.pauses)

    def speed_for(leg: SportProfile) -> float:
        # Strava: a run whose device paused (auto-pause or the button) keeps the device's timer as its
        # moving time; the server-side stop detection runs only when nothing was paused.
        if leg.min_moving_speed is None or (paused and leg.family in TIMER_WHEN_PAUSED):
            return np.nan
        return leg.min_moving_speed

    threshold = np.full(t.shape[0], speed_for(main))
    max_speed = main.max_speed
    if len(parsed.sessions) > 1:
        for session in parsed.sessions:  # a handful of legs
            if session.start_time is None or not session.total_elapsed_time or session.sport is None:
                continue
            leg = profile(session.sport)
            inside = (t > session.start_time) & (t <= session.start_time + session.total_elapsed_time)
            threshold[inside] = speed_for(leg)
            max_speed = max(max_speed, leg.max_speed)
    return threshold, max_speed


def _from_sessions(dev: device.DeviceTotals, sport: SportProfile, weight_kg: float | None) -> ActivityMetrics:
    """No samples: the device's own totals are all there is."""
    moving = dev.timer or dev.elapsed or 0.0
    elapsed = dev.elapsed or moving
    dist = dev.distance or 0.0
    kcal = dev.calories or calories.from_met(sport.met, weight_kg or calories.DEFAULT_WEIGHT, moving)
    return ActivityMetrics(
        start_time=dev.start or 0.0,
        timezone=None,
        utc_offset=0.0,
        distance=dist,
        moving_time=round(moving),
        elapsed_time=round(elapsed),
        total_elevation_gain=dev.ascent or 0.0,
        elev_high=None,
        elev_low=None,
        average_speed=dist / round(moving) if round(moving) > 0 else 0.0,
        max_speed=0.0,
        average_heartrate=None,
        max_heartrate=None,
        average_cadence=None,
        average_watts=None,
        weighted_average_watts=None,
        max_watts=None,
        kilojoules=None,
        device_watts=False,
        average_temp=None,
        calories=kcal,
        start_latlng=None,
        end_latlng=None,
        polyline=None,
        summary_polyline=None,
    )


def _altitude(
    t: FloatArray, alt: FloatArray, pauses: list[tuple[float, float]]
) -> tuple[FloatArray | None, float, float, float | None, float | None]:
    """(smoothed altitude at every sample, hysteresis threshold, gain, high, low)."""
    ok = np.isfinite(alt)
    if not ok.any():
        return None, elevation.MIN_THRESHOLD, 0.0, None, None
    tt, raw = t[ok], alt[ok]
    smoothed = elevation.smooth(tt, raw)
    threshold = elevation.threshold_for(raw, smoothed)
    steady = elevation.without_pause_steps(raw, paused_until(tt, pauses))
    climbing = smoothed if steady is raw else elevation.smooth(tt, steady)
    gain = elevation.gain(climbing, threshold)
    full = np.interp(t, tt, smoothed)
    return full, threshold, gain, float(smoothed.max()), float(smoothed.min())


@dataclass(slots=True)
class _Place:
    start: list[float] | None = None
    end: list[float] | None = None
    polyline: str | None = None
    summary_polyline: str | None = None
    zone: str | None = None
    offset: float = 0.0


def _place(parsed: ParsedActivity) -> _Place:
    """Where: start and end positions, polylines, and the time zone at the start."""
    fix = np.flatnonzero(np.isfinite(parsed.lat) & np.isfinite(parsed.lon))
    if not fix.size:
        return _Place()
    start = [float(parsed.lat[fix[0]]), float(parsed.lon[fix[0]])]
    detailed, summary = polylines(parsed.lat[fix], parsed.lon[fix])
    zone = zone_at(start[0], start[1])
    return _Place(
        start=start,
        end=[float(parsed.lat[fix[-1]]), float(parsed.lon[fix[-1]])],
        polyline=detailed,
        summary_polyline=summary,
        zone=zone,
        offset=utc_offset(zone, float(parsed.time[0])) if zone else 0.0,
    )


def _zones(
    parsed: ParsedActivity, weights: FloatArray, hr_zones: list[int] | None, power_zones: list[int] | None
) -> list[ZoneDistribution]:
    out: list[ZoneDistribution] = []
    for kind, values, bounds in (("heartrate", parsed.heartrate, hr_zones), ("power", parsed.watts, power_zones)):
        found = zones.distribution(kind, values, weights, bounds) if bounds else None
        if found:
            out.append(found)
    return out


def compute(
    parsed: ParsedActivity,
    *,
    sport_type: str,
    weight_kg: float | None = None,
    hr_zones: list[int] | None = None,
    power_zones: list[int] | None = None,
) -> ActivityMetrics:
    """Strava's activity numbers for a parsed file (see the module docstrings for each rule)."""
    sport = profile(sport_type)
    dev = device.totals(parsed)
    parsed = device.trim(parsed)
    n = len(parsed)
    if n == 0:
        return _from_sessions(dev, sport, weight_kg)

    t = parsed.time
    elapsed = t - t[0]
    timer_dt = timer_intervals(t, parsed.pauses)
    timer_axis = np.cumsum(timer_dt)
    threshold, max_speed = _thresholds(parsed, t, sport)
    dist, source = distance.cumulative(t, parsed.lat, parsed.lon, parsed.distance, parsed.speed, timer_dt, max_speed)
    has_distance = source is not None and dist[-1] > dist[0]
    if not has_distance:
        threshold[:] = np.nan  # nothing says when the athlete stopped: the timer decides
    moving_dt, moving = moving_intervals(timer_axis, timer_dt, dist, threshold)
    across_pause = timer_dt < np.diff(t, prepend=t[0]) - 0.5
    velocity = velocity_smooth(timer_axis, dist, across_pause) if has_distance else np.zeros(n)
    altitude, climb_threshold, gain, elev_high, elev_low = _altitude(t, parsed.altitude, parsed.pauses)

    track = Track(
        t=t,
        elapsed=elapsed,
        timer_dt=timer_dt,
        moving_dt=moving_dt,
        moving=moving,
        moving_axis=np.cumsum(moving_dt),
        dist=dist,
        velocity=velocity,
        altitude=altitude,
        climb_threshold=climb_threshold,
        heartrate=parsed.heartrate,
        cadence=parsed.cadence,
        watts=parsed.watts,
        speed_limit=max_speed,
    )
    weights = track.weights
    moving_seconds = float(moving_dt.sum())
    elapsed_seconds = float(elapsed[-1])
    total_distance = float(dist[-1]) if has_distance else 0.0
    # The device's totals where the samples cannot tell the whole story (see ``device``).
    total_distance = max(total_distance, dev.distance or 0.0)
    if dev.covers_more(float(timer_axis[-1]), elapsed_seconds):
        moving_seconds = max(moving_seconds, dev.timer or dev.elapsed or 0.0)
        elapsed_seconds = max(elapsed_seconds, dev.elapsed or dev.timer or 0.0)
    if dev.ascent is not None:
        gain = dev.ascent
    moving_time = round(moving_seconds)
    watts = power.summarize(parsed.watts, moving_dt if moving_dt.any() else timer_dt)
    average_hr = weighted_mean(parsed.heartrate, weights)

    place = _place(parsed)
    distributions = _zones(parsed, weights, hr_zones, power_zones if watts.device_watts else None)

    return ActivityMetrics(
        start_time=float(t[0]),
        timezone=place.zone,
        utc_offset=place.offset,
        distance=total_distance,
        moving_time=moving_time,
        elapsed_time=round(elapsed_seconds),
        total_elevation_gain=float(gain),
        elev_high=elev_high,
        elev_low=elev_low,
        average_speed=total_distance / moving_time if moving_time > 0 else 0.0,
        max_speed=track.top_speed(),
        average_heartrate=average_hr,
        max_heartrate=nanmax(parsed.heartrate),
        average_cadence=weighted_mean(np.where(parsed.cadence > 0, parsed.cadence, np.nan), weights),
        average_watts=watts.average_watts,
        weighted_average_watts=watts.weighted_average_watts,
        max_watts=watts.max_watts,
        kilojoules=watts.kilojoules,
        device_watts=watts.device_watts,
        average_temp=weighted_mean(parsed.temp, timer_dt),
        calories=calories.estimate(
            family=sport.family,
            kilojoules=watts.kilojoules,
            average_hr=average_hr,
            met=sport.met,
            weight_kg=weight_kg,
            moving_seconds=moving_seconds,
        ),
        start_latlng=place.start,
        end_latlng=place.end,
        polyline=place.polyline,
        summary_polyline=place.summary_polyline,
        laps=compute_laps(track, parsed.laps),
        splits_metric=splits(track, METRIC) if has_distance else [],
        splits_standard=splits(track, STANDARD) if has_distance else [],
        best_efforts=best_efforts(track) if has_distance and sport_type in RUN_SPORTS else [],
        zones=distributions,
        streams=streams.build(parsed, track, has_distance),
    )
