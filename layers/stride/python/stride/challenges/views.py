"""JSON views of challenges, progress, leaderboards and trophies (Stride extensions in Strava's style: snake_case,
``id`` and ``resource_state``, ISO 8601 UTC dates beside the local ones, metres and seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from stride.challenges.models import Challenge, Participation, Trophy
from stride.challenges.rules import MAX_INVITEES, UNITS, progress_ratio

ChallengeType = Literal[
    "distance", "moving_time", "elevation", "activity_count", "longest_activity", "segment_time", "streak"
]


class CreateChallengeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    challenge_type: ChallengeType
    visibility: Literal["platform", "group"] = "group"
    start_date_local: str = Field(min_length=10, max_length=32, description="YYYY-MM-DD or a local date-time")
    end_date_local: str = Field(
        min_length=10, max_length=32, description="YYYY-MM-DD (that whole day counts) or a local date-time (exclusive)"
    )
    timezone: str = Field(min_length=1, max_length=64, description="IANA time zone of the window, e.g. Europe/Paris")
    sport_types: list[str] = Field(default_factory=list, description="Strava sport types that count; empty: all")
    goal: float | None = Field(None, description="In the type's unit (meters, seconds, activities, days)")
    segment_id: int | None = Field(None, gt=0, lt=2**63, description="segment_time challenges only")
    invitees: list[int] = Field(default_factory=list, max_length=MAX_INVITEES, description="group challenges")


class MetaAthleteView(BaseModel):
    id: int
    resource_state: int = 1


class ProgressView(BaseModel):
    value: float | None = Field(description="The score in the type's unit; null until an activity counts")
    goal: float | None
    unit: str
    percent_complete: float | None
    activity_count: int = Field(description="Activities (or efforts) that count")
    completed: bool
    completed_at: datetime | None
    joined_at: datetime | None


def progress_view(p: Participation) -> ProgressView:
    ratio = progress_ratio(p.rules, p.score)
    return ProgressView(
        value=p.score,
        goal=p.rules.goal,
        unit=UNITS[p.rules.kind],
        percent_complete=None if ratio is None else round(ratio * 100, 2),
        activity_count=len(p.contributions),
        completed=p.completed_at is not None,
        completed_at=p.completed_at,
        joined_at=p.joined_at,
    )


class ChallengeView(BaseModel):
    id: int
    resource_state: int
    name: str
    description: str | None
    challenge_type: ChallengeType
    visibility: Literal["platform", "group"]
    unit: str
    goal: float | None
    segment_id: int | None
    sport_types: list[str]
    start_date_local: str
    end_date_local: str
    timezone: str
    start_date: datetime
    end_date: datetime
    participant_count: int
    creator: MetaAthleteView
    joined: bool
    progress: ProgressView | None = None
    created_at: datetime


def challenge_view(
    challenge: Challenge, *, joined: bool, participation: Participation | None = None, detail: bool = False
) -> ChallengeView:
    return ChallengeView(
        id=challenge.id,
        resource_state=3 if detail else 2,
        name=challenge.name,
        description=challenge.description,
        challenge_type=challenge.kind.value,
        visibility=challenge.visibility.value,
        unit=UNITS[challenge.kind],
        goal=challenge.goal,
        segment_id=challenge.segment_id,
        sport_types=list(challenge.sport_types),
        start_date_local=challenge.start_local,
        end_date_local=challenge.end_local,
        timezone=challenge.timezone,
        start_date=datetime.fromtimestamp(challenge.start_epoch, UTC),
        end_date=datetime.fromtimestamp(challenge.end_epoch, UTC),
        participant_count=challenge.participant_count,
        creator=MetaAthleteView(id=challenge.creator_id),
        joined=joined,
        progress=progress_view(participation) if participation is not None else None,
        created_at=challenge.created_at,
    )


class ChallengeLeaderboardEntryView(BaseModel):
    rank: int
    athlete_id: int
    athlete_name: str
    value: float


class ChallengeLeaderboardView(BaseModel):
    challenge_id: int
    unit: str
    entry_count: int
    entries: list[ChallengeLeaderboardEntryView]
    athlete_entry: ChallengeLeaderboardEntryView | None


class TrophyView(BaseModel):
    challenge_id: int
    name: str
    challenge_type: ChallengeType
    goal: float | None
    unit: str
    badge_url: str
    completed_at: datetime


def trophy_view(trophy: Trophy, badge_url: str) -> TrophyView:
    return TrophyView(
        challenge_id=trophy.challenge_id,
        name=trophy.name,
        challenge_type=trophy.kind.value,
        goal=trophy.goal,
        unit=UNITS[trophy.kind],
        badge_url=badge_url,
        completed_at=trophy.completed_at,
    )
