"""Strava streams, equal length n, only those with data.

- ``time``: whole seconds since the first sample (Strava's time stream is integers).
- ``latlng``: (n, 2) degrees; a sample without a fix is interpolated between the fixes around it when they
  are at most ``POSITION_GAP`` seconds apart (a dropped fix or two), else NaN (a tunnel or the watch under
  water stays a hole rather than a straight line). NaN is stored as null by the service.
- ``distance`` (m, cumulative), ``velocity_smooth`` (m/s) and ``moving`` (bool, the interval ending at the
  sample; the first sample takes the second's): only when there was distance information.
- ``altitude``: the recorded altitude, short gaps interpolated like positions.
- ``grade_smooth``: percent, from the smoothed altitude over ±25 m of distance.
- ``heartrate``, ``cadence``, ``watts``, ``temp``: as recorded, NaN where not recorded.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from stride.activities.metrics import elevation
from stride.activities.metrics.series import fill_short_gaps
from stride.activities.metrics.track import Track
from stride.activities.parsing.model import ParsedActivity

POSITION_GAP = 10.0  # s
ALTITUDE_GAP = 30.0  # s


def build(parsed: ParsedActivity, track: Track, has_distance: bool) -> dict[str, npt.NDArray[np.generic]]:
    n = len(track)
    if n == 0:
        return {}
    t = track.t
    out: dict[str, npt.NDArray[np.generic]] = {"time": np.round(track.elapsed).astype(np.int64)}
    if parsed.has_gps:
        lat = fill_short_gaps(t, parsed.lat, POSITION_GAP)
        lon = fill_short_gaps(t, parsed.lon, POSITION_GAP)
        both = np.isfinite(lat) & np.isfinite(lon)
        out["latlng"] = np.column_stack((np.where(both, lat, np.nan), np.where(both, lon, np.nan)))
    if has_distance:
        out["distance"] = track.dist.copy()
        out["velocity_smooth"] = track.velocity.copy()
        moving = track.moving.copy()
        if n > 1:
            moving[0] = moving[1]
        out["moving"] = moving
    if track.altitude is not None:
        out["altitude"] = fill_short_gaps(t, parsed.altitude, ALTITUDE_GAP)
        if has_distance:
            out["grade_smooth"] = elevation.grade(track.dist, track.altitude)
    for name, column in (
        ("heartrate", parsed.heartrate),
        ("cadence", parsed.cadence),
        ("watts", parsed.watts),
        ("temp", parsed.temp),
    ):
        if np.isfinite(column).any():
            out[name] = column.copy()
    return out
