"""The per-sample arrays every summary (laps, splits, best efforts, streams) reads, computed once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stride.activities.metrics.series import BoolArray, FloatArray


@dataclass(slots=True)
class Track:
    t: FloatArray  # Unix s
    elapsed: FloatArray  # s since the first sample
    timer_dt: FloatArray  # per interval (slot 0 is 0): seconds the timer ran
    moving_dt: FloatArray  # per interval: seconds counted as moving
    moving: BoolArray  # per interval
    moving_axis: FloatArray  # cumulative moving seconds at each sample
    dist: FloatArray  # cumulative metres
    velocity: FloatArray  # velocity_smooth, m/s
    altitude: FloatArray | None  # smoothed, every sample (interpolated across gaps), None without altitude
    climb_threshold: float  # hysteresis threshold used for elevation gain
    heartrate: FloatArray
    cadence: FloatArray
    watts: FloatArray
    speed_limit: float = np.inf  # m/s; velocity above it is a GPS artefact, not the athlete

    def top_speed(self, start: int = 0, stop: int | None = None) -> float:
        """Highest plausible velocity_smooth among samples ``start:stop``."""
        v = self.velocity[start:stop]
        v = v[v <= self.speed_limit]
        return float(v.max()) if v.size else 0.0

    @property
    def weights(self) -> FloatArray:
        """Seconds each interval weighs in averages: moving time, or timer time when nothing moved."""
        return self.moving_dt if self.moving_dt.any() else self.timer_dt

    def __len__(self) -> int:
        return int(self.t.shape[0])
