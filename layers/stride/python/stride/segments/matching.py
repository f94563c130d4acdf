"""Matching an activity's track against segment paths (docs/segments.md "Matching").

For one segment path, in a local frame of metres around the segment's start (equirectangular, good to
centimetres over a few kilometres):

1. **Start crossings.** The start line goes through the segment's start, perpendicular to the path's
   direction over its first ``DIRECTION_RUN`` metres. A start is a pair of consecutive samples *leaving*
   the line forwards (from on or behind it to past it: riding the other way never starts an effort), the
   crossing point within ``START_TOLERANCE`` of the start. Time and distance at the crossing are
   interpolated linearly between the two samples: sub-second, whatever the sampling rate. A track that
   begins just past the line (within the tolerance) starts at its first sample.
2. **End crossings**: the same with the end line (through the end, perpendicular to the last
   ``DIRECTION_RUN`` metres) and ``END_TOLERANCE``, but *reaching* the line (from behind it to on or past
   it): a track that turns at a junction right at the end runs along the end line and never passes it.
   How crossings are found (``_crossings``), per line, only near its origin (``_ZONE``):
   * on positions averaged over ``SMOOTH_SAMPLES`` samples where the recording is dense and even and the
     track moves across the line (exact for steady motion; GPS scatter divided by about 2), the raw
     positions elsewhere (a mean at a corner would move the crossing);
   * plus raw crossings with no averaged one nearby (a U-turn just past the end is shaved off by a mean);
   * plus, where a passage within the tolerance crossed nothing (a track running along the start line
     before turning across it, scattered to the far side), the foot of the line's origin on the track;
   * then one per burst (``_BURST`` samples): scatter flickering across a line is one passage, and the
     crossing nearest the line's origin stands for it.
3. **The corridor.** Track samples are projected onto the path in vectorised chunks (numpy: the nearest
   of every 8th vertex, then the nearest vertex around it, then the exact foot on the two path legs around
   that), giving each sample's progress along the path and its distance from it. Only samples after a start
   crossing are projected, a chunk at a time until one leaves the corridor; a sample outside the path's
   bounding box (grown by the corridor) is out without projecting.
4. **An effort** runs from a start crossing to the first end crossing after it whose progress reaches the
   end (progress at the last sample before the end line plus the track distance to the crossing, within
   ``END_REACH`` of the path's length). Every sample in between must be within ``CORRIDOR`` of the path;
   progress (a centred mean over ``SMOOTH_SAMPLES`` samples) must never go back by more than ``BACKTRACK``
   (GPS scatter passes, a U-turn fails); and the track distance covered must be at least ``MIN_COVERED``
   times the path's length (a shortcut inside the corridor fails). There is no upper bound: the distance of
   a noisy track grows with its scatter (5 m of noise at 1 Hz adds 40 % to a ride), and wandering is
   already bounded by the corridor and the backtrack rule. If the first start fails, the next start
   crossing is tried; after an effort, matching resumes at its end, so an activity can hold several passes.
5. **Loops** (a path that ends within ``START_TOLERANCE + END_TOLERANCE`` of its start): a sample at the
   start/end projects onto either end of the path, so progress is unwrapped (a jump by more than half the
   length is a wrap). The end line is then the start line, and the reach rule makes an effort one lap.

Elapsed time is end crossing minus start crossing. Moving time sums the intervals flagged in the ``moving``
stream (interval i runs from sample i-1 to sample i and carries ``moving[i]``, as the streams API), taking
the interpolated fraction of the two intervals cut by the crossings. ``start_index``/``end_index`` are the
samples of the activity's streams around the effort: the last at or before the start crossing and the first
at or after the end crossing. ``start_offset`` counts from the activity's first sample.

Known limit: a path whose legs run closer together than the corridor (a tight hairpin) can project a point
onto the wrong leg, and the backtrack rule then refuses the effort.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from stride.segments.geometry import SegmentPath, cumulative_distance, local_xy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

START_TOLERANCE = 25.0  # m from the segment's start to where the track crosses the start line
END_TOLERANCE = 25.0  # m, the same at the end
CORRIDOR = 40.0  # m from the path every sample of an effort must stay within
BACKTRACK = 25.0  # m of progress along the path a track may lose (scatter while stopped)
DIRECTION_RUN = 20.0  # m of path that set the direction of the start and end lines
END_REACH = END_TOLERANCE + 15.0  # m short of the path's length the progress must reach at the end crossing
MIN_COVERED = 0.9  # track distance covered / path length, at least (no upper bound: see docs/segments.md)
SMOOTH_SAMPLES = 5  # samples in the centred mean of positions used to find line crossings
SMOOTH_MAX_DT = 2.0  # s: sparser recording is not smoothed (a 5-sample window would span a bend)
PREFILTER_RADIUS = 75.0  # m: a candidate's start and end must both be this close to a track sample

_CHUNK = 1 << 20  # elements of the points x vertices matrix computed at once
_COARSE = 8  # every 8th path vertex (at most 80 m apart) finds the neighbourhood of the nearest vertex
_WINDOW = 6  # vertices either side of the coarse nearest searched for the nearest
_CROSSING_GAP = 6  # samples: a raw crossing this close to a steadied one is the same crossing
_ACROSS = 0.8  # a window is averaged only if its chord runs within ~37 degrees of the line's normal
_ON_LINE = 1e-6  # m: on the line
_BURST = 8  # samples: crossings of one line closer together than this are one passage
_ZONE = 100.0  # m around a line's origin where its crossings are looked for
_WALK = 256  # samples projected at a time while walking an effort


@dataclass(frozen=True, eq=False)
class Track:
    """An activity's samples with a position, in time order."""

    time: FloatArray  # s
    lat: FloatArray
    lng: FloatArray
    distance: FloatArray  # m, cumulative
    moving: BoolArray | None  # interval ending at each sample is moving
    index: IntArray | None = None  # each sample's index in the activity's streams (None: the same)
    origin: float | None = None  # time of the activity's first sample (None: the first sample here)

    @property
    def first_time(self) -> float:
        return float(self.time[0]) if self.origin is None else self.origin

    @classmethod
    def from_streams(cls, streams: dict[str, list[Any]]) -> Track:
        """From the streams API's columns: ``time`` and ``latlng`` (required), ``distance``, ``moving``.

        Samples without a position are left out (``index`` keeps the stream positions). Without a complete
        ``distance`` stream the distance is measured along the positions. ``ValueError`` for missing or
        mismatched columns and for time going backwards.
        """
        if "time" not in streams or "latlng" not in streams:
            raise ValueError("matching needs the time and latlng streams")
        time_col, latlng = streams["time"], streams["latlng"]
        n = len(time_col)
        if len(latlng) != n:
            raise ValueError("the time and latlng streams differ in length")
        lat = np.full(n, np.nan)
        lng = np.full(n, np.nan)
        for i, point in enumerate(latlng):
            if point is not None and len(point) == 2 and point[0] is not None and point[1] is not None:
                lat[i], lng[i] = point
        time = np.array([np.nan if t is None else t for t in time_col], dtype=np.float64)
        keep = np.isfinite(lat) & np.isfinite(lng) & np.isfinite(time)
        index = np.flatnonzero(keep).astype(np.int64)
        timed = time[np.isfinite(time)]
        origin = float(timed[0]) if timed.size else None
        time, lat, lng = time[keep], lat[keep], lng[keep]
        if time.shape[0] > 1 and (np.diff(time) < 0).any():
            raise ValueError("the time stream goes backwards")
        distance = cls._column(streams.get("distance"), n, keep)
        if distance is None or not np.isfinite(distance).all():
            distance = cumulative_distance(lat, lng)
        moving_col = streams.get("moving")
        moving = None
        if moving_col is not None:
            if len(moving_col) != n:
                raise ValueError("the moving stream differs in length")
            moving = np.array([bool(m) for m in moving_col], dtype=bool)[keep]
        return cls(time=time, lat=lat, lng=lng, distance=distance, moving=moving, index=index, origin=origin)

    @staticmethod
    def _column(values: list[Any] | None, n: int, keep: BoolArray) -> FloatArray | None:
        if values is None:
            return None
        if len(values) != n:
            raise ValueError("a stream differs in length from the time stream")
        column = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
        return np.asarray(column[keep], dtype=np.float64)

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @cached_property
    def even(self) -> BoolArray:
        """Samples at the centre of ``SMOOTH_SAMPLES`` samples evenly spaced at most ``SMOOTH_MAX_DT`` apart:
        where a centred mean of a quantity that changes steadily in time is that quantity, unbiased."""
        n, half = len(self), SMOOTH_SAMPLES // 2
        even = np.zeros(n, dtype=bool)
        if n < SMOOTH_SAMPLES:
            return even
        windows = np.lib.stride_tricks.sliding_window_view(np.diff(self.time), SMOOTH_SAMPLES - 1)
        spread = windows.max(axis=1) - windows.min(axis=1)
        even[half : n - half] = (spread < 1e-6) & (windows.max(axis=1) <= SMOOTH_MAX_DT)
        return even


@dataclass(frozen=True)
class Match:
    segment_id: int
    pass_index: int  # 0 for the first pass of this segment in the activity
    start_index: int  # stream index of the last sample at or before the start crossing
    end_index: int  # stream index of the first sample at or after the end crossing
    start_offset: float  # s from the activity's first sample to the start crossing
    elapsed_time: float  # s
    moving_time: float  # s
    distance: float  # m of track covered


@dataclass(frozen=True)
class _Crossing:
    after: int  # first sample past the line
    time: float
    distance: float
    across: float = 0.0  # m from the line's origin along the line, where it is crossed


def prefilter(track: Track, starts_ends: Sequence[tuple[int, float, float, float, float]]) -> list[int]:
    """Ids of the candidates (id, start lat, start lng, end lat, end lng) whose start and end both lie within
    ``PREFILTER_RADIUS`` of a track sample (the radius covers the tolerance plus the gap between samples).

    A grid of cells twice the radius wide over the track's points (with their 3x3 neighbourhoods) keeps the
    candidates that may be close; only those are measured against the points (vectorised per candidate).
    """
    if not starts_ends or len(track) == 0:
        return []
    lat0, lng0 = float(track.lat[0]), float(track.lng[0])
    tx, ty = local_xy(track.lat, track.lng, lat0, lng0)
    cand = np.array([c[1:] for c in starts_ends], dtype=np.float64)
    ids = [c[0] for c in starts_ends]
    sx, sy = local_xy(cand[:, 0], cand[:, 1], lat0, lng0)
    ex, ey = local_xy(cand[:, 2], cand[:, 3], lat0, lng0)
    size = 2.0 * PREFILTER_RADIUS
    gx, gy = np.floor(tx / size).astype(np.int64), np.floor(ty / size).astype(np.int64)
    near = np.unique(np.concatenate([_key(gx + dx, gy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]))

    def _coarse(x: FloatArray, y: FloatArray) -> BoolArray:
        return np.isin(_key(np.floor(x / size).astype(np.int64), np.floor(y / size).astype(np.int64)), near)

    maybe = np.flatnonzero(_coarse(sx, sy) & _coarse(ex, ey))
    kept: list[int] = []
    r2 = PREFILTER_RADIUS**2
    for k in maybe.tolist():
        box = (np.abs(tx - sx[k]) <= PREFILTER_RADIUS) & (np.abs(ty - sy[k]) <= PREFILTER_RADIUS)
        if not ((tx[box] - sx[k]) ** 2 + (ty[box] - sy[k]) ** 2 <= r2).any():
            continue
        box = (np.abs(tx - ex[k]) <= PREFILTER_RADIUS) & (np.abs(ty - ey[k]) <= PREFILTER_RADIUS)
        if ((tx[box] - ex[k]) ** 2 + (ty[box] - ey[k]) ** 2 <= r2).any():
            kept.append(ids[k])
    return kept


def _key(gx: IntArray, gy: IntArray) -> IntArray:
    return np.asarray(gx * (1 << 32) + gy, dtype=np.int64)


def _direction(px: FloatArray, py: FloatArray, pd: FloatArray, at_end: bool) -> tuple[float, float]:
    """Unit direction of the path over its first (or last) ``DIRECTION_RUN`` metres."""
    if at_end:
        k = int(np.searchsorted(pd, pd[-1] - DIRECTION_RUN, side="right")) - 1
        k = min(max(k, 0), pd.shape[0] - 2)
        dx, dy = px[-1] - px[k], py[-1] - py[k]
    else:
        k = int(np.searchsorted(pd, DIRECTION_RUN, side="left"))
        k = min(max(k, 1), pd.shape[0] - 1)
        dx, dy = px[k] - px[0], py[k] - py[0]
    norm = math.hypot(dx, dy)
    if norm == 0.0:
        raise ValueError("the segment path has no direction")
    return dx / norm, dy / norm


def _line_crossings(
    track: Track, ax: FloatArray, lx: FloatArray, tol: float, reach: bool, where: IntArray
) -> tuple[IntArray, list[_Crossing]]:
    """Pairs (i, i+1) crossing the line (``ax`` = 0) forwards within ``tol`` of its origin: leaving it (from
    on or behind to past) for a start, reaching it (from behind to on or past) for an end."""
    a0, a1 = ax[:-1], ax[1:]
    if reach:
        pairs = np.flatnonzero((a0 < -_ON_LINE) & (a1 >= -_ON_LINE))
    else:
        pairs = np.flatnonzero((a0 <= _ON_LINE) & (a1 > _ON_LINE))
    if pairs.size == 0:
        return pairs, []
    f = np.clip(-a0[pairs] / (a1[pairs] - a0[pairs]), 0.0, 1.0)
    ok = np.abs(lx[pairs] + f * (lx[pairs + 1] - lx[pairs])) <= tol
    pairs, f = pairs[ok], f[ok]
    across = np.abs(lx[pairs] + f * (lx[pairs + 1] - lx[pairs]))
    pairs = where[pairs]
    t = track.time[pairs] + f * (track.time[pairs + 1] - track.time[pairs])
    d = track.distance[pairs] + f * (track.distance[pairs + 1] - track.distance[pairs])
    out = [
        _Crossing(after=i + 1, time=ti, distance=di, across=ci)
        for i, ti, di, ci in zip(pairs.tolist(), t.tolist(), d.tolist(), across.tolist(), strict=True)
    ]
    return pairs, out


def _steady(track: Track, ax: FloatArray, lx: FloatArray, where: IntArray) -> tuple[FloatArray, FloatArray]:
    """``ax``/``lx`` averaged over ``SMOOTH_SAMPLES`` centred samples where the recording is even and dense
    and the track moves across the line (the window's chord within about 37 degrees of the line's normal):
    there the mean is exact for steady motion and divides GPS scatter by about 2. Elsewhere (a corner at
    the line, a track running along it) the raw values stay, since a mean there would move the crossing."""
    n, half = ax.shape[0], SMOOTH_SAMPLES // 2
    if n < SMOOTH_SAMPLES:
        return ax, lx
    inner = slice(half, n - half)
    da = ax[SMOOTH_SAMPLES - 1 :] - ax[: n - SMOOTH_SAMPLES + 1]
    dl = lx[SMOOTH_SAMPLES - 1 :] - lx[: n - SMOOTH_SAMPLES + 1]
    use = np.zeros(n, dtype=bool)
    even = (where >= 0) & track.even[where]
    even = even[half : n - half]
    use[inner] = even & (np.abs(da) >= _ACROSS * np.hypot(da, dl))
    kernel = np.full(SMOOTH_SAMPLES, 1.0 / SMOOTH_SAMPLES)
    sa, sl = ax.copy(), lx.copy()
    sa[inner] = np.convolve(ax, kernel, mode="valid")
    sl[inner] = np.convolve(lx, kernel, mode="valid")
    return np.where(use, sa, ax), np.where(use, sl, lx)


def _crossings(
    track: Track,
    tx: FloatArray,
    ty: FloatArray,
    origin: tuple[float, float],
    u: tuple[float, float],
    tol: float,
    *,
    reach: bool,
) -> list[_Crossing]:
    """Where the track crosses the line through ``origin`` perpendicular to ``u``, going the way of ``u``:
    leaving it for a start, reaching it for an end (``reach``).

    The steadied positions' crossings (``_steady``), plus the raw positions' crossings with no steadied one
    within ``_CROSSING_GAP`` samples (a mean shaves a few metres off a turn: a rider turning round just past
    an end still reached it), plus closest approaches where nothing crossed (``_closest_approaches``); then
    one per burst (``_closest_of_bursts``).
    """
    dx, dy = tx - origin[0], ty - origin[1]
    ax, lx = dx * u[0] + dy * u[1], -dx * u[1] + dy * u[0]
    out: list[_Crossing] = []
    if not reach and ax.shape[0] and _ON_LINE < ax[0] <= tol and abs(lx[0]) <= tol:
        first = _Crossing(after=0, time=float(track.time[0]), distance=float(track.distance[0]), across=abs(lx[0]))
        out.append(first)
    where = _zones(ax, lx)
    if where.size:
        gap = where < 0
        za = np.where(gap, np.nan, ax[where])
        zl = np.where(gap, np.nan, lx[where])
        out.extend(_crossings_in(track, za, zl, tol, reach, where))
    out.sort(key=lambda c: c.time)
    return _closest_of_bursts(out)


def _zones(ax: FloatArray, lx: FloatArray) -> IntArray:
    """The samples near the line's origin (within ``_ZONE`` metres either way, or either end of a step across
    the line), in padded runs (for the means and bursts) joined by a -1 between runs: only there can the
    line be crossed within a tolerance, so the rest of a long track is skipped at numpy speed."""
    n = ax.shape[0]
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    side = ax <= 0.0
    change = side[:-1] != side[1:]
    zone = (np.abs(ax) <= _ZONE) & (np.abs(lx) <= _ZONE)
    zone[:-1] |= change
    zone[1:] |= change
    idx = np.flatnonzero(zone)
    if idx.size == 0:
        return idx.astype(np.int64)
    pad = SMOOTH_SAMPLES + _BURST
    breaks = np.flatnonzero(np.diff(idx) > 2 * pad)
    starts = np.maximum(np.concatenate((idx[:1], idx[breaks + 1])) - pad, 0)
    ends = np.minimum(np.concatenate((idx[breaks], idx[-1:])) + pad + 1, n)
    parts: list[IntArray] = []
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        parts.append(np.arange(lo, hi, dtype=np.int64))
        parts.append(np.full(SMOOTH_SAMPLES, -1, dtype=np.int64))  # a gap no pair or mean reaches across
    return np.concatenate(parts)


def _crossings_in(
    track: Track, ax: FloatArray, lx: FloatArray, tol: float, reach: bool, where: IntArray
) -> list[_Crossing]:
    """The crossings in the zones (``ax``/``lx`` of the samples ``where`` lists, NaN in the gaps)."""
    out: list[_Crossing] = []
    pairs, crossings = _line_crossings(track, *_steady(track, ax, lx, where), tol, reach, where)
    out.extend(crossings)
    raw_pairs, raw_crossings = _line_crossings(track, ax, lx, tol, reach, where)
    if raw_pairs.size:
        if pairs.size:
            k = np.clip(np.searchsorted(pairs, raw_pairs), 1, pairs.size) - 1
            after = pairs[np.minimum(k + 1, pairs.size - 1)]
            gap = np.minimum(np.abs(raw_pairs - pairs[k]), np.abs(raw_pairs - after))
        else:
            gap = np.full(raw_pairs.size, _CROSSING_GAP + 1)
        out.extend(c for c, g in zip(raw_crossings, gap.tolist(), strict=True) if g > _CROSSING_GAP)
    out.extend(_closest_approaches(track, ax, lx, tol, [c.after for c in out], where))
    return out


def _closest_approaches(
    track: Track, ax: FloatArray, lx: FloatArray, tol: float, crossed: list[int], where: IntArray
) -> list[_Crossing]:
    """Passages within ``tol`` of the line's origin, moving forwards, with no crossing during them: the foot
    of the origin on the track near the closest sample, interpolated. A track that runs along the line
    before turning across it at a corner can sit on the far side of it in GPS scatter, and never cross it."""
    near = ax * ax + lx * lx <= tol * tol
    if not near.any():
        return []
    idx = np.flatnonzero(near)
    runs = np.split(idx, np.flatnonzero(np.diff(idx) > _BURST) + 1)  # scatter breaks a passage into runs
    taken = np.array(sorted(crossed), dtype=np.int64)
    out: list[_Crossing] = []
    n = ax.shape[0]
    for run in runs:
        first, last = int(where[run[0]]), int(where[run[-1]])
        if taken.size and ((taken >= first - _BURST) & (taken <= last + _BURST)).any():
            continue  # this passage crossed the line
        m = int(run[np.argmin(ax[run] ** 2 + lx[run] ** 2)])
        best: tuple[float, int, float] | None = None  # (distance, first sample of the leg, fraction)
        for i in (m - 1, m):
            if i < 0 or i + 1 >= n:
                continue
            va, vl = ax[i + 1] - ax[i], lx[i + 1] - lx[i]
            length2 = va * va + vl * vl
            if not va > 0.0 or length2 == 0.0:  # NaN: a gap between zones
                continue  # standing still, or not moving forwards across the line
            f = min(max(-(ax[i] * va + lx[i] * vl) / length2, 0.0), 1.0)
            gap = math.hypot(ax[i] + f * va, lx[i] + f * vl)
            if best is None or gap < best[0]:
                best = (gap, i, f)
        if best is None:
            continue
        gap, i, f = best
        i = int(where[i])
        time = float(track.time[i] + f * (track.time[i + 1] - track.time[i]))
        distance = float(track.distance[i] + f * (track.distance[i + 1] - track.distance[i]))
        out.append(_Crossing(after=i + 1, time=time, distance=distance, across=gap))
    return out


def _closest_of_bursts(crossings: list[_Crossing]) -> list[_Crossing]:
    """One crossing per burst: crossings at most ``_BURST`` samples apart are one passage of the line (GPS
    scatter flickering across it, or a track running along the line before turning across it at a corner);
    the one nearest the line's origin is the passage."""
    out: list[_Crossing] = []
    for c in crossings:
        if out and c.after - out[-1].after <= _BURST:
            if c.across < out[-1].across:
                out[-1] = c
        else:
            out.append(c)
    return out


def _nearest(vx: FloatArray, vy: FloatArray, qx: FloatArray, qy: FloatArray) -> IntArray:
    """Index of the nearest of the vertices to each point (a points x vertices matrix, in chunks)."""
    k, p = qx.shape[0], vx.shape[0]
    out = np.empty(k, dtype=np.int64)
    fx, fy = vx.astype(np.float32), vy.astype(np.float32)
    step = max(1, _CHUNK // max(p, 1))
    for lo in range(0, k, step):
        cx = qx[lo : lo + step].astype(np.float32)[:, None] - fx[None, :]
        cy = qy[lo : lo + step].astype(np.float32)[:, None] - fy[None, :]
        out[lo : lo + step] = np.argmin(cx * cx + cy * cy, axis=1)
    return out


def _project(
    px: FloatArray, py: FloatArray, pd: FloatArray, qx: FloatArray, qy: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Progress along the path and distance from it of each point.

    Coarse to fine: the nearest of every ``_COARSE``-th vertex first, then the nearest vertex within
    ``_WINDOW`` vertices of it, then the exact foot on the two path legs around that vertex (the vertices are
    at most ``PATH_STEP`` apart, so the nearest leg is one of those two). Work per point is about
    P/_COARSE + 2*_WINDOW instead of P vertices.
    """
    k, p = qx.shape[0], px.shape[0]
    if p > 4 * _COARSE:
        coarse = _nearest(px[::_COARSE], py[::_COARSE], qx, qy) * _COARSE
        window = np.minimum(np.maximum(coarse[:, None] + np.arange(-_WINDOW, _WINDOW + 1)[None, :], 0), p - 1)
        dx = qx[:, None] - px[window]
        dy = qy[:, None] - py[window]
        nearest = window[np.arange(k), np.argmin(dx * dx + dy * dy, axis=1)]
    else:
        nearest = _nearest(px, py, qx, qy)
    best_s = np.zeros(k)
    best_d = np.full(k, np.inf)
    for leg in (np.minimum(np.maximum(nearest - 1, 0), p - 2), np.minimum(nearest, p - 2)):
        x0, y0 = px[leg], py[leg]
        lx, ly = px[leg + 1] - x0, py[leg + 1] - y0
        length2 = lx * lx + ly * ly
        t = np.minimum(np.maximum(((qx - x0) * lx + (qy - y0) * ly) / np.where(length2 > 0, length2, 1.0), 0.0), 1.0)
        d = np.hypot(qx - (x0 + t * lx), qy - (y0 + t * ly))
        better = d < best_d
        best_d = np.where(better, d, best_d)
        best_s = np.where(better, pd[leg] + t * (pd[leg + 1] - pd[leg]), best_s)
    return best_s, best_d


def _moving_prefix(track: Track) -> FloatArray:
    """Moving seconds from the first sample to each sample (interval i carries ``moving[i]``)."""
    dt = np.diff(track.time, prepend=track.time[:1])
    if track.moving is not None:
        dt = np.where(track.moving, dt, 0.0)
    return np.cumsum(dt)


def _stream_index(track: Track, i: int) -> int:
    return int(track.index[i]) if track.index is not None else i


class _Corridor:
    """Progress along the path and distance from it per sample, computed lazily, a chunk at a time: only the
    samples after a start crossing are ever projected, and a walk stops at the first sample out of the
    corridor. Samples outside the path's bounding box (grown by the corridor) are out without projecting."""

    def __init__(self, px: FloatArray, py: FloatArray, pd: FloatArray, tx: FloatArray, ty: FloatArray) -> None:
        self._px, self._py, self._pd, self._tx, self._ty = px, py, pd, tx, ty
        n = tx.shape[0]
        self.box = (
            (tx >= px.min() - CORRIDOR)
            & (tx <= px.max() + CORRIDOR)
            & (ty >= py.min() - CORRIDOR)
            & (ty <= py.max() + CORRIDOR)
        )
        self.progress = np.full(n, np.nan)
        self.off = np.full(n, np.inf)
        self._done = np.zeros(n, dtype=bool)

    def _ensure(self, lo: int, hi: int) -> None:
        todo = lo + np.flatnonzero(~self._done[lo:hi] & self.box[lo:hi])
        if todo.size:
            s, d = _project(self._px, self._py, self._pd, self._tx[todo], self._ty[todo])
            self.progress[todo], self.off[todo] = s, d
        self._done[lo:hi] = True

    def first_out(self, lo: int, hi: int) -> int:
        """The first sample in [lo, hi) out of the corridor (``hi`` if none)."""
        for c in range(lo, hi, _WALK):
            c2 = min(c + _WALK, hi)
            self._ensure(c, c2)
            out = np.flatnonzero(self.off[c:c2] > CORRIDOR)
            if out.size:
                return c + int(out[0])
        return hi


def match_segment(track: Track, segment_id: int, path: SegmentPath) -> list[Match]:
    """Every effort of the track on this segment path, in time order (see the module's docstring)."""
    n = len(track)
    if n < 2 or path.lat.shape[0] < 2:
        return []
    lat0, lng0 = float(path.lat[0]), float(path.lng[0])
    px, py = local_xy(path.lat, path.lng, lat0, lng0)
    pd = path.distance
    tx, ty = local_xy(track.lat, track.lng, lat0, lng0)
    start_u = _direction(px, py, pd, at_end=False)
    starts = _crossings(track, tx, ty, (0.0, 0.0), start_u, START_TOLERANCE, reach=False)
    if not starts:
        return []
    end_point = (float(px[-1]), float(py[-1]))
    ends = _crossings(track, tx, ty, end_point, _direction(px, py, pd, at_end=True), END_TOLERANCE, reach=True)
    if not ends:
        return []
    corridor = _Corridor(px, py, pd, tx, ty)
    closed = math.hypot(px[-1], py[-1]) <= START_TOLERANCE + END_TOLERANCE  # a loop: it ends where it starts
    moving = _moving_prefix(track)
    matches: list[Match] = []
    resume = -math.inf
    for start in starts:
        if start.time < resume:
            continue
        end = _effort(track, start, ends, corridor, float(pd[-1]), closed)
        if end is None:
            continue
        matches.append(
            Match(
                segment_id=segment_id,
                pass_index=len(matches),
                start_index=_stream_index(track, max(start.after - 1, 0)),
                end_index=_stream_index(track, end.after),
                start_offset=start.time - track.first_time,
                elapsed_time=end.time - start.time,
                moving_time=_moving_between(track, start, end, moving),
                distance=end.distance - start.distance,
            )
        )
        resume = end.time
    return matches


def _running_mean(values: FloatArray, window: int = SMOOTH_SAMPLES) -> FloatArray:
    """Centred mean over ``window`` samples (the ends as they are): GPS scatter along the path must not read
    as going back."""
    if values.shape[0] < window:
        return values
    out = values.copy()
    half = window // 2
    out[half : values.shape[0] - half] = np.convolve(values, np.full(window, 1.0 / window), mode="valid")
    return out


def _unwrap(progress: FloatArray, length: float) -> FloatArray:
    """Progress around a closed path, where its start and end are the same place: a sample there projects
    onto either, so a jump by more than half the length is a wrap, and the first sample counts from 0."""
    first = float(progress[0]) - length if progress[0] > length / 2 else float(progress[0])
    steps = np.diff(progress)
    steps = steps - length * np.round(steps / length)
    return np.concatenate(([first], first + np.cumsum(steps)))


def _effort(
    track: Track, start: _Crossing, ends: list[_Crossing], corridor: _Corridor, length: float, closed: bool
) -> _Crossing | None:
    """The end crossing of the effort beginning at ``start``, or None."""
    first = start.after
    checked = first  # samples first..checked-1 are known to be in the corridor
    for end in ends:
        j = end.after
        if j <= first or end.time < start.time:
            continue
        if j > checked:
            # the samples first..j-1 must all be in the corridor
            if corridor.first_out(checked, j) < j:
                return None
            checked = j
        ahead = corridor.progress[first:j]
        if closed:
            ahead = _unwrap(ahead, length)
        reach = float(ahead[-1]) + (end.distance - float(track.distance[j - 1]))
        if reach < length - END_REACH:
            continue  # a loop segment's end line crossed on the way out: keep going round
        steady = _running_mean(ahead)
        if (np.maximum.accumulate(steady) - steady).max() > BACKTRACK:
            return None
        if end.distance - start.distance < MIN_COVERED * length:
            return None  # a shortcut
        return end
    return None


def _moving_between(track: Track, start: _Crossing, end: _Crossing, moving: FloatArray) -> float:
    """Moving seconds from the start crossing to the end crossing, cut intervals counted pro rata."""
    i, j = start.after, end.after
    flags = track.moving

    def _is_moving(k: int) -> bool:
        return True if flags is None else bool(flags[k])

    total = float(moving[j - 1] - moving[i]) if j - 1 > i else 0.0
    if i > 0 and _is_moving(i):
        total += float(track.time[i]) - start.time
    if _is_moving(j):
        total += end.time - float(track.time[j - 1])
    return total


def match_all(track: Track, paths: dict[int, SegmentPath]) -> list[Match]:
    """Every effort of the track on any of the paths, ordered by start time then segment id."""
    matches: list[Match] = []
    for segment_id in sorted(paths):
        matches.extend(match_segment(track, segment_id, paths[segment_id]))
    matches.sort(key=lambda m: (m.start_offset, m.segment_id))
    return matches
