"""Segment leaderboards, titles, Local Legend and personal records: the use cases (AP63-AP72).

Writes come only from the effort events (``segment.effort.recorded``/``removed``): the athlete's bests item is read,
the boards are recomputed from their efforts (stride.segments.leaderboards) and the difference is written in one
transaction conditional on the revision read, so a duplicate event writes nothing and a concurrent one retries.
Reads: the top of a board is one Query, "my rank" is summed from bucket counts, blocked athletes are left out
(stride.policy), the following filter reads the followees' bests by key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from stride import ids
from stride.accounts.models import Athlete
from stride.errors import (
    ConflictError,
    ErrorDetail,
    ForbiddenError,
    InvalidInputError,
    MalformedRequestError,
    NotFoundError,
)
from stride.events.contracts import SegmentEffortSnapshot
from stride.observability import logger, tracer
from stride.policy import STRANGER, Caller, ProfileDetail, can_see_athlete, profile_detail
from stride.segments import leaderboards as lb
from stride.segments.leaderboards import BoardEffort
from stride.social.relations import relation, relations
from stride.store import keys
from stride.store.athletes import AthleteRepository
from stride.store.leaderboards import BestsChange, BoardEntry, LeaderboardRepository, LegendChange
from stride.store.segments import SegmentRepository

MAX_DEPTH = 1000  # page * per_page of a leaderboard
MAX_FOLLOWING = 1000  # followees whose bests the following filter reads
LEGEND_PAGE = 20
LEGEND_MAX_PAGES = 5
SEEN_KEPT = 2000  # event times remembered per athlete and segment (at least every kept effort's)
_COMMIT_RETRIES = 8
_TITLE_RETRIES = 5
_TITLE_BOARDS = (("kom", f"{lb.SEX_PREFIX}M"), ("qom", f"{lb.SEX_PREFIX}F"), ("cr", lb.OVERALL))
# The best-effort distances of the activities context (stride.activities.metrics.best_efforts.DISTANCES, which
# imports numpy; a unit test keeps the two lists equal).
BEST_EFFORT_NAMES = (
    "400m",
    "1/2 mile",
    "1k",
    "1 mile",
    "2 mile",
    "5k",
    "10k",
    "15k",
    "10 mile",
    "20k",
    "Half-Marathon",
    "30k",
    "Marathon",
)


@cache
def get_repository() -> LeaderboardRepository:
    return LeaderboardRepository()


# ---------------------------------------------------------------- writes (the consumer)


@dataclass(frozen=True)
class Applied:
    changed: bool
    moves: int = 0
    pr_rank: int | None = None
    kom_rank: int | None = None


def _board_effort(snapshot: SegmentEffortSnapshot, athlete: Athlete | None) -> BoardEffort:
    return BoardEffort(
        effort_id=snapshot.effort_id,
        activity_id=snapshot.activity_id,
        elapsed_ms=lb.to_ms(snapshot.elapsed_time),
        moving_ms=lb.to_ms(snapshot.moving_time),
        start=int(snapshot.start_date.timestamp()),
        local=lb.local_iso(snapshot.start_date_local),
        sex=athlete.sex if athlete else None,
        weight_class=lb.weight_class(athlete.weight) if athlete else None,
        age_group=(
            lb.age_group(athlete.birthdate, snapshot.start_date_local.date()) if athlete and athlete.birthdate else None
        ),
    )


def _same_numbers(kept: BoardEffort, new: BoardEffort) -> bool:
    return (kept.activity_id, kept.elapsed_ms, kept.moving_ms, kept.start, kept.local) == (
        new.activity_id,
        new.elapsed_ms,
        new.moving_ms,
        new.start,
        new.local,
    )


def _legend_change(old_sk: str | None, efforts: list[BoardEffort], athlete_id: int, now: datetime) -> LegendChange:
    starts = lb.legend_starts(efforts, now)
    if not starts:
        return LegendChange(old_sk, None)
    ttl = int((datetime.fromtimestamp(max(starts), UTC) + timedelta(days=lb.LEGEND_DAYS + 1)).timestamp())
    return LegendChange(old_sk, keys.legend_sk(len(starts), athlete_id), starts, ttl)


def _remember(seen: dict[int, int], effort_id: int, at: int | None) -> dict[int, int]:
    """``seen`` with the effort's event time; the oldest entries dropped past SEEN_KEPT."""
    if at is None:
        return seen
    updated = {**seen, effort_id: at}
    if len(updated) > SEEN_KEPT:
        updated = dict(sorted(updated.items(), key=lambda pair: -pair[1])[:SEEN_KEPT])
    return updated


@tracer.capture_method(capture_response=False)
def apply_effort(  # noqa: PLR0913 - the event's parts
    snapshot: SegmentEffortSnapshot,
    present: bool,
    *,
    occurred_at: datetime | None = None,
    repository: LeaderboardRepository | None = None,
    now: datetime | None = None,
) -> Applied:
    """Put the effort on the boards (``present``) or take it off. Idempotent: an effort already there with the same
    numbers (or already gone) changes nothing; the titles and the effort's ranks are still written again (both are
    idempotent), so a retry after a partial failure completes them. An effort recorded again with other numbers (the
    activity was re-matched) replaces the one kept. An event older than the last one applied to the same effort
    (``occurred_at``; SQS does not keep order) is ignored, and a removal of an effort not seen yet is remembered so
    that its late ``recorded`` is ignored too."""
    repo = repository or get_repository()
    moment = now or datetime.now(UTC)
    at = round(occurred_at.timestamp() * 1000) if occurred_at else None
    today = moment.date()
    segment_id, athlete_id, effort_id = snapshot.segment_id, snapshot.athlete_id, snapshot.effort_id
    athlete = AthleteRepository().get(athlete_id) if present else None
    for _ in range(_COMMIT_RETRIES):
        bests = repo.bests(segment_id, athlete_id)
        efforts, seen = (bests.efforts, bests.seen) if bests else ([], {})
        if at is not None and seen.get(effort_id, -1) > at:
            logger.info("late effort event ignored", segment_id=segment_id, present=present)
            return Applied(changed=False)
        known = next((e for e in efforts if e.effort_id == effort_id), None)
        others = [e for e in efforts if e.effort_id != effort_id]
        repeated = at is None or seen.get(effort_id) == at  # the very event again (or no time to tell)
        if present:
            new = _board_effort(snapshot, athlete)
            same = known is not None and _same_numbers(known, new)
            if same and repeated:
                return _after(repo, snapshot, efforts, present, Applied(changed=False))
            if same:
                kept = efforts  # a newer event with the same numbers: only its time is remembered
            else:
                # the athlete's classes are the ones of when the effort first landed
                held = (
                    new
                    if known is None
                    else replace(new, sex=known.sex, weight_class=known.weight_class, age_group=known.age_group)
                )
                kept = lb.prune([*others, held], moment)
        elif known is None and repeated:
            return _after(repo, snapshot, efforts, present, Applied(changed=False))
        else:
            kept = others  # known: it leaves; unknown: nothing leaves, the removal is remembered
        moves, boards = lb.board_moves(bests.boards if bests else {}, lb.best_per_board(kept, today), today)
        change = BestsChange(
            segment_id=segment_id,
            athlete_id=athlete_id,
            before_rev=bests.rev if bests else None,
            efforts=kept,
            boards=boards,
            moves=moves,
            legend=_legend_change(bests.legend if bests else None, kept, athlete_id, moment),
            touches_titles=any(m.board == lb.OVERALL or m.board.startswith(lb.SEX_PREFIX) for m in moves),
            seen=_remember(seen, effort_id, at),
        )
        if repo.commit(change):
            break
    else:
        raise ConflictError.about("the athlete's bests kept changing", "Leaderboard", "rev", "conflict")
    if bool(efforts) != bool(kept):
        SegmentRepository().add_counts(segment_id, athletes=1 if kept else -1)
    logger.info("segment boards updated", segment_id=segment_id, moves=len(moves), present=present)
    return _after(repo, snapshot, kept, present, Applied(changed=True, moves=len(moves)))


def _after(
    repo: LeaderboardRepository,
    snapshot: SegmentEffortSnapshot,
    efforts: list[BoardEffort],
    present: bool,
    done: Applied,
) -> Applied:
    refresh_titles(snapshot.segment_id, repo)
    if not present:
        return done
    pr = lb.pr_rank(efforts, snapshot.effort_id)
    kom = None
    mine = next((e for e in efforts if e.effort_id == snapshot.effort_id), None)
    best = min(efforts, key=lambda e: e.order) if efforts else None
    if mine is not None and best is not None and best.effort_id == mine.effort_id:
        rank = board_rank(repo, snapshot.segment_id, lb.OVERALL, snapshot.athlete_id, mine)
        kom = rank if rank <= lb.KOM_RANKS else None
    from stride.store.efforts import EffortRepository  # the effort items are the matching context's

    EffortRepository().set_ranks(snapshot.effort_id, pr_rank=pr, kom_rank=kom)
    return Applied(done.changed, done.moves, pr, kom)


def _title(entry: BoardEntry) -> dict[str, Any]:
    effort = entry.effort
    return {"athlete_id": entry.athlete_id, **dict(zip(_ROW_FIELDS, effort.row()[:6], strict=True))}


_ROW_FIELDS = ("effort_id", "activity_id", "elapsed_ms", "moving_ms", "start", "local")


@tracer.capture_method(capture_response=False)
def refresh_titles(segment_id: int, repository: LeaderboardRepository | None = None) -> dict[str, Any]:
    """AP67: KOM (fastest man), QOM (fastest woman), CR (fastest overall) from the top of their boards, written only
    if no board moved since the tops were read (the transactions bump the titles' revision)."""
    repo = repository or get_repository()
    for _ in range(_TITLE_RETRIES):
        rev, _ = repo.titles(segment_id, consistent=True)
        titles: dict[str, Any] = {}
        for name, board in _TITLE_BOARDS:
            top = repo.top(segment_id, board, 1, consistent=True)
            titles[name] = _title(top[0]) if top else None
        if repo.put_titles(segment_id, rev, titles):
            return titles
    raise ConflictError.about("the boards kept changing", "Leaderboard", "titles", "conflict")


def board_rank(repo: LeaderboardRepository, segment_id: int, board: str, athlete_id: int, effort: BoardEffort) -> int:
    """AP66: the rank of an athlete's entry from the bucket counts: the minute items, the second item of its time,
    and the entries of its own hundredth of a second that sort before it."""
    sort_key = keys.board_sk(effort.elapsed_ms, effort.start, athlete_id)
    minutes = repo.minute_counts(segment_id, board)
    per_hundredth = repo.hundredth_counts(segment_id, board, lb.second_of(effort.elapsed_ms))
    ahead = repo.ahead_in_slice(segment_id, board, lb.hundredth_of(effort.elapsed_ms) * 10, sort_key)
    return lb.rank_from_counts(effort.elapsed_ms, minutes, per_hundredth, ahead)


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class Ranked:
    athlete_id: int
    effort: BoardEffort
    rank: int


@dataclass
class Leaderboard:
    segment_id: int
    kom_type: str
    entry_count: int
    effort_count: int
    entries: list[Ranked]
    athlete_entry: Ranked | None
    titles: dict[str, dict[str, Any] | None]
    local_legend: tuple[int, int] | None  # (athlete, efforts in the last 90 days)
    athletes: dict[int, Athlete] = field(default_factory=dict)


def _bad(message: str, field_name: str) -> MalformedRequestError:
    return MalformedRequestError(message, [ErrorDetail("Leaderboard", field_name, "unsupported")])


def choose_board(
    gender: str | None,
    age_group: str | None,
    weight_class: str | None,
    date_range: str | None,
    club_id: int | None,
    today: date,
) -> str:
    """The board a read uses, or a 400 for filters that cannot be combined. ``club_id`` ranks the club's members on
    the chosen board (read by key, like ``following``), so it combines with any one filter but not with following."""
    chosen = [
        name
        for name, value in (
            ("gender", gender),
            ("age_group", age_group),
            ("weight_class", weight_class),
            ("date_range", date_range),
        )
        if value
    ]
    if len(chosen) > 1:
        raise _bad(
            f"combine at most one of gender, age_group, weight_class, date_range (got {', '.join(chosen)})", chosen[1]
        )
    if gender:
        return f"{lb.SEX_PREFIX}{gender}"
    if age_group:
        return f"{lb.AGE_PREFIX}{age_group}"
    if weight_class:
        return f"{lb.WEIGHT_PREFIX}{weight_class}"
    if date_range:
        return lb.date_range_board(date_range, today)
    return lb.OVERALL


def _legend(repo: LeaderboardRepository, segment_id: int, now: datetime) -> tuple[int, int] | None:
    """AP68: candidates in descending stored count, a page at a time, until the answer is certain (or 5 pages)."""
    candidates: list[lb.LegendCandidate] = []
    start_key = None
    for _ in range(LEGEND_MAX_PAGES):
        found, start_key = repo.legend_candidates(segment_id, LEGEND_PAGE, start_key)
        candidates += [lb.LegendCandidate(a, count, starts) for a, count, starts in found]
        legend, certain = lb.pick_legend(candidates, now, complete=start_key is None)
        if certain:
            return legend
    return lb.pick_legend(candidates, now, complete=True)[0]


def _club_people(caller: Caller, club_id: int) -> list[int]:
    """The club filter: the caller must be a member (stride.clubs, through stride.policy's club rules); the club's
    first MAX_FOLLOWING members by key (AP111), whose bests are then read by key like the following filter's."""
    from stride.clubs.service import require_member
    from stride.store.clubs import get_repository as club_repository

    require_member(caller, club_id)
    return [m.athlete_id for m in club_repository().members(club_id, limit=MAX_FOLLOWING)]


@tracer.capture_method(capture_response=False)
def leaderboard(  # noqa: PLR0913 - Strava's filters
    caller: Caller,
    segment_id: int,
    *,
    gender: str | None = None,
    age_group: str | None = None,
    weight_class: str | None = None,
    date_range: str | None = None,
    following: bool = False,
    club_id: int | None = None,
    page: int = 1,
    per_page: int = 10,
    repository: LeaderboardRepository | None = None,
    now: datetime | None = None,
) -> Leaderboard:
    moment = now or datetime.now(UTC)
    board = choose_board(gender, age_group, weight_class, date_range, club_id, moment.date())
    if page * per_page > MAX_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_DEPTH}", "Leaderboard", "page", "invalid")
    segment = SegmentRepository().get(segment_id) if ids.is_valid(segment_id) else None
    if segment is None:
        raise NotFoundError("Record Not Found", [ErrorDetail("Segment", "id", "invalid")])
    if following and club_id is not None:
        raise _bad("combine at most one of following, club_id", "club_id")
    repo = repository or get_repository()
    offset = (page - 1) * per_page
    me = caller.athlete_id
    if following or club_id is not None:
        if club_id is not None:
            people = _club_people(caller, club_id)
        else:
            from stride.store.social import SocialRepository

            people = [*SocialRepository().edge_ids(keys.following_pk(me), limit=MAX_FOLLOWING), me]
        held = repo.board_entries_of(segment_id, people)
        standing = sorted(
            ((boards[board], athlete) for athlete, boards in held.items() if board in boards),
            key=lambda pair: (*pair[0].order, pair[1]),
        )
        ranked = [Ranked(a, e, rank) for rank, (e, a) in enumerate(standing, start=1)]
        entries, entry_count = ranked[offset : offset + per_page], len(ranked)
        mine = next((r for r in ranked if r.athlete_id == me), None)
    else:
        top = repo.top(segment_id, board, offset + per_page)
        entries = [Ranked(e.athlete_id, e.effort, rank) for rank, e in enumerate(top, start=1)][offset:]
        entry_count = sum(m.n for m in repo.minute_counts(segment_id, board))
        mine = next((r for r in entries if r.athlete_id == me), None)
        if mine is None:
            held_by_me = repo.board_entries_of(segment_id, [me]).get(me, {})
            if board in held_by_me:
                effort = held_by_me[board]
                mine = Ranked(me, effort, board_rank(repo, segment_id, board, me, effort))
    _, titles = repo.titles(segment_id)
    legend = _legend(repo, segment_id, moment)
    shown = {r.athlete_id for r in entries} | {t["athlete_id"] for t in titles.values() if t}
    shown |= {legend[0]} if legend else set()
    standing_to = relations(me, shown)
    hidden = {a for a in shown if not can_see_athlete(caller, a, standing_to.get(a, STRANGER))}
    return Leaderboard(
        segment_id=segment_id,
        kom_type="cr" if segment.activity_type == "Run" else "kom",
        entry_count=entry_count,
        effort_count=segment.effort_count,
        entries=[r for r in entries if r.athlete_id not in hidden],
        athlete_entry=mine,
        titles={name: (t if t and t["athlete_id"] not in hidden else None) for name, t in titles.items()},
        local_legend=legend if legend and legend[0] not in hidden else None,
        athletes=AthleteRepository().get_many(shown - hidden | {me}),
    )


@dataclass
class AthleteRecords:
    athlete_id: int
    segments: list[tuple[int, list[BoardEffort]]]
    best_efforts: list[Any] | None  # BestEffortRecord, only for the athlete themself


@tracer.capture_method(capture_response=False)
def athlete_records(
    caller: Caller, athlete_id: int, page: int, per_page: int, repository: LeaderboardRepository | None = None
) -> AthleteRecords:
    """Segment PRs (the 3 fastest per segment, in segment-id order) for whoever may see the athlete's profile
    (stride.policy: not across a block; a private profile to its followers); best-effort PRs for the athlete only."""
    if page * per_page > MAX_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_DEPTH}", "Records", "page", "invalid")
    athlete = AthleteRepository().get(athlete_id) if ids.is_valid(athlete_id) else None
    if athlete is None:
        raise NotFoundError("Record Not Found", [ErrorDetail("Athlete", "id", "invalid")])
    own = athlete_id == caller.athlete_id
    if not own:
        detail = profile_detail(caller, athlete_id, athlete.private_profile, relation(caller.athlete_id, athlete_id))
        if detail is ProfileDetail.HIDDEN:
            raise NotFoundError("Record Not Found", [ErrorDetail("Athlete", "id", "invalid")])
        if detail < ProfileDetail.SUMMARY:
            raise ForbiddenError.about(
                "this athlete shares records with followers only", "Records", "athlete_id", "private"
            )
    repo = repository or get_repository()
    segments = repo.athlete_bests(athlete_id, limit=per_page, offset=(page - 1) * per_page)
    best_efforts = None
    if own:
        from stride.store.activities import ActivityRepository

        activities = ActivityRepository()
        best_efforts = [r for name in BEST_EFFORT_NAMES for r in activities.fastest_efforts(athlete_id, name, limit=1)]
    return AthleteRecords(athlete_id, segments, best_efforts)
