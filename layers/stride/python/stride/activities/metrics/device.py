"""What the device itself said (FIT sessions, TCX totals), and where the metrics lean on it.

The samples are the primary source: every number is computed from them, as Strava recomputes its own. The
device's summary steps in where the samples cannot tell the whole story:

- Clock glitches: samples outside the sessions' time span (plus ``SLACK``) are dropped, when at least
  half of the samples remain (gc_2013-04-11: 14 records stamped two years after the ride, with a reset
  distance). A sessions' span that would drop most samples is not trusted instead.
- Lost records: when the samples' timer time covers less than ``COVERAGE`` of the device's timer time,
  records are missing (a file cut short; the Strava Android app's undefined message, after which nothing can
  be read). Distance, moving and elapsed time then come from the device's totals, which describe the whole
  activity. With no samples at all, everything does.
- Distance is never less than the device's total: the last distance update can be missing from the
  records (tormoder's 33-record trainer file ends 4 m short of its session), records are lost, never
  invented. A device total *below* the samples' distance is not used (the samples are what Strava shows).
- Elevation gain: the device's total ascent when the file has one. Strava shows the summary number a
  barometric device computed; device algorithms disagree among themselves by more than 10 % on the same
  kind of data (docs/accuracy.md), so no single recomputation can match them all. Our own hysteresis gain
  (``elevation``) serves files without a device total (GPX, most TCX, apps), laps and splits.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from stride.activities.parsing.model import COLUMNS, ParsedActivity

SLACK = 60.0  # s around the sessions' span
COVERAGE = 0.9


@dataclass(frozen=True, slots=True)
class DeviceTotals:
    start: float | None
    distance: float | None
    timer: float | None
    elapsed: float | None
    ascent: float | None
    calories: float | None

    def covers_more(self, timer: float, elapsed: float) -> bool:
        """The device's totals span clearly more than the samples: records were lost."""
        if self.timer:
            return timer < COVERAGE * self.timer
        return bool(self.elapsed) and elapsed < COVERAGE * (self.elapsed or 0.0)


def _sum(values: list[float | None]) -> float | None:
    present = [float(v) for v in values if v is not None and np.isfinite(v)]
    return float(sum(present)) if present else None


def totals(parsed: ParsedActivity) -> DeviceTotals:
    sessions = parsed.sessions
    starts = [float(s.start_time) for s in sessions if s.start_time is not None]
    starts += [float(lap.start_time) for lap in parsed.laps if np.isfinite(lap.start_time)]
    return DeviceTotals(
        start=min(starts) if starts else None,
        distance=_sum([s.total_distance for s in sessions]),
        timer=_sum([s.total_timer_time for s in sessions]),
        elapsed=_sum([s.total_elapsed_time for s in sessions]),
        ascent=_sum([s.total_ascent for s in sessions]),
        calories=_sum([s.total_calories for s in sessions]),
    )


def trim(parsed: ParsedActivity) -> ParsedActivity:
    """The samples within the sessions' span (see the module docstring); the same object when nothing moves."""
    spans = [
        (float(s.start_time), float(s.start_time) + max(s.total_elapsed_time or 0.0, s.total_timer_time or 0.0))
        for s in parsed.sessions
        if s.start_time is not None and (s.total_elapsed_time or s.total_timer_time)
    ]
    n = len(parsed)
    if not spans or n == 0:
        return parsed
    lo = min(a for a, _ in spans) - SLACK
    hi = max(b for _, b in spans) + SLACK
    keep = (parsed.time >= lo) & (parsed.time <= hi)
    kept = int(keep.sum())
    if kept == n or kept < n / 2:
        return parsed
    columns = {name: getattr(parsed, name)[keep] for name in COLUMNS}
    return dataclasses.replace(parsed, **columns)
