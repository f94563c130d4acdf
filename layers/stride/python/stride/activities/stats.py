"""Athlete totals (Strava's ActivityStats), kept by a consumer of activity events.

As Strava does, only activities visible to everyone count. Each event moves its activity's contribution:
created adds it, deleted takes it out, updated takes the old one out and puts the new one in (so a change
of sport, date, visibility or distance lands in the right totals). An event is applied once (its id is
marked in the same transaction), so redelivery changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from stride.activities.sports import legacy_type
from stride.events.contracts import ActivitySnapshot
from stride.store import keys
from stride.store.stats import StatsRepository

GROUPS = {"Ride": "ride", "EBikeRide": "ride", "VirtualRide": "ride", "Handcycle": "ride", "Velomobile": "ride",
          "Run": "run", "VirtualRun": "run", "Swim": "swim"}  # fmt: skip
FIELDS = ("count", "distance", "moving_time", "elapsed_time", "elevation_gain", "achievement_count")
RECENT_DAYS = 28


@dataclass(frozen=True)
class Totals:
    count: int = 0
    distance: float = 0.0
    moving_time: int = 0
    elapsed_time: int = 0
    elevation_gain: float = 0.0
    achievement_count: int = 0


@dataclass(frozen=True)
class AthleteStats:
    recent: dict[str, Totals]
    ytd: dict[str, Totals]
    all: dict[str, Totals]
    biggest_ride_distance: float | None
    biggest_climb_elevation_gain: float | None


@cache
def get_repository() -> StatsRepository:
    return StatsRepository()


def _group(snapshot: ActivitySnapshot) -> str | None:
    if snapshot.visibility != "everyone":
        return None
    return GROUPS.get(legacy_type(snapshot.sport_type))


def _contribution(snapshot: ActivitySnapshot, sign: int) -> dict[str, dict[str, float]]:
    group = _group(snapshot)
    if group is None:
        return {}
    values = {
        "count": 1,
        "distance": snapshot.distance,
        "moving_time": snapshot.moving_time,
        "elapsed_time": snapshot.elapsed_time,
        "elevation_gain": snapshot.total_elevation_gain,
        "achievement_count": snapshot.achievement_count,
    }
    counters = {f"{group}_{name}": sign * float(value) for name, value in values.items()}
    day = snapshot.start_date_local.date()
    return {
        keys.STATS_ALL: counters,
        keys.stats_year_sk(day.year): counters,
        keys.stats_day_sk(day.isoformat()): counters,
    }


def _merge(*parts: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    merged: dict[str, dict[str, float]] = {}
    for part in parts:
        for sk, counters in part.items():
            target = merged.setdefault(sk, {})
            for name, value in counters.items():
                target[name] = target.get(name, 0.0) + value
    return {sk: counters for sk, counters in merged.items() if any(counters.values())}


def apply_event(
    event_id: str,
    athlete_id: int,
    before: ActivitySnapshot | None,
    after: ActivitySnapshot | None,
    repository: StatsRepository | None = None,
) -> bool:
    """Move one activity's contribution from ``before`` to ``after`` (either may be None)."""
    deltas = _merge(_contribution(before, -1) if before else {}, _contribution(after, +1) if after else {})
    maxima: dict[str, float] = {}
    if after is not None and _group(after) == "ride":
        maxima = {"biggest_ride_distance": after.distance, "biggest_climb_elevation_gain": after.total_elevation_gain}
    if not deltas and not maxima:
        return False
    return (repository or get_repository()).apply(athlete_id, event_id, deltas, maxima)


def read(athlete_id: int, today: datetime | None = None, repository: StatsRepository | None = None) -> AthleteStats:
    now = today or datetime.now(UTC)
    first = (now - timedelta(days=RECENT_DAYS - 1)).date().isoformat()
    raw = (repository or get_repository()).read(athlete_id, now.year, first, now.date().isoformat())

    def totals(counters: dict[str, float]) -> dict[str, Totals]:
        return {
            group: Totals(
                count=int(counters.get(f"{group}_count", 0)),
                distance=round(counters.get(f"{group}_distance", 0.0), 1),
                moving_time=int(counters.get(f"{group}_moving_time", 0)),
                elapsed_time=int(counters.get(f"{group}_elapsed_time", 0)),
                elevation_gain=round(counters.get(f"{group}_elevation_gain", 0.0), 1),
                achievement_count=int(counters.get(f"{group}_achievement_count", 0)),
            )
            for group in ("ride", "run", "swim")
        }

    return AthleteStats(
        recent=totals(raw["recent"]),
        ytd=totals(raw["ytd"]),
        all=totals(raw["all"]),
        biggest_ride_distance=raw["all"].get("biggest_ride_distance"),
        biggest_climb_elevation_gain=raw["all"].get("biggest_climb_elevation_gain"),
    )


def empty() -> AthleteStats:
    zero = {group: Totals() for group in ("ride", "run", "swim")}
    return AthleteStats(recent=zero, ytd=zero, all=zero, biggest_ride_distance=None, biggest_climb_elevation_gain=None)
