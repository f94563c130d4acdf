"""Splits: every kilometre (``splits_metric``) and every mile (``splits_standard``), the last partial one too.

Boundaries are placed on the cumulative distance and their times interpolated between the two samples
around them (the first sample reaching the boundary and the one before), so a split is exact to the
sub-second however sparse the recording. Times are rounded cumulatively, so the splits' seconds add up to
the activity's. The last split ends at the last sample. Elevation difference is the smoothed altitude at the
end minus at the start; average speed is distance over moving time (Strava's pace); average heart rate is
weighted by the seconds of each interval whose sample falls in the split.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.results import Split
from stride.activities.metrics.series import crossing
from stride.activities.metrics.track import Track

METRIC = 1000.0
STANDARD = 1609.344


def splits(track: Track, unit: float) -> list[Split]:
    n = len(track)
    total = float(track.dist[-1]) if n else 0.0
    if n < 2 or total <= 0:
        return []
    marks = np.arange(unit, total, unit)  # full boundaries strictly inside the activity
    edges = np.concatenate(([0.0], marks, [total]))
    elapsed, _ = crossing(track.dist, track.elapsed, marks)
    moving, _ = crossing(track.dist, track.moving_axis, marks)
    e_cum = np.round(np.concatenate(([0.0], elapsed, [track.elapsed[-1]]))).astype(np.int64)
    m_raw = np.concatenate(([0.0], moving, [track.moving_axis[-1]]))
    m_cum = np.round(m_raw).astype(np.int64)
    if track.altitude is not None:
        alt, _ = crossing(track.dist, track.altitude, marks)
        alt_edges = np.concatenate(([track.altitude[0]], alt, [track.altitude[-1]]))
        elev = np.diff(alt_edges)
    else:
        elev = np.zeros(edges.shape[0] - 1)
    count = edges.shape[0] - 1
    which = np.clip(np.searchsorted(marks, track.dist, side="left"), 0, count - 1)
    weights = track.weights
    hr = track.heartrate
    ok = np.isfinite(hr) & (weights > 0)
    seconds = np.bincount(which[ok], weights=weights[ok], minlength=count)
    beats = np.bincount(which[ok], weights=hr[ok] * weights[ok], minlength=count)
    distance = np.diff(edges)
    moving_s = np.diff(m_raw)
    out: list[Split] = []
    for k in range(count):  # one per split, not per sample
        avg_hr = float(beats[k] / seconds[k]) if seconds[k] > 0 else None
        out.append(
            Split(
                split=k + 1,
                distance=float(distance[k]),
                elapsed_time=int(e_cum[k + 1] - e_cum[k]),
                moving_time=int(m_cum[k + 1] - m_cum[k]),
                elevation_difference=float(elev[k]),
                average_speed=float(distance[k] / moving_s[k]) if moving_s[k] > 0 else 0.0,
                average_heartrate=avg_hr,
            )
        )
    return out
