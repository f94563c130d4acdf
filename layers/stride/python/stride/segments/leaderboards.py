"""Leaderboard rules without any I/O: which boards an effort belongs to, each athlete's best per board, time buckets
and ranks from bucket counts, PR ranks, Local Legend. Stdlib only (API functions import it).

An athlete's efforts on a segment are the source of truth; everything on the boards is derived from them by
``best_per_board``, so applying an event is "recompute, then write the difference" and a duplicate event finds
no difference.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

OVERALL = "ALL"
SEX_PREFIX = "SEX#"
WEIGHT_PREFIX = "WT#"
AGE_PREFIX = "AGE#"
SEXES = ("M", "F")
DATE_RANGES = ("today", "this_week", "this_month", "this_year")
# Strava's kilogram weight classes and age groups (the API's enumerations).
WEIGHT_CLASSES = ("0_54", "55_64", "65_74", "75_84", "85_94", "95_104", "105_114", "115_plus")
_WEIGHT_FLOORS = (0, 55, 65, 75, 85, 95, 105, 115)
AGE_GROUPS = ("0_19", "20_24", "25_34", "35_44", "45_54", "55_64", "65_69", "70_74", "75_plus")
_AGE_FLOORS = (0, 20, 25, 35, 45, 55, 65, 70, 75)
_YEAR, _MONTH = re.compile(r"Y\d{4}"), re.compile(r"M\d{4}-\d{2}")
_WEEK, _DAY = re.compile(r"W\d{4}-\d{2}"), re.compile(r"D\d{4}-\d{2}-\d{2}")
PERIOD_GRACE_DAYS = 1  # a period board is written until a day after it ends (local dates run up to 14 h off UTC)
PERIOD_TTL_DAYS = 2  # and expires (DynamoDB TTL) two days after it ends: it is never read again
LEGEND_DAYS = 90
PR_RANKS = 3
KOM_RANKS = 10
MAX_KEPT = 1000  # efforts kept per athlete and segment (see ``prune``)
KEEP_FASTEST = 100
KEEP_RECENT_DAYS = 400


@dataclass(frozen=True)
class BoardEffort:
    """An effort as the boards keep it. ``sex``/``weight_class``/``age_group`` are the athlete's when it landed."""

    effort_id: int
    activity_id: int
    elapsed_ms: int
    moving_ms: int
    start: int  # epoch seconds, UTC
    local: str  # start_date_local, "YYYY-MM-DDTHH:MM:SSZ" (wall clock)
    sex: str | None = None
    weight_class: str | None = None
    age_group: str | None = None

    @property
    def order(self) -> tuple[int, int, int]:
        """Fastest first; a tie goes to the earlier effort (then the lower id)."""
        return (self.elapsed_ms, self.start, self.effort_id)

    def row(self) -> list[object]:
        return [
            self.effort_id,
            self.activity_id,
            self.elapsed_ms,
            self.moving_ms,
            self.start,
            self.local,
            self.sex,
            self.weight_class,
            self.age_group,
        ]

    @classmethod
    def from_row(cls, row: Sequence[object]) -> BoardEffort:
        effort_id, activity_id, elapsed_ms, moving_ms, start, local, sex, weight, *rest = row  # rest: age (v2 rows)
        age = rest[0] if rest else None
        return cls(
            int(effort_id),  # type: ignore[call-overload]
            int(activity_id),  # type: ignore[call-overload]
            int(elapsed_ms),  # type: ignore[call-overload]
            int(moving_ms),  # type: ignore[call-overload]
            int(start),  # type: ignore[call-overload]
            str(local),
            None if sex is None else str(sex),
            None if weight is None else str(weight),
            None if age is None else str(age),
        )

    @property
    def local_date(self) -> date:
        return date.fromisoformat(self.local[:10])


def to_ms(seconds: float) -> int:
    return round(seconds * 1000)


def local_iso(moment: datetime) -> str:
    """A start_date_local as Strava writes it: the wall clock with a ``Z``."""
    return moment.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- classes


def weight_class(kg: float | None) -> str | None:
    """Strava's kilogram class of a weight, or None when the profile has none."""
    if kg is None or kg <= 0:
        return None
    index = max(i for i, floor in enumerate(_WEIGHT_FLOORS) if kg >= floor)
    return WEIGHT_CLASSES[index]


def age_group(birthdate: date, on: date) -> str:
    """Strava's age group of someone born on ``birthdate``, on the day ``on``."""
    age = on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))
    index = max(i for i, floor in enumerate(_AGE_FLOORS) if age >= floor)
    return AGE_GROUPS[index]


# ---------------------------------------------------------------- periods


def _week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"W{year:04d}-{week:02d}"


def period_boards(day: date) -> dict[str, date]:
    """The date-range boards of a local date, each with the last day of its period."""
    next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return {
        f"Y{day.year:04d}": date(day.year, 12, 31),
        f"M{day.year:04d}-{day.month:02d}": next_month - timedelta(days=1),
        _week(day): day + timedelta(days=6 - day.weekday()),
        f"D{day.isoformat()}": day,
    }


def date_range_board(date_range: str, today: date) -> str:
    """The board a read of ``date_range`` uses: the period holding ``today`` (UTC at read time)."""
    boards = list(period_boards(today))
    return boards[DATE_RANGES[::-1].index(date_range)]


def period_end(board: str) -> date | None:
    """The last day of a date-range board's period; None for a board that never ends."""
    if _YEAR.fullmatch(board):
        return date(int(board[1:]), 12, 31)
    if _MONTH.fullmatch(board):
        year, month = int(board[1:5]), int(board[6:])
        return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    if _WEEK.fullmatch(board):
        return date.fromisocalendar(int(board[1:5]), int(board[6:]), 7)
    if _DAY.fullmatch(board):
        return date.fromisoformat(board[1:])
    return None


def is_live(board: str, today: date) -> bool:
    """Whether a board is still written: every board but the date-range boards of periods long over."""
    end = period_end(board)
    return end is None or end >= today - timedelta(days=PERIOD_GRACE_DAYS)


def expires_at(board: str) -> int | None:
    """The TTL (epoch seconds) of a date-range board's items; None for boards that stay."""
    end = period_end(board)
    if end is None:
        return None
    moment = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=PERIOD_TTL_DAYS + 1)
    return int(moment.timestamp())


# ---------------------------------------------------------------- boards


def boards_of(effort: BoardEffort) -> list[str]:
    """Every board an effort is on: overall, its athlete's sex, weight class and age group, its local periods."""
    boards = [OVERALL]
    if effort.sex in SEXES:
        boards.append(f"{SEX_PREFIX}{effort.sex}")
    if effort.weight_class in WEIGHT_CLASSES:
        boards.append(f"{WEIGHT_PREFIX}{effort.weight_class}")
    if effort.age_group in AGE_GROUPS:
        boards.append(f"{AGE_PREFIX}{effort.age_group}")
    boards += list(period_boards(effort.local_date))
    return boards


def best_per_board(efforts: Iterable[BoardEffort], today: date) -> dict[str, BoardEffort]:
    """The athlete's best effort on each live board their efforts are on."""
    best: dict[str, BoardEffort] = {}
    for effort in efforts:
        for board in boards_of(effort):
            if is_live(board, today) and (board not in best or effort.order < best[board].order):
                best[board] = effort
    return best


@dataclass(frozen=True)
class BoardMove:
    """What changes on one board: the athlete's entry ``old`` leaves it and ``new`` takes its place (either None)."""

    board: str
    old: BoardEffort | None
    new: BoardEffort | None


def board_moves(
    before: dict[str, BoardEffort], after: dict[str, BoardEffort], today: date
) -> tuple[list[BoardMove], dict[str, BoardEffort]]:
    """The moves from the entries written (``before``) to the wanted ones (``after``), and the entries the bests item
    keeps. An entry on a board that is no longer live is forgotten without a write (its items expire by TTL)."""
    moves: list[BoardMove] = []
    for board in sorted(set(before) | set(after)):
        old, new = before.get(board), after.get(board)
        if not is_live(board, today) or old == new:
            continue
        moves.append(BoardMove(board, old, new))
    return moves, dict(after)


def prune(efforts: list[BoardEffort], now: datetime) -> list[BoardEffort]:
    """The efforts worth keeping, fastest first: all of them up to MAX_KEPT; past that, the KEEP_FASTEST fastest and
    those of the last KEEP_RECENT_DAYS days (which every live board and Local Legend draw from, most recent first),
    then the next fastest up to MAX_KEPT."""
    ordered = sorted(efforts, key=lambda e: e.order)
    if len(ordered) <= MAX_KEPT:
        return ordered
    horizon = int((now - timedelta(days=KEEP_RECENT_DAYS)).timestamp())
    recent = sorted((e for e in ordered[KEEP_FASTEST:] if e.start >= horizon), key=lambda e: -e.start)
    kept = {e.effort_id for e in ordered[:KEEP_FASTEST]} | {e.effort_id for e in recent[: MAX_KEPT - KEEP_FASTEST]}
    for e in ordered:
        if len(kept) >= MAX_KEPT:
            break
        kept.add(e.effort_id)
    return [e for e in ordered if e.effort_id in kept]


def pr_rank(efforts: Iterable[BoardEffort], effort_id: int) -> int | None:
    """1 to 3 when the effort is among the athlete's 3 fastest on the segment."""
    ordered = sorted(efforts, key=lambda e: e.order)
    for rank, effort in enumerate(ordered[:PR_RANKS], start=1):
        if effort.effort_id == effort_id:
            return rank
    return None


# ---------------------------------------------------------------- buckets and ranks


def minute_of(elapsed_ms: int) -> int:
    return elapsed_ms // 60_000


def second_of(elapsed_ms: int) -> int:
    return elapsed_ms // 1000


def hundredth_of(elapsed_ms: int) -> int:
    return elapsed_ms // 10


def minute_counter(elapsed_ms: int) -> str:
    """The per-second counter of a minute item (``c00``..``c59``)."""
    return f"c{second_of(elapsed_ms) % 60:02d}"


def second_counter(elapsed_ms: int) -> str:
    """The per-hundredth counter of a second item (``h00``..``h99``)."""
    return f"h{hundredth_of(elapsed_ms) % 100:02d}"


def count_deltas(moves: Iterable[BoardMove]) -> dict[tuple[str, str, int], dict[str, int]]:
    """ADDs on the bucket items: {(board, "M"|"S", minute or second): {counter: delta}}; merged, zeros dropped.
    A minute item counts its entries (``n``) and per second; a second item per hundredth of a second."""
    deltas: dict[tuple[str, str, int], dict[str, int]] = {}

    def add(key: tuple[str, str, int], counter: str, delta: int) -> None:
        counters = deltas.setdefault(key, {})
        counters[counter] = counters.get(counter, 0) + delta

    for move in moves:
        for effort, delta in ((move.old, -1), (move.new, 1)):
            if effort is None:
                continue
            minute_key = (move.board, "M", minute_of(effort.elapsed_ms))
            add(minute_key, "n", delta)
            add(minute_key, minute_counter(effort.elapsed_ms), delta)
            add((move.board, "S", second_of(effort.elapsed_ms)), second_counter(effort.elapsed_ms), delta)
    cleaned = {key: {c: d for c, d in counters.items() if d} for key, counters in deltas.items()}
    return {key: counters for key, counters in cleaned.items() if counters}


@dataclass(frozen=True)
class MinuteCounts:
    minute: int
    n: int
    per_second: dict[int, int]  # second within the minute (0-59) -> entries


def rank_from_counts(
    elapsed_ms: int, minutes: Iterable[MinuteCounts], per_hundredth: dict[int, int], ahead_in_hundredth: int
) -> int:
    """1 + the entries ahead: every entry of the earlier minutes, of the earlier seconds of my minute, of the earlier
    hundredths of my second, and those of my own hundredth of a second that sort before me (counted by reading them)."""
    my_minute, my_second, my_hundredth = (
        minute_of(elapsed_ms),
        second_of(elapsed_ms) % 60,
        hundredth_of(elapsed_ms) % 100,
    )
    ahead = ahead_in_hundredth
    for counts in minutes:
        if counts.minute < my_minute:
            ahead += counts.n
        elif counts.minute == my_minute:
            ahead += sum(c for s, c in counts.per_second.items() if s < my_second)
    ahead += sum(c for h, c in per_hundredth.items() if h < my_hundredth)
    return ahead + 1


# ---------------------------------------------------------------- Local Legend


def legend_starts(efforts: Iterable[BoardEffort], now: datetime) -> list[int]:
    """Start times (epoch) of the efforts within the last LEGEND_DAYS days, oldest first."""
    horizon = int((now - timedelta(days=LEGEND_DAYS)).timestamp())
    return sorted(e.start for e in efforts if e.start >= horizon)


@dataclass(frozen=True)
class LegendCandidate:
    athlete_id: int
    stored_count: int  # the count when written: never below the count now (efforts only age out)
    starts: list[int]


def count_within(starts: Iterable[int], now: datetime) -> int:
    horizon = int((now - timedelta(days=LEGEND_DAYS)).timestamp())
    return sum(1 for s in starts if s >= horizon)


def pick_legend(
    candidates: Iterable[LegendCandidate], now: datetime, *, complete: bool
) -> tuple[tuple[int, int] | None, bool]:
    """The Local Legend (athlete, efforts in the last 90 days) among candidates read in descending stored count,
    and whether the answer is certain: it is once the best count now is above the stored count of the next
    candidate (stored counts are upper bounds), or when ``complete`` (every candidate was read). Ties go to the
    athlete whose last effort is latest."""
    best: tuple[int, int, int] | None = None  # (count, last start, athlete)
    certain = False
    for candidate in candidates:
        if best is not None and best[0] > candidate.stored_count:
            certain = True
            break
        count = count_within(candidate.starts, now)
        if count == 0:
            continue
        key = (count, max(candidate.starts), candidate.athlete_id)
        if best is None or key[:2] > best[:2]:
            best = key
    else:
        certain = complete
    return ((best[2], best[0]) if best else None), certain
