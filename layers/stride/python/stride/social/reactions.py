"""Kudos and comments on activities, with @mentions (AP30-AP34).

Every use case first loads the activity and asks ``stride.policy`` whether the caller sees it (with the caller's
relation to the owner); an activity the caller does not see answers exactly as ``GET /activities/{id}`` does (404),
so these routes cannot probe ids. Writes then ask ``can_interact`` (never across a block, no kudos to oneself).
Lists leave out athletes hidden from the caller (blocked either way). Mentions resolve to athletes who both exist
for the author and may see the activity, so a mention never tells anyone about an activity they cannot open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from stride import ids
from stride.accounts.models import Athlete
from stride.activities.models import Activity
from stride.errors import ErrorDetail, ForbiddenError, InvalidInputError, NotFoundError
from stride.events import publisher
from stride.events.contracts import CommentAddedEvent, DomainEvent, KudosGivenEvent
from stride.observability import logger, tracer
from stride.policy import (
    STRANGER,
    ActivityAccess,
    Caller,
    Interaction,
    ProfileDetail,
    Relation,
    activity_access,
    can_delete_comment,
    can_interact,
    can_see_athlete,
    profile_detail,
    require_scope,
)
from stride.social.mentions import mentioned_usernames
from stride.social.relations import relation, relations
from stride.store.activities import MAX_LIST_DEPTH, ActivityRepository
from stride.store.reactions import ActivityGoneError, Comment, ReactionRepository

Publish = Callable[[list[DomainEvent]], None]
WRITE_SCOPE = "activity:write"  # kudos and comments change what others see on an activity
MAX_COMMENT_LENGTH = 1000  # characters, after trimming surrounding whitespace


@dataclass(frozen=True)
class Listed:
    """An athlete as a list shows them to the caller (never more than a summary)."""

    athlete: Athlete
    detail: ProfileDetail


@dataclass(frozen=True)
class Mention:
    athlete_id: int
    username: str


@dataclass(frozen=True)
class RenderedComment:
    comment: Comment
    author: Listed
    mentions: tuple[Mention, ...]


@cache
def get_repository() -> ReactionRepository:
    return ReactionRepository()


@cache
def get_activities() -> ActivityRepository:
    return ActivityRepository()


def _activity_not_found() -> NotFoundError:
    # The very Fault GET /activities/{id} gives, so an unseen activity and an absent one look the same.
    return NotFoundError("Record Not Found", [ErrorDetail("Activity", "id", "invalid")])


def _comment_not_found() -> NotFoundError:
    return NotFoundError("comment not found", [ErrorDetail("Comment", "id", "not found")])


def _visible_activity(caller: Caller, activity_id: int, activities: ActivityRepository) -> tuple[Activity, Relation]:
    """The activity and the caller's relation to its owner, if the caller may see it; else 404."""
    activity = activities.get(activity_id) if ids.is_valid(activity_id) else None
    if activity is None:
        raise _activity_not_found()
    standing = relation(caller.athlete_id, activity.athlete_id)
    if activity_access(caller, activity.athlete_id, activity.visibility, standing) is ActivityAccess.NONE:
        raise _activity_not_found()
    return activity, standing


def _check_depth(page: int, per_page: int, resource: str) -> None:
    if page * per_page > MAX_LIST_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_LIST_DEPTH}", resource, "page", "invalid")


def _listed(caller: Caller, athlete: Athlete, standing: Relation) -> Listed | None:
    if not can_see_athlete(caller, athlete.id, standing):
        return None
    detail = profile_detail(caller, athlete.id, athlete.private_profile, standing)
    return Listed(athlete, min(detail, ProfileDetail.SUMMARY))


# ---------------------------------------------------------------- kudos


@tracer.capture_method(capture_response=False)
def give_kudos(
    caller: Caller,
    activity_id: int,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> bool:
    """Kudos from the caller; True if given now, False if already given (nothing changes, nothing is published)."""
    require_scope(caller, WRITE_SCOPE)
    activity, standing = _visible_activity(caller, activity_id, activities or get_activities())
    if activity.athlete_id == caller.athlete_id:
        raise ForbiddenError.about("you cannot give kudos to your own activity", "Kudos", "activity_id", "own activity")
    if not can_interact(caller, activity.athlete_id, activity.visibility, standing, Interaction.KUDOS):
        raise ForbiddenError.about("you may not give kudos to this activity", "Kudos", "activity_id", "forbidden")
    try:
        given = (repository or get_repository()).give_kudos(activity_id, caller.athlete_id, datetime.now(UTC))
    except ActivityGoneError:
        raise _activity_not_found() from None
    if given:
        event = KudosGivenEvent(
            activity_id=activity_id,
            owner_id=activity.athlete_id,
            athlete_id=caller.athlete_id,
            correlation_id=correlation_id,
        )
        (publish or publisher.publish)([event])
        logger.info("kudos given", activity_id=activity_id)
    return given


@tracer.capture_method(capture_response=False)
def remove_kudos(
    caller: Caller,
    activity_id: int,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
) -> None:
    """Take back the caller's kudos; 404 if there was none."""
    require_scope(caller, WRITE_SCOPE)
    _visible_activity(caller, activity_id, activities or get_activities())
    try:
        removed = (repository or get_repository()).remove_kudos(activity_id, caller.athlete_id)
    except ActivityGoneError:
        raise _activity_not_found() from None
    if not removed:
        raise NotFoundError.about("you have not given kudos to this activity", "Kudos", "athlete_id", "not found")
    logger.info("kudos removed", activity_id=activity_id)


@tracer.capture_method(capture_response=False)
def kudoers(
    caller: Caller,
    activity_id: int,
    page: int,
    per_page: int,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
) -> list[Listed]:
    """Athletes who gave kudos, in athlete-id order, without those hidden from the caller."""
    _check_depth(page, per_page, "Kudos")
    _visible_activity(caller, activity_id, activities or get_activities())
    repo = repository or get_repository()
    athlete_ids = repo.kudoers(activity_id, limit=per_page, offset=(page - 1) * per_page)
    profiles = repo.profiles(athlete_ids)
    standing = relations(caller.athlete_id, profiles)
    listed = [
        _listed(caller, profiles[athlete_id], standing.get(athlete_id, STRANGER))
        for athlete_id in athlete_ids
        if athlete_id in profiles
    ]
    return [entry for entry in listed if entry is not None]


# ---------------------------------------------------------------- comments


def clean_text(text: str | None) -> str:
    """The comment's text, trimmed; 422 unless 1 to MAX_COMMENT_LENGTH characters remain."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise InvalidInputError.about("text must not be empty", "Comment", "text", "blank")
    if len(cleaned) > MAX_COMMENT_LENGTH:
        raise InvalidInputError.about(
            f"text may be at most {MAX_COMMENT_LENGTH} characters", "Comment", "text", "too long"
        )
    return cleaned


def _resolve_mentions(
    caller: Caller, activity: Activity, text: str, repo: ReactionRepository
) -> tuple[list[int], dict[int, Athlete]]:
    """Ids of the athletes ``text`` mentions who exist for the author and may see the activity, in order of first
    mention; and the profiles read on the way (the author's among them)."""
    names = mentioned_usernames(text)
    by_name = repo.athletes_by_username(names) if names else {}
    candidates = list(
        dict.fromkeys(by_name[name] for name in names if name in by_name and by_name[name] != caller.athlete_id)
    )
    profiles = repo.profiles([caller.athlete_id, *candidates])
    to_author = relations(caller.athlete_id, candidates)
    kept: list[int] = []
    for athlete_id in candidates:
        if athlete_id not in profiles or not can_see_athlete(caller, athlete_id, to_author.get(athlete_id, STRANGER)):
            continue
        reader = Caller(athlete_id=athlete_id, sub="")  # the mentioned athlete, as a member with a first-party token
        to_owner = relation(athlete_id, activity.athlete_id)
        if activity_access(reader, activity.athlete_id, activity.visibility, to_owner) is ActivityAccess.NONE:
            continue
        kept.append(athlete_id)
    return kept, profiles


@tracer.capture_method(capture_response=False)
def add_comment(
    caller: Caller,
    activity_id: int,
    text: str | None,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> RenderedComment:
    require_scope(caller, WRITE_SCOPE)
    cleaned = clean_text(text)
    activity, standing = _visible_activity(caller, activity_id, activities or get_activities())
    if not can_interact(caller, activity.athlete_id, activity.visibility, standing, Interaction.COMMENT):
        raise ForbiddenError.about("you may not comment on this activity", "Comment", "activity_id", "forbidden")
    repo = repository or get_repository()
    mentions, profiles = _resolve_mentions(caller, activity, cleaned, repo)
    comment = Comment(
        id=ids.new_id(),
        activity_id=activity_id,
        athlete_id=caller.athlete_id,
        text=cleaned,
        created_at=datetime.now(UTC),
        mentions=tuple(mentions),
    )
    try:
        repo.add_comment(comment)
    except ActivityGoneError:
        raise _activity_not_found() from None
    event = CommentAddedEvent(
        activity_id=activity_id,
        owner_id=activity.athlete_id,
        comment_id=comment.id,
        athlete_id=caller.athlete_id,
        text=cleaned,
        mentions=mentions,
        correlation_id=correlation_id,
    )
    (publish or publisher.publish)([event])
    logger.info("comment added", activity_id=activity_id, comment_id=comment.id, mentions=len(mentions))
    author = profiles.get(caller.athlete_id)
    if author is None:  # the caller's own profile is created before any route runs
        raise NotFoundError.about("athlete not found", "Athlete", "id", "not found")
    return RenderedComment(
        comment,
        Listed(author, min(profile_detail(caller, author.id, author.private_profile), ProfileDetail.SUMMARY)),
        tuple(Mention(athlete_id, profiles[athlete_id].username) for athlete_id in mentions),
    )


@tracer.capture_method(capture_response=False)
def list_comments(
    caller: Caller,
    activity_id: int,
    page: int,
    per_page: int,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
) -> list[RenderedComment]:
    """Comments oldest first; comments by athletes hidden from the caller are left out, and so are such mentions."""
    _check_depth(page, per_page, "Comment")
    _visible_activity(caller, activity_id, activities or get_activities())
    repo = repository or get_repository()
    comments = repo.comments(activity_id, limit=per_page, offset=(page - 1) * per_page)
    people = {c.athlete_id for c in comments} | {m for c in comments for m in c.mentions}
    profiles = repo.profiles(people)
    standing = relations(caller.athlete_id, profiles)
    rendered: list[RenderedComment] = []
    for comment in comments:
        author = profiles.get(comment.athlete_id)
        listed = _listed(caller, author, standing.get(author.id, STRANGER)) if author else None
        if listed is None:
            continue
        mentions = tuple(
            Mention(m, profiles[m].username)
            for m in comment.mentions
            if m in profiles and can_see_athlete(caller, m, standing.get(m, STRANGER))
        )
        rendered.append(RenderedComment(comment, listed, mentions))
    return rendered


@tracer.capture_method(capture_response=False)
def delete_comment(
    caller: Caller,
    activity_id: int,
    comment_id: int,
    repository: ReactionRepository | None = None,
    activities: ActivityRepository | None = None,
) -> None:
    """By the comment's author, the activity's owner or a moderator; 404 if the comment is not there."""
    require_scope(caller, WRITE_SCOPE)
    activity, _ = _visible_activity(caller, activity_id, activities or get_activities())
    repo = repository or get_repository()
    comment = repo.get_comment(activity_id, comment_id) if ids.is_valid(comment_id) else None
    if comment is None:
        raise _comment_not_found()
    if not can_delete_comment(caller, comment.athlete_id, activity.athlete_id):
        raise ForbiddenError.about(
            "only the comment's author, the activity's owner or a moderator may delete it", "Comment", "id", "forbidden"
        )
    try:
        deleted = repo.delete_comment(activity_id, comment_id)
    except ActivityGoneError:
        raise _activity_not_found() from None
    if not deleted:  # deleted by someone else meanwhile
        raise _comment_not_found()
    logger.info("comment deleted", activity_id=activity_id, comment_id=comment_id)


# ---------------------------------------------------------------- activity deleted


@tracer.capture_method(capture_response=False)
def purge_activity(activity_id: int, repository: ReactionRepository | None = None) -> int:
    """Delete a deleted activity's kudos and comments (idempotent: a second run finds nothing)."""
    deleted = (repository or get_repository()).purge(activity_id)
    logger.info("activity reactions purged", activity_id=activity_id, deleted=deleted)
    return deleted
