"""Follows, follow requests, blocks and mutes: who may do what is asked of ``stride.policy``, with the relation
facts from ``stride.social.relations``; the writes are the repository's transactions (AP21-AP28)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from stride import ids
from stride.accounts.models import Athlete
from stride.errors import ConflictError, ErrorDetail, ForbiddenError, InvalidInputError, NotFoundError
from stride.events import publisher
from stride.events.contracts import (
    AthleteBlockedEvent,
    AthleteFollowedEvent,
    AthleteMutedEvent,
    AthleteUnfollowedEvent,
    DomainEvent,
    FollowRequestedEvent,
)
from stride.observability import logger, tracer
from stride.policy import (
    STRANGER,
    Caller,
    ProfileDetail,
    Relation,
    can_follow,
    can_list_connections,
    can_see_athlete,
    profile_detail,
    require_scope,
)
from stride.social.relations import relation, relations
from stride.store import keys
from stride.store.activities import MAX_LIST_DEPTH
from stride.store.athletes import AthleteRepository
from stride.store.social import SocialRepository, following_key

Publish = Callable[[list[DomainEvent]], None]
WRITE_SCOPE = "profile:write"  # following, blocking and muting change what the athlete's profile shows
MUTUAL_FOLLOWERS_READ = 1000  # followers of the other athlete examined for mutual followers (bounded read)


class FollowState(StrEnum):
    FOLLOWING = "following"
    REQUESTED = "requested"
    BLOCKED = "blocked"
    MUTED = "muted"


@dataclass(frozen=True)
class Listed:
    """An athlete as one list shows them to the caller."""

    athlete: Athlete
    detail: ProfileDetail


@cache
def get_repository() -> SocialRepository:
    return SocialRepository()


@cache
def get_athletes() -> AthleteRepository:
    return AthleteRepository()


def _not_found() -> NotFoundError:
    return NotFoundError("athlete not found", [ErrorDetail("Athlete", "id", "not found")])


def _request_not_found() -> NotFoundError:
    return NotFoundError("follow request not found", [ErrorDetail("FollowRequest", "athlete_id", "not found")])


def _not_self(caller: Caller, athlete_id: int, what: str) -> None:
    if athlete_id == caller.athlete_id:
        raise InvalidInputError.about(f"an athlete cannot {what} themself", "Athlete", "id", "invalid")


def _check_depth(page: int, per_page: int) -> None:
    if page * per_page > MAX_LIST_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_LIST_DEPTH}", "Athlete", "page", "invalid")


def _visible_athlete(caller: Caller, athlete_id: int, athletes: AthleteRepository) -> tuple[Athlete, Relation]:
    """The athlete and the caller's relation to them, if the athlete exists for the caller (a block hides each
    from the other: 404, as if absent)."""
    athlete = athletes.get(athlete_id) if ids.is_valid(athlete_id) else None
    if athlete is None:
        raise _not_found()
    standing = relation(caller.athlete_id, athlete_id)
    if not can_see_athlete(caller, athlete_id, standing):
        raise _not_found()
    return athlete, standing


def render(caller: Caller, athlete_ids: list[int], repository: SocialRepository) -> list[Listed]:
    """Athletes in the given order as the caller may see them: one BatchGetItem of profiles (AP26) and one of
    relations (AP24) per page; athletes hidden from the caller (blocks) are left out, and nobody shows more than
    a summary in a list."""
    profiles = repository.profiles(athlete_ids)
    standing = relations(caller.athlete_id, profiles)
    listed: list[Listed] = []
    for athlete_id in athlete_ids:
        athlete = profiles.get(athlete_id)
        if athlete is None:
            continue
        detail = profile_detail(caller, athlete_id, athlete.private_profile, standing.get(athlete_id, STRANGER))
        if detail is ProfileDetail.HIDDEN:
            continue
        listed.append(Listed(athlete, min(detail, ProfileDetail.SUMMARY)))
    return listed


# ---------------------------------------------------------------- follows


@tracer.capture_method(capture_response=False)
def follow(
    caller: Caller,
    athlete_id: int,
    *,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> FollowState:
    """Follow ``athlete_id``; a private profile gets a pending request instead. Doing it twice changes nothing."""
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "follow")
    repo = repository or get_repository()
    target, standing = _visible_athlete(caller, athlete_id, athletes or get_athletes())
    if not can_follow(caller, athlete_id, standing):
        raise _not_found()
    if standing.follows:
        return FollowState.FOLLOWING
    events: list[DomainEvent]
    if target.private_profile:
        state = FollowState.REQUESTED
        new = repo.request(caller.athlete_id, athlete_id)
        events = [FollowRequestedEvent(requester_id=caller.athlete_id, target_id=athlete_id)]
    else:
        state = FollowState.FOLLOWING
        new = repo.follow(caller.athlete_id, athlete_id)
        events = [AthleteFollowedEvent(follower_id=caller.athlete_id, followed_id=athlete_id)]
    if new:
        for event in events:
            event.correlation_id = correlation_id
        (publish or publisher.publish)(events)
        logger.info("follow written", other_id=athlete_id, state=str(state))
    return state


@tracer.capture_method(capture_response=False)
def unfollow(
    caller: Caller,
    athlete_id: int,
    *,
    repository: SocialRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> None:
    """Stop following ``athlete_id``, or cancel a pending request to. Nothing to undo is not an error."""
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "unfollow")
    repo = repository or get_repository()
    if repo.unfollow(caller.athlete_id, athlete_id):
        (publish or publisher.publish)(
            [
                AthleteUnfollowedEvent(
                    follower_id=caller.athlete_id, followed_id=athlete_id, correlation_id=correlation_id
                )
            ]
        )
        logger.info("follow removed", other_id=athlete_id)
        return
    repo.delete_request(caller.athlete_id, athlete_id)


def follow_requests(
    caller: Caller, page: int, per_page: int, repository: SocialRepository | None = None
) -> list[Listed]:
    """The caller's pending requests (a private profile decides them), oldest requester id first."""
    _check_depth(page, per_page)
    repo = repository or get_repository()
    requesters = repo.edge_ids(keys.follow_requests_pk(caller.athlete_id), limit=per_page, offset=(page - 1) * per_page)
    return render(caller, requesters, repo)


@tracer.capture_method(capture_response=False)
def approve_request(
    caller: Caller,
    requester_id: int,
    *,
    repository: SocialRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> Listed:
    """Turn ``requester_id``'s pending request into a follow of the caller (one transaction, AP21)."""
    require_scope(caller, WRITE_SCOPE)
    repo = repository or get_repository()
    if requester_id == caller.athlete_id or relation(caller.athlete_id, requester_id).blocked:
        raise _request_not_found()
    try:
        new = repo.follow(requester_id, caller.athlete_id, approving_request=True)
    except ConflictError:
        # No request and no follow: it was never made, or was cancelled or denied.
        raise _request_not_found() from None
    if new:
        (publish or publisher.publish)(
            [
                AthleteFollowedEvent(
                    follower_id=requester_id, followed_id=caller.athlete_id, correlation_id=correlation_id
                )
            ]
        )
        logger.info("follow request approved", other_id=requester_id)
    listed = render(caller, [requester_id], repo)
    if not listed:
        raise _request_not_found()
    return listed[0]


def deny_request(caller: Caller, requester_id: int, repository: SocialRepository | None = None) -> None:
    """Drop a pending request (denying one that is gone is not an error)."""
    require_scope(caller, WRITE_SCOPE)
    (repository or get_repository()).delete_request(requester_id, caller.athlete_id)


def _check_connections_visible(caller: Caller, athlete_id: int, athletes: AthleteRepository) -> None:
    target, standing = _visible_athlete(caller, athlete_id, athletes)
    if not can_list_connections(caller, athlete_id, target.private_profile, standing):
        raise ForbiddenError.about("this athlete's connections are private", "Athlete", "private_profile", "private")


def _connections(
    caller: Caller,
    athlete_id: int,
    partition: str,
    page: int,
    per_page: int,
    repository: SocialRepository | None,
    athletes: AthleteRepository | None,
) -> list[Listed]:
    _check_depth(page, per_page)
    repo = repository or get_repository()
    _check_connections_visible(caller, athlete_id, athletes or get_athletes())
    others = repo.edge_ids(partition, limit=per_page, offset=(page - 1) * per_page)
    return render(caller, others, repo)


def followers(
    caller: Caller,
    athlete_id: int,
    page: int,
    per_page: int,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
) -> list[Listed]:
    return _connections(caller, athlete_id, keys.followers_pk(athlete_id), page, per_page, repository, athletes)


def following(
    caller: Caller,
    athlete_id: int,
    page: int,
    per_page: int,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
) -> list[Listed]:
    return _connections(caller, athlete_id, keys.following_pk(athlete_id), page, per_page, repository, athletes)


def mutual_followers(
    caller: Caller,
    athlete_id: int,
    page: int,
    per_page: int,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
) -> list[Listed]:
    """ "Followed by people you follow": athletes the caller follows who follow ``athlete_id``. Reads the first
    ``MUTUAL_FOLLOWERS_READ`` followers of ``athlete_id`` (AP25), then the caller's edges to them (AP26)."""
    _check_depth(page, per_page)
    repo = repository or get_repository()
    _check_connections_visible(caller, athlete_id, athletes or get_athletes())
    their_followers = [
        other
        for other in repo.edge_ids(keys.followers_pk(athlete_id), limit=MUTUAL_FOLLOWERS_READ)
        if other != caller.athlete_id
    ]
    mine = repo.existing(following_key(caller.athlete_id, other) for other in their_followers)
    mutual = [other for other in their_followers if following_key(caller.athlete_id, other) in mine]
    return render(caller, mutual[(page - 1) * per_page : page * per_page], repo)


# ---------------------------------------------------------------- blocks


@tracer.capture_method(capture_response=False)
def block(
    caller: Caller,
    athlete_id: int,
    *,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> FollowState:
    """Block ``athlete_id``: follows both ways and pending requests go in the same transaction (AP27)."""
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "block")
    repo = repository or get_repository()
    # Existence only: an athlete who blocked the caller may still be blocked back.
    if not ids.is_valid(athlete_id) or (athletes or get_athletes()).get(athlete_id) is None:
        raise _not_found()
    for attempt in (1, 2):
        state = repo.block_state(caller.athlete_id, athlete_id)
        try:
            repo.block(caller.athlete_id, athlete_id, state)
            break
        except ConflictError:
            if attempt == 2:  # a follow changed twice while we blocked: let the client retry
                raise
            logger.info("block raced a follow change, retrying", other_id=athlete_id)
    events: list[DomainEvent] = []
    if not state.already_blocked:
        events.append(AthleteBlockedEvent(blocker_id=caller.athlete_id, blocked_id=athlete_id))
    if state.blocker_follows:
        events.append(AthleteUnfollowedEvent(follower_id=caller.athlete_id, followed_id=athlete_id, reason="block"))
    if state.blocked_follows:
        events.append(AthleteUnfollowedEvent(follower_id=athlete_id, followed_id=caller.athlete_id, reason="block"))
    if events:
        for event in events:
            event.correlation_id = correlation_id
        (publish or publisher.publish)(events)
    logger.info("athlete blocked", other_id=athlete_id, follows_removed=state.blocker_follows + state.blocked_follows)
    return FollowState.BLOCKED


def unblock(caller: Caller, athlete_id: int, repository: SocialRepository | None = None) -> None:
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "unblock")
    (repository or get_repository()).unblock(caller.athlete_id, athlete_id)


def blocks(caller: Caller, page: int, per_page: int, repository: SocialRepository | None = None) -> list[Listed]:
    """Whom the caller blocked. The policy hides blocked athletes everywhere else; here the caller sees their
    own list, with the minimum a private profile shows (name and picture) so they can recognise and unblock."""
    _check_depth(page, per_page)
    repo = repository or get_repository()
    blocked = repo.edge_ids(keys.blocks_pk(caller.athlete_id), limit=per_page, offset=(page - 1) * per_page)
    profiles = repo.profiles(blocked)
    return [Listed(profiles[other], ProfileDetail.META) for other in blocked if other in profiles]


# ---------------------------------------------------------------- mutes


@tracer.capture_method(capture_response=False)
def mute(
    caller: Caller,
    athlete_id: int,
    *,
    repository: SocialRepository | None = None,
    athletes: AthleteRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> FollowState:
    """Hide ``athlete_id``'s activities from the caller's feed (still followed, nothing else changes)."""
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "mute")
    repo = repository or get_repository()
    _visible_athlete(caller, athlete_id, athletes or get_athletes())
    if repo.mute(caller.athlete_id, athlete_id):
        (publish or publisher.publish)(
            [AthleteMutedEvent(muter_id=caller.athlete_id, muted_id=athlete_id, correlation_id=correlation_id)]
        )
        logger.info("athlete muted", other_id=athlete_id)
    return FollowState.MUTED


def unmute(caller: Caller, athlete_id: int, repository: SocialRepository | None = None) -> None:
    require_scope(caller, WRITE_SCOPE)
    _not_self(caller, athlete_id, "unmute")
    (repository or get_repository()).unmute(caller.athlete_id, athlete_id)
