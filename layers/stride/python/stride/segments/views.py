"""API shapes of segments: Strava's DetailedSegment, SummarySegment, ExplorerResponse and StreamSet, and the
``POST /segments`` request (Stride extension)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from stride.segments.models import MAX_NAME_LENGTH, ExploredSegment, Segment

# Strava's climb_category_desc for each category value (5 is hors catégorie)
_CATEGORY_DESC: dict[int, Literal["NC", "4", "3", "2", "1", "HC"]] = {
    0: "NC",
    1: "4",
    2: "3",
    3: "2",
    4: "1",
    5: "HC",
}


Altitude = Annotated[float, Field(ge=-500, le=9_000, allow_inf_nan=False)]  # metres: the Dead Sea to Everest


class CreateSegmentRequest(BaseModel):
    """A stretch of one of the caller's activities (``activity_id``, ``start_index``, ``end_index``: indexes of its
    streams, both included), or a polyline with ``activity_type`` (and optionally one altitude per point)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH)
    activity_id: int | None = Field(None, gt=0, lt=2**63)
    start_index: int | None = Field(None, ge=0)
    end_index: int | None = Field(None, ge=0)
    polyline: str | None = Field(None, description="Google encoded polyline, precision 5")
    activity_type: str | None = Field(None, description="Ride or Run (from the activity when absent)")
    altitude: list[Altitude | None] | None = Field(None, description="metres, one per polyline point")


class StarRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starred: bool


class SegmentMapView(BaseModel):
    id: str
    polyline: str
    summary_polyline: str
    resource_state: int = 3


class SummarySegmentView(BaseModel):
    id: int
    resource_state: int = 2
    name: str
    activity_type: Literal["Ride", "Run"]
    distance: float
    average_grade: float
    maximum_grade: float
    elevation_high: float | None
    elevation_low: float | None
    start_latlng: list[float]
    end_latlng: list[float]
    climb_category: int
    city: str | None
    state: str | None
    country: str | None
    private: bool
    hazardous: bool
    starred: bool
    athlete_pr_effort: None = Field(None, description="not computed yet (always null)")
    athlete_segment_stats: None = Field(None, description="not computed yet (always null)")

    @classmethod
    def fields_of(cls, segment: Segment, starred: bool) -> dict[str, object]:
        return {
            "id": segment.id,
            "name": segment.name,
            "activity_type": segment.activity_type,
            "distance": segment.distance,
            "average_grade": segment.average_grade,
            "maximum_grade": segment.maximum_grade,
            "elevation_high": segment.elevation_high,
            "elevation_low": segment.elevation_low,
            "start_latlng": list(segment.start_latlng),
            "end_latlng": list(segment.end_latlng),
            "climb_category": segment.climb_category,
            "city": segment.city,
            "state": segment.state,
            "country": segment.country,
            "private": segment.private,
            "hazardous": segment.hazardous,
            "starred": starred,
        }

    @classmethod
    def from_domain(cls, segment: Segment, starred: bool) -> SummarySegmentView:
        return cls.model_validate(cls.fields_of(segment, starred))


class DetailedSegmentView(SummarySegmentView):
    resource_state: int = 3
    created_at: datetime
    updated_at: datetime
    total_elevation_gain: float
    map: SegmentMapView
    effort_count: int
    athlete_count: int
    star_count: int

    @classmethod
    def from_domain(cls, segment: Segment, starred: bool) -> DetailedSegmentView:
        return cls.model_validate(
            {
                **cls.fields_of(segment, starred),
                "created_at": segment.created_at,
                "updated_at": segment.updated_at,
                "total_elevation_gain": segment.total_elevation_gain,
                "map": SegmentMapView(
                    id=f"s{segment.id}",
                    polyline=segment.polyline,
                    summary_polyline=segment.summary_polyline or segment.polyline,
                ),
                "effort_count": segment.effort_count,
                "athlete_count": segment.athlete_count,
                "star_count": segment.star_count,
            }
        )


class ExplorerSegmentView(BaseModel):
    id: int
    resource_state: int = 2
    name: str
    climb_category: int = Field(ge=0, le=5)
    climb_category_desc: Literal["NC", "4", "3", "2", "1", "HC"]
    avg_grade: float
    start_latlng: list[float]
    end_latlng: list[float]
    elev_difference: float
    distance: float
    points: str
    starred: bool

    @classmethod
    def from_domain(cls, segment: ExploredSegment, starred: bool) -> ExplorerSegmentView:
        return cls(
            id=segment.segment_id,
            name=segment.name,
            climb_category=segment.climb_category,
            climb_category_desc=_CATEGORY_DESC.get(segment.climb_category, "NC"),
            avg_grade=segment.average_grade,
            start_latlng=list(segment.start_latlng),
            end_latlng=list(segment.end_latlng),
            elev_difference=round(segment.elev_difference, 1),
            distance=segment.distance,
            points=segment.points,
            starred=starred,
        )


class ExplorerResponseView(BaseModel):
    segments: list[ExplorerSegmentView]


class SegmentStreamView(BaseModel):
    """One of Strava's streams (LatLngStream, DistanceStream, AltitudeStream) of a segment."""

    type: str | None = None
    data: list[list[float]] | list[float]
    series_type: Literal["distance"] = "distance"
    original_size: int
    resolution: Literal["high"] = "high"
