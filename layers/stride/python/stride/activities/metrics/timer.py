"""Timer time: wall-clock time minus the intervals the file says the timer was stopped (``pauses``).

Pauses come from FIT timer stop/start events (auto-pause or the lap button's stop) and from GPX/TCX segment
gaps. A pause can start or end between samples, so each sample interval loses exactly its overlap with the
pauses: elapsed time minus that overlap is the device's ``total_timer_time``.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.series import FloatArray


def _merged(pauses: list[tuple[float, float]]) -> tuple[FloatArray, FloatArray]:
    spans = sorted((float(a), float(b)) for a, b in pauses if np.isfinite(a) and np.isfinite(b) and b > a)
    starts: list[float] = []
    ends: list[float] = []
    for a, b in spans:  # a handful of pauses, not samples
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return np.asarray(starts, dtype=np.float64), np.asarray(ends, dtype=np.float64)


def paused_until(times: FloatArray, pauses: list[tuple[float, float]]) -> FloatArray:
    """Seconds of pause between the beginning of time and each of ``times`` (a non-decreasing function)."""
    starts, ends = _merged(pauses)
    if starts.size == 0:
        return np.zeros(times.shape)
    done = np.concatenate(([0.0], np.cumsum(ends - starts)))
    k = np.searchsorted(starts, times, side="right")  # pauses started at or before each time
    last = np.maximum(k - 1, 0)
    partial = np.where(k > 0, np.clip(times - starts[last], 0.0, ends[last] - starts[last]), 0.0)
    return done[last] + partial if k.size else np.zeros(times.shape)


def timer_intervals(t: FloatArray, pauses: list[tuple[float, float]]) -> FloatArray:
    """Per-interval timer seconds (slot 0 is 0): each interval's length minus its overlap with pauses."""
    if t.size == 0:
        return np.zeros(0)
    dt = np.diff(t, prepend=t[0])
    if pauses:
        dt = dt - np.diff(paused_until(t, pauses), prepend=0.0)
    return np.maximum(dt, 0.0)
