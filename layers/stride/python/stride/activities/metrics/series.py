"""Small vectorised helpers over sample columns: gap filling, interpolation on monotone axes, weighted means.

Intervals: interval ``i`` (1..n-1) runs from sample ``i-1`` to sample ``i`` and carries the values recorded at
sample ``i`` (devices write the reading at the end of the second it describes). Arrays of per-interval values
have length n with a 0 in slot 0, so that prefix sums index like samples.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def ffill_index(valid: BoolArray) -> IntArray:
    """For each slot, the index of the last valid slot at or before it (-1 before the first)."""
    idx = np.where(valid, np.arange(valid.shape[0]), -1)
    return np.maximum.accumulate(idx) if idx.size else idx


def bfill_index(valid: BoolArray) -> IntArray:
    """For each slot, the index of the next valid slot at or after it (n after the last)."""
    n = valid.shape[0]
    idx = np.where(valid, np.arange(n), n)
    return np.minimum.accumulate(idx[::-1])[::-1] if n else idx


def fill_short_gaps(t: FloatArray, x: FloatArray, max_gap: float) -> FloatArray:
    """Linear interpolation of NaN samples lying between two readings at most ``max_gap`` seconds apart.

    Longer gaps and the ends stay NaN: a sensor that dropped out did not record, and a line across a long
    gap would invent data.
    """
    valid = np.isfinite(x)
    if valid.all() or not valid.any():
        return x.copy()
    prev = ffill_index(valid)
    nxt = bfill_index(valid)
    n = x.shape[0]
    hole = ~valid & (prev >= 0) & (nxt < n)
    out = x.copy()
    if hole.any():
        p, q = prev[hole], nxt[hole]
        short = (t[q] - t[p]) <= max_gap
        filled = np.interp(t[hole], t[valid], x[valid])
        out[np.flatnonzero(hole)[short]] = filled[short]
    return out


def interp_monotone(xp: FloatArray, fp: FloatArray, x: FloatArray) -> FloatArray:
    """np.interp for a non-decreasing ``xp`` that may repeat values (np.interp may return NaN there).

    Queries falling on a repeated value take the first sample reaching it; outside the range, the ends.
    """
    n = xp.shape[0]
    if n == 1:
        return np.full(x.shape, fp[0])
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    x0, x1 = xp[j], xp[j + 1]
    span = x1 - x0
    frac = np.where(span > 0, (x - x0) / np.where(span > 0, span, 1.0), 0.0)
    frac = np.clip(frac, 0.0, 1.0)
    return fp[j] + frac * (fp[j + 1] - fp[j])


def crossing(xp: FloatArray, fp: FloatArray, targets: FloatArray) -> tuple[FloatArray, IntArray]:
    """Where a non-decreasing ``xp`` first reaches each target: ``fp`` interpolated there, and the sample index.

    The index is the first sample with ``xp >= target``; the value is interpolated between it and the sample
    before it. Targets beyond the end give the last sample.
    """
    n = xp.shape[0]
    j = np.clip(np.searchsorted(xp, targets, side="left"), 0, n - 1)
    i = np.maximum(j - 1, 0)
    span = xp[j] - xp[i]
    frac = np.where(span > 0, (targets - xp[i]) / np.where(span > 0, span, 1.0), 1.0)
    frac = np.clip(frac, 0.0, 1.0)
    return fp[i] + frac * (fp[j] - fp[i]), j.astype(np.int64)


def weighted_mean(x: FloatArray, w: FloatArray) -> float | None:
    """Mean of the recorded values of ``x`` weighted by ``w``; the plain mean when all weights are 0."""
    ok = np.isfinite(x)
    if not ok.any():
        return None
    xs, ws = x[ok], w[ok]
    total = float(ws.sum())
    if total > 0:
        return float((xs * ws).sum() / total)
    return float(xs.mean())


def nanmax(x: FloatArray) -> float | None:
    ok = np.isfinite(x)
    return float(x[ok].max()) if ok.any() else None


def prefix(values: FloatArray) -> FloatArray:
    """Prefix sums with a leading 0: ``p[b] - p[a]`` sums ``values[a:b]``."""
    return np.concatenate(([0.0], np.cumsum(values)))
