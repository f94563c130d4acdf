"""Domain values of the notifications context: what an athlete is told, and the phones they are told on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class NotificationType(StrEnum):
    KUDOS = "kudos"  # someone gave kudos on the recipient's activity
    COMMENT = "comment"  # someone commented on the recipient's activity
    MENTION = "mention"  # someone mentioned the recipient in a comment
    FOLLOWER = "follower"  # someone now follows the recipient
    FOLLOW_REQUEST = "follow_request"  # someone asks to follow the recipient's private profile
    CHEER = "cheer"  # a watcher cheered the recipient during a live session
    CHALLENGE_COMPLETED = "challenge_completed"  # the recipient reached a challenge's goal (actor: themself)


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"


@dataclass(frozen=True)
class Notification:
    id: int  # time-ordered, derived from the event (see ``stride.notifications.service.notification_id``)
    recipient_id: int
    type: NotificationType
    actor_id: int
    created_at: datetime
    activity_id: int | None = None
    comment_id: int | None = None
    text: str | None = None  # an excerpt of the comment (comment, mention), the cheer, the challenge's name
    session_id: int | None = None  # cheer: the live session cheered
    challenge_id: int | None = None  # challenge_completed
    read: bool = False
    pushed: bool = False  # the push for it went out (a retried record does not push twice)


@dataclass(frozen=True)
class Device:
    athlete_id: int
    platform: Platform
    token_hash: str  # sha256(token)[:32]: the device's id in the API, logs and push messages
    token: str
    created_at: datetime
