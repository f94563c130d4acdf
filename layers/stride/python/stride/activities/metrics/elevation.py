"""Elevation gain without noise creep, elevation high/low, and grade.

1. Altitude samples (NaN dropped) are smoothed with a centred moving mean over ``SMOOTH_WINDOW`` seconds
   (time-based, so irregular smart recording smooths the same as 1 s recording). Steps across a timer
   pause are taken out first: a barometer drifts with the weather during a long stop, and climbing with
   the timer stopped is not part of the activity (devices do not count it either). The window is short on
   purpose: barometric altitude is already smooth and longer windows shave real short climbs (tuned on
   the FIT corpus against the devices' totals, docs/accuracy.md).
2. Gain is counted with hysteresis: a climb counts only once it has risen ``threshold`` metres above the
   last low point, and then counts in full from that low point to its peak. Noise smaller than the
   threshold never adds up (a flat ride with ±2 m of GPS noise gains 0), and a clean climb counts exactly.
   The threshold adapts to the data: ``MIN_THRESHOLD`` for barometric altitude (smooth, 0.2 m resolution),
   more for noisy GPS altitude (``NOISE_FACTOR`` times the noise the smoothing removed).
3. The hysteresis is a backlash (play) operator y_i = clip(y_{i-1}, x_i - b, x_i + b) with b = threshold/2.
   Clamps compose into clamps, so the whole recursion is one associative prefix scan, done with numpy in
   log2(n) vector passes instead of a Python loop over points. Each rise of y is a climb seen through the
   play: the true climb is the rise plus 2b (b at the first climb when it starts at the first sample).
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.series import FloatArray, prefix

SMOOTH_WINDOW = 5.0  # s, centred
MIN_THRESHOLD = 2.25  # m: barometric altitude
NOISE_FACTOR = 4.0  # threshold = max(MIN_THRESHOLD, NOISE_FACTOR * residual noise std)
MAX_THRESHOLD = 10.0  # m: even the noisiest GPS altitude keeps real 10 m rollers


def smooth(t: FloatArray, alt: FloatArray, window: float = SMOOTH_WINDOW) -> FloatArray:
    """Centred moving mean over ``window`` seconds (per sample, using the samples within the window).

    Linear stretches come out unchanged (a symmetric mean of a line is its centre value), so a clean
    climb keeps its exact height; only turning points lose a few centimetres.
    """
    if alt.shape[0] < 3:
        return alt.copy()
    # The window shrinks symmetrically near the ends, so a steady climb keeps its first and last metres.
    half = np.minimum(window / 2, np.minimum(t - t[0], t[-1] - t))
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    s = prefix(alt)
    return (s[hi] - s[lo]) / (hi - lo)


def without_pause_steps(alt: FloatArray, paused: FloatArray) -> FloatArray:
    """Altitude with every step across a timer pause removed (``paused``: pause seconds up to each sample)."""
    if alt.shape[0] < 2 or not (np.diff(paused) > 0).any():
        return alt
    step = np.where(np.diff(paused) > 0, np.diff(alt), 0.0)
    return alt - np.concatenate(([0.0], np.cumsum(step)))


def backlash(x: FloatArray, half_band: float) -> FloatArray:
    """y_i = clip(y_{i-1}, x_i - b, x_i + b), y_0 = x_0, as a prefix scan of clamp compositions."""
    lo = x - half_band
    hi = x + half_band
    lo[0] = hi[0] = x[0]
    n = x.shape[0]
    shift = 1
    while shift < n:
        # Applying clamp [l1,h1] then [l2,h2] is the clamp [clip(l1,l2,h2), clip(h1,l2,h2)].
        new_lo = np.clip(lo[:-shift], lo[shift:], hi[shift:])
        np.clip(hi[:-shift], lo[shift:], hi[shift:], out=hi[shift:])
        lo[shift:] = new_lo
        shift *= 2
    return lo  # lo == hi: the first clamp is a point


def gain(x: FloatArray, threshold: float) -> float:
    """Total ascent of ``x`` counting only climbs of at least ``threshold`` metres, each in full."""
    if x.shape[0] < 2:
        return 0.0
    b = threshold / 2
    y = backlash(x.astype(np.float64, copy=True), b)
    dy = np.diff(y)
    moves = dy[dy != 0]
    if moves.size == 0:
        return 0.0
    up = moves > 0
    rises = int(up[0]) + int(np.count_nonzero(up[1:] & ~up[:-1]))
    total = float(moves[up].sum()) + 2 * b * rises
    if up[0]:
        total -= b  # the first climb starts at the first sample, not at a low seen through the play
    return total


def threshold_for(raw: FloatArray, smoothed: FloatArray) -> float:
    """Hysteresis threshold from the noise the smoothing removed (GPS altitude is far noisier)."""
    noise = float(np.std(raw - smoothed)) if raw.shape[0] > 2 else 0.0
    return float(np.clip(NOISE_FACTOR * noise, MIN_THRESHOLD, MAX_THRESHOLD))


def grade(dist: FloatArray, alt: FloatArray, half_window: float = 25.0) -> FloatArray:
    """Percent grade per sample: altitude change over distance within ±``half_window`` metres.

    Where the window covers less than ``half_window`` metres (stopped, or the very start), the grade is 0,
    as Strava's grade_smooth reads when standing still.
    """
    n = dist.shape[0]
    if n < 2:
        return np.zeros(n)
    lo = np.searchsorted(dist, dist - half_window, side="left")
    hi = np.minimum(np.searchsorted(dist, dist + half_window, side="right") - 1, n - 1)
    run = dist[hi] - dist[lo]
    rise = alt[hi] - alt[lo]
    ok = (run >= half_window) & np.isfinite(rise)
    return np.where(ok, 100.0 * rise / np.where(ok, run, 1.0), 0.0)
