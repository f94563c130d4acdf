"""Domain objects of the challenges context (plain data: no storage, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stride.challenges.rules import Contribution, Kind, Rules, Visibility


@dataclass(frozen=True)
class Challenge:
    id: int
    name: str
    description: str | None
    kind: Kind
    visibility: Visibility
    creator_id: int
    start_local: str
    end_local: str
    timezone: str
    start_epoch: int
    end_epoch: int
    sport_types: tuple[str, ...]
    goal: float | None
    segment_id: int | None
    participant_count: int
    created_at: datetime

    @property
    def rules(self) -> Rules:
        return Rules(self.kind, self.start_epoch, self.end_epoch, self.sport_types, self.goal, self.segment_id)

    def ended(self, now: datetime) -> bool:
        return now.timestamp() >= self.end_epoch

    def started(self, now: datetime) -> bool:
        return now.timestamp() >= self.start_epoch


@dataclass
class Participation:
    """One athlete in one challenge, as stored (``rev`` is None before the first write)."""

    challenge_id: int
    athlete_id: int
    rules: Rules
    rev: int | None
    challenge_name: str = ""
    contributions: dict[str, Contribution] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    score: float | None = None
    entry_sk: str | None = None
    joined_at: datetime | None = None
    completed_at: datetime | None = None
    completion_pending: bool = False


@dataclass(frozen=True)
class Trophy:
    challenge_id: int
    athlete_id: int
    name: str
    kind: Kind
    goal: float | None
    badge_key: str
    completed_at: datetime


@dataclass(frozen=True)
class BoardRow:
    athlete_id: int
    score: float
    ordered: int
