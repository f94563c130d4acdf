"""API shapes of segment efforts: Strava's DetailedSegmentEffort (tests validate it with stravalib's model).

Times are stored to the millisecond; Strava's ``elapsed_time`` and ``moving_time`` are whole seconds, so the
views round them (half up). ``achievements`` follow Strava's shape: ``{"type_id", "type", "rank"}`` with type
"overall" (type_id 2) for a rank on the segment's board and "pr" (type_id 3) for the athlete's own top 3.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from stride.store.efforts import StoredEffort

_OVERALL, _PR = 2, 3


class EffortMetaRef(BaseModel):
    id: int
    resource_state: int = 1


class EffortSegmentView(BaseModel):
    """Strava's SummarySegment, as the effort was matched against it."""

    id: int
    resource_state: int = 2
    name: str
    activity_type: str
    distance: float
    average_grade: float
    maximum_grade: float
    elevation_high: float | None = None
    elevation_low: float | None = None
    start_latlng: list[float]
    end_latlng: list[float]
    climb_category: int
    city: str | None = None
    state: str | None = None
    country: str | None = None
    private: bool = False
    hazardous: bool = False
    starred: bool = False


class AchievementView(BaseModel):
    type_id: int
    type: str
    rank: int


class SegmentEffortView(BaseModel):
    """Strava's DetailedSegmentEffort (resource_state 2), plus ``achievements`` as Strava's activity pages send."""

    id: int
    resource_state: int = 2
    name: str
    activity: EffortMetaRef
    athlete: EffortMetaRef
    elapsed_time: int
    moving_time: int
    start_date: datetime
    start_date_local: datetime
    distance: float
    start_index: int
    end_index: int
    device_watts: bool = False
    average_cadence: float | None = None
    average_watts: float | None = None
    average_heartrate: float | None = None
    max_heartrate: float | None = None
    segment: EffortSegmentView | None = None
    kom_rank: int | None = Field(None, ge=1, le=10)
    pr_rank: int | None = Field(None, ge=1, le=3)
    is_kom: bool = False
    hidden: bool = False
    achievements: list[AchievementView] = Field(default_factory=list)

    @classmethod
    def from_domain(cls, effort: StoredEffort) -> SegmentEffortView:
        s = effort.snapshot
        kom_rank = effort.kom_rank if effort.kom_rank is not None and 1 <= effort.kom_rank <= 10 else None
        pr_rank = effort.pr_rank if effort.pr_rank is not None and 1 <= effort.pr_rank <= 3 else None
        achievements = []
        if kom_rank is not None:
            achievements.append(AchievementView(type_id=_OVERALL, type="overall", rank=kom_rank))
        if pr_rank is not None:
            achievements.append(AchievementView(type_id=_PR, type="pr", rank=pr_rank))
        segment = EffortSegmentView(**effort.segment) if effort.segment else None
        return cls(
            id=s.effort_id,
            name=segment.name if segment else "",
            activity=EffortMetaRef(id=s.activity_id),
            athlete=EffortMetaRef(id=s.athlete_id),
            elapsed_time=_seconds(s.elapsed_time),
            moving_time=_seconds(s.moving_time),
            start_date=s.start_date.astimezone(UTC),
            start_date_local=s.start_date_local.replace(tzinfo=UTC),
            distance=round(s.distance, 1),
            start_index=s.start_index,
            end_index=s.end_index,
            segment=segment,
            kom_rank=kom_rank,
            pr_rank=pr_rank,
            is_kom=kom_rank == 1,
            hidden=s.hidden,
            achievements=achievements,
        )


def _seconds(value: float) -> int:
    return int(value + 0.5)


def effort_dicts(efforts: list[StoredEffort]) -> list[dict[str, Any]]:
    """The efforts as DetailedActivity's ``segment_efforts`` list (JSON-ready dicts)."""
    return [SegmentEffortView.from_domain(effort).model_dump(mode="json") for effort in efforts]
