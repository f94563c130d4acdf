"""What every parser returns: one activity file as columns of numbers, plus what the device said about it.

The columns are numpy arrays of equal length, one row per recorded sample, sorted by time. A sample the
device did not record is NaN (never 0: zero heart rate and zero watts are real readings). Times are Unix
seconds (float64, sub-second precision kept). Positions are degrees WGS84.

Parsers fill this and nothing else; metrics (``stride.activities.metrics``) compute from it. The device's
own totals (``sessions``, ``laps``) are kept so that metrics can use them where a file has no samples, and
so that tests can compare our numbers with the device's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class ActivityFileError(ValueError):
    """The file cannot become an activity. ``message`` is shown to the athlete as the Upload's ``error``.

    A user fault, never retried: empty, unknown format, corrupt, hostile, no usable samples.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class FileLap:
    """A lap as the file states it. Times are Unix seconds; device totals are None when absent."""

    start_time: float
    end_time: float
    total_distance: float | None = None  # metres
    total_timer_time: float | None = None  # seconds
    name: str | None = None


@dataclass(slots=True)
class FileSession:
    """A FIT session (or a TCX Activity): the device's own summary. None where the file has no value."""

    sport: str | None  # Strava sport_type, e.g. "Run", "Ride", "Swim" (see parsing.sports)
    start_time: float | None = None
    total_elapsed_time: float | None = None  # s
    total_timer_time: float | None = None  # s, excludes timer pauses
    total_distance: float | None = None  # m
    total_ascent: float | None = None  # m
    total_descent: float | None = None  # m
    total_calories: float | None = None  # kcal
    avg_heart_rate: float | None = None
    max_heart_rate: float | None = None
    avg_power: float | None = None
    max_power: float | None = None
    sub_sport: str | None = None


@dataclass(slots=True)
class ParsedActivity:
    """One uploaded file, parsed. All arrays have ``len(time)`` rows."""

    format: str  # "fit" | "gpx" | "tcx"
    time: FloatArray  # Unix seconds, non-decreasing, no duplicates
    lat: FloatArray
    lon: FloatArray
    altitude: FloatArray  # metres
    heartrate: FloatArray  # bpm
    cadence: FloatArray  # rpm (or steps per minute per foot for runs, as devices record it)
    watts: FloatArray
    temp: FloatArray  # degrees C
    distance: FloatArray  # device's cumulative distance in metres (wheel, foot pod or GPS), NaN when absent
    speed: FloatArray  # device speed m/s, NaN when absent
    sport: str | None = None  # Strava sport_type guessed from the file
    name: str | None = None  # a name the file gives the activity (GPX <name>), if any
    device_name: str | None = None  # e.g. "Garmin Edge 500"
    trainer: bool = False  # the file says indoor (FIT sub_sport indoor_cycling, virtual activity, ...)
    # Timer stopped from the first to the second time (FIT event timer stop/start, GPX/TCX segment gaps).
    pauses: list[tuple[float, float]] = field(default_factory=list)
    laps: list[FileLap] = field(default_factory=list)
    sessions: list[FileSession] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.time.shape[0])

    @property
    def has_gps(self) -> bool:
        return bool(np.isfinite(self.lat).any())


COLUMNS = ("time", "lat", "lon", "altitude", "heartrate", "cadence", "watts", "temp", "distance", "speed")


def empty_columns(n: int) -> dict[str, FloatArray]:
    """NaN-filled columns for ``n`` samples, for parsers to fill."""
    return {name: np.full(n, np.nan) for name in COLUMNS}


def from_columns(fmt: str, columns: dict[str, FloatArray], **fields: object) -> ParsedActivity:
    """Build a ParsedActivity from columns: drop rows without a time, sort by time, merge duplicate times.

    Rows sharing a timestamp are merged keeping the last non-NaN value of each column (devices write a
    record per sensor at the same second). ``fields`` are the scalar fields of ParsedActivity.
    """
    time = np.asarray(columns["time"], dtype=np.float64)
    keep = np.isfinite(time)
    cols = {
        name: np.asarray(columns.get(name, np.full(time.shape, np.nan)), dtype=np.float64)[keep] for name in COLUMNS
    }
    order = np.argsort(cols["time"], kind="stable")
    cols = {name: values[order] for name, values in cols.items()}
    t = cols["time"]
    if t.size > 1:
        last_of_run = np.append(t[1:] != t[:-1], True)
        if not last_of_run.all():
            cols = _merge_same_time(cols, last_of_run)
    return ParsedActivity(format=fmt, **cols, **fields)  # type: ignore[arg-type]


def _merge_same_time(cols: dict[str, FloatArray], last_of_run: npt.NDArray[np.bool_]) -> dict[str, FloatArray]:
    t = cols["time"]
    run_id = np.concatenate(([0], np.cumsum(t[1:] != t[:-1])))
    merged: dict[str, FloatArray] = {}
    n_runs = int(run_id[-1]) + 1
    for name, values in cols.items():
        out = np.full(n_runs, np.nan)
        finite = np.isfinite(values)
        # later rows overwrite earlier ones: assignment with repeated indices keeps the last write
        out[run_id[finite]] = values[finite]
        merged[name] = out
    merged["time"] = t[last_of_run]
    return merged
