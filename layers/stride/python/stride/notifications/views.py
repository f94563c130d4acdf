"""API shapes of notifications and push devices (Stride extensions in Strava's style), and the list cursor."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from stride.accounts.views import AthleteView
from stride.errors import InvalidInputError
from stride.ids import is_valid
from stride.notifications.models import Device, Notification
from stride.notifications.service import Entry, Page

_CURSOR_PREFIX = "n1:"


def encode_cursor(before_id: int | None) -> str | None:
    if before_id is None:
        return None
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{before_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a page starts before; a cursor we did not issue is a 400, never a 500."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(_CURSOR_PREFIX) and is_valid(value := int(text[len(_CURSOR_PREFIX) :])):
            return value
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise InvalidInputError.about("cursor is not one this API issued", "Notification", "cursor", "invalid")


class NotificationView(BaseModel):
    id: int
    type: Literal["kudos", "comment", "mention", "follower", "follow_request", "cheer", "challenge_completed"]
    created_at: datetime
    read: bool
    actor: AthleteView = Field(description="Who did it, as SummaryAthlete (MetaAthlete for a private profile)")
    activity_id: int | None = None
    comment_id: int | None = None
    text: str | None = Field(
        None, description="An excerpt of the comment (comment, mention), the cheer, or the challenge's name"
    )
    session_id: int | None = Field(None, description="The live session cheered (cheer)")
    challenge_id: int | None = Field(None, description="The challenge completed (challenge_completed)")

    @classmethod
    def from_entry(cls, entry: Entry) -> NotificationView:
        return cls.from_domain(
            entry.notification, AthleteView.from_domain(entry.actor, entry.actor_detail, entry.actor_picture_url)
        )

    @classmethod
    def from_domain(cls, notification: Notification, actor: AthleteView) -> NotificationView:
        return cls(
            id=notification.id,
            type=notification.type.value,
            created_at=notification.created_at,
            read=notification.read,
            actor=actor,
            activity_id=notification.activity_id,
            comment_id=notification.comment_id,
            text=notification.text,
            session_id=notification.session_id,
            challenge_id=notification.challenge_id,
        )


class NotificationListView(BaseModel):
    notifications: list[NotificationView]
    unread_count: int = Field(description="Unread among the 200 newest notifications")
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next (older) page; null at the end")

    @classmethod
    def from_page(cls, page: Page) -> NotificationListView:
        return cls(
            notifications=[NotificationView.from_entry(entry) for entry in page.entries],
            unread_count=page.unread_count,
            next_cursor=encode_cursor(page.next_before),
        )


class NotificationReadView(BaseModel):
    id: int
    read: bool


class MarkAllReadView(BaseModel):
    marked: int = Field(description="How many notifications were unread and are now read")


class DeviceRequest(BaseModel):
    platform: Literal["ios", "android"]
    token: str = Field(min_length=8, max_length=4096, description="The APNs or FCM registration token")


class DeviceView(BaseModel):
    id: str = Field(description="sha256 of the token, first 32 hex characters")
    platform: Literal["ios", "android"]
    created_at: datetime

    @classmethod
    def from_domain(cls, device: Device) -> DeviceView:
        return cls(id=device.token_hash, platform=device.platform.value, created_at=device.created_at)
