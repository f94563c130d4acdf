"""Challenge rules without any I/O: kinds and units, windows in a time zone, what an activity or a segment effort
contributes, the score and the goal, streak math, and the digits of a leaderboard score. Stdlib only.

A participation keeps one contribution per activity (per effort for ``segment_time``); the score is always
derived from them, so applying an event is "replace this activity's contribution, recompute, write the
difference": a duplicate event finds no difference, an edit takes the old contribution out and puts the new
one in, a delete takes it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from stride.errors import ErrorDetail, InvalidInputError


class Kind(StrEnum):
    DISTANCE = "distance"  # metres, summed
    MOVING_TIME = "moving_time"  # seconds, summed
    ELEVATION = "elevation"  # metres of total_elevation_gain, summed
    ACTIVITY_COUNT = "activity_count"  # activities
    LONGEST_ACTIVITY = "longest_activity"  # metres: the longest single activity
    SEGMENT_TIME = "segment_time"  # seconds: the fastest effort on one segment (lower is better)
    STREAK = "streak"  # days: the longest run of consecutive local days with an activity


class Visibility(StrEnum):
    PLATFORM = "platform"  # created by ADMIN; anyone sees and joins
    GROUP = "group"  # created by any athlete; only the creator and the invitees see and join


UNITS = {
    Kind.DISTANCE: "meters",
    Kind.MOVING_TIME: "seconds",
    Kind.ELEVATION: "meters",
    Kind.ACTIVITY_COUNT: "activities",
    Kind.LONGEST_ACTIVITY: "meters",
    Kind.SEGMENT_TIME: "seconds",
    Kind.STREAK: "days",
}
MAX_INVITEES = 199  # Strava lets a subscriber invite up to 199 others (200 with the creator)
MAX_WINDOW_DAYS = 366
MAX_SPORT_TYPES = 50
SCORE_DIGITS = 12  # a leaderboard score is at most 12 decimal digits
DIGITS_PER_LEVEL = 3  # one counters item per 3 digits: 4 levels of up to 1,000 counters each
SCORE_MAX = 10**SCORE_DIGITS - 1
LATE_DAYS = 7  # events are scored until 7 days after a challenge ends (late uploads), then results are final
_MAX_GOAL = {
    Kind.DISTANCE: 10**8,
    Kind.MOVING_TIME: 10**8,
    Kind.ELEVATION: 10**7,
    Kind.ACTIVITY_COUNT: 10**5,
    Kind.LONGEST_ACTIVITY: 10**7,
    Kind.SEGMENT_TIME: 10**6,
    Kind.STREAK: MAX_WINDOW_DAYS,
}


def invalid(message: str, field_name: str, code: str = "invalid") -> InvalidInputError:
    return InvalidInputError(message, [ErrorDetail("Challenge", field_name, code)])


# ---------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """``[start, end)`` as UTC instants, from local dates or date-times in an IANA time zone. An end given as a
    date includes that whole day."""

    start: datetime
    end: datetime
    timezone: str
    start_local: str  # as given, for the views
    end_local: str

    @property
    def start_epoch(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_epoch(self) -> int:
        return int(self.end.timestamp())

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant.astimezone(UTC) < self.end


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(f"unknown time zone {name!r}: use an IANA name such as Europe/Paris", "timezone") from None


def _local(value: str, field_name: str, tz: ZoneInfo, *, is_end: bool) -> datetime:
    text = value.strip()
    try:
        if len(text) == 10:  # a date: the start of the day, or for an end the start of the next day
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1 if is_end else 0), time())
        else:
            moment = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        raise invalid(f"{field_name} must be a local date (YYYY-MM-DD) or date-time", field_name) from None
    if moment.tzinfo is not None:
        raise invalid(f"{field_name} is a local time: give no offset (timezone says where)", field_name)
    return moment.replace(tzinfo=tz).astimezone(UTC)


def parse_window(start_local: str, end_local: str, timezone: str, now: datetime) -> Window:
    tz = zone(timezone)
    start = _local(start_local, "start_date_local", tz, is_end=False)
    end = _local(end_local, "end_date_local", tz, is_end=True)
    if end <= start:
        raise invalid("end_date_local must be after start_date_local", "end_date_local", "before start")
    if end - start > timedelta(days=MAX_WINDOW_DAYS):
        raise invalid(f"a challenge lasts at most {MAX_WINDOW_DAYS} days", "end_date_local", "too long")
    if end <= now:
        raise invalid("the challenge would already be over", "end_date_local", "in the past")
    return Window(start, end, timezone, start_local.strip(), end_local.strip())


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Rules:
    """What scoring needs of a challenge (copied onto every participation so the consumer reads nothing else)."""

    kind: Kind
    start_epoch: int
    end_epoch: int
    sport_types: tuple[str, ...] = ()
    goal: float | None = None
    segment_id: int | None = None

    def in_window(self, instant: datetime) -> bool:
        return self.start_epoch <= instant.timestamp() < self.end_epoch

    def sport_counts(self, sport_type: str) -> bool:
        return not self.sport_types or sport_type in self.sport_types

    @property
    def lower_is_better(self) -> bool:
        return self.kind is Kind.SEGMENT_TIME


def check_definition(  # noqa: PLR0913 - the fields of a challenge
    kind: Kind, goal: float | None, segment_id: int | None, sport_types: Iterable[str], known_sports: frozenset[str]
) -> tuple[str, ...]:
    """Validate what the window does not cover; returns the sport filter, sorted and without duplicates."""
    sports = tuple(sorted(set(sport_types)))
    unknown = [s for s in sports if s not in known_sports]
    if unknown:
        raise invalid(f"unknown sport_type {unknown[0]!r}", "sport_types")
    if len(sports) > MAX_SPORT_TYPES:
        raise invalid("too many sport types", "sport_types", "too many")
    if goal is not None and not 0 < goal <= _MAX_GOAL[kind]:
        raise invalid(f"goal must be above 0 and at most {_MAX_GOAL[kind]} {UNITS[kind]}", "goal")
    if kind in (Kind.ACTIVITY_COUNT, Kind.STREAK) and goal is not None and goal != int(goal):
        raise invalid(f"a {kind} goal is a whole number", "goal")
    if kind is Kind.STREAK and goal is None:
        raise invalid("a streak challenge needs a goal: the number of consecutive days", "goal", "missing")
    if kind is Kind.SEGMENT_TIME and segment_id is None:
        raise invalid("a segment_time challenge needs a segment_id", "segment_id", "missing")
    if kind is not Kind.SEGMENT_TIME and segment_id is not None:
        raise invalid("only a segment_time challenge takes a segment_id", "segment_id")
    return sports


# ---------------------------------------------------------------- contributions


@dataclass(frozen=True)
class Contribution:
    """What one activity (or one segment effort) adds: its value in the kind's unit and its local date."""

    value: float
    day: str  # local date, ISO (streaks)

    def row(self) -> list[object]:
        return [self.value, self.day]

    @classmethod
    def from_row(cls, row: list[object]) -> Contribution:
        return cls(float(row[0]), str(row[1]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class ActivityFacts:
    """The fields of an activity snapshot that scoring reads (the event contract or a stored activity)."""

    sport_type: str
    start_date: datetime
    start_date_local: datetime
    visibility: str
    distance: float
    moving_time: int
    total_elevation_gain: float


def activity_contribution(rules: Rules, activity: ActivityFacts | None) -> Contribution | None:
    """None: the activity does not count (gone, only_me, another sport, outside the window, or a segment_time
    challenge, which counts efforts instead)."""
    if activity is None or rules.kind is Kind.SEGMENT_TIME or activity.visibility == "only_me":
        return None
    if not rules.sport_counts(activity.sport_type) or not rules.in_window(activity.start_date):
        return None
    value = {
        Kind.DISTANCE: activity.distance,
        Kind.MOVING_TIME: float(activity.moving_time),
        Kind.ELEVATION: activity.total_elevation_gain,
        Kind.ACTIVITY_COUNT: 1.0,
        Kind.LONGEST_ACTIVITY: activity.distance,
        Kind.STREAK: 1.0,
    }[rules.kind]
    if rules.kind is Kind.LONGEST_ACTIVITY and value <= 0:
        return None
    return Contribution(round(value, 1), activity.start_date_local.date().isoformat())


@dataclass(frozen=True)
class EffortFacts:
    segment_id: int
    sport_type: str
    start_date: datetime
    start_date_local: datetime
    elapsed_time: float
    present: bool  # on the boards: not only_me, not hidden, not removed


def effort_contribution(rules: Rules, effort: EffortFacts | None) -> Contribution | None:
    if effort is None or not effort.present or rules.kind is not Kind.SEGMENT_TIME:
        return None
    if effort.segment_id != rules.segment_id or not rules.sport_counts(effort.sport_type):
        return None
    if not rules.in_window(effort.start_date):
        return None
    return Contribution(round(effort.elapsed_time, 3), effort.start_date_local.date().isoformat())


def longest_streak(days: Iterable[str]) -> int:
    """The longest run of consecutive dates among ``days`` (duplicates count once)."""
    ordinals = sorted({date.fromisoformat(d).toordinal() for d in days})
    best = run = 0
    previous = None
    for ordinal in ordinals:
        run = run + 1 if previous is not None and ordinal == previous + 1 else 1
        best = max(best, run)
        previous = ordinal
    return best


def score(kind: Kind, contributions: Mapping[str, Contribution]) -> float | None:
    """The participation's score in the kind's unit; None while nothing counts (no leaderboard entry)."""
    values = [c.value for c in contributions.values()]
    if not values:
        return None
    if kind in (Kind.DISTANCE, Kind.MOVING_TIME, Kind.ELEVATION):
        return round(sum(values), 1)
    if kind is Kind.ACTIVITY_COUNT:
        return float(len(values))
    if kind is Kind.LONGEST_ACTIVITY:
        return max(values)
    if kind is Kind.SEGMENT_TIME:
        return min(values)
    return float(longest_streak(c.day for c in contributions.values()))


def goal_reached(rules: Rules, value: float | None) -> bool:
    if rules.goal is None or value is None:
        return False
    return value <= rules.goal if rules.lower_is_better else value >= rules.goal


def progress_ratio(rules: Rules, value: float | None) -> float | None:
    """0..1 toward the goal (segment_time: 1 once the goal time is beaten, else goal / best)."""
    if rules.goal is None:
        return None
    if value is None:
        return 0.0
    ratio = rules.goal / value if rules.lower_is_better else value / rules.goal
    return round(min(1.0, ratio), 4)


# ---------------------------------------------------------------- leaderboard scores


def board_score(kind: Kind, value: float) -> int:
    """The integer a leaderboard ranks (milliseconds for segment_time, else the unit rounded)."""
    raw = round(value * 1000) if kind is Kind.SEGMENT_TIME else round(value)
    return max(0, min(SCORE_MAX, raw))


def ordered_score(kind: Kind, value: float) -> int:
    """A score where lower is better for every kind: the entries' sort key starts with it, so an ascending Query
    reads the best first, and "how many are ahead of me" is "how many have a smaller ordered score"."""
    points = board_score(kind, value)
    return points if kind is Kind.SEGMENT_TIME else SCORE_MAX - points


def digit_path(ordered: int) -> list[tuple[str, int]]:
    """The counters that hold one ordered score: for each level, the prefix (the item) and the next 3 digits (the
    counter). Rank = 1 + the sum, over the levels, of the counters of the same item with smaller digits."""
    text = f"{ordered:0{SCORE_DIGITS}d}"
    return [
        (text[:start], int(text[start : start + DIGITS_PER_LEVEL]))
        for start in range(0, SCORE_DIGITS, DIGITS_PER_LEVEL)
    ]


def counter_deltas(old: int | None, new: int | None) -> dict[str, dict[int, int]]:
    """ADD deltas per counters item (prefix) for an entry moving from ``old`` to ``new`` (ordered scores; None:
    no entry). Zero deltas are dropped, and one item appears once (a transaction touches an item once)."""
    deltas: dict[str, dict[int, int]] = {}
    for ordered, sign in ((old, -1), (new, 1)):
        if ordered is None:
            continue
        for prefix, digit in digit_path(ordered):
            bucket = deltas.setdefault(prefix, {})
            bucket[digit] = bucket.get(digit, 0) + sign
    return {p: {d: n for d, n in c.items() if n} for p, c in deltas.items() if any(c.values())}


def ahead_from_counters(ordered: int, counters: Mapping[str, Mapping[int, int]]) -> int:
    """How many entries have a strictly smaller ordered score, from the counters items of ``digit_path``."""
    ahead = 0
    for prefix, digit in digit_path(ordered):
        ahead += sum(n for d, n in counters.get(prefix, {}).items() if d < digit)
    return ahead


def competition_ranks(offset: int, first_rank: int, ordered: list[int]) -> list[int]:
    """Ranks of a page of entries sorted by ordered score, ties sharing a rank ("1224"). ``offset`` is the position
    of the page's first entry on the board (0-based) and ``first_rank`` its rank (it may tie with the page before)."""
    ranks: list[int] = []
    for index, value in enumerate(ordered):
        if index == 0:
            ranks.append(first_rank)
        elif value == ordered[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(offset + index + 1)
    return ranks


# ---------------------------------------------------------------- applying one change


@dataclass
class Change:
    """One source's (activity's or effort's) new contribution to one participation, at an event time."""

    source: str  # "a<activity id>" or "e<effort id>"
    contribution: Contribution | None
    at_ms: int  # when the fact happened (the event's occurred_at); older facts lose to newer ones


@dataclass
class Applied:
    contributions: dict[str, Contribution]
    seen: dict[str, int]
    changed: bool  # the contributions changed (the score may have)
    stale: bool = False
    notes: list[str] = field(default_factory=list)


def apply_change(contributions: Mapping[str, Contribution], seen: Mapping[str, int], change: Change) -> Applied:
    """Replace one source's contribution unless a newer (or the same) fact about it was applied already."""
    last = seen.get(change.source)
    if last is not None and change.at_ms <= last:
        return Applied(dict(contributions), dict(seen), changed=False, stale=True)
    new_contributions = dict(contributions)
    if change.contribution is None:
        new_contributions.pop(change.source, None)
    else:
        new_contributions[change.source] = change.contribution
    new_seen = {**seen, change.source: change.at_ms}
    return Applied(new_contributions, new_seen, changed=new_contributions != dict(contributions))


def scoring_floor(now: datetime) -> int:
    """The earliest end (epoch) of a challenge that still takes events: ended at most ``LATE_DAYS`` ago."""
    return int((now - timedelta(days=LATE_DAYS)).timestamp())
