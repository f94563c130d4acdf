"""Domain objects of the activities context (plain data: no storage, no HTTP).

``ActivitySummary`` holds what lists and feeds show; ``ActivityDetail`` what only the activity page needs
(laps, splits, best efforts, zones, the detailed polyline). Both are stored as JSON on the activity item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

Visibility = Literal["everyone", "followers_only", "only_me"]


class UploadStatus(StrEnum):
    """Strava's upload status texts (what clients such as stravalib compare against)."""

    PROCESSING = "Your activity is still being processed."
    READY = "Your activity is ready."
    ERROR = "There was an error processing your activity."
    DELETED = "The created activity has been deleted."


class ActivitySummary(BaseModel):
    name: str
    sport_type: str
    type: str
    start_date: datetime
    start_date_local: datetime
    timezone: str = "(GMT+00:00) Etc/UTC"
    utc_offset: float = 0.0
    description: str | None = None
    trainer: bool = False
    commute: bool = False
    manual: bool = False
    hide_from_home: bool = False
    hide_map: bool = False  # Stride extension: others see no position at all (the owner sees everything)
    device_name: str | None = None
    gear_id: str | None = None
    distance: float = 0.0
    moving_time: int = 0
    elapsed_time: int = 0
    total_elevation_gain: float = 0.0
    elev_high: float | None = None
    elev_low: float | None = None
    average_speed: float = 0.0
    max_speed: float = 0.0
    average_heartrate: float | None = None
    max_heartrate: float | None = None
    average_cadence: float | None = None
    average_watts: float | None = None
    weighted_average_watts: int | None = None
    max_watts: int | None = None
    kilojoules: float | None = None
    device_watts: bool = False
    average_temp: float | None = None
    calories: float = 0.0
    start_latlng: list[float] = Field(default_factory=list)
    end_latlng: list[float] = Field(default_factory=list)
    summary_polyline: str | None = None
    achievement_count: int = 0
    pr_count: int = 0
    kudos_count: int = 0
    comment_count: int = 0
    athlete_count: int = 1
    has_streams: bool = False
    stream_types: list[str] = Field(default_factory=list)


class ActivityDetail(BaseModel):
    polyline: str | None = None
    laps: list[dict[str, Any]] = Field(default_factory=list)
    splits_metric: list[dict[str, Any]] = Field(default_factory=list)
    splits_standard: list[dict[str, Any]] = Field(default_factory=list)
    best_efforts: list[dict[str, Any]] = Field(default_factory=list)
    zones: list[dict[str, Any]] = Field(default_factory=list)


@dataclass
class Activity:
    id: int
    athlete_id: int
    summary: ActivitySummary
    visibility: Visibility
    created_at: datetime
    updated_at: datetime
    detail: ActivityDetail = field(default_factory=ActivityDetail)
    upload_id: int | None = None
    external_id: str | None = None
    file_sha256: str | None = None
    streams_key: str | None = None
    revision: int = 1

    @property
    def private(self) -> bool:
        return self.visibility == "only_me"


@dataclass
class Upload:
    id: int
    athlete_id: int
    status: UploadStatus
    object_key: str
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    activity_id: int | None = None
    external_id: str | None = None
    data_type: str | None = None
    name: str | None = None
    description: str | None = None
    sport_type: str | None = None
    trainer: bool | None = None
    commute: bool | None = None
