"""Power: average, Strava's weighted average watts, max, and work.

- Only intervals while moving count (Strava's average power and weighted average are over moving time;
  coasting while moving is a real 0 W and counts). Samples without a power reading are skipped, so a
  multisport file averages over the leg that had a power meter.
- ``weighted_average_watts``: the samples are laid on a 1 s grid of moving time (each interval holds the
  reading at its end, as devices record), a 30 s rolling mean is taken, then the fourth-power mean and its
  fourth root. Activities shorter than 30 s use their whole length as the window.
- ``kilojoules`` = sum(watts * moving seconds) / 1000; ``average_watts`` = the same work over those seconds.
- ``max_watts``: the highest reading (Strava reports the raw peak).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stride.activities.metrics.series import FloatArray, nanmax

ROLLING = 30  # s


@dataclass(slots=True)
class PowerSummary:
    average_watts: float | None
    weighted_average_watts: int | None
    max_watts: int | None
    kilojoules: float | None
    device_watts: bool


def weighted_average(watts: FloatArray, moving_dt: FloatArray) -> float | None:
    """Strava's weighted average (normalised) power over moving time, from per-interval values."""
    ok = np.isfinite(watts) & (moving_dt > 0)
    if not ok.any():
        return None
    w, dt = watts[ok], moving_dt[ok]
    edges = np.cumsum(dt)  # interval k covers (edges[k-1], edges[k]] of moving time
    total = float(edges[-1])
    seconds = int(np.floor(total))
    if seconds < 1:
        return float(w.mean())
    grid = np.arange(seconds, dtype=np.float64) + 0.5
    per_second = w[np.minimum(np.searchsorted(edges, grid, side="left"), w.shape[0] - 1)]
    window = min(ROLLING, seconds)
    csum = np.concatenate(([0.0], np.cumsum(per_second)))
    rolling = (csum[window:] - csum[:-window]) / window
    return float(np.mean(rolling**4) ** 0.25)


def summarize(watts: FloatArray, moving_dt: FloatArray) -> PowerSummary:
    if not np.isfinite(watts).any():
        return PowerSummary(None, None, None, None, device_watts=False)
    ok = np.isfinite(watts) & (moving_dt > 0)
    seconds = float(moving_dt[ok].sum())
    work = float((watts[ok] * moving_dt[ok]).sum())
    average = work / seconds if seconds > 0 else float(np.nanmean(watts))
    weighted = weighted_average(watts, moving_dt)
    peak = nanmax(watts)
    return PowerSummary(
        average_watts=average,
        weighted_average_watts=round(weighted) if weighted is not None else None,
        max_watts=round(peak) if peak is not None else None,
        kilojoules=work / 1000.0,
        device_watts=True,
    )
