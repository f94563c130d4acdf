"""Notifications from social events (kudos, comments, mentions, follows, follow requests), live cheers and
completed challenges, their reads, and push devices.

A notification's id is derived from the event, the recipient and the type, so a duplicate delivery writes the
same item (a conditional put that finds it done). Nobody is notified across a block, and a mention reaches only
an athlete who may see the activity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from stride import ids
from stride.accounts.avatars import picture_url
from stride.accounts.models import Athlete
from stride.errors import NotFoundError
from stride.events.contracts import (
    AthleteFollowedEvent,
    ChallengeCompletedEvent,
    CommentAddedEvent,
    DomainEvent,
    FollowRequestedEvent,
    KudosGivenEvent,
    LiveCheerSentEvent,
)
from stride.notifications import push
from stride.notifications.models import Device, Notification, NotificationType, Platform
from stride.observability import logger, metrics, tracer
from stride.policy import (
    ActivityAccess,
    Caller,
    ProfileDetail,
    Relation,
    activity_access,
    can_see_athlete,
    profile_detail,
    require_scope,
)
from stride.social.relations import relation, relations
from stride.store.activities import ActivityRepository
from stride.store.athletes import AthleteRepository
from stride.store.notifications import NotificationRepository

TTL = timedelta(days=90)
UNREAD_WINDOW = 200  # unread_count counts unread among this many newest notifications
TEXT_MAX = 140  # characters of a comment kept on a notification
TOKEN_HASH_CHARS = 32
HANDLED: dict[str, type[DomainEvent]] = {
    cls.detail_type: cls
    for cls in (
        KudosGivenEvent,
        CommentAddedEvent,
        AthleteFollowedEvent,
        FollowRequestedEvent,
        LiveCheerSentEvent,
        ChallengeCompletedEvent,
    )
}


@cache
def get_repository() -> NotificationRepository:
    return NotificationRepository()


def notification_id(event_id: str, recipient_id: int, kind: NotificationType, occurred_at: datetime) -> int:
    """Time-ordered like every id (41 bits of the event's milliseconds), with the 22 low bits taken from a hash
    of (event id, recipient, type) instead of random bits: every delivery of one event gives the same id."""
    millis = int(occurred_at.timestamp() * 1000) - ids.EPOCH_MS
    millis = min(max(millis, 0), (1 << ids.TIME_BITS) - 1)
    digest = hashlib.sha256(f"{event_id}|{recipient_id}|{kind}".encode()).digest()
    return (millis << ids.RANDOM_BITS) | (int.from_bytes(digest[:4], "big") & ((1 << ids.RANDOM_BITS) - 1))


def _excerpt(text: str) -> str:
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1].rstrip() + "…"


def plan(event: DomainEvent) -> list[Notification]:  # noqa: PLR0911 - one answer per event kind
    """Who an event notifies, before blocks and visibility are checked (pure: no reads)."""
    at = event.occurred_at if event.occurred_at.tzinfo else event.occurred_at.replace(tzinfo=UTC)

    def make(recipient: int, kind: NotificationType, actor: int, **fields: Any) -> Notification:
        return Notification(notification_id(event.event_id, recipient, kind, at), recipient, kind, actor, at, **fields)

    if isinstance(event, KudosGivenEvent):
        if event.owner_id == event.athlete_id:
            return []
        return [make(event.owner_id, NotificationType.KUDOS, event.athlete_id, activity_id=event.activity_id)]
    if isinstance(event, CommentAddedEvent):
        fields = {"activity_id": event.activity_id, "comment_id": event.comment_id, "text": _excerpt(event.text)}
        planned = []
        if event.owner_id != event.athlete_id:
            planned.append(make(event.owner_id, NotificationType.COMMENT, event.athlete_id, **fields))
        # The owner already hears about the comment; nobody is told about their own mention of themself.
        skip = {event.athlete_id, event.owner_id}
        for mentioned in dict.fromkeys(event.mentions):
            if mentioned not in skip:
                planned.append(make(mentioned, NotificationType.MENTION, event.athlete_id, **fields))
        return planned
    if isinstance(event, AthleteFollowedEvent):
        return [make(event.followed_id, NotificationType.FOLLOWER, event.follower_id)]
    if isinstance(event, FollowRequestedEvent):
        return [make(event.target_id, NotificationType.FOLLOW_REQUEST, event.requester_id)]
    if isinstance(event, LiveCheerSentEvent):
        if event.from_athlete_id == event.athlete_id:
            return []
        return [
            make(
                event.athlete_id,
                NotificationType.CHEER,
                event.from_athlete_id,
                session_id=event.session_id,
                text=_excerpt(event.text),
            )
        ]
    if isinstance(event, ChallengeCompletedEvent):
        return [
            make(
                event.athlete_id,
                NotificationType.CHALLENGE_COMPLETED,
                event.athlete_id,
                challenge_id=event.challenge_id,
                text=_excerpt(event.challenge_name),
            )
        ]
    return []


def _allowed(planned: list[Notification], activities: ActivityRepository) -> list[Notification]:
    """Drop notifications across a block, and mentions of athletes who may not see the activity."""
    if not planned:
        return []
    actor = planned[0].actor_id  # one event, one actor
    facts = relations(actor, [n.recipient_id for n in planned])
    allowed = [n for n in planned if not facts.get(n.recipient_id, Relation()).blocked]
    mentions = [n for n in allowed if n.type is NotificationType.MENTION]
    if mentions:
        activity = activities.get(mentions[0].activity_id or 0)
        hidden = {
            n.recipient_id
            for n in mentions
            if activity is None
            or activity_access(
                Caller(athlete_id=n.recipient_id, sub=""),
                activity.athlete_id,
                activity.visibility,
                relation(n.recipient_id, activity.athlete_id),
            )
            is ActivityAccess.NONE
        }
        allowed = [n for n in allowed if not (n.type is NotificationType.MENTION and n.recipient_id in hidden)]
    return allowed


def _display_name(actor: Athlete | None) -> str:
    if actor is None:
        return "Someone"
    initial = f" {actor.lastname[:1]}." if actor.lastname else ""
    return f"{actor.firstname}{initial}".strip() or "Someone"


def push_text(notification: Notification, actor: Athlete | None) -> tuple[str, str]:
    name = _display_name(actor)
    body = {
        NotificationType.KUDOS: f"{name} gave you kudos",
        NotificationType.COMMENT: f"{name} commented: {notification.text or ''}",
        NotificationType.MENTION: f"{name} mentioned you: {notification.text or ''}",
        NotificationType.FOLLOWER: f"{name} started following you",
        NotificationType.FOLLOW_REQUEST: f"{name} asked to follow you",
        NotificationType.CHEER: f"{name} cheered: {notification.text or ''}",
        NotificationType.CHALLENGE_COMPLETED: f"Challenge complete: {notification.text or ''}",
    }[notification.type]
    return "Stride", body


PushFn = Callable[[Notification, str, str, Sequence[Device]], Any]


def _store_and_push(notification: Notification, repository: NotificationRepository, publish: PushFn) -> bool:
    """Write the notification once, push it once. True when this delivery created it."""
    created = repository.create(notification, TTL)
    if not created:
        existing = repository.get(notification.recipient_id, notification.id)
        if existing is None or existing.pushed:
            return False  # an earlier delivery finished the job
    devices = repository.devices(notification.recipient_id)
    if devices:
        title, body = push_text(notification, AthleteRepository().get(notification.actor_id))
        publish(notification, title, body, devices)  # raises: the record fails and comes back
        repository.mark_pushed(notification.recipient_id, notification.id)
        metrics.add_metric(name="PushesPublished", unit="Count", value=1)
    return created


@tracer.capture_method(capture_response=False)
def handle_event(
    detail_type: str,
    detail: dict[str, Any],
    repository: NotificationRepository | None = None,
    activities: ActivityRepository | None = None,
    publish: PushFn | None = None,
) -> int:
    """Turn one bus event into notifications. Returns how many were new; raises on infrastructure faults."""
    contract = HANDLED.get(detail_type)
    if contract is None:
        logger.warning("event ignored", detail_type=detail_type)
        return 0
    event = contract.model_validate(detail)
    repo = repository or get_repository()
    planned = _allowed(plan(event), activities or ActivityRepository())
    created = sum(_store_and_push(n, repo, publish or push.publish) for n in planned)
    logger.info("notifications written", detail_type=detail_type, planned=len(planned), written=created)
    if created:
        metrics.add_metric(name="NotificationsCreated", unit="Count", value=created)
    return created


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class Entry:
    notification: Notification
    actor: Athlete
    actor_detail: ProfileDetail
    actor_picture_url: str | None


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    unread_count: int
    next_before: int | None  # the id the next page starts before


def list_notifications(
    caller: Caller, per_page: int, before_id: int | None, repository: NotificationRepository | None = None
) -> Page:
    """The caller's notifications, newest first; actors the caller may not see (a block) are left out."""
    require_scope(caller, "read")
    repo = repository or get_repository()
    page, next_before = repo.page(caller.athlete_id, per_page, before_id)
    actor_ids = {n.actor_id for n in page}
    facts = relations(caller.athlete_id, actor_ids)
    profiles = repo.profiles(actor_ids)
    entries = []
    for notification in page:
        actor = profiles.get(notification.actor_id)
        fact = facts.get(notification.actor_id, Relation())
        if actor is None or not can_see_athlete(caller, actor.id, fact):
            continue
        detail = profile_detail(caller, actor.id, actor.private_profile, fact)
        if detail is ProfileDetail.HIDDEN:
            continue
        # A notification is a summary line: never more than SummaryAthlete of the actor.
        entries.append(Entry(notification, actor, min(detail, ProfileDetail.SUMMARY), picture_url(actor)))
    return Page(entries, repo.unread_count(caller.athlete_id, UNREAD_WINDOW), next_before)


def mark_read(caller: Caller, notification_id: int, repository: NotificationRepository | None = None) -> Notification:
    """Owner only by construction: the key is the caller's own partition, so another's id is simply not found."""
    require_scope(caller, "read")
    marked = (repository or get_repository()).mark_read(caller.athlete_id, notification_id)
    if marked is None:
        raise NotFoundError.about("notification not found", "Notification", "id", "not found")
    return marked


def mark_all_read(caller: Caller, repository: NotificationRepository | None = None) -> int:
    require_scope(caller, "read")
    marked = (repository or get_repository()).mark_all_read(caller.athlete_id)
    logger.info("notifications marked read", count=marked)
    return marked


# ---------------------------------------------------------------- devices


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:TOKEN_HASH_CHARS]


def register_device(
    caller: Caller, platform: Platform, token: str, repository: NotificationRepository | None = None
) -> Device:
    require_scope(caller, "profile:write")
    device = Device(caller.athlete_id, platform, token_hash(token), token, datetime.now(UTC))
    (repository or get_repository()).put_device(device)
    logger.info("device registered", platform=str(platform), token_hash=device.token_hash)
    return device


def unregister_device(
    caller: Caller, platform: Platform, token: str, repository: NotificationRepository | None = None
) -> bool:
    """Idempotent: unregistering a device that is not registered is not an error (a phone signs out twice)."""
    require_scope(caller, "profile:write")
    return (repository or get_repository()).delete_device(caller.athlete_id, platform, token_hash(token))
