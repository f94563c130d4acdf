"""API shapes of the accounts context (Strava v3: DetailedAthlete, SummaryAthlete, Zones) and request bodies."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stride.accounts.models import Athlete, HeartRateZones, ZoneRange
from stride.policy import ProfileDetail


class AthleteView(BaseModel):
    """Strava's DetailedAthlete (resource_state 3) or SummaryAthlete (2); private profiles seen by others get 1."""

    id: int
    resource_state: int
    username: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = None
    sex: Literal["M", "F"] | None = None
    premium: bool | None = None
    summit: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    profile: str | None = None
    profile_medium: str | None = None
    follower_count: int | None = None
    friend_count: int | None = None
    measurement_preference: Literal["feet", "meters"] | None = None
    weight: float | None = None
    ftp: int | None = None
    birthdate: date | None = Field(None, description="Stride extension, the owner's own profile only")
    clubs: list[dict[str, object]] | None = None
    bikes: list[dict[str, object]] | None = None
    shoes: list[dict[str, object]] | None = None
    private_profile: bool | None = Field(None, description="Stride extension: only followers see the profile")

    @classmethod
    def from_domain(cls, athlete: Athlete, detail: ProfileDetail, picture_url: str | None) -> AthleteView:
        base = cls(
            id=athlete.id,
            resource_state=int(detail),
            firstname=athlete.firstname,
            profile=picture_url,
            profile_medium=picture_url,
        )
        if detail == ProfileDetail.META:
            # A private profile: name initial and picture, nothing that locates the person.
            base.lastname = (athlete.lastname[:1] + ".") if athlete.lastname else ""
            return base
        base.lastname = athlete.lastname
        base.username = athlete.username
        base.city, base.state, base.country, base.sex = athlete.city, athlete.state, athlete.country, athlete.sex
        base.premium = base.summit = athlete.premium
        base.created_at, base.updated_at = athlete.created_at, athlete.updated_at
        if detail == ProfileDetail.DETAIL:
            base.follower_count, base.friend_count = athlete.follower_count, athlete.friend_count
            base.measurement_preference = athlete.measurement_preference
            base.weight, base.ftp = athlete.weight, athlete.ftp
            base.birthdate = athlete.birthdate
            base.clubs, base.bikes, base.shoes = [], [], []
            base.private_profile = athlete.private_profile
        return base


class AthleteUpdateRequest(BaseModel):
    """Fields an athlete may change (PUT /athlete, as JSON body or Strava-style query parameters)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    firstname: str | None = Field(None, min_length=1, max_length=60)
    lastname: str | None = Field(None, min_length=0, max_length=60)
    city: str | None = Field(None, max_length=80)
    state: str | None = Field(None, max_length=80)
    country: str | None = Field(None, max_length=80)
    sex: Literal["M", "F"] | None = None
    weight: float | None = Field(None, gt=0, le=500, description="kilograms")
    ftp: int | None = Field(None, gt=0, le=2500, description="watts")
    birthdate: date | None = Field(
        None, description="Stride extension (YYYY-MM-DD), private: places the athlete in age-group leaderboards"
    )
    measurement_preference: Literal["feet", "meters"] | None = None
    private_profile: bool | None = None

    @field_validator("birthdate")
    @classmethod
    def _plausible_birthdate(cls, value: date | None) -> date | None:
        if value is not None and not (date(1900, 1, 1) <= value <= datetime.now(UTC).date()):
            raise ValueError("birthdate must be between 1900-01-01 and today")
        return value


class ZoneRangeView(BaseModel):
    """One zone: beats per minute for heart rate, watts for power; ``max`` -1 means open-ended."""

    min: int
    max: int

    @classmethod
    def from_domain(cls, zone: ZoneRange) -> ZoneRangeView:
        return cls(min=zone.min, max=zone.max)


class HeartRateZonesView(BaseModel):
    custom_zones: bool
    zones: list[ZoneRangeView]


class PowerZonesView(BaseModel):
    zones: list[ZoneRangeView]


class ZonesView(BaseModel):
    """Strava's Zones."""

    heart_rate: HeartRateZonesView
    power: PowerZonesView | None = None

    @classmethod
    def from_domain(cls, heart_rate: HeartRateZones, power: list[ZoneRange]) -> ZonesView:
        return cls(
            heart_rate=HeartRateZonesView(
                custom_zones=heart_rate.custom_zones, zones=[ZoneRangeView.from_domain(z) for z in heart_rate.zones]
            ),
            power=PowerZonesView(zones=[ZoneRangeView.from_domain(z) for z in power]) if power else None,
        )


class HeartRateZoneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = Field(ge=0, le=300)
    max: int = Field(ge=-1, le=300)


class HeartRateZonesRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    custom_zones: bool = True
    zones: list[HeartRateZoneRequest] = Field(min_length=5, max_length=5)


class ZonesUpdateRequest(BaseModel):
    """Either five custom heart-rate zones, or a max heart rate to derive them from, or neither (default)."""

    model_config = ConfigDict(extra="forbid")

    heart_rate: HeartRateZonesRequest | None = None
    max_heartrate: int | None = Field(None, ge=100, le=250)

    @model_validator(mode="after")
    def _one_source(self) -> ZonesUpdateRequest:
        if self.heart_rate is not None and not self.heart_rate.custom_zones:
            raise ValueError("heart_rate.custom_zones must be true when zones are given")
        return self


class AvatarUploadView(BaseModel):
    """A presigned S3 POST: send ``fields`` plus ``file`` (and a Content-Type of image/*) to ``url``."""

    picture_id: int
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int
