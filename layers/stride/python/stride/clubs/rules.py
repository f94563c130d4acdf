"""Pure rules of clubs: weeks in a club's time zone, what an activity adds to a weekly board, bucket counts and
ranks, group event checks. No storage, no HTTP (unit-tested in tests/unit/test_club_*.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

METRICS = ("distance", "moving_time", "elevation", "activities")
SPORT_TYPES = ("cycling", "running", "triathlon", "other")
FINE_PER_COARSE = 100
# Integer units each metric is kept in, and the width of a fine bucket in those units (a coarse bucket is 100 fine):
# distance in metres (100 m, 10 km), moving time in seconds (1 min, 100 min), elevation in decimetres (10 m, 1 km),
# activities one by one (1, 100).
FINE_WIDTH = {"distance": 100, "moving_time": 60, "elevation": 100, "activities": 1}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class RuleError(ValueError):
    """A value a club rule refuses; ``field`` names the offending input."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name, or RuleError."""
    if not name or name not in _zone_names():
        raise RuleError(f"unknown time zone {name!r} (an IANA name such as Europe/Helsinki)", "timezone")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuleError(f"unknown time zone {name!r}", "timezone") from exc


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES  # noqa: PLW0603 - read once per container
    if _ZONES is None:
        _ZONES = frozenset(available_timezones()) | {"UTC"}
    return _ZONES


# ---------------------------------------------------------------- weeks


def week_of(moment: datetime, timezone: str) -> str:
    """The ISO week (Monday to Sunday) holding ``moment`` on the club's wall clock, as ``YYYY-Www``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(zone(timezone)).date()
    year, week, _ = local.isocalendar()
    return f"{year:04d}-W{week:02d}"


def parse_week(text: str) -> str:
    """``YYYY-Www`` checked against the ISO calendar (week 53 only in years that have one)."""
    match = _WEEK.match(text or "")
    if not match:
        raise RuleError("week must look like 2026-W49", "week")
    year, week = int(match[1]), int(match[2])
    if not 1 <= year <= 9998 or not 1 <= week <= date(year, 12, 28).isocalendar()[1]:
        raise RuleError(f"{text} is not a week of the ISO calendar", "week")
    return f"{year:04d}-W{week:02d}"


def week_bounds(week: str, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants where ``week`` starts (Monday 00:00 local) and ends (the next Monday 00:00 local)."""
    year, number = int(week[:4]), int(week[6:])
    monday = date.fromisocalendar(year, number, 1)
    tz = zone(timezone)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=tz)
    nxt = monday + timedelta(days=7)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


# ---------------------------------------------------------------- what an activity counts for


Part = tuple[int, int, int]  # metres, seconds, decimetres of climbing


def part_of(distance: float, moving_time: int, elevation_gain: float) -> Part:
    """What one activity adds to a member's week, in the boards' integer units."""
    return (max(0, round(distance)), max(0, int(moving_time)), max(0, round(elevation_gain * 10)))


def counts(visibility: str) -> bool:
    """Whether a member's activity counts for a club: any that others may see, never only_me. Membership is that
    of the moment the consumer handles the activity's event (see docs/clubs.md): joining brings no history along,
    an activity created or edited while a member counts in the week of its start."""
    return visibility != "only_me"


def totals(parts: Iterable[Part]) -> dict[str, int]:
    listed = list(parts)
    return {
        "distance": sum(p[0] for p in listed),
        "moving_time": sum(p[1] for p in listed),
        "elevation": sum(p[2] for p in listed),
        "activities": len(listed),
    }


# ---------------------------------------------------------------- buckets and ranks


def coarse_of(metric: str, value: int) -> int:
    return value // (FINE_WIDTH[metric] * FINE_PER_COARSE)


def fine_of(metric: str, value: int) -> int:
    return (value // FINE_WIDTH[metric]) % FINE_PER_COARSE


def fine_counter(metric: str, value: int) -> str:
    return f"f{fine_of(metric, value):02d}"


def fine_top(metric: str, value: int) -> int:
    """The largest value in the fine bucket of ``value``."""
    width = FINE_WIDTH[metric]
    return (value // width) * width + width - 1


@dataclass(frozen=True)
class Move:
    """One ranking entry leaving (``old``) and/or arriving (``new``); a zero total is no entry."""

    metric: str
    old: int | None
    new: int | None


def moves(before: Mapping[str, int] | None, after: Mapping[str, int] | None) -> list[Move]:
    """The ranking entries that change between two sets of totals (None or zero: not on that ranking)."""
    found = []
    for metric in METRICS:
        old = (before or {}).get(metric) or None
        new = (after or {}).get(metric) or None
        if old != new:
            found.append(Move(metric, old, new))
    return found


def count_deltas(changes: Iterable[Move]) -> dict[tuple[str, int], dict[str, int]]:
    """ADDs per counter item ((metric, coarse bucket) -> {counter: delta}), merged so that one transaction touches
    each item once; counters that cancel out are dropped."""
    deltas: dict[tuple[str, int], dict[str, int]] = {}
    for move in changes:
        for value, step in ((move.old, -1), (move.new, 1)):
            if value is None:
                continue
            item = deltas.setdefault((move.metric, coarse_of(move.metric, value)), {})
            for counter in ("n", fine_counter(move.metric, value)):
                item[counter] = item.get(counter, 0) + step
    cleaned = {key: {c: d for c, d in item.items() if d} for key, item in deltas.items()}
    return {key: item for key, item in cleaned.items() if item}


@dataclass(frozen=True)
class CoarseCounts:
    bucket: int
    n: int
    fine: dict[int, int]


def rank_from_counts(metric: str, value: int, coarse: Iterable[CoarseCounts], ahead_in_fine: int) -> int:
    """Competition rank (ties share a rank) of ``value``: 1 + the entries strictly greater. Those are the entries of
    every higher coarse bucket, of the higher fine buckets of mine, and ``ahead_in_fine`` (my fine bucket's entries
    above my value, counted by a keys-only Query)."""
    mine, my_fine = coarse_of(metric, value), fine_of(metric, value)
    above = 0
    for item in coarse:
        if item.bucket > mine:
            above += item.n
        elif item.bucket == mine:
            above += sum(count for fine, count in item.fine.items() if fine > my_fine)
    return 1 + above + ahead_in_fine


def competition_ranks(values: list[int], offset_rank: int = 1) -> list[int]:
    """Ranks of a list sorted highest first, ties sharing the first rank of their run."""
    ranks, previous, current = [], None, offset_rank
    for index, value in enumerate(values):
        if value != previous:
            current = offset_rank + index
            previous = value
        ranks.append(current)
    return ranks


# ---------------------------------------------------------------- group events

MAX_TITLE = 100
MAX_DESCRIPTION = 2000


def check_event_start(start: datetime, now: datetime) -> None:
    if start.tzinfo is None:
        raise RuleError("start_date must carry a UTC offset, or give start_date_local with a timezone", "start_date")
    if start <= now:
        raise RuleError("a group event starts in the future", "start_date")
    if start > now + timedelta(days=366):
        raise RuleError("a group event starts within a year", "start_date")


def local_to_utc(local: datetime, timezone: str) -> datetime:
    """A wall-clock time in ``timezone`` as UTC (an ambiguous time takes its first occurrence)."""
    return local.replace(tzinfo=zone(timezone)).astimezone(UTC)
