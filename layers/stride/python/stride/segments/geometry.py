"""Segment geometry: distances, the shape of a segment (Strava's numbers) and the stored path.

* Distances are haversine on a sphere of the mean Earth radius, the same as the activity metrics
  (``stride.activities.metrics.geo``), so a segment measured here and the same stretch of an activity's
  ``distance`` stream agree.
* ``describe`` gives the numbers of Strava's segment models: distance, average grade (end altitude minus start
  altitude over the distance), maximum grade (the steepest stretch of at least ``MAX_GRADE_RUN`` metres of the
  resampled, lightly smoothed profile, so one noisy altitude sample cannot make a 40 % wall), elevation
  high/low, total elevation gain (hysteresis: a climb counts once it rose ``GAIN_THRESHOLD`` above the last
  low, then in full) and the climb category.
* ``make_path`` resamples the segment's line every ``PATH_STEP`` metres at most (exact first and last points):
  matching projects onto it, and evenly spaced points make the projection's cost and accuracy predictable.
  ``path_to_bytes`` stores it as zlib-compressed int32 deltas (micro-degrees, centimetres, decimetres): about
  5 KB for 10 km drawn from a noisy GPS track.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

EARTH_RADIUS = 6_371_008.8  # m, the mean radius (as the activity metrics)
PATH_STEP = 10.0  # m between resampled path points (at most)
MAX_GRADE_RUN = 100.0  # m: the shortest stretch the maximum grade is measured over
SMOOTH_POINTS = 5  # resampled points each side in the altitude moving mean (a 110 m window)
GAIN_THRESHOLD = 2.0  # m of rise before a climb counts (after smoothing)

# Strava's climb categories: distance (m) x average grade (%) at least the score -> category value of the API
# (1 is category 4 ... 4 is category 1, 5 is HC; 0 not categorised, also below MIN_CLIMB_GRADE).
CLIMB_SCORES = ((80_000.0, 5), (64_000.0, 4), (32_000.0, 3), (16_000.0, 2), (8_000.0, 1))
MIN_CLIMB_GRADE = 3.0  # %

_MAGIC = b"SGP1"
_HEADER = struct.Struct("<4sBI")  # magic, flags (bit 0: altitude), number of points
_HAS_ALTITUDE = 1


def haversine(lat1: npt.ArrayLike, lng1: npt.ArrayLike, lat2: npt.ArrayLike, lng2: npt.ArrayLike) -> FloatArray:
    """Metres between points (degrees), element-wise."""
    p1 = np.radians(np.asarray(lat1, dtype=np.float64))
    p2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dlmb = np.radians(np.asarray(lng2, dtype=np.float64) - np.asarray(lng1, dtype=np.float64))
    a = np.sin((p2 - p1) * 0.5) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb * 0.5) ** 2
    return np.asarray(2.0 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def cumulative_distance(lat: FloatArray, lng: FloatArray) -> FloatArray:
    """Metres along the line from its first point to each point."""
    if lat.shape[0] == 0:
        return np.zeros(0)
    return np.concatenate(([0.0], np.cumsum(haversine(lat[:-1], lng[:-1], lat[1:], lng[1:]))))


def local_xy(lat: FloatArray, lng: FloatArray, lat0: float, lng0: float) -> tuple[FloatArray, FloatArray]:
    """Equirectangular metres east (x) and north (y) of (lat0, lng0).

    Good to a few centimetres over the few kilometres around a segment (the error grows with the square of
    the distance from the origin), and far cheaper than haversine for projecting thousands of points.
    """
    k = math.pi / 180.0 * EARTH_RADIUS
    x = (lng - lng0) * (k * math.cos(math.radians(lat0)))
    y = (lat - lat0) * k
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


@dataclass(frozen=True)
class SegmentShape:
    distance: float  # m
    average_grade: float  # %
    maximum_grade: float  # %
    elevation_high: float | None  # m
    elevation_low: float | None  # m
    total_elevation_gain: float  # m
    climb_category: int  # 0..5 as Strava's API (5 is HC)
    start_latlng: tuple[float, float]
    end_latlng: tuple[float, float]


@dataclass(frozen=True, eq=False)
class SegmentPath:
    """The segment's points as matching needs them, resampled about every ``PATH_STEP`` metres."""

    lat: FloatArray
    lng: FloatArray
    distance: FloatArray  # cumulative metres from the start
    altitude: FloatArray | None

    @property
    def length(self) -> float:
        return float(self.distance[-1])


def climb_category(distance: float, average_grade: float) -> int:
    """Strava's climb category (API value 0..5) from distance (m) x average grade (%)."""
    if not (math.isfinite(distance) and math.isfinite(average_grade)) or average_grade < MIN_CLIMB_GRADE:
        return 0
    score = distance * average_grade
    for threshold, category in CLIMB_SCORES:
        if score >= threshold:
            return category
    return 0


def _as_line(lat: Sequence[float] | FloatArray, lng: Sequence[float] | FloatArray) -> tuple[FloatArray, FloatArray]:
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lng, dtype=np.float64)
    if la.ndim != 1 or la.shape != lo.shape:
        raise ValueError("lat and lng must be flat sequences of the same length")
    if la.shape[0] < 2:
        raise ValueError("a segment needs at least two points")
    if not (np.isfinite(la).all() and np.isfinite(lo).all()):
        raise ValueError("coordinates must be finite numbers")
    if (np.abs(la) > 90.0).any() or (np.abs(lo) > 180.0).any():
        raise ValueError("coordinates out of range")
    return la, lo


def _as_altitude(altitude: Sequence[float | None] | FloatArray | None, n: int) -> FloatArray | None:
    """Altitude as floats with gaps (None, NaN) filled from the neighbours; None when fewer than 2 values."""
    if altitude is None:
        return None
    alt = np.array([np.nan if a is None else a for a in altitude], dtype=np.float64)
    if alt.shape[0] != n:
        raise ValueError("altitude must have one value per point")
    ok = np.isfinite(alt)
    if np.count_nonzero(ok) < 2:
        return None
    if not ok.all():
        idx = np.arange(n)
        alt = np.interp(idx, idx[ok], alt[ok])
    return alt


def make_path(
    lat: Sequence[float] | FloatArray,
    lng: Sequence[float] | FloatArray,
    altitude: Sequence[float | None] | FloatArray | None = None,
) -> SegmentPath:
    """Resample the line every ``PATH_STEP`` metres at most, keeping the exact first and last points.

    Points are interpolated linearly along the line's cumulative distance, so corners are cut by at most a
    few metres (a 90 degree corner by about 3.5 m). Repeated points are dropped first. ``ValueError`` for
    fewer than two points, bad coordinates, or a line of no length.
    """
    la, lo = _as_line(lat, lng)
    alt = _as_altitude(altitude, la.shape[0])
    dist = cumulative_distance(la, lo)
    keep = np.concatenate(([True], np.diff(dist) > 0.0))
    la, lo, dist = la[keep], lo[keep], dist[keep]
    if alt is not None:
        alt = alt[keep]
    total = float(dist[-1])
    if total <= 0.0:
        raise ValueError("a segment must have a length")
    steps = max(1, math.ceil(total / PATH_STEP))
    at = np.linspace(0.0, total, steps + 1)
    r_lat = np.interp(at, dist, la)
    r_lng = np.interp(at, dist, lo)
    r_lat[0], r_lng[0], r_lat[-1], r_lng[-1] = la[0], lo[0], la[-1], lo[-1]
    r_alt = None if alt is None else np.interp(at, dist, alt)
    return SegmentPath(lat=r_lat, lng=r_lng, distance=at, altitude=r_alt)


def _smooth(alt: FloatArray, half: int = SMOOTH_POINTS) -> FloatArray:
    """Centred moving mean over 2*half+1 points, the window shrinking symmetrically at the ends."""
    n = alt.shape[0]
    if n < 3 or half < 1:
        return alt.copy()
    idx = np.arange(n)
    h = np.minimum(half, np.minimum(idx, n - 1 - idx))
    s = np.concatenate(([0.0], np.cumsum(alt)))
    return np.asarray((s[idx + h + 1] - s[idx - h]) / (2 * h + 1), dtype=np.float64)


def _maximum_grade(distance: FloatArray, alt: FloatArray, average: float) -> float:
    """Steepest grade over any stretch of at least ``MAX_GRADE_RUN`` metres (never below the average)."""
    total = float(distance[-1])
    if total <= MAX_GRADE_RUN:
        return average
    end = np.searchsorted(distance, distance + MAX_GRADE_RUN, side="left")
    ok = end < distance.shape[0]
    start = np.flatnonzero(ok)
    stop = end[ok]
    grades = (alt[stop] - alt[start]) / (distance[stop] - distance[start]) * 100.0
    return max(float(grades.max()), average) if grades.size else average


def _gain(alt: FloatArray, threshold: float = GAIN_THRESHOLD) -> float:
    """Total ascent: a climb counts once it rose ``threshold`` above the last low, then from that low."""
    total = 0.0
    low = peak = float(alt[0])
    climbing = False
    for a in alt.tolist():
        if climbing:
            if a > peak:
                peak = a
            elif a < peak - threshold:
                total += peak - low
                climbing = False
                low = a
        elif a < low:
            low = a
        elif a >= low + threshold:
            climbing = True
            peak = a
    if climbing:
        total += peak - low
    return total


def describe(
    lat: Sequence[float] | FloatArray,
    lng: Sequence[float] | FloatArray,
    altitude: Sequence[float | None] | FloatArray | None,
) -> SegmentShape:
    """Strava's numbers for a segment drawn through these points (``ValueError`` if it is not a line).

    Without altitude (or fewer than two altitude values) grades and gain are 0, elevation high/low are None
    and the climb is not categorised.
    """
    la, lo = _as_line(lat, lng)
    path = make_path(la, lo, altitude)
    distance = path.length
    start = (float(la[0]), float(lo[0]))
    end = (float(la[-1]), float(lo[-1]))
    raw = _as_altitude(altitude, la.shape[0])
    if path.altitude is None or raw is None:
        return SegmentShape(
            distance=round(distance, 1),
            average_grade=0.0,
            maximum_grade=0.0,
            elevation_high=None,
            elevation_low=None,
            total_elevation_gain=0.0,
            climb_category=0,
            start_latlng=start,
            end_latlng=end,
        )
    average = (float(raw[-1]) - float(raw[0])) / distance * 100.0
    smoothed = _smooth(path.altitude)
    maximum = _maximum_grade(path.distance, smoothed, average)
    return SegmentShape(
        distance=round(distance, 1),
        average_grade=round(average, 1),
        maximum_grade=round(maximum, 1),
        elevation_high=round(float(raw.max()), 1),
        elevation_low=round(float(raw.min()), 1),
        total_elevation_gain=round(_gain(smoothed), 1),
        climb_category=climb_category(distance, average),
        start_latlng=start,
        end_latlng=end,
    )


def _deltas(values: FloatArray, scale: float) -> bytes:
    q = np.round(values * scale).astype(np.int64)
    d = np.diff(q, prepend=np.int64(0))
    if d.size and (np.abs(d) > np.iinfo(np.int32).max).any():
        raise ValueError("path value out of range")
    return d.astype("<i4").tobytes()


def _undeltas(blob: bytes, offset: int, n: int, scale: float) -> FloatArray:
    d = np.frombuffer(blob, dtype="<i4", count=n, offset=offset).astype(np.int64)
    return np.asarray(np.cumsum(d) / scale, dtype=np.float64)


def path_to_bytes(path: SegmentPath) -> bytes:
    """Compact form: int32 deltas of micro-degrees, centimetres and decimetres, zlib-compressed."""
    n = int(path.lat.shape[0])
    flags = _HAS_ALTITUDE if path.altitude is not None else 0
    body = [_deltas(path.lat, 1e6), _deltas(path.lng, 1e6), _deltas(path.distance, 100.0)]
    if path.altitude is not None:
        body.append(_deltas(path.altitude, 10.0))
    return zlib.compress(_HEADER.pack(_MAGIC, flags, n) + b"".join(body), 9)


def path_from_bytes(blob: bytes) -> SegmentPath:
    """The path ``path_to_bytes`` stored (``ValueError`` if the bytes are not one)."""
    try:
        raw = zlib.decompress(blob)
    except zlib.error as exc:
        raise ValueError("not a segment path") from exc
    if len(raw) < _HEADER.size:
        raise ValueError("not a segment path")
    magic, flags, n = _HEADER.unpack_from(raw)
    columns = 4 if flags & _HAS_ALTITUDE else 3
    if magic != _MAGIC or len(raw) != _HEADER.size + 4 * n * columns:
        raise ValueError("not a segment path")
    offset = _HEADER.size
    lat = _undeltas(raw, offset, n, 1e6)
    lng = _undeltas(raw, offset + 4 * n, n, 1e6)
    distance = _undeltas(raw, offset + 8 * n, n, 100.0)
    altitude = _undeltas(raw, offset + 12 * n, n, 10.0) if columns == 4 else None
    return SegmentPath(lat=lat, lng=lng, distance=distance, altitude=altitude)
