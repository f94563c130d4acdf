"""The cumulative distance stream, from the best source the file has.

1. The device's distance column (wheel sensor, foot pod, or the device's own filtered GPS): it is the
   number the device showed and the one Strava keeps for device files. Resets (chained multisport files,
   some apps restarting at each lap) are stitched: a drop to under half the previous value starts a new
   segment that adds on; smaller backward steps are sensor corrections and are held (running maximum).
2. GPS: haversine between consecutive fixes, skipping samples without a fix and spikes that imply steps
   faster than the sport allows (GPS jumps, see ``geo.drop_jumps``). A sample without a fix gets the
   distance interpolated in time between the fixes around it.
3. The device's speed column integrated over timer time (speed sensor without a distance field).
4. Nothing (indoor without sensors): 0 everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stride.activities.metrics import geo
from stride.activities.metrics.series import FloatArray, ffill_index

_SEGMENT = 1e9  # larger than any distance: lifts each reset segment above the previous for a running max


def from_device(d: FloatArray) -> FloatArray | None:
    valid = np.isfinite(d)
    if not valid.any():
        return None
    idx = ffill_index(valid)
    x = np.where(idx >= 0, d[np.maximum(idx, 0)], 0.0)  # before the first reading: 0
    x = np.maximum(x, 0.0)
    prev = np.concatenate(([0.0], x[:-1]))
    reset = x < 0.5 * prev
    if not reset.any():
        return np.maximum.accumulate(x)
    seg = np.cumsum(reset)
    held = np.maximum.accumulate(x + seg * _SEGMENT) - seg * _SEGMENT
    # Each new segment adds on to where the previous one ended.
    ends = held[np.flatnonzero(reset) - 1]
    offset = np.concatenate(([0.0], np.cumsum(ends)))[seg]
    return held + offset


def from_gps(t: FloatArray, lat: FloatArray, lon: FloatArray, max_speed: float) -> FloatArray | None:
    fix = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if fix.size < 2:
        return None
    kept = fix[geo.drop_jumps(t[fix], lat[fix], lon[fix], max_speed)]
    along = np.concatenate(([0.0], np.cumsum(geo.steps(lat[kept], lon[kept]))))
    # Samples without a (kept) fix sit in time between the fixes around them; before the first fix, 0.
    return np.interp(t, t[kept], along)


def from_speed(speed: FloatArray, timer_dt: FloatArray) -> FloatArray | None:
    valid = np.isfinite(speed)
    if not valid.any():
        return None
    idx = ffill_index(valid)
    v = np.where(idx >= 0, speed[np.maximum(idx, 0)], 0.0)
    return np.cumsum(np.maximum(v, 0.0) * timer_dt)


def cumulative(
    t: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
    device: FloatArray,
    speed: FloatArray,
    timer_dt: FloatArray,
    max_speed: float,
) -> tuple[FloatArray, str | None]:
    """Cumulative metres per sample, and its source: "device" | "gps" | "speed" | None (zeros).

    A source that never moves (a rowing machine writing distance 0 beside a GPS track) yields to the next.
    """
    fallback: tuple[FloatArray, str | None] = (np.zeros(t.shape[0]), None)
    makers: tuple[tuple[str, Callable[[], FloatArray | None]], ...] = (
        ("device", lambda: from_device(device)),
        ("gps", lambda: from_gps(t, lat, lon, max_speed)),
        ("speed", lambda: from_speed(speed, timer_dt)),
    )
    for source, make in makers:  # built lazily: GPS distance is skipped when the device's is good
        dist = make()
        if dist is None:
            continue
        if dist[-1] > dist[0]:
            return dist, source
        if fallback[1] is None:
            fallback = (dist, source)
    return fallback
