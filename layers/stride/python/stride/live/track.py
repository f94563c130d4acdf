"""Merging live points and the live state's math: pure functions, stdlib only.

A live track is the set of points keyed by their time in whole milliseconds: a point whose millisecond is
already known is a duplicate (the first one kept wins, so a batch delivered twice merges to the same track).
The state is a fold over the track in time order: distance (haversine steps, GPS jumps above the sport's
``max_speed`` dropped), moving time with a simple incremental auto-pause (a step counts when its speed reaches
the sport's ``min_moving_speed``; a step longer than ``GAP`` s is credited the time its distance needs at the
athlete's average moving speed so far, never more than the step), elapsed time, last position, heart rate.
Folding new points that all come after the last known one extends the state; anything else (late, out of
order) is a refold of the whole merged track, so both give the same state for the same set of points.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from stride.privacy.trim import distance

GAP = 30.0  # s: a longer step is a recording gap (the phone was offline or asleep)


@dataclass(frozen=True, slots=True)
class Point:
    time_ms: int
    lat: float
    lng: float
    altitude: float | None = None
    heartrate: int | None = None
    cadence: int | None = None
    watts: int | None = None
    speed: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The wire form of a point (watchers' pushes, chunks): time in epoch seconds, ms precision."""
        return {
            "time": self.time_ms / 1000,
            "lat": self.lat,
            "lng": self.lng,
            "altitude": self.altitude,
            "heartrate": self.heartrate,
            "cadence": self.cadence,
            "watts": self.watts,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Point:
        return cls(
            time_ms=int(round(float(raw["time"]) * 1000)),
            lat=float(raw["lat"]),
            lng=float(raw["lng"]),
            altitude=_opt_float(raw.get("altitude")),
            heartrate=_opt_int(raw.get("heartrate")),
            cadence=_opt_int(raw.get("cadence")),
            watts=_opt_int(raw.get("watts")),
            speed=_opt_float(raw.get("speed")),
        )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class LiveState:
    """What the session item keeps (small whatever the session's length)."""

    point_count: int = 0
    distance: float = 0.0  # m
    moving_time: float = 0.0  # s
    first_ms: int | None = None
    last_ms: int | None = None
    lat: float | None = None
    lng: float | None = None
    altitude: float | None = None
    heartrate: int | None = None
    battery: int | None = None
    last_seen_ms: int | None = None  # when the device was last heard from (arrival of its latest batch)

    @property
    def elapsed_time(self) -> float:
        return 0.0 if self.first_ms is None or self.last_ms is None else (self.last_ms - self.first_ms) / 1000

    @property
    def average_speed(self) -> float:
        return self.distance / self.moving_time if self.moving_time > 0 else 0.0

    @property
    def pace(self) -> float | None:
        """Seconds per km at the average speed; None before the athlete has moved."""
        speed = self.average_speed
        return 1000.0 / speed if speed > 0 else None

    def dumps(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def loads(cls, text: str | None) -> LiveState:
        return cls(**json.loads(text)) if text else cls()


@dataclass(frozen=True, slots=True)
class Motion:
    """The sport's constants for the fold (from stride.activities.metrics.sports.profile)."""

    min_moving_speed: float | None  # m/s; None: every step is moving time
    max_speed: float  # m/s; a faster step is a GPS jump (no distance)


def unique_by_ms(points: Iterable[Point]) -> list[Point]:
    """The points in time order, one per millisecond (the first one given wins)."""
    seen: dict[int, Point] = {}
    for point in points:
        seen.setdefault(point.time_ms, point)
    return [seen[t] for t in sorted(seen)]


def fresh(batch: Iterable[Point], known_ms: set[int]) -> list[Point]:
    """The points of ``batch`` not yet in the track (by millisecond), in time order, without duplicates."""
    return [p for p in unique_by_ms(batch) if p.time_ms not in known_ms]


def fold(state: LiveState, points: Sequence[Point], motion: Motion) -> LiveState:
    """``state`` extended by ``points`` (time order, all after ``state.last_ms``)."""
    total, moving = state.distance, state.moving_time
    last = (state.last_ms, state.lat, state.lng) if state.last_ms is not None else None
    heartrate, altitude = state.heartrate, state.altitude
    for point in points:
        if last is not None and last[1] is not None and last[2] is not None:
            dt = (point.time_ms - last[0]) / 1000
            step = distance((last[1], last[2]), (point.lat, point.lng))
            if dt > 0 and step / dt > motion.max_speed:
                step = 0.0  # a GPS jump: the fix moves, the distance does not
            total += step
            moving += _moving_credit(dt, step, total - step, moving, motion)
        last = (point.time_ms, point.lat, point.lng)
        heartrate = point.heartrate if point.heartrate is not None else heartrate
        altitude = point.altitude if point.altitude is not None else altitude
    if last is None:
        return state
    return replace(
        state,
        point_count=state.point_count + len(points),
        distance=total,
        moving_time=moving,
        first_ms=state.first_ms if state.first_ms is not None else points[0].time_ms,
        last_ms=last[0],
        lat=last[1],
        lng=last[2],
        altitude=altitude,
        heartrate=heartrate,
    )


def _moving_credit(dt: float, step: float, distance_before: float, moving_before: float, motion: Motion) -> float:
    if dt <= 0:
        return 0.0
    if motion.min_moving_speed is None:
        return dt
    if dt > GAP:
        typical = distance_before / moving_before if moving_before > 0 else 0.0
        return min(dt, step / typical) if typical > 0 else 0.0
    return dt if step / dt >= motion.min_moving_speed else 0.0


def recompute(track: Sequence[Point], motion: Motion, *, battery: int | None, last_seen_ms: int | None) -> LiveState:
    """The state of a whole merged track (time order, unique by ms)."""
    return replace(fold(LiveState(), track, motion), battery=battery, last_seen_ms=last_seen_ms)


def merge(track: Sequence[Point], new: Sequence[Point]) -> list[Point]:
    """The merged track: ``track`` plus ``new`` in time order, the points already in ``track`` winning."""
    return unique_by_ms([*track, *new])
