"""API shapes of the activities context (Strava v3: Upload, SummaryActivity, DetailedActivity, Lap,
StreamSet, ActivityZone, ActivityStats) and request bodies. Tests validate them with stravalib's models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stride.activities.models import Activity, ActivityDetail, Upload, UploadStatus
from stride.activities.sports import canonical
from stride.activities.stats import AthleteStats, Totals
from stride.policy import ActivityAccess
from stride.privacy.maps import SharedMap

VisibilityValue = Literal["everyone", "followers_only", "only_me"]


class UploadView(BaseModel):
    """Strava's Upload."""

    id: int
    id_str: str
    external_id: str | None
    error: str | None
    status: str
    activity_id: int | None

    @classmethod
    def from_domain(cls, upload: Upload) -> UploadView:
        return cls(
            id=upload.id,
            id_str=str(upload.id),
            external_id=upload.external_id,
            error=upload.error if upload.status is UploadStatus.ERROR else None,
            status=upload.status.value,
            activity_id=upload.activity_id if upload.status is UploadStatus.READY else None,
        )


class PresignedUploadView(BaseModel):
    """Stride extension: where the app posts the file (a presigned S3 POST) and the Upload to poll."""

    upload: UploadView
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class PresignedUploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data_type: str = Field(description="fit, fit.gz, tcx, tcx.gz, gpx or gpx.gz")
    name: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=65_535)
    trainer: bool | None = None
    commute: bool | None = None
    external_id: str | None = Field(None, max_length=255)
    sport_type: str | None = None


class MetaRef(BaseModel):
    id: int
    resource_state: int = 1


class MapView(BaseModel):
    id: str
    summary_polyline: str | None
    polyline: str | None = None
    resource_state: int


class SummaryActivityView(BaseModel):
    """Strava's SummaryActivity (resource_state 2), plus Stride's ``visibility``."""

    id: int
    resource_state: int = 2
    external_id: str | None = None
    upload_id: int | None = None
    upload_id_str: str | None = None
    athlete: MetaRef
    name: str
    distance: float
    moving_time: int
    elapsed_time: int
    total_elevation_gain: float
    elev_high: float | None = None
    elev_low: float | None = None
    type: str
    sport_type: str
    start_date: datetime
    start_date_local: datetime
    timezone: str
    utc_offset: float
    start_latlng: list[float] | None  # None without GPS (stravalib's LatLng needs exactly two numbers)
    end_latlng: list[float] | None
    achievement_count: int
    pr_count: int
    kudos_count: int
    comment_count: int
    athlete_count: int
    photo_count: int = 0
    total_photo_count: int = 0
    map: MapView
    trainer: bool
    commute: bool
    manual: bool
    private: bool
    visibility: VisibilityValue
    flagged: bool = False
    hide_from_home: bool
    hide_map: bool | None = Field(
        None, description="Stride extension: others see no position of this activity. Shown to the owner only"
    )
    gear_id: str | None = None
    average_speed: float
    max_speed: float
    average_cadence: float | None = None
    average_temp: float | None = None
    average_watts: float | None = None
    weighted_average_watts: int | None = None
    kilojoules: float | None = None
    device_watts: bool = False
    max_watts: int | None = None
    has_heartrate: bool
    average_heartrate: float | None = None
    max_heartrate: float | None = None
    has_kudoed: bool = False
    workout_type: int | None = None

    @classmethod
    def fields_from(cls, activity: Activity, resource_state: int) -> dict[str, Any]:
        s = activity.summary
        return {
            **s.model_dump(exclude={"description", "device_name", "calories", "summary_polyline", "has_streams",
                                    "stream_types", "hide_map"}),
            "id": activity.id,
            "resource_state": resource_state,
            "external_id": activity.external_id,
            "upload_id": activity.upload_id,
            "upload_id_str": str(activity.upload_id) if activity.upload_id is not None else None,
            "athlete": MetaRef(id=activity.athlete_id),
            "map": MapView(id=f"a{activity.id}", summary_polyline=s.summary_polyline, resource_state=resource_state),
            "private": activity.private,
            "visibility": activity.visibility,
            "has_heartrate": s.average_heartrate is not None,
            "start_latlng": s.start_latlng or None,
            "end_latlng": s.end_latlng or None,
        }  # fmt: skip

    @classmethod
    def from_domain(cls, activity: Activity, owner: bool = False) -> SummaryActivityView:
        """The summary with the activity's own map: for the owner, or after ``with_shared_map`` for others."""
        view = cls(**cls.fields_from(activity, 2))
        if owner:
            view.hide_map = activity.summary.hide_map
        return view

    def with_shared_map(self, shared: SharedMap | None) -> Self:
        """This view with the map another person gets (``None``: the owner's view, unchanged)."""
        if shared is None:
            return self
        return self.model_copy(
            update={
                "map": self.map.model_copy(
                    update={"summary_polyline": shared.summary_polyline, "polyline": shared.polyline}
                ),
                "start_latlng": shared.start_latlng,
                "end_latlng": shared.end_latlng,
            }
        )


class _EffortFields(BaseModel):
    """Fields Strava's Lap and best efforts share: a stretch of one activity."""

    id: int
    resource_state: int = 2
    name: str
    activity: MetaRef
    athlete: MetaRef
    elapsed_time: int
    moving_time: int
    start_date: datetime
    start_date_local: datetime
    distance: float
    start_index: int
    end_index: int


class LapView(_EffortFields):
    """Strava's Lap."""

    total_elevation_gain: float
    average_speed: float
    max_speed: float
    average_cadence: float | None = None
    device_watts: bool = False
    average_watts: float | None = None
    average_heartrate: float | None = None
    max_heartrate: float | None = None
    lap_index: int
    split: int


class SplitView(BaseModel):
    """Strava's Split."""

    split: int
    distance: float
    elapsed_time: int
    moving_time: int
    elevation_difference: float
    average_speed: float
    average_heartrate: float | None = None
    pace_zone: int = 0


class BestEffortView(_EffortFields):
    """Strava's best effort (a DetailedSegmentEffort without a segment)."""

    pr_rank: int | None = None
    achievements: list[dict[str, Any]] = Field(default_factory=list)


class DetailedActivityView(SummaryActivityView):
    """Strava's DetailedActivity (resource_state 3)."""

    resource_state: int = 3
    description: str | None = None
    calories: float
    device_name: str | None = None
    laps: list[LapView]
    splits_metric: list[SplitView]
    splits_standard: list[SplitView]
    best_efforts: list[BestEffortView]
    segment_efforts: list[dict[str, Any]] = Field(default_factory=list)
    embed_token: str | None = None

    @classmethod
    def from_domain_detailed(
        cls,
        activity: Activity,
        access: ActivityAccess,
        shared: SharedMap | None = None,
        segment_efforts: list[dict[str, Any]] | None = None,
    ) -> DetailedActivityView:
        """The activity page. ``shared`` is the map a non-owner gets (``stride.activities.reads.shared_of``);
        leave it ``None`` only for the owner, who also sees ``hide_map``. ``segment_efforts`` are the efforts the
        viewer may see, already shaped (``stride.segments.effort_views.effort_dicts``)."""
        fields = cls.fields_from(activity, 3)
        detail = activity.detail
        fields["map"] = MapView(
            id=f"a{activity.id}",
            summary_polyline=activity.summary.summary_polyline,
            polyline=detail.polyline,
            resource_state=3,
        )
        return cls(
            **fields,
            description=activity.summary.description,
            calories=activity.summary.calories,
            device_name=activity.summary.device_name,
            laps=laps_of(activity),
            splits_metric=[SplitView(**split) for split in detail.splits_metric],
            splits_standard=[SplitView(**split) for split in detail.splits_standard],
            best_efforts=_best_efforts(activity, detail),
            segment_efforts=segment_efforts or [],
            hide_map=activity.summary.hide_map if access is ActivityAccess.OWNER else None,
        ).with_shared_map(shared)


def _local(activity: Activity, moment: datetime) -> datetime:
    return moment + timedelta(seconds=activity.summary.utc_offset)


def laps_of(activity: Activity) -> list[LapView]:
    views = []
    for lap in activity.detail.laps:
        start = datetime.fromtimestamp(lap["start_time"], UTC)
        views.append(
            LapView(
                id=int(lap["id"]),
                name=lap.get("name") or f"Lap {lap['lap_index']}",
                activity=MetaRef(id=activity.id),
                athlete=MetaRef(id=activity.athlete_id),
                start_date=start,
                start_date_local=_local(activity, start),
                device_watts=activity.summary.device_watts and lap.get("average_watts") is not None,
                **{k: v for k, v in lap.items() if k in LapView.model_fields and k not in {"name", "id"}},
            )
        )
    return views


def _best_efforts(activity: Activity, detail: ActivityDetail) -> list[BestEffortView]:
    views = []
    for effort in detail.best_efforts:
        start = datetime.fromisoformat(effort["start_date"])
        views.append(
            BestEffortView(
                id=int(effort["id"]),
                name=effort["name"],
                activity=MetaRef(id=activity.id),
                athlete=MetaRef(id=activity.athlete_id),
                elapsed_time=int(effort["elapsed_time"]),
                moving_time=int(effort["moving_time"]),
                start_date=start,
                start_date_local=_local(activity, start),
                distance=float(effort["distance"]),
                start_index=int(effort["start_index"]),
                end_index=int(effort["end_index"]),
                pr_rank=effort.get("pr_rank"),
                achievements=[{"type_id": 3, "type": "pr", "rank": effort["pr_rank"]}] if effort.get("pr_rank") else [],
            )
        )
    return views


def _known_sport(value: str | None) -> str | None:
    """Pydantic check of a sport_type/type field: Strava's spelling, whatever the case sent."""
    if value is None:
        return None
    sport = canonical(value)
    if sport is None:
        raise ValueError("unknown sport type")
    return sport


class UpdatableActivityRequest(BaseModel):
    """Strava's UpdatableActivity, plus Stride's ``visibility`` and ``hide_map``."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=255)
    sport_type: str | None = None
    type: str | None = Field(None, description="Deprecated by Strava; use sport_type")
    description: str | None = Field(None, max_length=65_535)
    gear_id: str | None = Field(None, max_length=64)
    trainer: bool | None = None
    commute: bool | None = None
    hide_from_home: bool | None = None
    visibility: VisibilityValue | None = None
    hide_map: bool | None = Field(None, description="Stride extension: show others no position of this activity")

    @field_validator("sport_type", "type")
    @classmethod
    def _known_sport(cls, value: str | None) -> str | None:
        return _known_sport(value)


class ManualActivityRequest(BaseModel):
    """Strava's createActivity fields."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=255)
    start_date_local: datetime
    elapsed_time: int = Field(gt=0, le=7 * 86_400)
    sport_type: str | None = None
    type: str | None = None
    description: str | None = Field(None, max_length=65_535)
    distance: float = Field(0.0, ge=0, le=10_000_000)
    trainer: bool = False
    commute: bool = False

    @field_validator("sport_type", "type")
    @classmethod
    def _known_sport(cls, value: str | None) -> str | None:
        return _known_sport(value)


class StreamView(BaseModel):
    type: str | None = None
    data: list[Any]
    series_type: Literal["distance", "time"]
    original_size: int
    resolution: Literal["low", "medium", "high"]


class TimedZoneRangeView(BaseModel):
    min: float
    max: float
    time: int


class ActivityZoneView(BaseModel):
    """Strava's ActivityZone."""

    type: Literal["heartrate", "power"]
    sensor_based: bool
    custom_zones: bool = False
    score: int | None = None
    points: int | None = None
    max: int | None = None
    distribution_buckets: list[TimedZoneRangeView]

    @classmethod
    def from_detail(cls, zone: dict[str, Any]) -> ActivityZoneView:
        return cls(
            type=zone["type"],
            sensor_based=bool(zone.get("sensor_based", True)),
            distribution_buckets=[
                TimedZoneRangeView(min=low, max=high, time=int(seconds)) for low, high, seconds in zone["buckets"]
            ],
        )


class ActivityTotalView(BaseModel):
    count: int
    distance: float
    moving_time: int
    elapsed_time: int
    elevation_gain: float
    achievement_count: int

    @classmethod
    def from_domain(cls, totals: Totals) -> ActivityTotalView:
        return cls(**totals.__dict__)


class ActivityStatsView(BaseModel):
    """Strava's ActivityStats."""

    biggest_ride_distance: float | None
    biggest_climb_elevation_gain: float | None
    recent_ride_totals: ActivityTotalView
    recent_run_totals: ActivityTotalView
    recent_swim_totals: ActivityTotalView
    ytd_ride_totals: ActivityTotalView
    ytd_run_totals: ActivityTotalView
    ytd_swim_totals: ActivityTotalView
    all_ride_totals: ActivityTotalView
    all_run_totals: ActivityTotalView
    all_swim_totals: ActivityTotalView

    @classmethod
    def from_domain(cls, stats: AthleteStats) -> ActivityStatsView:
        fields: dict[str, Any] = {
            f"{period}_{group}_totals": ActivityTotalView.from_domain(getattr(stats, period)[group])
            for period in ("recent", "ytd", "all")
            for group in ("ride", "run", "swim")
        }
        return cls(
            biggest_ride_distance=stats.biggest_ride_distance,
            biggest_climb_elevation_gain=stats.biggest_climb_elevation_gain,
            **fields,
        )
