"""Domain objects of the segment store (plain data: no storage, no HTTP, no numpy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

SegmentType = Literal["Ride", "Run"]
LatLng = tuple[float, float]

MIN_DISTANCE = 100.0  # metres
MAX_DISTANCE = 100_000.0
MAX_NAME_LENGTH = 255

# The sports whose activities ride or run segments (outdoor, with a real track). Virtual sports have
# positions in a game world, so they neither make nor match segments.
_SEGMENT_TYPE: dict[str, SegmentType] = {
    "Ride": "Ride",
    "GravelRide": "Ride",
    "MountainBikeRide": "Ride",
    "EBikeRide": "Ride",
    "EMountainBikeRide": "Ride",
    "Velomobile": "Ride",
    "Handcycle": "Ride",
    "Run": "Run",
    "TrailRun": "Run",
    "Walk": "Run",
    "Hike": "Run",
}


def segment_type(sport_type: str | None) -> SegmentType | None:
    """The segment activity type an activity of ``sport_type`` makes and matches ("Ride", "Run"), or None."""
    return _SEGMENT_TYPE.get(sport_type or "")


@dataclass(frozen=True)
class Segment:
    id: int
    name: str
    activity_type: SegmentType
    athlete_id: int  # the creator
    distance: float
    average_grade: float
    maximum_grade: float
    elevation_high: float | None
    elevation_low: float | None
    total_elevation_gain: float
    climb_category: int
    start_latlng: LatLng
    end_latlng: LatLng
    polyline: str  # encoded, precision 5
    created_at: datetime
    updated_at: datetime
    summary_polyline: str = ""  # simplified (what explore and lists show); the full one is ``polyline``
    city: str | None = None
    state: str | None = None
    country: str | None = None
    private: bool = False
    hazardous: bool = False
    effort_count: int = 0
    athlete_count: int = 0
    star_count: int = 0
    source_activity_id: int | None = None

    @property
    def elevation_difference(self) -> float:
        if self.elevation_high is None or self.elevation_low is None:
            return 0.0
        return self.elevation_high - self.elevation_low


@dataclass(frozen=True)
class SegmentIndexEntry:
    """What the matching index holds for one segment (enough for ``matching.prefilter``)."""

    segment_id: int
    activity_type: str
    start_latlng: LatLng
    end_latlng: LatLng
    distance: float


@dataclass(frozen=True)
class ExploredSegment:
    """What the explore index holds for one segment (an ExplorerSegment)."""

    segment_id: int
    activity_type: str
    name: str
    climb_category: int
    average_grade: float
    elev_difference: float
    distance: float
    start_latlng: LatLng
    end_latlng: LatLng
    points: str  # simplified polyline


@dataclass(frozen=True)
class Star:
    segment_id: int
    athlete_id: int
    starred_at: datetime
