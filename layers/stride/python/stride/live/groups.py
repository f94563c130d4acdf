"""Group sessions (a group ride): the creator invites athletes, each adds their own live session, and members
and watchers see everyone's position and the gaps to the leader (AP89). A member is shown to a viewer only if
the viewer may watch that member's session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from stride import ids
from stride.errors import ConflictError, ErrorDetail, InvalidInputError, NotFoundError
from stride.live import access, sessions
from stride.live.models import MAX_CHOSEN, Group, Session
from stride.live.views import GroupMemberView, LiveGroupView, PositionView, iso_ms, last_position
from stride.policy import Caller, require_scope
from stride.store.live import LiveRepository


def _not_found() -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail("LiveGroup", "id", "invalid")])


def find(group_id: int, repo: LiveRepository | None = None) -> Group | None:
    return (repo or sessions.get_repository()).get_group(group_id) if ids.is_valid(group_id) else None


def may_see(caller: Caller, group: Group) -> bool:
    """The creator and the invited see the group (its members then each by their own session's rule)."""
    return caller.athlete_id == group.owner_id or caller.athlete_id in group.invited


def create(caller: Caller, name: str, athlete_ids: Sequence[int], repo: LiveRepository | None = None) -> LiveGroupView:
    require_scope(caller, sessions.WRITE_SCOPE)
    invited = tuple(sorted(set(athlete_ids) - {caller.athlete_id}))
    if len(invited) > MAX_CHOSEN:
        raise InvalidInputError.about(f"at most {MAX_CHOSEN} athletes", "LiveGroup", "athlete_ids", "too many")
    group = Group(ids.new_id(), caller.athlete_id, name.strip(), invited, datetime.now(UTC))
    (repo or sessions.get_repository()).create_group(group)
    return LiveGroupView.from_domain(group, [])


def join(caller: Caller, group_id: int, session_id: int, repo: LiveRepository | None = None) -> LiveGroupView:
    """An invited athlete (or the creator) adds their own open session."""
    require_scope(caller, sessions.WRITE_SCOPE)
    r = repo or sessions.get_repository()
    group = find(group_id, r)
    if group is None or not may_see(caller, group):
        raise _not_found()
    session = sessions.own(caller, session_id, r)
    if not session.is_open:
        raise ConflictError.about(f"the session is {session.status.value}", "LiveSession", "status", "invalid")
    try:
        r.add_member(group.id, session)
    except ConflictError:
        raise ConflictError.about("the session is in another group", "LiveSession", "group_id", "taken") from None
    return read(caller, group.id, r)


def read(caller: Caller, group_id: int, repo: LiveRepository | None = None) -> LiveGroupView:
    r = repo or sessions.get_repository()
    group = find(group_id, r)
    if group is None or not may_see(caller, group):
        raise _not_found()
    return LiveGroupView.from_domain(group, members_for(caller, group, r))


def members_for(caller: Caller, group: Group, repo: LiveRepository | None = None) -> list[GroupMemberView]:
    """Members the viewer may watch, leader first; gaps are to the leader (most distance): metres, and seconds at
    the leader's average speed (None before the leader moved)."""
    r = repo or sessions.get_repository()
    found = r.get_sessions(group.members.values())
    visible = [s for s in found.values() if access.may_watch(caller, s)]
    return gaps(caller, visible)


def gaps(caller: Caller, members: Sequence[Session]) -> list[GroupMemberView]:
    ordered = sorted(members, key=lambda s: (-s.state.distance, s.athlete_id))
    if not ordered:
        return []
    leader = ordered[0].state
    views = []
    for session in ordered:
        gap = max(0.0, leader.distance - session.state.distance)
        speed = leader.average_speed
        position = last_position(session.state)
        if position is not None and not access.sees_full_track(caller, session):
            if not access.trimmed([position], access.zones_of(session.athlete_id)):
                position = None
        views.append(
            GroupMemberView(
                athlete_id=session.athlete_id,
                session_id=session.id,
                status=session.status.value,
                position=None
                if position is None
                else PositionView(
                    time=iso_ms(position.time_ms) or "", lat=position.lat, lng=position.lng, altitude=position.altitude
                ),  # fmt: skip
                distance=round(session.state.distance, 1),
                gap_distance=round(gap, 1),
                gap_time=round(gap / speed, 1) if speed > 0 else None,
            )
        )
    return views
