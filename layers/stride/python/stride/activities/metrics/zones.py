"""Time in heart-rate and power zones (Strava's ActivityZone distribution buckets).

Zones arrive as the athlete's boundaries: either the upper bounds of all zones but the last
(``[120, 140, 160, 180]``) or every zone's lower bound (``[0, 120, 140, 160, 180]``); a trailing -1 is
ignored. Buckets are ``(min, max, seconds)`` with the last max -1 (open), as Strava writes them. A value
counts in the bucket where ``min <= value < max``. Time is moving time when anything moved, else timer time,
each interval carrying the reading at its end; unrecorded readings count nowhere.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.results import ZoneDistribution
from stride.activities.metrics.series import FloatArray


def bounds(zones: list[int]) -> list[float]:
    """The boundaries between zones, increasing, without 0 and -1."""
    return sorted({float(z) for z in zones if z > 0})


def distribution(kind: str, values: FloatArray, seconds: FloatArray, zones: list[int]) -> ZoneDistribution | None:
    edges = bounds(zones)
    ok = np.isfinite(values) & (seconds > 0)
    if not edges or not ok.any():
        return None
    bucket = np.searchsorted(np.asarray(edges), values[ok], side="right")
    totals = np.bincount(bucket, weights=seconds[ok], minlength=len(edges) + 1)
    lows = [0.0, *edges]
    highs = [*edges, -1.0]
    # Round the running total, not each bucket, so the buckets add up to the rounded whole.
    cumulative = np.round(np.cumsum(totals)).astype(np.int64)
    per_bucket = np.diff(cumulative, prepend=0)
    buckets = [(lo, hi, int(s)) for lo, hi, s in zip(lows, highs, per_bucket, strict=True)]
    return ZoneDistribution(type=kind, buckets=buckets, sensor_based=True)
