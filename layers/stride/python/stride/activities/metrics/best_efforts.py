"""Best efforts of a run: for each of Strava's distances up to the run's length, the fastest stretch.

For every start sample, ``np.searchsorted`` on the cumulative distance finds the first sample at least the
effort's distance further, and the finishing time is interpolated between it and the sample before (sub-
second). The fastest elapsed time wins (Strava ranks best efforts by elapsed time, stops included). Long
activities are searched coarse-to-fine (``_fastest``), exactly, in a few thousand vectorised look-ups per
distance instead of one per sample.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.results import BestEffort
from stride.activities.metrics.series import FloatArray, IntArray
from stride.activities.metrics.track import Track

COARSE_STARTS = 16384  # starts in the first pass; longer activities search only the promising windows after

DISTANCES: tuple[tuple[str, float], ...] = (
    ("400m", 400.0),
    ("1/2 mile", 804.672),
    ("1k", 1000.0),
    ("1 mile", 1609.344),
    ("2 mile", 3218.688),
    ("5k", 5000.0),
    ("10k", 10000.0),
    ("15k", 15000.0),
    ("10 mile", 16093.44),
    ("20k", 20000.0),
    ("Half-Marathon", 21097.5),
    ("30k", 30000.0),
    ("Marathon", 42195.0),
)


def _finish(dist: FloatArray, elapsed: FloatArray, starts: IntArray, length: float) -> tuple[FloatArray, IntArray]:
    """Interpolated elapsed time at which each start first has ``length`` metres behind it, and that sample."""
    targets = dist[starts] + length
    j = np.searchsorted(dist, targets, side="left")  # first sample at or past the target; j >= 1
    d0, d1 = dist[j - 1], dist[j]
    frac = (targets - d0) / np.maximum(d1 - d0, 1e-12)
    return elapsed[j - 1] + frac * (elapsed[j] - elapsed[j - 1]), j


def _fastest(dist: FloatArray, elapsed: FloatArray, length: float) -> tuple[int, float, int]:
    """(start sample, finish time, finish sample) of the fastest stretch of ``length`` metres.

    Exact, in two passes: every ``step``-th start first; a later start never finishes earlier, so a window of
    starts [c, c + step) cannot beat the coarse best unless ``dur(c)`` minus the window's time span does.
    Only those windows are then searched start by start.
    """
    m = int(np.searchsorted(dist, dist[-1] - length, side="right"))  # starts that can still reach it
    step = max(1, m // COARSE_STARTS)
    coarse = np.arange(0, m, step)
    finish, _ = _finish(dist, elapsed, coarse, length)
    duration = finish - elapsed[coarse]
    if step > 1:
        window_end = elapsed[np.minimum(coarse + step - 1, m - 1)]
        hopeful = coarse[duration - (window_end - elapsed[coarse]) <= duration.min()]
        starts = (hopeful[:, None] + np.arange(step)).ravel()
        coarse = starts[starts < m]
        finish, _ = _finish(dist, elapsed, coarse, length)
        duration = finish - elapsed[coarse]
    k = int(np.argmin(duration))
    i = int(coarse[k])
    end_time, end = _finish(dist, elapsed, np.array([i]), length)
    return i, float(end_time[0]), int(end[0])


def best_efforts(track: Track) -> list[BestEffort]:
    n = len(track)
    if n < 2:
        return []
    dist, elapsed = track.dist, track.elapsed
    total = float(dist[-1] - dist[0])
    out: list[BestEffort] = []
    for name, length in DISTANCES:
        if length > total:
            break
        i, finish, end = _fastest(dist, elapsed, length)
        moving_end = float(np.interp(finish, elapsed[end - 1 : end + 1], track.moving_axis[end - 1 : end + 1]))
        out.append(
            BestEffort(
                name=name,
                distance=length,
                elapsed_time=round(finish - float(elapsed[i])),
                moving_time=round(moving_end - float(track.moving_axis[i])),
                start_index=i,
                end_index=end,
                start_time=float(track.t[i]),
            )
        )
    return out
