"""The challenges API: create, read, list, join (with a backfill), leave, leaderboard, trophy case. Every read
decides through stride.policy; a challenge the caller may not see answers 404, as if absent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal

from stride import ids
from stride.activities.sports import SPORT_TYPES
from stride.challenges import rules as R
from stride.challenges.models import Challenge, Participation, Trophy
from stride.challenges.scoring import Outcome, Publish, get_repository, publish_pending, recompute
from stride.errors import ConflictError, ErrorDetail, ForbiddenError, NotFoundError
from stride.policy import (
    STRANGER,
    Caller,
    ChallengeAccess,
    Relation,
    can_create_challenge,
    can_see_athlete,
    can_view_trophies,
    challenge_access,
)
from stride.social.relations import relation, relations
from stride.store import keys
from stride.store.athletes import AthleteRepository
from stride.store.challenges import ChallengeRepository, ParticipationWrite

MAX_DEPTH = 1000  # page * per_page of any list
MAX_BACKFILL = 1000  # activities (or efforts) a join counts from before it
ListFilter = Literal["joined", "open", "finished"]
_RETRIES = 5


@dataclass(frozen=True)
class NewChallenge:
    name: str
    description: str | None
    kind: str
    visibility: str
    start_date_local: str
    end_date_local: str
    timezone: str
    sport_types: list[str]
    goal: float | None
    segment_id: int | None
    invitees: list[int]


@dataclass(frozen=True)
class ChallengeForCaller:
    challenge: Challenge
    participation: Participation | None


@dataclass(frozen=True)
class RankedRow:
    rank: int
    athlete_id: int
    athlete_name: str
    value: float


@dataclass(frozen=True)
class Board:
    challenge: Challenge
    entry_count: int
    entries: list[RankedRow]
    mine: RankedRow | None


def _not_found() -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail("Challenge", "id", "invalid")])


def _check_depth(page: int, per_page: int) -> None:
    if page * per_page > MAX_DEPTH:
        raise R.invalid(f"page * per_page may not exceed {MAX_DEPTH}", "page")


def _name(athletes: AthleteRepository, athlete_ids: list[int]) -> dict[int, str]:
    found = athletes.get_many(athlete_ids)
    return {
        a: (f"{found[a].firstname} {found[a].lastname}".strip() or found[a].username) if a in found else ""
        for a in athlete_ids
    }


# ---------------------------------------------------------------- create


def create_challenge(
    caller: Caller, request: NewChallenge, repo: ChallengeRepository | None = None, now: datetime | None = None
) -> Challenge:
    repo = repo or get_repository()
    now = now or datetime.now(UTC)
    visibility = R.Visibility(request.visibility)
    if not can_create_challenge(caller, visibility.value):
        raise ForbiddenError.about("only ADMIN creates platform challenges", "Challenge", "visibility", "forbidden")
    kind = R.Kind(request.kind)
    window = R.parse_window(request.start_date_local, request.end_date_local, request.timezone, now)
    sports = R.check_definition(kind, request.goal, request.segment_id, request.sport_types, SPORT_TYPES)
    if request.segment_id is not None and not repo.segment_exists(request.segment_id):
        raise R.invalid("no such segment", "segment_id", "not found")
    invitees = sorted({a for a in request.invitees if a != caller.athlete_id})
    if visibility is R.Visibility.PLATFORM and invitees:
        raise R.invalid("a platform challenge is open to everyone: it takes no invitees", "invitees")
    if invitees:
        if any(not ids.is_valid(a) for a in invitees):
            raise R.invalid("invitees must be athlete ids", "invitees")
        known = AthleteRepository().get_many(invitees)
        if len(known) != len(invitees):
            raise R.invalid("some invitees are not athletes", "invitees", "not found")
        # Athletes in a block with the creator are not invited (and the policy would hide the challenge anyway).
        standing = relations(caller.athlete_id, invitees)
        invitees = [a for a in invitees if not standing[a].blocked]
    challenge = Challenge(
        id=ids.new_id(),
        name=request.name.strip(),
        description=(request.description or "").strip() or None,
        kind=kind,
        visibility=visibility,
        creator_id=caller.athlete_id,
        start_local=window.start_local,
        end_local=window.end_local,
        timezone=window.timezone,
        start_epoch=window.start_epoch,
        end_epoch=window.end_epoch,
        sport_types=sports,
        goal=request.goal,
        segment_id=request.segment_id,
        participant_count=0,
        created_at=now,
    )
    group = visibility is R.Visibility.GROUP
    repo.create(challenge, [caller.athlete_id, *invitees] if group else [])
    return challenge


# ---------------------------------------------------------------- reads


def _access(caller: Caller, challenge: Challenge, repo: ChallengeRepository) -> ChallengeAccess:
    invited, standing = False, STRANGER
    if challenge.visibility is R.Visibility.GROUP and challenge.creator_id != caller.athlete_id:
        invited = repo.is_invited(challenge.id, caller.athlete_id)
        standing = relation(caller.athlete_id, challenge.creator_id)
    return challenge_access(
        caller, challenge.id, challenge.visibility.value, challenge.creator_id, invited=invited, relation=standing
    )


def _visible(caller: Caller, challenge_id: int, repo: ChallengeRepository, *, consistent: bool = False) -> Challenge:
    challenge = repo.get(challenge_id, consistent=consistent) if ids.is_valid(challenge_id) else None
    if challenge is None or not _access(caller, challenge, repo).view:
        raise _not_found()
    return challenge


def get_challenge(caller: Caller, challenge_id: int, repo: ChallengeRepository | None = None) -> ChallengeForCaller:
    repo = repo or get_repository()
    challenge = _visible(caller, challenge_id, repo)
    mine = repo.participation(caller.athlete_id, challenge.id, challenge.end_epoch)
    return ChallengeForCaller(challenge, mine)


def list_challenges(
    caller: Caller,
    which: ListFilter,
    page: int,
    per_page: int,
    repo: ChallengeRepository | None = None,
    now: datetime | None = None,
) -> list[ChallengeForCaller]:
    """joined: mine that have not ended (soonest to end first); finished: mine that have ended (latest first);
    open: not ended and visible to me (platform ones and my invitations), joined or not (``joined`` says)."""
    _check_depth(page, per_page)
    repo = repo or get_repository()
    now_epoch = int((now or datetime.now(UTC)).timestamp())
    depth, offset = page * per_page, (page - 1) * per_page
    if which in ("joined", "finished"):
        mine = repo.participation_page(caller.athlete_id, now_epoch, finished=which == "finished", limit=depth)
        mine = mine[offset:depth]
        found = repo.get_many(p.challenge_id for p in mine)
        return [ChallengeForCaller(found[p.challenge_id], p) for p in mine if p.challenge_id in found]
    merged = sorted(
        set(repo.open_platform(now_epoch, depth)) | set(repo.open_invitations(caller.athlete_id, now_epoch, depth))
    )[offset:depth]
    found = repo.get_many(keys.challenge_from_by_end_sk(sk) for sk in merged)
    creators = {c.creator_id for c in found.values() if c.visibility is R.Visibility.GROUP}
    standing = relations(caller.athlete_id, creators)
    joined = repo.joined_among(caller.athlete_id, merged)
    answer = []
    for sk in merged:
        challenge = found.get(keys.challenge_from_by_end_sk(sk))
        if challenge is None:
            continue
        access = challenge_access(
            caller,
            challenge.id,
            challenge.visibility.value,
            challenge.creator_id,
            invited=challenge.visibility is R.Visibility.GROUP,  # it came from my invitations
            relation=standing.get(challenge.creator_id, STRANGER),
        )
        if access.view:
            placeholder = Participation(challenge.id, caller.athlete_id, challenge.rules, None)
            answer.append(ChallengeForCaller(challenge, placeholder if challenge.id in joined else None))
    return answer


# ---------------------------------------------------------------- join and leave


def _backfill(repo: ChallengeRepository, athlete_id: int, rules: R.Rules, now: datetime) -> R.Applied:
    """What the athlete already did inside the window counts (Strava counts from the challenge's start, not from
    the join): activities through the activity list's index, efforts through the athlete's efforts on the segment."""
    contributions: dict[str, R.Contribution] = {}
    seen: dict[str, int] = {}
    now_ms = int(now.timestamp() * 1000)
    if now.timestamp() < rules.start_epoch:
        return R.Applied(contributions, seen, changed=True)
    upto = min(rules.end_epoch, int(now.timestamp()) + 1)
    if rules.kind is R.Kind.SEGMENT_TIME and rules.segment_id is not None:
        for effort_id, effort in repo.efforts_between(
            athlete_id, rules.segment_id, rules.start_epoch, upto, MAX_BACKFILL
        ):
            source = f"e{effort_id}"
            seen[source] = now_ms
            contribution = R.effort_contribution(rules, effort)
            if contribution is not None:
                contributions[source] = contribution
    else:
        for activity_id, activity in repo.activities_between(athlete_id, rules.start_epoch, upto, MAX_BACKFILL):
            source = f"a{activity_id}"
            seen[source] = now_ms
            contribution = R.activity_contribution(rules, activity)
            if contribution is not None:
                contributions[source] = contribution
    return R.Applied(contributions, seen, changed=True)


def join(
    caller: Caller,
    challenge_id: int,
    repo: ChallengeRepository | None = None,
    publish: Publish | None = None,
    now: datetime | None = None,
) -> ChallengeForCaller:
    """Join (idempotent: joining twice answers the same participation)."""
    repo = repo or get_repository()
    now = now or datetime.now(UTC)
    challenge = repo.get(challenge_id, consistent=True) if ids.is_valid(challenge_id) else None
    access = _access(caller, challenge, repo) if challenge is not None else None
    if challenge is None or access is None or not access.view:
        raise _not_found()
    if not access.join:
        raise ForbiddenError.about("you may not join this challenge", "Challenge", "id", "forbidden")
    existing = repo.participation(caller.athlete_id, challenge.id, challenge.end_epoch)
    if existing is not None:
        return ChallengeForCaller(challenge, existing)
    if challenge.ended(now):
        raise ConflictError.about("this challenge has ended", "Challenge", "end_date", "ended")
    fresh = Participation(
        challenge.id, caller.athlete_id, challenge.rules, None, challenge_name=challenge.name, joined_at=now
    )
    p = recompute(fresh, _backfill(repo, caller.athlete_id, challenge.rules, now), now)
    if not repo.commit(ParticipationWrite(p, before_rev=None, old_entry_sk=None, participants_delta=1)):
        again = repo.participation(caller.athlete_id, challenge.id, challenge.end_epoch)
        return ChallengeForCaller(challenge, again)
    p = replace(p, rev=1)
    from stride.challenges.scoring import _default_publish  # noqa: PLC0415 - the bus client only when needed

    publish_pending(repo, p, publish or _default_publish, Outcome())
    joined = replace(challenge, participant_count=challenge.participant_count + 1)
    return ChallengeForCaller(joined, replace(p, completion_pending=False))


def leave(
    caller: Caller, challenge_id: int, repo: ChallengeRepository | None = None, now: datetime | None = None
) -> None:
    """Leave (idempotent). Results of an ended challenge are final: leaving it is a conflict. A trophy stays."""
    repo = repo or get_repository()
    now = now or datetime.now(UTC)
    challenge = _visible(caller, challenge_id, repo, consistent=True)
    for _ in range(_RETRIES):
        p = repo.participation(caller.athlete_id, challenge.id, challenge.end_epoch)
        if p is None:
            return
        if challenge.ended(now):
            raise ConflictError.about("this challenge has ended", "Challenge", "end_date", "ended")
        write = ParticipationWrite(p, before_rev=p.rev, old_entry_sk=p.entry_sk, delete=True, participants_delta=-1)
        if repo.commit(write):
            return
    raise ConflictError.about("the participation kept changing, retry", "Challenge", "id", "busy")


# ---------------------------------------------------------------- leaderboard


def leaderboard(
    caller: Caller, challenge_id: int, page: int, per_page: int, repo: ChallengeRepository | None = None
) -> Board:
    """Top entries (one Query), ranks with ties shared; my entry and rank from 4 counter items, whatever the size
    of the board. Athletes in a block with the caller are left out (the ranks stay those of the whole board)."""
    _check_depth(page, per_page)
    repo = repo or get_repository()
    challenge = _visible(caller, challenge_id, repo)
    depth, offset = page * per_page, (page - 1) * per_page
    rows = repo.top(challenge.id, depth)[offset:depth]
    mine = repo.participation(caller.athlete_id, challenge.id, challenge.end_epoch)
    my_ordered = int(mine.entry_sk.split("#", 1)[0]) if mine and mine.entry_sk else None
    prefixes = {""}
    first_ordered = int(rows[0][2].split("#", 1)[0]) if rows else None
    for ordered in (first_ordered if offset else None, my_ordered):
        if ordered is not None:
            prefixes |= {prefix for prefix, _ in R.digit_path(ordered)}
    counters = repo.counters(challenge.id, sorted(prefixes))
    entry_count = sum(counters.get("", {}).values())
    ordered_page = [int(sk.split("#", 1)[0]) for _, _, sk in rows]
    first_rank = 1 + R.ahead_from_counters(first_ordered, counters) if offset and first_ordered is not None else 1
    ranks = R.competition_ranks(offset, first_rank, ordered_page)
    athlete_ids = [a for a, _, _ in rows]
    names = _name(AthleteRepository(), [*athlete_ids, caller.athlete_id])
    standing: dict[int, Relation] = relations(caller.athlete_id, athlete_ids)
    entries = [
        RankedRow(rank, athlete, names.get(athlete, ""), value)
        for rank, (athlete, value, _) in zip(ranks, rows, strict=True)
        if not standing.get(athlete, STRANGER).blocked
    ]
    my_row = None
    if mine is not None and my_ordered is not None and mine.score is not None:
        my_rank = 1 + R.ahead_from_counters(my_ordered, counters)
        my_row = RankedRow(my_rank, caller.athlete_id, names.get(caller.athlete_id, ""), mine.score)
    return Board(challenge, entry_count, entries, my_row)


# ---------------------------------------------------------------- trophies


def trophies(
    caller: Caller, athlete_id: int, page: int, per_page: int, repo: ChallengeRepository | None = None
) -> list[Trophy]:
    """The athlete's completed challenges, newest challenge first, as their profile rules allow."""
    _check_depth(page, per_page)
    repo = repo or get_repository()
    athlete = AthleteRepository().get(athlete_id) if ids.is_valid(athlete_id) else None
    if athlete is None:
        raise NotFoundError.about("Record Not Found", "Athlete", "id", "invalid")
    standing = relation(caller.athlete_id, athlete_id)
    if not can_see_athlete(caller, athlete_id, standing):
        raise NotFoundError.about("Record Not Found", "Athlete", "id", "invalid")
    if not can_view_trophies(caller, athlete_id, athlete.private_profile, standing):
        raise ForbiddenError.about("this athlete's trophies are private", "Athlete", "private_profile", "private")
    return repo.trophies(athlete_id, page * per_page)[(page - 1) * per_page :]
