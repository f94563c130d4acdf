"""What ``compute`` returns: Strava's DetailedActivity numbers, as plain Python values (never numpy scalars).

The service maps these fields one to one onto Strava's API shapes (DetailedActivity, Lap, Split, BestEffort,
ActivityZone), so field names follow Strava's spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(slots=True)
class Lap:
    lap_index: int  # 1-based
    name: str
    start_index: int  # first and last sample of the lap in the streams
    end_index: int
    start_time: float  # Unix s
    elapsed_time: int
    moving_time: int
    distance: float
    total_elevation_gain: float
    average_speed: float
    max_speed: float
    average_cadence: float | None
    average_heartrate: float | None
    max_heartrate: float | None
    average_watts: float | None
    split: int


@dataclass(slots=True)
class Split:
    split: int  # 1-based
    distance: float
    elapsed_time: int
    moving_time: int
    elevation_difference: float
    average_speed: float
    average_heartrate: float | None
    pace_zone: int = 0


@dataclass(slots=True)
class BestEffort:
    name: str  # Strava's name, e.g. "1k", "Half-Marathon"
    distance: float  # nominal metres
    elapsed_time: int
    moving_time: int
    start_index: int
    end_index: int
    start_time: float  # Unix s


@dataclass(slots=True)
class ZoneDistribution:
    type: str  # "heartrate" | "power"
    buckets: list[tuple[float, float, int]]  # (min, max, seconds); the last max is -1 as Strava writes it
    sensor_based: bool


@dataclass(slots=True)
class ActivityMetrics:
    start_time: float  # Unix s of the first sample
    timezone: str | None  # IANA name at the start position; None without GPS
    utc_offset: float  # s, at start_time in that zone (0 without GPS)
    distance: float
    moving_time: int
    elapsed_time: int
    total_elevation_gain: float
    elev_high: float | None
    elev_low: float | None
    average_speed: float
    max_speed: float
    average_heartrate: float | None
    max_heartrate: float | None
    average_cadence: float | None
    average_watts: float | None
    weighted_average_watts: int | None
    max_watts: int | None
    kilojoules: float | None
    device_watts: bool
    average_temp: float | None
    calories: float
    start_latlng: list[float] | None
    end_latlng: list[float] | None
    polyline: str | None
    summary_polyline: str | None
    laps: list[Lap] = field(default_factory=list)
    splits_metric: list[Split] = field(default_factory=list)
    splits_standard: list[Split] = field(default_factory=list)
    best_efforts: list[BestEffort] = field(default_factory=list)
    zones: list[ZoneDistribution] = field(default_factory=list)
    streams: dict[str, npt.NDArray[np.generic]] = field(default_factory=dict)
