"""Domain objects of the accounts context (plain data: no storage, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Sex = Literal["M", "F"]
MeasurementPreference = Literal["feet", "meters"]


@dataclass
class Athlete:
    id: int
    username: str
    firstname: str
    lastname: str
    created_at: datetime
    updated_at: datetime
    city: str | None = None
    state: str | None = None
    country: str | None = None
    sex: Sex | None = None
    weight: float | None = None
    ftp: int | None = None
    birthdate: date | None = None  # private: the owner sees it; age-group leaderboards use it
    measurement_preference: MeasurementPreference = "meters"
    private_profile: bool = False
    premium: bool = False
    avatar_picture_id: int | None = None
    follower_count: int = 0
    friend_count: int = 0
    revision: int = 1


@dataclass(frozen=True)
class ZoneRange:
    min: int
    max: int  # -1 means "and above", as Strava writes the last zone


@dataclass
class HeartRateZones:
    custom_zones: bool
    max_heartrate: int | None
    zones: list[ZoneRange] = field(default_factory=list)


@dataclass(frozen=True)
class Identity:
    """Who a verified token says the caller is (from Cognito claims)."""

    sub: str
    username: str
    groups: frozenset[str] = frozenset()
    given_name: str | None = None
    family_name: str | None = None
