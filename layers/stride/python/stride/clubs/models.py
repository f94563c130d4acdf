"""Domain objects of clubs (plain data: no storage, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Role = Literal["owner", "admin", "member"]
SportType = Literal["cycling", "running", "triathlon", "other"]


@dataclass
class Club:
    id: int
    name: str
    sport_type: str
    timezone: str
    owner_id: int
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    activity_types: list[str] = field(default_factory=list)
    city: str | None = None
    state: str | None = None
    country: str | None = None
    url: str | None = None
    private: bool = False
    member_count: int = 0


@dataclass(frozen=True)
class Member:
    club_id: int
    athlete_id: int
    role: Role
    joined_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role in ("owner", "admin")


@dataclass(frozen=True)
class Membership:
    """One of an athlete's clubs, as the athlete's own list holds it (with the club's time zone)."""

    club_id: int
    athlete_id: int
    role: Role
    timezone: str
    joined_at: datetime


@dataclass(frozen=True)
class JoinRequest:
    club_id: int
    athlete_id: int
    requested_at: datetime


@dataclass(frozen=True)
class FeedEntry:
    club_id: int
    athlete_id: int
    activity_id: int
    visibility: str
    start_epoch: int
    entry: dict[str, object]


@dataclass
class Counted:
    """What the consumer last counted of one activity: its part and, per club, the week and feed key used."""

    part: tuple[int, int, int] | None
    clubs: dict[int, tuple[str, str]] = field(default_factory=dict)
    digest: str | None = None  # of the feed entry written (a duplicate event rewrites nothing)


@dataclass
class WeekTotals:
    club_id: int
    week: str
    athlete_id: int
    rev: int
    parts: dict[int, tuple[int, int, int]]

    def totals(self) -> dict[str, int]:
        from stride.clubs.rules import totals

        return totals(self.parts.values())


@dataclass(frozen=True)
class RankEntry:
    athlete_id: int
    value: int


@dataclass
class GroupEvent:
    id: int
    club_id: int
    organizer_id: int
    title: str
    start_date: datetime
    timezone: str
    created_at: datetime
    description: str | None = None
    sport_type: str = "Ride"
    address: str | None = None
    start_latlng: list[float] = field(default_factory=list)
    route_id: int | None = None
    segment_id: int | None = None
    polyline: str | None = None
    joined_count: int = 0
