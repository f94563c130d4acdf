"""Moving time and smoothed velocity, the way Strava's server-side auto-pause sees an activity.

All speeds here run on the *timer* axis (wall time with pauses cut out), so a pause never reads as a stop
nor as a burst of speed across it.

- ``velocity_smooth``: distance change over a centred window of ``VELOCITY_WINDOW`` seconds of timer
  time, interpolated on the distance stream. A single GPS spike or a one-second distance glitch is
  diluted, which is why max_speed comes from it (Strava's max speed is not a raw GPS step).
- An interval is slow when its own speed, or the speed over it widened by ``MOVING_MARGIN`` seconds on
  each side, is below the sport's ``min_moving_speed``: its own speed places a stop's edges to the
  second, the widened one keeps GPS jitter while standing (a metre here and there) from breaking a stop
  into moving pieces. A run of slow intervals is a stop only when it lasts ``MIN_STOP`` seconds (Strava's
  server removes stretches below its threshold "for more than 15 seconds"): rolling through a junction,
  a hairpin or a second without a distance update stays moving time.
- Gaps: devices write every 1-10 s (smart recording writes less when nothing changes, and nothing at all
  while stopped). An interval longer than ``GAP`` seconds (and ``GAP_FACTOR`` times the file's median
  interval, so a recorder writing once a minute has no gaps) is credited only the time the athlete needed to
  cover its distance at their typical moving speed (median of the ordinary moving intervals), never more
  than the interval itself: a long hole that hides a stop and a short move does not count whole.
- Sports without a stopped state (``min_moving_speed`` None: swims, gym, board sports) and files with no
  distance information at all (HR-only, trainer without speed) count the whole timer time as moving.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.series import BoolArray, FloatArray, IntArray, interp_monotone

VELOCITY_WINDOW = 5.0  # s of timer time, centred
MOVING_MARGIN = 2.5  # s of timer time added on each side of an interval to judge it
MIN_STOP = 15.0  # s; a shorter slow stretch still counts as moving (Strava's server rule)
GAP = 30.0  # s; a longer interval is a recording gap...
GAP_FACTOR = 3.0  # ...when it is also this many times the file's usual sampling interval


def velocity_smooth(timer_axis: FloatArray, dist: FloatArray, across_pause: BoolArray) -> FloatArray:
    """m/s per sample: distance over a centred window of timer time (clamped at the ends).

    Distance covered across a timer pause (``across_pause``: the interval lost time to a pause) is left
    out: it took no timer time, and would read as an absurd speed (GPX segments a car ride apart).
    """
    if dist.shape[0] < 2 or timer_axis[-1] <= 0:
        return np.zeros(dist.shape[0])
    if across_pause.any():
        step = np.diff(dist, prepend=dist[0])
        dist = dist[0] + np.cumsum(np.where(across_pause, 0.0, step))
    half = VELOCITY_WINDOW / 2
    lo = np.maximum(timer_axis - half, 0.0)
    hi = np.minimum(timer_axis + half, timer_axis[-1])
    d_lo = interp_monotone(timer_axis, dist, lo)
    d_hi = interp_monotone(timer_axis, dist, hi)
    span = hi - lo
    return np.where(span > 0, (d_hi - d_lo) / np.where(span > 0, span, 1.0), 0.0)


def _runs(flag: BoolArray) -> tuple[IntArray, int]:
    """Run id of each slot (consecutive equal flags share one) and the number of runs."""
    change = np.concatenate(([1], (flag[1:] != flag[:-1]).astype(np.int64)))
    ids = np.cumsum(change) - 1
    return ids, int(ids[-1]) + 1


def moving_intervals(
    timer_axis: FloatArray,
    timer_dt: FloatArray,
    dist: FloatArray,
    threshold: FloatArray,
) -> tuple[FloatArray, BoolArray]:
    """Moving seconds per interval (slot 0 is 0) and the moving flag per interval.

    ``threshold`` is the per-interval minimum moving speed (NaN: the sport counts all timer time).
    """
    n = dist.shape[0]
    if n < 2:
        return np.zeros(n), np.zeros(n, dtype=bool)
    running = timer_dt > 0
    timed = np.isnan(threshold)
    if timed.all():
        return np.where(running, timer_dt, 0.0), running
    end = timer_axis[-1]
    hi = np.minimum(timer_axis + MOVING_MARGIN, end)
    lo = np.maximum(np.concatenate(([0.0], timer_axis[:-1])) - MOVING_MARGIN, 0.0)
    d_hi = interp_monotone(timer_axis, dist, hi)
    d_lo = interp_monotone(timer_axis, dist, lo)
    span = hi - lo
    speed = np.where(span > 0, (d_hi - d_lo) / np.where(span > 0, span, 1.0), 0.0)
    own = np.diff(dist, prepend=dist[0]) / np.where(running, timer_dt, 1.0)
    limit = np.where(timed, 0.0, threshold)
    slow = running & ~timed & ((speed < limit) | (own < limit))
    slow[0] = False
    # A slow stretch is a stop only when it lasts MIN_STOP seconds of timer time: a hairpin, a junction
    # rolled through or a second of GPS jitter stays moving time.
    ids, count = _runs(slow)
    length = np.bincount(ids, weights=timer_dt, minlength=count)
    stopped = slow & (length[ids] >= MIN_STOP)
    moving = running & ~stopped
    moving[0] = False
    counted = np.where(moving, timer_dt, 0.0)

    # A gap is long for this file: sparse recorders (one point a minute) have no gaps, only a slow rhythm.
    usual = float(np.median(timer_dt[running])) if running.any() else 0.0
    gap = moving & (timer_dt > max(GAP, GAP_FACTOR * usual)) & ~timed
    if gap.any():
        ordinary = moving & ~gap & ~slow
        step = np.diff(dist, prepend=dist[0])
        pool = ordinary if ordinary.any() else gap
        typical = float(np.median(step[pool] / timer_dt[pool]))
        if typical > 0:
            counted[gap] = np.minimum(timer_dt[gap], step[gap] / typical)
    return counted, moving
