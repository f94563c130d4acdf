"""Calories (kcal), Strava's order of preference.

1. Rides with a power meter: mechanical work over a gross efficiency of 24 %, kJ / (4.184 * 0.24), which is
   almost exactly the kilojoules (Strava's own rule of thumb).
2. Heart rate: Keytel et al. (2005), kcal/min from average heart rate, weight and age. The athlete's sex and
   age are not known here, so the mean of the men's and women's equations at age 35 is used.
3. Otherwise MET x weight (kg) x moving hours, with the sport's MET (``sports``).
Weight defaults to 70 kg. Never negative.
"""

from __future__ import annotations

DEFAULT_WEIGHT = 70.0  # kg
_AGE = 35.0
_EFFICIENCY = 0.24
_KCAL_PER_KJ = 1 / 4.184


def from_power(kilojoules: float) -> float:
    return kilojoules * _KCAL_PER_KJ / _EFFICIENCY


def from_heartrate(average_hr: float, weight: float, moving_seconds: float) -> float:
    men = -55.0969 + 0.6309 * average_hr + 0.1988 * weight + 0.2017 * _AGE
    women = -20.4022 + 0.4472 * average_hr - 0.1263 * weight + 0.074 * _AGE
    per_minute = max(0.0, (men + women) / 2 * _KCAL_PER_KJ)
    return per_minute * moving_seconds / 60.0


def from_met(met: float, weight: float, moving_seconds: float) -> float:
    return met * weight * moving_seconds / 3600.0


def estimate(
    *,
    family: str,
    kilojoules: float | None,
    average_hr: float | None,
    met: float,
    weight_kg: float | None,
    moving_seconds: float,
) -> float:
    weight = weight_kg if weight_kg and weight_kg > 0 else DEFAULT_WEIGHT
    if family == "ride" and kilojoules:
        return from_power(kilojoules)
    if average_hr:
        return from_heartrate(average_hr, weight, moving_seconds)
    return from_met(met, weight, moving_seconds)
