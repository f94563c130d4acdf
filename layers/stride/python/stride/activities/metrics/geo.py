"""Great-circle geometry on numpy arrays.

Haversine on a sphere of the mean Earth radius (IUGG, 6371.0088 km): within 0.5 % of the WGS84 ellipsoid,
which is what GPS devices, gpxpy and Strava's own GPS distance use too.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.series import BoolArray, FloatArray

EARTH_RADIUS = 6_371_008.8  # m
GPS_NOISE = 30.0  # m a step may exceed its plausible length by before it is a jump


def haversine(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Metres between points (degrees), element-wise."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb * 0.5) ** 2
    return 2.0 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def steps(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Metres from each point to the next (length n-1)."""
    return haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])


def drop_jumps(t: FloatArray, lat: FloatArray, lon: FloatArray, max_speed: float, passes: int = 3) -> BoolArray:
    """Which fixes to keep: drop spikes, fixes reached and left faster than ``max_speed`` (plus ``GPS_NOISE``
    metres of slack) while their two neighbours are plausibly close to each other.

    Only spikes go: dropping every fix after a fast step would eat a whole stretch of good track after a
    genuine discontinuity (a stale fix, a resumed recording), so a step stays and counts its straight line.
    A few passes catch spikes of two or three fixes.
    """
    keep = np.ones(t.shape[0], dtype=bool)
    for _ in range(passes):
        idx = np.flatnonzero(keep)
        if idx.size < 3:
            break
        tt, la, lo = t[idx], lat[idx], lon[idx]
        # sub-second steps are judged over a second; GPS noise adds metres to every step (at 1 Hz, ±10 m
        # of scatter alone reads as 20 m/s)
        step = steps(la, lo)
        fast = step > max_speed * np.maximum(np.diff(tt), 1.0) + GPS_NOISE
        across = haversine(la[:-2], lo[:-2], la[2:], lo[2:])
        across_ok = across <= max_speed * np.maximum(tt[2:] - tt[:-2], 1.0) + GPS_NOISE
        spike = fast[:-1] & fast[1:] & across_ok
        if not spike.any():
            break
        keep[idx[1:-1][spike]] = False
    return keep
