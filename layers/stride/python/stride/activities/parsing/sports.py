"""Strava sport names for parsers; the vocabulary itself lives in ``stride.activities.sports``."""

from stride.activities.sports import LEGACY_TYPE, SPORT_TYPES, from_name, legacy_type

__all__ = ["LEGACY_TYPE", "SPORT_TYPES", "from_name", "legacy_type"]
