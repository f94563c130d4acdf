"""An athlete's map privacy settings: read them, and replace them after validation (AP45, AP46).

The settings are where the athlete lives, so reading them needs ``activity:read_all`` (Strava's scope for
"privacy zone data") and changing them ``profile:write``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from stride import ids
from stride.errors import InvalidInputError
from stride.observability import logger, tracer
from stride.policy import Caller, require_scope
from stride.privacy.trim import MAX_HIDE_START_END, MAX_ZONE_RADIUS, MIN_ZONE_RADIUS, MapPrivacy, PrivacyZone
from stride.store.privacy import PrivacyRepository

MAX_ZONES = 10
_RESOURCE = "Privacy"


@dataclass(frozen=True)
class ZoneInput:
    """A zone as the athlete sends it: ``zone_id`` is ``None`` for a new zone (the server names it)."""

    lat: float
    lng: float
    radius: float
    zone_id: int | None = None


@cache
def get_repository() -> PrivacyRepository:
    return PrivacyRepository()


def _invalid(message: str, field_name: str) -> InvalidInputError:
    return InvalidInputError.about(message, _RESOURCE, field_name, "invalid")  # type: ignore[return-value]


def _within(value: float, low: float, high: float) -> bool:
    return math.isfinite(value) and low <= value <= high


def validate(zones: Sequence[ZoneInput], hide_start_end: float) -> MapPrivacy:
    """The settings to store, or a 422 naming the first bad field (``zones.2.lat``). New zones get ids."""
    if len(zones) > MAX_ZONES:
        raise _invalid(f"at most {MAX_ZONES} privacy zones", "zones")
    if not _within(hide_start_end, 0, MAX_HIDE_START_END):
        raise _invalid(f"hide_start_end must be between 0 and {MAX_HIDE_START_END:g} metres", "hide_start_end")
    seen: set[int] = set()
    stored: list[PrivacyZone] = []
    for index, zone in enumerate(zones):
        where = f"zones.{index}"  # the field naming of request validation Faults
        if not _within(zone.lat, -90, 90):
            raise _invalid("lat must be between -90 and 90", f"{where}.lat")
        if not _within(zone.lng, -180, 180):
            raise _invalid("lng must be between -180 and 180", f"{where}.lng")
        if not _within(zone.radius, MIN_ZONE_RADIUS, MAX_ZONE_RADIUS):
            raise _invalid(
                f"radius must be between {MIN_ZONE_RADIUS:g} and {MAX_ZONE_RADIUS:g} metres", f"{where}.radius"
            )
        zone_id = zone.zone_id if zone.zone_id is not None else ids.new_id()
        if not ids.is_valid(zone_id):
            raise _invalid("id must be a positive 63-bit integer (omit it for a new zone)", f"{where}.id")
        if zone_id in seen:
            raise _invalid("two zones have the same id", f"{where}.id")
        seen.add(zone_id)
        stored.append(PrivacyZone(zone_id, float(zone.lat), float(zone.lng), float(zone.radius)))
    return MapPrivacy(zones=tuple(stored), hide_start_end=float(hide_start_end))


@tracer.capture_method(capture_response=False)
def get_privacy(caller: Caller, repository: PrivacyRepository | None = None) -> MapPrivacy:
    """The caller's own settings (nothing hidden when never set)."""
    require_scope(caller, "activity:read_all")
    return (repository or get_repository()).get(caller.athlete_id)


@tracer.capture_method(capture_response=False)
def update_privacy(
    caller: Caller, zones: Sequence[ZoneInput], hide_start_end: float, repository: PrivacyRepository | None = None
) -> MapPrivacy:
    """Replace the caller's settings as a whole (zones left out are deleted). Views others get of every
    activity, past ones included, follow at once: nothing is trimmed ahead of time."""
    require_scope(caller, "profile:write")
    privacy = validate(zones, hide_start_end)
    (repository or get_repository()).put(caller.athlete_id, privacy)
    logger.info("privacy updated", zones=len(privacy.zones), hide_start_end=privacy.hide_start_end)
    return privacy
