"""The synthetic segment test ground: a road, a segment on it, and rides with exactly known segment times.

The road starts at ``ORIGIN`` (north of Boulder) and runs east along a 1.5 km straight, bends north-east and
north, then east again along a 1.2 km straight. The segment (``segment_points()``) runs from road distance
``SEGMENT_START`` (on the first straight) to ``SEGMENT_END`` (on the last), climbing at 5 %: its start and end
lines cross the road on straights, so a rider on the road (or at a constant offset from it) crosses them
exactly when passing those road distances, and the true crossing times follow from the ride's plan.

A ride is a plan of legs (from one road distance to another, at a speed; a leg may go backwards) and stops,
sampled every ``dt`` seconds (or at given times: gaps), optionally pushed sideways (``offset``) and scattered
with seeded GPS noise. ``Ride.efforts`` holds the truth: for every forward pass over the segment, the
seconds from the first sample to the start crossing and to the end crossing, and the moving time.

    ride = ride_once()                       # or ride(legs=[Leg(0, ROAD_LENGTH, 8.0)], ...)
    streams = ride.streams()                 # the streams API's columns: time, latlng, distance, altitude, moving
    gpx = to_gpx(ride)                       # GPX 1.1 for the upload pipeline
    path = make_path(*segment_points())      # the segment as S stores it

The ``moving`` stream marks an interval moving when the rider's road distance changed over it: a stop that
begins and ends on samples (as ``ride_with_stop``'s: 2,200 m at 8 m/s is second 275) is described exactly,
so the truth's moving time is exact too; a stop between samples would be off by the fractions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import numpy as np

from stride.segments.geometry import EARTH_RADIUS, cumulative_distance

ORIGIN = (40.0, -105.27)
# road corners, metres east and north of ORIGIN
ROAD_XY = ((0.0, 0.0), (1500.0, 0.0), (2100.0, 400.0), (2300.0, 1100.0), (3000.0, 1300.0), (4200.0, 1300.0))
SEGMENT_START = 1000.0  # m along the road
SEGMENT_END_BEFORE_ROAD_END = 500.0  # the segment ends this far before the road's end
BASE_ALTITUDE = 1600.0  # m
GRADE = 0.05  # the climb over the segment; flat before and after
START_TIME = datetime(2026, 6, 1, 14, 0, 0, tzinfo=UTC)


# the shortcut: straight from the first corner to the third
SHORTCUT_XY = ROAD_XY[:2] + ROAD_XY[3:]

Course = Sequence[tuple[float, float]]


def _road_vertices(course: Course = ROAD_XY) -> tuple[np.ndarray, np.ndarray]:
    xy = np.array(course, dtype=np.float64)
    return xy[:, 0], xy[:, 1]


def _road_cumulative(course: Course = ROAD_XY) -> np.ndarray:
    x, y = _road_vertices(course)
    return np.concatenate(([0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))))


ROAD_LENGTH = float(_road_cumulative()[-1])
SEGMENT_END = ROAD_LENGTH - SEGMENT_END_BEFORE_ROAD_END
SEGMENT_LENGTH = SEGMENT_END - SEGMENT_START  # metres along the road (exact: both ends on straights)
SHORTCUT_LENGTH = float(_road_cumulative(SHORTCUT_XY)[-1])


def to_latlng(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres east/north of ORIGIN to degrees (the inverse of the matcher's local frame)."""
    k = math.pi / 180.0 * EARTH_RADIUS
    lat = ORIGIN[0] + y / k
    lng = ORIGIN[1] + x / (k * math.cos(math.radians(ORIGIN[0])))
    return lat, lng


def altitude_at(d: np.ndarray) -> np.ndarray:
    """Road altitude: flat, then GRADE over the segment, then flat."""
    return BASE_ALTITUDE + GRADE * (np.clip(d, SEGMENT_START, SEGMENT_END) - SEGMENT_START)


def road_xy(d: float | np.ndarray, course: Course = ROAD_XY) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Position (x, y) at distances ``d`` along the course (the road) and the unit normal to its left there."""
    x, y = _road_vertices(course)
    cum = _road_cumulative(course)
    d = np.clip(np.asarray(d, dtype=np.float64), 0.0, float(cum[-1]))
    leg = np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(cum) - 2)
    f = (d - cum[leg]) / (cum[leg + 1] - cum[leg])
    dx, dy = x[leg + 1] - x[leg], y[leg + 1] - y[leg]
    norm = np.hypot(dx, dy)
    return x[leg] + f * dx, y[leg] + f * dy, -dy / norm, dx / norm


def route(
    start: float = 0.0, end: float = ROAD_LENGTH, step: float = 25.0
) -> tuple[list[float], list[float], list[float]]:
    """Points (lat, lng, altitude) along the road from ``start`` to ``end`` metres: its corners plus a point
    every ``step`` metres, as a segment drawn on a map or cut from an activity would be."""
    cum = _road_cumulative()
    at = np.unique(np.concatenate((np.arange(start, end, step), [end], cum[(cum > start) & (cum < end)])))
    x, y, _, _ = road_xy(at)
    lat, lng = to_latlng(x, y)
    return lat.tolist(), lng.tolist(), altitude_at(at).tolist()


def segment_points() -> tuple[list[float], list[float], list[float]]:
    """The test segment: the road from SEGMENT_START to SEGMENT_END."""
    return route(SEGMENT_START, SEGMENT_END)


@dataclass(frozen=True)
class Leg:
    """Ride from road distance ``start`` to ``end`` (backwards if ``end < start``) at ``speed`` m/s."""

    start: float
    end: float
    speed: float


@dataclass(frozen=True)
class Stop:
    """Stand still for ``seconds`` (whole seconds)."""

    seconds: int


@dataclass(frozen=True)
class Effort:
    """Truth of one forward pass over the segment: seconds from the ride's first sample."""

    start: float
    end: float
    moving_time: float

    @property
    def elapsed(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Ride:
    time: list[float]  # s from the first sample
    lat: list[float]
    lng: list[float]
    altitude: list[float]
    distance: list[float]  # m, cumulative along the sampled positions
    moving: list[bool]  # the interval ending at each sample is moving
    efforts: list[Effort] = field(default_factory=list)
    start_date: datetime = START_TIME

    def streams(self) -> dict[str, list]:
        """The columns as the streams API serves them (``latlng`` pairs)."""
        return {
            "time": list(self.time),
            "latlng": [[a, b] for a, b in zip(self.lat, self.lng, strict=True)],
            "distance": list(self.distance),
            "altitude": list(self.altitude),
            "moving": list(self.moving),
        }


def _plan(items: Sequence[Leg | Stop], start_pad: float) -> tuple[np.ndarray, np.ndarray]:
    """Knots (time, road distance) of the piecewise linear motion."""
    times = [0.0]
    dists = [items[0].start if isinstance(items[0], Leg) else 0.0]
    if start_pad:
        times.append(start_pad)
        dists.append(dists[0])
    for item in items:
        if isinstance(item, Stop):
            times.append(times[-1] + item.seconds)
            dists.append(dists[-1])
        else:
            if not math.isclose(item.start, dists[-1]):
                raise ValueError("each leg starts where the previous one ended")
            times.append(times[-1] + abs(item.end - item.start) / item.speed)
            dists.append(item.end)
    return np.array(times), np.array(dists)


def _truth(times: np.ndarray, dists: np.ndarray, stops: list[tuple[float, float]]) -> list[Effort]:
    """Forward passes over [SEGMENT_START, SEGMENT_END] from the motion's knots."""
    efforts: list[Effort] = []
    start: float | None = None
    for k in range(len(times) - 1):
        t0, t1, d0, d1 = times[k], times[k + 1], dists[k], dists[k + 1]
        if d1 < d0:  # going backwards: any pass in progress is broken
            start = None
            continue
        if d1 == d0:
            continue
        if d0 <= SEGMENT_START < d1:
            start = t0 + (SEGMENT_START - d0) / (d1 - d0) * (t1 - t0)
        if start is not None and d0 < SEGMENT_END <= d1:
            end = t0 + (SEGMENT_END - d0) / (d1 - d0) * (t1 - t0)
            stopped = sum(max(0.0, min(b, end) - max(a, start)) for a, b in stops)
            efforts.append(Effort(start=start, end=end, moving_time=end - start - stopped))
            start = None
    return efforts


def ride(
    legs: Sequence[Leg | Stop],
    *,
    dt: float = 1.0,
    times: Sequence[float] | None = None,
    start_pad: float = 0.0,
    offset: Callable[[np.ndarray], np.ndarray] | None = None,
    noise: float = 0.0,
    seed: int = 7,
    start_date: datetime = START_TIME,
    course: Course = ROAD_XY,
) -> Ride:
    """Sample a planned ride.

    ``times`` (seconds from the start) replaces the regular ``dt`` grid (gaps, irregular recording).
    ``offset(d)`` pushes the rider that many metres to the left of the road at road distance d (negative:
    right). ``noise`` is the standard deviation in metres of the GPS scatter per axis (seeded). ``course``
    replaces the road by another polyline (the truth then is: no effort, it is not the segment's road).
    """
    knot_t, knot_d = _plan(legs, start_pad)
    total = float(knot_t[-1])
    t = np.asarray(times, dtype=np.float64) if times is not None else np.arange(0.0, total + 1e-9, dt)
    if t[-1] < total and times is None:
        t = np.append(t, math.ceil(total / dt) * dt)
    d = np.interp(t, knot_t, knot_d)
    x, y, nx, ny = road_xy(d, course)
    if offset is not None:
        o = offset(d)
        x, y = x + o * nx, y + o * ny
    if noise:
        rng = np.random.default_rng(seed)
        x = x + rng.normal(0.0, noise, x.shape)
        y = y + rng.normal(0.0, noise, y.shape)
    lat, lng = to_latlng(x, y)
    stops: list[tuple[float, float]] = []
    for k in range(len(knot_t) - 1):
        if knot_d[k] == knot_d[k + 1] and knot_t[k + 1] > knot_t[k]:
            stops.append((float(knot_t[k]), float(knot_t[k + 1])))
    moving = [True] + [bool(abs(b - a) > 0) for a, b in zip(d[:-1], d[1:], strict=True)]
    return Ride(
        time=t.tolist(),
        lat=lat.tolist(),
        lng=lng.tolist(),
        altitude=altitude_at(d).tolist(),
        distance=cumulative_distance(lat, lng).tolist(),
        moving=moving,
        efforts=_truth(knot_t, knot_d, stops) if course == ROAD_XY else [],
        start_date=start_date,
    )


# ----------------------------------------------------------------- variants
SPEED = 8.0  # m/s, a steady ride


def ride_once(**kwargs: object) -> Ride:
    """Along the whole road once: one effort."""
    return ride([Leg(0.0, ROAD_LENGTH, SPEED)], **kwargs)  # type: ignore[arg-type]


def ride_twice(**kwargs: object) -> Ride:
    """Along the road, back to the beginning (the segment in reverse: no effort), and along it again: two."""
    legs = [Leg(0.0, ROAD_LENGTH, SPEED), Leg(ROAD_LENGTH, 0.0, 10.0), Leg(0.0, ROAD_LENGTH, 6.5)]
    return ride(legs, **kwargs)  # type: ignore[arg-type]


def ride_reverse(**kwargs: object) -> Ride:
    """From the road's end to its beginning: no effort."""
    return ride([Leg(ROAD_LENGTH, 0.0, SPEED)], **kwargs)  # type: ignore[arg-type]


def ride_with_stop(seconds: int = 45, **kwargs: object) -> Ride:
    """Once along the road with a stop inside the segment: moving time = elapsed - the stop."""
    middle = SEGMENT_START + 1200.0
    legs = [Leg(0.0, middle, SPEED), Stop(seconds), Leg(middle, ROAD_LENGTH, SPEED)]
    return ride(legs, **kwargs)  # type: ignore[arg-type]


def ride_shortcut(**kwargs: object) -> Ride:
    """Along the road, but straight from the first corner to the third (a chord passing 250 m from the
    second corner, 90 m shorter than the road): no effort on the 3.4 km segment."""
    return ride([Leg(0.0, SHORTCUT_LENGTH, SPEED)], course=SHORTCUT_XY, **kwargs)  # type: ignore[arg-type]


def beside(distance_from_road: float, start: float = SEGMENT_START + 150.0, end: float = 1400.0) -> Callable:
    """An ``offset`` that moves the rider ``distance_from_road`` metres left of the road between road
    distances ``start`` and ``end`` (on the first straight, inside the segment), easing in and out over 20 m."""

    def _offset(d: np.ndarray) -> np.ndarray:
        ramp = np.clip(np.minimum(d - start, end - d) / 20.0, 0.0, 1.0)
        return distance_from_road * ramp

    return _offset


# ----------------------------------------------------------------- GPX
def to_gpx(track: Ride, name: str = "Segment ground ride") -> bytes:
    """GPX 1.1 with one track: lat, lon, ele and UTC time per point (milliseconds when not whole seconds)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="stride segment ground" xmlns="http://www.topografix.com/GPX/1/1">',
        f"<metadata><time>{_iso(track.start_date)}</time></metadata>",
        f"<trk><name>{escape(name)}</name><type>cycling</type><trkseg>",
    ]
    for t, la, lo, ele in zip(track.time, track.lat, track.lng, track.altitude, strict=True):
        when = _iso(track.start_date + timedelta(seconds=t))
        lines.append(f'<trkpt lat="{la:.7f}" lon="{lo:.7f}"><ele>{ele:.1f}</ele><time>{when}</time></trkpt>')
    lines.append("</trkseg></trk></gpx>")
    return ("\n".join(lines) + "\n").encode()


def _iso(when: datetime) -> str:
    when = when.astimezone(UTC)
    if when.microsecond:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
