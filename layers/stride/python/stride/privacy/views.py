"""API shapes of map privacy (Stride extension: ``GET``/``PUT /api/v3/athlete/privacy``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from stride.privacy.settings import MAX_ZONES, ZoneInput
from stride.privacy.trim import MAX_HIDE_START_END, MAX_ZONE_RADIUS, MIN_ZONE_RADIUS, MapPrivacy


class PrivacyZoneView(BaseModel):
    id: int = Field(description="Given by the server; send it back to keep a zone, omit it for a new one")
    lat: float
    lng: float
    radius: float = Field(description="metres")


class PrivacyView(BaseModel):
    """What an athlete hides from everyone else's view of their activities' maps."""

    zones: list[PrivacyZoneView]
    hide_start_end: float = Field(description="metres hidden at the start and end of every activity")

    @classmethod
    def from_domain(cls, privacy: MapPrivacy) -> PrivacyView:
        return cls(
            zones=[PrivacyZoneView(id=z.zone_id, lat=z.lat, lng=z.lng, radius=z.radius) for z in privacy.zones],
            hide_start_end=privacy.hide_start_end,
        )


class PrivacyZoneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(None, gt=0, lt=2**63, description="An existing zone's id; omit it for a new zone")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lng: float = Field(ge=-180, le=180, allow_inf_nan=False)
    radius: float = Field(ge=MIN_ZONE_RADIUS, le=MAX_ZONE_RADIUS, allow_inf_nan=False, description="metres")

    def to_input(self) -> ZoneInput:
        return ZoneInput(lat=self.lat, lng=self.lng, radius=self.radius, zone_id=self.id)


class PrivacyUpdateRequest(BaseModel):
    """The whole settings: zones not listed are deleted."""

    model_config = ConfigDict(extra="forbid")

    zones: list[PrivacyZoneRequest] = Field(default_factory=list, max_length=MAX_ZONES)
    hide_start_end: float = Field(0.0, ge=0, le=MAX_HIDE_START_END, allow_inf_nan=False, description="metres")
