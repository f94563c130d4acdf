"""Heart-rate and power zones: pure functions with known answers (unit-tested)."""

from __future__ import annotations

from collections.abc import Sequence

from stride.accounts.models import HeartRateZones, ZoneRange
from stride.errors import InvalidInputError

DEFAULT_MAX_HEARTRATE = 190
# Upper bounds of zones 1-4 as fractions of max heart rate (zone 5 is open-ended), the five-zone model
# Strava shows by default.
_HR_BOUNDS = (0.60, 0.70, 0.80, 0.90)
# Coggan's seven power zones, upper bounds as fractions of FTP (zone 7 is open-ended).
_POWER_BOUNDS = (0.55, 0.75, 0.90, 1.05, 1.20, 1.50)


def zones_from_max_heartrate(max_heartrate: int) -> list[ZoneRange]:
    if not 100 <= max_heartrate <= 250:
        raise InvalidInputError.about("max_heartrate must be between 100 and 250", "Zones", "max_heartrate", "invalid")
    uppers = [round(max_heartrate * fraction) for fraction in _HR_BOUNDS]
    lowers = [0, *uppers]
    return [ZoneRange(lo, hi) for lo, hi in zip(lowers, [*uppers, -1], strict=True)]


def default_heart_rate_zones() -> HeartRateZones:
    return HeartRateZones(False, None, zones_from_max_heartrate(DEFAULT_MAX_HEARTRATE))


def validate_custom_zones(ranges: Sequence[tuple[int, int]]) -> list[ZoneRange]:
    """Custom zones: exactly five, starting at 0, contiguous, increasing, the last one open (-1)."""
    if len(ranges) != 5:
        raise InvalidInputError.about("heart rate zones must be exactly five", "Zones", "zones", "invalid")
    zones = [ZoneRange(lo, hi) for lo, hi in ranges]
    if zones[0].min != 0:
        raise InvalidInputError.about("the first zone must start at 0", "Zones", "zones", "invalid")
    if zones[-1].max != -1:
        raise InvalidInputError.about("the last zone must be open-ended (max -1)", "Zones", "zones", "invalid")
    for previous, current in zip(zones, zones[1:], strict=False):
        if previous.max <= previous.min or current.min != previous.max:
            raise InvalidInputError.about(
                "zones must be contiguous and increasing (each min equals the previous max)",
                "Zones",
                "zones",
                "invalid",
            )
    if zones[-1].min > 250:
        raise InvalidInputError.about("zone boundaries must be below 250 bpm", "Zones", "zones", "invalid")
    return zones


def power_zones(ftp: int | None) -> list[ZoneRange]:
    """Coggan zones from FTP; none when FTP is unknown."""
    if not ftp:
        return []
    uppers = [round(ftp * fraction) for fraction in _POWER_BOUNDS]
    lowers = [0, *uppers]
    return [ZoneRange(lo, hi) for lo, hi in zip(lowers, [*uppers, -1], strict=True)]
