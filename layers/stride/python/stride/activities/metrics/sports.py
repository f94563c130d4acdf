"""Per-sport constants: when an athlete counts as moving, which GPS steps are jumps, and MET for calories.

``min_moving_speed`` (m/s) is the speed below which Strava-style auto-pause treats the athlete as stopped.
None means the sport has no meaningful "stopped" state from speed (swims, gym, racket sports): moving time is
then the timer time, which is also what Strava shows for them. The values sit between the slowest real
progress of the sport (a hiker on a steep climb ~0.4 m/s, a cyclist on a wall ~1.3 m/s) and the apparent
speed of a device standing still (GPS drift, a few decimetres a second once smoothed); checked on the FIT
corpus against the devices' own standstill (docs/accuracy.md).

``max_speed`` (m/s) bounds a plausible step between two GPS fixes; a faster step is a GPS jump and the fix
is dropped from the distance. MET values are from the Compendium of Physical Activities (2011).
"""

from __future__ import annotations

from dataclasses import dataclass

RUN_SPORTS = frozenset({"Run", "TrailRun", "VirtualRun"})
# Families whose moving time is the device's timer when the file has timer pauses (Strava: "we will forego
# our run calculation if you use your pause button and respect the moving time directly from the device").
TIMER_WHEN_PAUSED = frozenset({"run", "foot"})


@dataclass(frozen=True, slots=True)
class SportProfile:
    family: str  # run | foot | ride | swim | water | snow | other
    min_moving_speed: float | None  # m/s; None: moving time is the timer time
    max_speed: float  # m/s; a faster GPS step is a jump
    met: float


_RUN = SportProfile("run", 0.3, 12.0, 9.8)
_FOOT = SportProfile("foot", 0.3, 12.0, 3.5)
_RIDE = SportProfile("ride", 1.0, 35.0, 7.5)
_SWIM = SportProfile("swim", None, 5.0, 7.0)
_WATER = SportProfile("water", 0.3, 15.0, 5.0)
_SNOW = SportProfile("snow", 0.5, 45.0, 5.3)
_OTHER = SportProfile("other", None, 100.0, 5.0)

_FAMILY = {
    **dict.fromkeys(("Run", "TrailRun", "VirtualRun"), _RUN),
    **dict.fromkeys(("Walk", "Hike", "Snowshoe", "Wheelchair"), _FOOT),
    **dict.fromkeys(
        ("Ride", "MountainBikeRide", "GravelRide", "EBikeRide", "EMountainBikeRide", "VirtualRide", "Velomobile",
         "Handcycle"),
        _RIDE,
    ),
    "Swim": _SWIM,
    **dict.fromkeys(("Rowing", "VirtualRow", "Kayaking", "Canoeing", "StandUpPaddling", "Sail"), _WATER),
    **dict.fromkeys(
        ("AlpineSki", "BackcountrySki", "NordicSki", "Snowboard", "RollerSki", "IceSkate", "InlineSkate",
         "Skateboard"),
        _SNOW,
    ),
}  # fmt: skip

# Compendium METs where the family default does not fit.
_MET = {
    "TrailRun": 9.0, "VirtualRun": 9.0, "Hike": 6.0, "Snowshoe": 7.0, "Wheelchair": 3.8,
    "MountainBikeRide": 8.5, "GravelRide": 8.0, "EBikeRide": 4.0, "EMountainBikeRide": 5.0, "VirtualRide": 7.0,
    "Velomobile": 6.0, "Handcycle": 6.0, "Rowing": 7.0, "VirtualRow": 7.0, "Canoeing": 4.0, "Sail": 3.0,
    "StandUpPaddling": 6.0, "NordicSki": 9.0, "BackcountrySki": 8.0, "RollerSki": 8.0, "IceSkate": 7.0,
    "InlineSkate": 7.5, "Skateboard": 5.0, "WeightTraining": 3.5, "Yoga": 2.5, "Crossfit": 8.0,
    "Elliptical": 5.0, "StairStepper": 9.0, "HighIntensityIntervalTraining": 8.0, "Pilates": 3.0,
    "RockClimbing": 8.0, "Golf": 4.8, "Soccer": 7.0, "Tennis": 7.3, "Badminton": 5.5, "Squash": 7.3,
    "TableTennis": 4.0, "Racquetball": 7.0, "Pickleball": 4.0, "Surfing": 3.0, "Kitesurf": 3.5, "Windsurf": 5.0,
}  # fmt: skip

# Board sports on wind and waves: Strava shows elapsed time; speed says nothing about resting.
_WIND = SportProfile("other", None, 30.0, 4.0)


def profile(sport_type: str | None) -> SportProfile:
    """The constants for a Strava sport type (unknown or None: a generic workout)."""
    if sport_type in ("Kitesurf", "Windsurf", "Surfing"):
        base = _WIND
    else:
        base = _FAMILY.get(sport_type or "", _OTHER)
    met = _MET.get(sport_type or "", base.met)
    return base if met == base.met else SportProfile(base.family, base.min_moving_speed, base.max_speed, met)
