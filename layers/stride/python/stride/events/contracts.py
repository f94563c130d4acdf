"""Versioned event contracts. ``detail-type`` is a dotted past-tense fact; ``source`` is ``stride.<context>``.

A contract only grows (new optional fields); a breaking change is a new ``version`` published beside the old.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, Field


class DomainEvent(BaseModel):
    """Fields every event carries: an id consumers use for idempotency and the causing request's id."""

    detail_type: ClassVar[str]
    source: ClassVar[str]

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None


class AthleteCreatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.created"
    source: ClassVar[str] = "stride.accounts"

    athlete_id: int


class AthleteUpdatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.updated"
    source: ClassVar[str] = "stride.accounts"

    athlete_id: int
    changed: list[str]
    revision: int


class ActivitySnapshot(BaseModel):
    """What consumers (stats, feed, segments, challenges) need of an activity, without reading it back."""

    activity_id: int
    athlete_id: int
    name: str
    sport_type: str
    start_date: datetime
    start_date_local: datetime
    visibility: str
    hide_from_home: bool = False
    trainer: bool = False
    commute: bool = False
    manual: bool = False
    distance: float = 0.0
    moving_time: int = 0
    elapsed_time: int = 0
    total_elevation_gain: float = 0.0
    achievement_count: int = 0
    has_streams: bool = False


class ActivityCreatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "activity.created"
    source: ClassVar[str] = "stride.activities"

    activity: ActivitySnapshot
    upload_id: int | None = None


class ActivityUpdatedEvent(DomainEvent):
    """``before`` and ``after`` let a consumer take the old contribution out and put the new one in."""

    detail_type: ClassVar[str] = "activity.updated"
    source: ClassVar[str] = "stride.activities"

    changed: list[str]
    before: ActivitySnapshot
    after: ActivitySnapshot


class ActivityDeletedEvent(DomainEvent):
    detail_type: ClassVar[str] = "activity.deleted"
    source: ClassVar[str] = "stride.activities"

    before: ActivitySnapshot


CONTRACTS: dict[str, type[DomainEvent]] = {
    cls.detail_type: cls
    for cls in (
        AthleteCreatedEvent,
        AthleteUpdatedEvent,
        ActivityCreatedEvent,
        ActivityUpdatedEvent,
        ActivityDeletedEvent,
    )
}
