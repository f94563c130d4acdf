"""Laps: the file's own laps (lap button, auto-lap, workout steps), else one lap of the whole activity.

A file lap is mapped to samples by its times: from the last sample at or before its start to the last sample
at or before its end, so consecutive laps share their boundary sample. Its sums take the intervals between
those samples, so every interval belongs to one lap and the laps of a file add up to the activity. Elapsed
time is the file's (end - start); moving time, distance, gain and averages come from our streams, as Strava
recomputes them.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics import elevation
from stride.activities.metrics.results import Lap
from stride.activities.metrics.series import nanmax, weighted_mean
from stride.activities.metrics.track import Track
from stride.activities.parsing.model import FileLap


def _lap(track: Track, index: int, first: int, last: int, start_time: float, end_time: float) -> Lap:
    # The lap's intervals: from its first sample to its last (first + 1 .. last).
    lo, hi = first + 1, last + 1
    weights = track.weights[lo:hi]
    moving = float(track.moving_dt[lo:hi].sum())
    distance = float(track.dist[last] - track.dist[first])
    gain = 0.0
    if track.altitude is not None and last > first:
        gain = elevation.gain(track.altitude[first:hi], track.climb_threshold)
    cadence = track.cadence[lo:hi]
    watts = track.watts[lo:hi]
    return Lap(
        lap_index=index,
        name=f"Lap {index}",
        start_index=first,
        end_index=last,
        start_time=start_time,
        elapsed_time=round(max(end_time - start_time, 0.0)),
        moving_time=round(moving),
        distance=distance,
        total_elevation_gain=gain,
        average_speed=distance / moving if moving > 0 else 0.0,
        max_speed=track.top_speed(first, hi),
        average_cadence=weighted_mean(np.where(cadence > 0, cadence, np.nan), weights),
        average_heartrate=weighted_mean(track.heartrate[lo:hi], weights),
        max_heartrate=nanmax(track.heartrate[first:hi]),
        average_watts=weighted_mean(watts, track.moving_dt[lo:hi]) if np.isfinite(watts).any() else None,
        split=index,
    )


def laps(track: Track, file_laps: list[FileLap]) -> list[Lap]:
    n = len(track)
    if n == 0:
        return []
    spans = sorted(
        (lap.start_time, lap.end_time)
        for lap in file_laps
        if np.isfinite(lap.start_time) and np.isfinite(lap.end_time) and lap.end_time >= lap.start_time
    )
    if not spans:
        return [_lap(track, 1, 0, n - 1, float(track.t[0]), float(track.t[-1]))]
    starts = np.asarray([s for s, _ in spans])
    ends = np.asarray([e for _, e in spans])
    # Both ends: the last sample at or before the lap's time, so consecutive laps share their boundary
    # sample and every interval belongs to exactly one lap.
    first = np.clip(np.searchsorted(track.t, starts, side="right") - 1, 0, n - 1)
    last = np.clip(np.searchsorted(track.t, ends, side="right") - 1, 0, n - 1)
    last = np.maximum(last, first)
    return [
        _lap(track, k + 1, int(a), int(b), float(s), float(e))
        for k, (a, b, s, e) in enumerate(zip(first, last, starts, ends, strict=True))
    ]
