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


CONTRACTS: dict[str, type[DomainEvent]] = {cls.detail_type: cls for cls in (AthleteCreatedEvent, AthleteUpdatedEvent)}
