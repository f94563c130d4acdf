"""Clubs: the use cases behind the API (create, read, join, leave, members, admins, requests, feed, weekly
leaderboard, group events). Every decision about who may see or do what is asked of stride.policy; storage is
stride.store.clubs; the consumer's side is stride.clubs.scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stride import ids
from stride.accounts.models import Athlete
from stride.clubs import rules
from stride.clubs.models import Club, FeedEntry, GroupEvent, JoinRequest, Member
from stride.errors import ConflictError, ErrorDetail, ForbiddenError, InvalidInputError, NotFoundError
from stride.events.contracts import ClubMemberLeftEvent
from stride.observability import tracer
from stride.policy import (
    STRANGER,
    Caller,
    ClubAccess,
    activity_accesses,
    can_remove_member,
    can_see_athlete,
    club_access,
)
from stride.store.athletes import AthleteRepository
from stride.store.clubs import ClubRepository, get_repository

MAX_DEPTH = 1000  # page * per_page of any club list
MAX_CLUBS = 200  # clubs an athlete may belong to (the consumer reads all of them per activity event)
FEED_READ_CAP = 2000  # feed entries read at most to fill one page past hidden ones


def _not_found(resource: str = "Club") -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail(resource, "id", "invalid")])


def _forbidden(message: str, field_name: str = "id", code: str = "forbidden") -> ForbiddenError:
    return ForbiddenError(message, [ErrorDetail("Club", field_name, code)])


def _depth(page: int, per_page: int) -> None:
    if page * per_page > MAX_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_DEPTH}", "Club", "page", "invalid")


def _invalid(exc: rules.RuleError, resource: str = "Club") -> InvalidInputError:
    return InvalidInputError(str(exc), [ErrorDetail(resource, exc.field, "invalid")])


@dataclass
class Standing:
    """A club as one caller stands to it."""

    club: Club
    member: Member | None
    pending: bool
    access: ClubAccess

    @property
    def role(self) -> str | None:
        return self.member.role if self.member else None


def standing(caller: Caller, club_id: int, repo: ClubRepository | None = None, *, pending: bool = False) -> Standing:
    """AP110 + AP111 (+ AP115 when ``pending`` is asked): the club, the caller's membership and what they may do."""
    repo = repo or get_repository()
    club = repo.get(club_id) if ids.is_valid(club_id) else None
    if club is None:
        raise _not_found()
    member = repo.member(club_id, caller.athlete_id, consistent=True)
    waiting = pending and member is None and repo.request(club_id, caller.athlete_id) is not None
    access = club_access(caller, club.id, club.owner_id, club.private, member.role if member else None)
    return Standing(club, member, waiting, access)


def _require(allowed: bool, message: str, code: str = "forbidden") -> None:
    if not allowed:
        raise _forbidden(message, code=code)


def _visible_athletes(caller: Caller, athlete_ids: set[int]) -> set[int]:
    """Athletes the caller may see at all (never across a block), through stride.policy."""
    from stride.social.relations import relations

    standing_to = relations(caller.athlete_id, athlete_ids)
    return {a for a in athlete_ids if can_see_athlete(caller, a, standing_to.get(a, STRANGER))}


# ---------------------------------------------------------------- create, read, update


@dataclass
class ClubFields:
    name: str
    sport_type: str
    timezone: str
    description: str | None = None
    activity_types: list[str] = field(default_factory=list)
    city: str | None = None
    state: str | None = None
    country: str | None = None
    url: str | None = None
    private: bool = False


@tracer.capture_method(capture_response=False)
def create_club(caller: Caller, fields: ClubFields, repo: ClubRepository | None = None) -> Standing:
    """The creator is owner, admin and first member, in one transaction."""
    try:
        rules.zone(fields.timezone)
    except rules.RuleError as exc:
        raise _invalid(exc) from exc
    repo = repo or get_repository()
    if len(repo.memberships(caller.athlete_id, limit=MAX_CLUBS)) >= MAX_CLUBS:
        raise ConflictError.about(f"an athlete belongs to at most {MAX_CLUBS} clubs", "Club", "id", "limit")
    now = datetime.now(UTC)
    club = Club(
        id=ids.new_id(),
        owner_id=caller.athlete_id,
        created_at=now,
        updated_at=now,
        **fields.__dict__,
    )
    repo.create(club, now)
    return standing(caller, club.id, repo)


@tracer.capture_method(capture_response=False)
def get_club(caller: Caller, club_id: int) -> Standing:
    return standing(caller, club_id, pending=True)


@tracer.capture_method(capture_response=False)
def update_club(caller: Caller, club_id: int, changes: dict[str, Any], repo: ClubRepository | None = None) -> Standing:
    """Admins edit the club's fields (a change of time zone applies to weeks scored from then on)."""
    repo = repo or get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.edit, "only the club's admins may edit it")
    if "timezone" in changes:
        try:
            rules.zone(changes["timezone"])
        except rules.RuleError as exc:
            raise _invalid(exc) from exc
    club = seen.club
    for name, value in changes.items():
        setattr(club, name, value)
    club.updated_at = datetime.now(UTC)
    repo.update(club)
    return standing(caller, club_id, repo)


# ---------------------------------------------------------------- members and admins


@dataclass
class MemberPage:
    club: Club
    members: list[Member]
    athletes: dict[int, Athlete]


def _member_page(caller: Caller, seen: Standing, members: list[Member]) -> MemberPage:
    people = {m.athlete_id for m in members}
    visible = _visible_athletes(caller, people)
    shown = [m for m in members if m.athlete_id in visible]
    return MemberPage(seen.club, shown, AthleteRepository().get_many(m.athlete_id for m in shown))


@tracer.capture_method(capture_response=False)
def list_members(caller: Caller, club_id: int, page: int, per_page: int) -> MemberPage:
    _depth(page, per_page)
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.view_content, "a private club's members are for its members", "private")
    members = repo.members(club_id, limit=page * per_page)[(page - 1) * per_page :]
    return _member_page(caller, seen, members)


@tracer.capture_method(capture_response=False)
def list_admins(caller: Caller, club_id: int, page: int, per_page: int) -> MemberPage:
    _depth(page, per_page)
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.view_content, "a private club's admins are for its members", "private")
    admins = repo.admins(club_id, limit=page * per_page)[(page - 1) * per_page :]
    return _member_page(caller, seen, admins)


@tracer.capture_method(capture_response=False)
def athlete_clubs(caller: Caller, page: int, per_page: int) -> list[Club]:
    """AP113 then AP110: the caller's clubs (club-id order, which is creation order)."""
    _depth(page, per_page)
    repo = get_repository()
    memberships = repo.memberships(caller.athlete_id, limit=page * per_page)[(page - 1) * per_page :]
    clubs = repo.get_many(m.club_id for m in memberships)
    return [clubs[m.club_id] for m in memberships if m.club_id in clubs]


# ---------------------------------------------------------------- join, leave, requests


@dataclass(frozen=True)
class JoinAnswer:
    membership: str | None  # member | pending | None (left)
    active: bool


@tracer.capture_method(capture_response=False)
def join(caller: Caller, club_id: int) -> JoinAnswer:
    """An open club takes the caller as a member at once; a private one records a join request for its admins.
    Joining twice (or asking twice) changes nothing."""
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    if seen.member is not None:
        return JoinAnswer("member", True)
    if seen.club.private:
        repo.put_request(club_id, caller.athlete_id, datetime.now(UTC))
        return JoinAnswer("pending", False)
    if len(repo.memberships(caller.athlete_id, limit=MAX_CLUBS)) >= MAX_CLUBS:
        raise ConflictError.about(f"an athlete belongs to at most {MAX_CLUBS} clubs", "Club", "id", "limit")
    repo.add_member(seen.club, caller.athlete_id, datetime.now(UTC), from_request=False)
    return JoinAnswer("member", True)


def _left(club: Club, athlete_id: int, reason: str) -> None:
    """Tell the consumer to take the member's entries out of the feed and this week's board (off the request path)."""
    from stride.events.publisher import publish

    week = rules.week_of(datetime.now(UTC), club.timezone)
    publish([ClubMemberLeftEvent(club_id=club.id, athlete_id=athlete_id, reason=reason, week=week)])


@tracer.capture_method(capture_response=False)
def leave(caller: Caller, club_id: int) -> JoinAnswer:
    """Leave a club (or withdraw a join request). The owner cannot leave: they hand the club over first
    (POST /clubs/{id}/admins/{athlete_id}?transfer_ownership=true)."""
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    if seen.member is None:
        repo.delete_request(club_id, caller.athlete_id)
        return JoinAnswer(None, False)
    if seen.member.role == "owner":
        raise ConflictError.about(
            "the owner cannot leave; hand the club over to another admin first", "Club", "owner", "owner_cannot_leave"
        )
    if repo.remove_member(club_id, caller.athlete_id, seen.member.role):
        _left(seen.club, caller.athlete_id, "left")
    return JoinAnswer(None, False)


@tracer.capture_method(capture_response=False)
def list_requests(
    caller: Caller, club_id: int, page: int, per_page: int
) -> tuple[list[JoinRequest], dict[int, Athlete]]:
    _depth(page, per_page)
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.manage_requests, "only the club's admins see join requests")
    found = repo.requests(club_id, limit=page * per_page)[(page - 1) * per_page :]
    return found, AthleteRepository().get_many(r.athlete_id for r in found)


@tracer.capture_method(capture_response=False)
def decide_request(caller: Caller, club_id: int, athlete_id: int, *, approve: bool) -> Member | None:
    """Admins approve (the athlete becomes a member, the request goes, in one transaction) or deny a request."""
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.manage_requests, "only the club's admins decide join requests")
    if not ids.is_valid(athlete_id) or repo.request(club_id, athlete_id) is None:
        raise NotFoundError("Record Not Found", [ErrorDetail("JoinRequest", "athlete_id", "invalid")])
    if not approve:
        repo.delete_request(club_id, athlete_id)
        return None
    if not repo.add_member(seen.club, athlete_id, datetime.now(UTC), from_request=True):
        existing = repo.member(club_id, athlete_id, consistent=True)
        if existing is None:
            raise NotFoundError("Record Not Found", [ErrorDetail("JoinRequest", "athlete_id", "invalid")])
        repo.delete_request(club_id, athlete_id)
        return existing
    return repo.member(club_id, athlete_id, consistent=True)


def _target(repo: ClubRepository, club_id: int, athlete_id: int) -> Member:
    member = repo.member(club_id, athlete_id, consistent=True) if ids.is_valid(athlete_id) else None
    if member is None:
        raise NotFoundError("Record Not Found", [ErrorDetail("ClubAthlete", "athlete_id", "invalid")])
    return member


@tracer.capture_method(capture_response=False)
def remove_member(caller: Caller, club_id: int, athlete_id: int) -> None:
    """Admins remove members; only the owner removes an admin; the owner is never removed (stride.policy)."""
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.edit, "only the club's admins remove members")
    target = _target(repo, club_id, athlete_id)
    allowed = can_remove_member(caller, club_id, seen.club.owner_id, seen.club.private, seen.role, target.role)
    _require(allowed, "the owner cannot be removed, and only the owner removes an admin")
    if not repo.remove_member(club_id, athlete_id, target.role):
        raise ConflictError.about("the member changed meanwhile, retry", "ClubAthlete", "athlete_id", "conflict")
    _left(seen.club, athlete_id, "removed")


@tracer.capture_method(capture_response=False)
def promote(caller: Caller, club_id: int, athlete_id: int, *, transfer_ownership: bool = False) -> Member:
    """Admins make a member an admin (promoting an admin again changes nothing). With ``transfer_ownership`` the
    owner hands the club over: the athlete becomes owner and the old owner stays an admin."""
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    target = _target(repo, club_id, athlete_id)
    if transfer_ownership:
        _require(seen.access.transfer, "only the owner hands the club over")
        if target.role == "owner":
            return target
        changes = [(athlete_id, target.role, "owner"), (caller.athlete_id, "owner", "admin")]
        if not repo.set_roles(seen.club, changes, new_owner=athlete_id):
            raise ConflictError.about("the club changed meanwhile, retry", "Club", "owner", "conflict")
    else:
        _require(seen.access.promote, "only the club's admins promote members")
        if target.role != "member":
            return target
        if not repo.set_roles(seen.club, [(athlete_id, "member", "admin")]):
            raise ConflictError.about("the member changed meanwhile, retry", "ClubAthlete", "athlete_id", "conflict")
    return _target(repo, club_id, athlete_id)


# ---------------------------------------------------------------- the club feed


@dataclass
class FeedPage:
    entries: list[FeedEntry]
    athletes: dict[int, Athlete]


@tracer.capture_method(capture_response=False)
def club_activities(caller: Caller, club_id: int, page: int, per_page: int) -> FeedPage:
    """Members' recent activities, newest first, only those the caller may see (stride.policy ViewActivity:
    followers_only to followers, never another's only_me, never across a block). Members only (Strava's rule)."""
    _depth(page, per_page)
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.view_feed, "a club's activities are for its members", "not_member")
    from stride.social.relations import relations

    visible: list[FeedEntry] = []
    wanted, read = page * per_page, 0
    before: str | None = None
    while len(visible) < wanted and read < FEED_READ_CAP:
        chunk = repo.feed(club_id, limit=min(wanted * 2, FEED_READ_CAP - read), before_sk=before)
        if not chunk:
            break
        read += len(chunk)
        standing_to = relations(caller.athlete_id, {e.athlete_id for e in chunk})
        accesses = activity_accesses(caller, [(e.athlete_id, e.visibility) for e in chunk], standing_to)
        visible += [e for e, access in zip(chunk, accesses, strict=True) if access]
        last = chunk[-1]
        before = f"{last.start_epoch:011d}#{last.activity_id:019d}"
    shown = visible[(page - 1) * per_page : wanted]
    return FeedPage(shown, AthleteRepository().get_many(e.athlete_id for e in shown))


# ---------------------------------------------------------------- the weekly leaderboard


@dataclass(frozen=True)
class BoardRow:
    athlete_id: int
    rank: int
    totals: dict[str, int]


@dataclass
class ClubBoard:
    club: Club
    week: str
    metric: str
    starts: datetime
    ends: datetime
    entry_count: int
    entries: list[BoardRow]
    athlete_entry: BoardRow | None
    athletes: dict[int, Athlete]


@tracer.capture_method(capture_response=False)
def leaderboard(  # noqa: PLR0913 - the query's parameters
    caller: Caller,
    club_id: int,
    week: str | None,
    metric: str,
    page: int,
    per_page: int,
    now: datetime | None = None,
    repo: ClubRepository | None = None,
) -> ClubBoard:
    """AP121 (the top, Limit page x per_page), AP122 + AP123 (my rank from the bucket counts), AP120 (each shown
    member's four totals, one BatchGetItem). Ties share a rank. Blocked athletes are left out of the page."""
    _depth(page, per_page)
    repo = repo or get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.view_content, "a private club's leaderboard is for its members", "private")
    try:
        chosen = rules.parse_week(week) if week else rules.week_of(now or datetime.now(UTC), seen.club.timezone)
    except rules.RuleError as exc:
        raise _invalid(exc, "Leaderboard") from exc
    top = repo.top(club_id, chosen, metric, page * per_page)
    ranks = rules.competition_ranks([e.value for e in top])
    ranked = list(zip(top, ranks, strict=True))[(page - 1) * per_page :]
    coarse = repo.coarse_counts(club_id, chosen, metric)
    me = caller.athlete_id
    visible = _visible_athletes(caller, {e.athlete_id for e, _ in ranked})
    shown = [(e, r) for e, r in ranked if e.athlete_id in visible]
    wanted = [e.athlete_id for e, _ in shown]
    mine_ranked = next(((e, r) for e, r in ranked if e.athlete_id == me), None)
    if mine_ranked is None:
        wanted.append(me)
    totals = repo.week_totals_many(club_id, chosen, wanted)
    mine = None
    if mine_ranked is not None:
        mine = BoardRow(me, mine_ranked[1], totals.get(me, {}))
    elif totals.get(me, {}).get(metric):
        value = totals[me][metric]
        rank = rules.rank_from_counts(metric, value, coarse, repo.ahead_in_fine(club_id, chosen, metric, value))
        mine = BoardRow(me, rank, totals[me])
    starts, ends = rules.week_bounds(chosen, seen.club.timezone)
    return ClubBoard(
        club=seen.club,
        week=chosen,
        metric=metric,
        starts=starts,
        ends=ends,
        entry_count=sum(c.n for c in coarse),
        entries=[BoardRow(e.athlete_id, r, totals.get(e.athlete_id, {})) for e, r in shown],
        athlete_entry=mine,
        athletes=AthleteRepository().get_many({*(e.athlete_id for e, _ in shown), me}),
    )


# ---------------------------------------------------------------- group events


@dataclass
class EventFields:
    title: str
    start_date: datetime  # UTC
    timezone: str
    description: str | None = None
    sport_type: str = "Ride"
    address: str | None = None
    start_latlng: list[float] = field(default_factory=list)
    route_id: int | None = None
    segment_id: int | None = None
    polyline: str | None = None


@dataclass(frozen=True)
class SeenEvent:
    event: GroupEvent
    joined: bool


@tracer.capture_method(capture_response=False)
def create_group_event(caller: Caller, club_id: int, fields: EventFields) -> SeenEvent:
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.create_events, "only the club's admins post group events")
    now = datetime.now(UTC)
    try:
        rules.zone(fields.timezone)
        rules.check_event_start(fields.start_date, now)
    except rules.RuleError as exc:
        raise _invalid(exc, "GroupEvent") from exc
    if fields.segment_id is not None:
        from stride.store.segments import SegmentRepository

        if not ids.is_valid(fields.segment_id) or SegmentRepository().get(fields.segment_id) is None:
            raise InvalidInputError.about("no such segment", "GroupEvent", "segment_id", "invalid")
    event = GroupEvent(
        id=ids.new_id(), club_id=club_id, organizer_id=caller.athlete_id, created_at=now, **fields.__dict__
    )
    repo.create_event(event)
    return SeenEvent(event, False)


@tracer.capture_method(capture_response=False)
def upcoming_events(caller: Caller, club_id: int, page: int, per_page: int) -> list[SeenEvent]:
    """AP125 then AP126 + AP127: the club's events from now on, soonest first, with live counts and my RSVP."""
    _depth(page, per_page)
    repo = get_repository()
    seen = standing(caller, club_id, repo)
    _require(seen.access.view_content, "a private club's events are for its members", "private")
    event_ids = repo.upcoming_ids(club_id, datetime.now(UTC), limit=page * per_page)[(page - 1) * per_page :]
    if not event_ids:
        return []
    mine = repo.rsvps(event_ids, caller.athlete_id)
    return [SeenEvent(e, e.id in mine) for e in repo.events(event_ids)]


def _event_and_club(caller: Caller, event_id: int, repo: ClubRepository) -> tuple[GroupEvent, Standing]:
    event = repo.event(event_id) if ids.is_valid(event_id) else None
    if event is None:
        raise _not_found("GroupEvent")
    seen = standing(caller, event.club_id, repo)
    if not seen.access.view_content:
        raise _not_found("GroupEvent")  # a private club's event does not exist for outsiders
    return event, seen


@tracer.capture_method(capture_response=False)
def get_group_event(caller: Caller, event_id: int) -> SeenEvent:
    repo = get_repository()
    event, _ = _event_and_club(caller, event_id, repo)
    return SeenEvent(event, bool(repo.rsvps([event_id], caller.athlete_id)))


@tracer.capture_method(capture_response=False)
def rsvp(caller: Caller, event_id: int, joined: bool) -> SeenEvent:
    """Members join or leave a group event; doing it twice changes nothing. Past events are closed."""
    repo = get_repository()
    event, seen = _event_and_club(caller, event_id, repo)
    _require(seen.access.rsvp, "only the club's members join its group events", "not_member")
    if event.start_date <= datetime.now(UTC):
        raise ConflictError.about("the group event has started", "GroupEvent", "start_date", "past")
    repo.set_rsvp(event_id, caller.athlete_id, joined, datetime.now(UTC))
    return get_group_event(caller, event_id)


def require_member(caller: Caller, club_id: int) -> Club:
    """The club, if the caller is a member (the segment leaderboard's club filter); 404 or 403 otherwise."""
    seen = standing(caller, club_id)
    if seen.member is None:
        raise _forbidden("only the club's members may rank by this club", "club_id", "not_member")
    return seen.club
