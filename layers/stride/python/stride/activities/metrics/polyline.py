"""Google encoded polylines (precision 5) and the simplification behind Strava's ``summary_polyline``.

``encode`` is vectorised: round to 1e-5 degrees, delta against the previous point, zigzag the sign into the
low bit, then split each value into its 5-bit chunks (low chunk first, 0x20 on all but the last, +63): the
output has one slot per (value, chunk), so the chunks are computed for all slots at once. No Python loop.

``simplify`` is Douglas-Peucker done level by level: each pass measures every point against its segment at
once and splits all segments whose farthest point is beyond ``tolerance`` metres, until none is or
``max_points`` are kept (the farthest points win the last places). About log2(kept points) passes, each one
vectorised over the points: no Python loop over points, no recursion. Tracks longer
than ``_SIMPLIFY_INPUT`` points are first thinned to every k-th point (always keeping the last): a summary
of at most a few hundred points cannot show detail finer than that, and it bounds the work.
"""

from __future__ import annotations

import numpy as np

from stride.activities.metrics.geo import EARTH_RADIUS
from stride.activities.metrics.series import FloatArray, IntArray
from stride.privacy.trim import decode_polyline

SUMMARY_TOLERANCE = 10.0  # m
SUMMARY_MAX_POINTS = 300
_SIMPLIFY_INPUT = 10_000  # points Douglas-Peucker looks at: longer tracks are thinned evenly first


def encode(lat: FloatArray, lon: FloatArray, precision: int = 5) -> str:
    if lat.shape[0] == 0:
        return ""
    scaled = np.round(np.column_stack((lat, lon)) * 10.0**precision).astype(np.int64)
    delta = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    zz = (delta << 1) ^ (delta >> 63)  # zigzag: the sign into the low bit
    # chunks per value: ceil(bit length / 5), at least 1 (frexp's exponent is the bit length)
    count = np.maximum((np.frexp(zz.astype(np.float64))[1] + 4) // 5, 1)
    ends = np.cumsum(count)
    # one output character per (value, chunk): which value it belongs to and which chunk of it it is
    owner = np.repeat(np.arange(zz.shape[0]), count)
    k = np.arange(int(ends[-1])) - (ends - count)[owner]
    chunk = (zz[owner] >> (5 * k)) & 0x1F
    chunk |= (k < count[owner] - 1) * 0x20
    return (chunk + 63).astype(np.uint8).tobytes().decode("ascii")


def decode(text: str) -> list[tuple[float, float]]:
    """The points of an encoded polyline (for tests and tools): the one stdlib decoder of ``stride.privacy``."""
    return decode_polyline(text)


def _to_segment(x: FloatArray, y: FloatArray, a: IntArray, b: IntArray) -> FloatArray:
    """Distance of every point to the segment between points ``a[i]`` and ``b[i]`` (element-wise)."""
    ax, ay = x[a], y[a]
    dx, dy = x[b] - ax, y[b] - ay
    length2 = dx * dx + dy * dy
    u = ((x - ax) * dx + (y - ay) * dy) / np.where(length2 > 0, length2, 1.0)
    u = np.clip(u, 0.0, 1.0)
    return np.hypot(x - (ax + u * dx), y - (ay + u * dy))


def simplify(lat: FloatArray, lon: FloatArray, tolerance: float, max_points: int) -> IntArray:
    """Indices of the points Douglas-Peucker keeps (always the first and last).

    Level by level: every segment whose farthest point lies beyond ``tolerance`` is split at that point,
    all segments at once (one numpy pass over the points per level, ~log2 of the points kept). When the
    splits of a level would exceed ``max_points``, the farthest points win.
    """
    n = lat.shape[0]
    if n <= 2:
        return np.arange(n, dtype=np.int64)
    # Local equirectangular metres: exact enough over one activity, and cheap.
    scale = np.pi / 180 * EARTH_RADIUS
    y = lat * scale
    x = lon * scale * np.cos(np.radians(float(np.mean(lat))))
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    while (budget := max_points - int(keep.sum())) > 0:
        kept = np.flatnonzero(keep)
        seg = np.minimum(np.cumsum(keep) - 1, kept.shape[0] - 2)  # the segment each point lies in
        d = _to_segment(x, y, kept[seg], kept[seg + 1])
        d[keep] = 0.0
        worst = np.maximum.reduceat(d, kept[:-1])  # per segment (the last one includes the end point)
        split = np.flatnonzero(worst > tolerance)
        if split.size == 0:
            break
        if split.size > budget:
            split = split[np.argsort(worst[split])[::-1][:budget]]
        # the first point of each split segment reaching its maximum
        hit = np.flatnonzero(np.isin(seg, split) & (d == worst[seg]) & ~keep)
        _, first = np.unique(seg[hit], return_index=True)
        keep[hit[first]] = True
    return np.flatnonzero(keep).astype(np.int64)


def track(lat: FloatArray, lon: FloatArray) -> tuple[str, str]:
    """(detailed, summary) polylines of a track of finite fixes."""
    scaled = np.round(np.column_stack((lat, lon)) * 1e5)
    # Repeated points (standing still) encode as "??" each and draw nothing: drop them.
    fresh = np.concatenate(([True], np.any(scaled[1:] != scaled[:-1], axis=1)))
    lat, lon = lat[fresh], lon[fresh]
    step = -(-lat.shape[0] // _SIMPLIFY_INPUT)
    thin = np.unique(np.append(np.arange(0, lat.shape[0], step), lat.shape[0] - 1)) if lat.size else np.arange(0)
    kept = thin[simplify(lat[thin], lon[thin], SUMMARY_TOLERANCE, SUMMARY_MAX_POINTS)]
    return encode(lat, lon), encode(lat[kept], lon[kept])
