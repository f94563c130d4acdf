"""Strava sport types, and the names files use for them.

Strava's ``sport_type`` values are the API's vocabulary; files name sports their own way (GPX ``<type>``
free text or Strava's numeric codes, TCX ``Sport="Biking"``, FIT enums). Everything maps to a Strava name
or to None (unknown: the upload falls back to the athlete's choice, else "Workout").
"""

from __future__ import annotations

import re

SPORT_TYPES = frozenset(
    {
        "AlpineSki", "BackcountrySki", "Badminton", "Canoeing", "Crossfit", "EBikeRide", "Elliptical",
        "EMountainBikeRide", "Golf", "GravelRide", "Handcycle", "HighIntensityIntervalTraining", "Hike",
        "IceSkate", "InlineSkate", "Kayaking", "Kitesurf", "MountainBikeRide", "NordicSki", "Pickleball",
        "Pilates", "Racquetball", "Ride", "RockClimbing", "RollerSki", "Rowing", "Run", "Sail", "Skateboard",
        "Snowboard", "Snowshoe", "Soccer", "Squash", "StairStepper", "StandUpPaddling", "Surfing", "Swim",
        "TableTennis", "Tennis", "TrailRun", "Velomobile", "VirtualRide", "VirtualRow", "VirtualRun", "Walk",
        "WeightTraining", "Wheelchair", "Windsurf", "Workout", "Yoga",
    }
)  # fmt: skip

# The legacy activity ``type`` for each sport type (Strava keeps both on an activity).
LEGACY_TYPE = {
    "GravelRide": "Ride", "MountainBikeRide": "Ride", "EMountainBikeRide": "EBikeRide", "TrailRun": "Run",
    "Badminton": "Workout", "HighIntensityIntervalTraining": "Workout", "Pickleball": "Workout",
    "Pilates": "Workout", "Racquetball": "Workout", "Squash": "Workout", "TableTennis": "Workout",
    "Tennis": "Workout", "VirtualRow": "Rowing", "Skateboard": "Workout", "Golf": "Workout", "Sail": "Sail",
}  # fmt: skip

# Strava's numeric types, as its GPX exports write them in <type>.
_STRAVA_NUMERIC = {
    "1": "Ride", "2": "AlpineSki", "3": "BackcountrySki", "4": "Hike", "5": "IceSkate", "6": "InlineSkate",
    "7": "NordicSki", "8": "RollerSki", "9": "Run", "10": "Walk", "11": "Workout", "12": "Snowboard",
    "13": "Snowshoe", "14": "Kitesurf", "15": "Windsurf", "16": "Swim", "17": "VirtualRide", "18": "EBikeRide",
}  # fmt: skip

# Free-text names seen in GPX <type>, TCX Sport and app exports, lower-cased, separators removed.
_ALIASES = {
    "running": "Run", "run": "Run", "trailrunning": "TrailRun", "treadmill": "Run", "jogging": "Run",
    "biking": "Ride", "cycling": "Ride", "ride": "Ride", "bike": "Ride", "roadcycling": "Ride",
    "mountainbiking": "MountainBikeRide", "mtb": "MountainBikeRide", "gravelcycling": "GravelRide",
    "ebiking": "EBikeRide", "virtualride": "VirtualRide", "indoorcycling": "Ride",
    "walking": "Walk", "walk": "Walk", "hiking": "Hike", "hike": "Hike", "mountaineering": "Hike",
    "swimming": "Swim", "swim": "Swim", "openwaterswimming": "Swim", "lapswimming": "Swim",
    "rowing": "Rowing", "indoorrowing": "Rowing", "kayaking": "Kayaking", "canoeing": "Canoeing",
    "standuppaddling": "StandUpPaddling", "standuppaddleboarding": "StandUpPaddling", "sup": "StandUpPaddling",
    "crosscountryskiing": "NordicSki", "nordicskiing": "NordicSki", "alpineskiing": "AlpineSki",
    "snowboarding": "Snowboard", "snowshoeing": "Snowshoe", "inlineskating": "InlineSkate",
    "iceskating": "IceSkate", "elliptical": "Elliptical", "stairclimbing": "StairStepper",
    "yoga": "Yoga", "strengthtraining": "WeightTraining", "training": "Workout", "workout": "Workout",
    "other": None, "generic": None, "multisport": None,
}  # fmt: skip


def from_name(text: str | None) -> str | None:
    """A Strava sport type for a name found in a file, or None when the name says nothing useful."""
    if not text:
        return None
    text = text.strip()
    if text in SPORT_TYPES:
        return text
    if text in _STRAVA_NUMERIC:
        return _STRAVA_NUMERIC[text]
    return _ALIASES.get(re.sub(r"[^a-z]", "", text.lower()))


def legacy_type(sport_type: str) -> str:
    """Strava's older ``type`` field for a sport type."""
    return LEGACY_TYPE.get(sport_type, sport_type)


_BY_LOWER = {sport.lower(): sport for sport in SPORT_TYPES}


def canonical(value: str | None) -> str | None:
    """A sport type as Strava spells it, matched without regard to case (Strava takes "ride"); None if unknown."""
    return _BY_LOWER.get(value.strip().lower()) if value else None
