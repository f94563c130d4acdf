"""Our metrics against the devices' own totals, for every FIT file of the corpus (../shared/corpus/fit).

Each file is parsed with ``parse_fit`` and computed with ``compute``; the reference is what the device wrote
in its session messages (summed over sessions for multisport files):

- distance within 1 % of ``total_distance``;
- moving time within 3 % of the device's moving time: ``total_timer_time`` minus the seconds the device's
  own speedometer read 0 m/s at both ends of a recording interval while its timer ran, and never more than
  ``total_elapsed_time`` (a timer cannot outrun the clock). A device timer that ran through stops is an
  elapsed time, and Strava takes those stops out. Runs whose timer paused keep the timer as it is: Strava
  then respects the device's moving time. See docs/accuracy.md;
- elevation gain within 10 % of ``total_ascent`` where the file has one.

A total the file does not have is not checked. Regenerate docs/accuracy.md (the table and the timings) with
``PYTHONPATH=layers/stride/python .venv/bin/python -m tests.unit.test_metrics_accuracy``.
"""

from __future__ import annotations

import dataclasses
import gzip
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from stride.activities.metrics import compute
from stride.activities.metrics.timer import timer_intervals
from stride.activities.parsing.fit import parse_fit
from stride.activities.parsing.model import ParsedActivity, from_columns
from tests.conftest import CORPUS, ROOT

FIT_DIR = CORPUS / "fit"
FILES = sorted(p for p in FIT_DIR.iterdir() if p.name.lower().endswith((".fit", ".fit.gz"))) if FIT_DIR.is_dir() else []
DISTANCE_TOLERANCE = 0.01
MOVING_TOLERANCE = 0.03
GAIN_TOLERANCE = 0.10
# Strava keeps the device's timer as the moving time of a run whose timer paused (auto-pause or button).
FOOT_SPORTS = frozenset({"Run", "TrailRun", "VirtualRun", "Walk", "Hike"})


def load(path: Path) -> ParsedActivity:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return parse_fit(data)


def _total(parsed: ParsedActivity, name: str) -> float | None:
    values = [getattr(s, name) for s in parsed.sessions if getattr(s, name) is not None]
    return float(sum(values)) if values else None


def device_standstill(parsed: ParsedActivity) -> float:
    """Timer seconds between two records at which the device's own speed read 0."""
    if len(parsed) < 2:
        return 0.0
    timer = timer_intervals(parsed.time, parsed.pauses)
    zero = np.isfinite(parsed.speed) & (parsed.speed == 0)
    both = np.zeros_like(zero)
    both[1:] = zero[1:] & zero[:-1]
    return float(timer[both].sum())


def device_moving_time(parsed: ParsedActivity) -> float | None:
    timer = _total(parsed, "total_timer_time")
    if timer is None:
        return None
    elapsed = _total(parsed, "total_elapsed_time")
    paused_run = bool(parsed.pauses) and parsed.sport in FOOT_SPORTS
    reference = timer if paused_run else timer - device_standstill(parsed)
    return min(reference, elapsed) if elapsed else reference


@dataclass(frozen=True)
class Row:
    name: str
    sport: str
    samples: int
    distance: float
    device_distance: float | None
    moving_time: int
    device_timer: float | None
    device_moving: float | None
    gain: float
    gain_from_stream: float
    device_ascent: float | None
    seconds: float  # compute() time

    @staticmethod
    def pct(ours: float, device: float | None) -> float | None:
        if device is None:
            return None
        if device == 0:
            return 0.0 if ours == 0 else float("inf")
        return (ours - device) / device * 100


def measure(path: Path) -> Row:
    parsed = load(path)
    sport = parsed.sport or "Workout"
    started = time.perf_counter()
    metrics = compute(parsed, sport_type=sport)
    seconds = time.perf_counter() - started
    # Our own hysteresis gain, as a file without a device total would get it.
    bare = dataclasses.replace(parsed, sessions=[dataclasses.replace(s, total_ascent=None) for s in parsed.sessions])
    return Row(
        name=path.name,
        sport=sport,
        samples=len(parsed),
        distance=metrics.distance,
        device_distance=_total(parsed, "total_distance"),
        moving_time=metrics.moving_time,
        device_timer=_total(parsed, "total_timer_time"),
        device_moving=device_moving_time(parsed),
        gain=metrics.total_elevation_gain,
        gain_from_stream=compute(bare, sport_type=sport).total_elevation_gain,
        device_ascent=_total(parsed, "total_ascent"),
        seconds=seconds,
    )


@pytest.fixture(scope="module")
def rows() -> dict[str, Row]:
    return {path.name: measure(path) for path in FILES}


def _outside(rows: dict[str, Row], ours: str, device: str, tolerance: float) -> dict[str, tuple[float, float]]:
    """Files whose ``ours`` differs from the device's ``device`` total by more than ``tolerance``."""
    return {
        name: (getattr(row, ours), getattr(row, device))
        for name, row in rows.items()
        if getattr(row, device) is not None
        and abs(getattr(row, ours) - getattr(row, device)) > tolerance * getattr(row, device)
    }


def test_the_corpus_is_beside_the_checkout(rows: dict[str, Row]) -> None:
    # CI clones shared/ beside the repository; without it the accuracy claims would be untested
    assert len(rows) >= 30
    assert sum(row.device_distance is not None for row in rows.values()) >= 25


def test_distance_within_1_percent_of_the_device(rows: dict[str, Row]) -> None:
    assert _outside(rows, "distance", "device_distance", DISTANCE_TOLERANCE) == {}


def test_moving_time_within_3_percent_of_the_device(rows: dict[str, Row]) -> None:
    assert _outside(rows, "moving_time", "device_moving", MOVING_TOLERANCE) == {}


def test_elevation_gain_within_10_percent_of_the_device(rows: dict[str, Row]) -> None:
    # The reported gain is the device's total where the file has one (barometric devices know best)
    assert _outside(rows, "gain", "device_ascent", GAIN_TOLERANCE) == {}


def test_our_own_elevation_rule_stays_within_10_percent_on_most_files(rows: dict[str, Row]) -> None:
    # Our smoothing + hysteresis, used for laps, splits, GPX and TCX, measured without the device total.
    # 13 of 16 files are within 10 % today (docs/accuracy.md lists the three that are not): a regression
    # floor, so a worse rule fails here.
    with_total = [row for row in rows.values() if row.device_ascent]
    outside = _outside(rows, "gain_from_stream", "device_ascent", GAIN_TOLERANCE)
    assert len(with_total) - len(outside) >= 13, outside


# --- docs/accuracy.md -------------------------------------------------------------------------------------


def _synthetic(n: int) -> ParsedActivity:
    """n 1 Hz samples at ride speeds with every sensor: GPS, altitude, HR, cadence, power, temperature."""
    rng = np.random.default_rng(1)
    i = np.arange(n, dtype=np.float64)
    speed = 8 + 2 * np.sin(i / 300)
    speed[n // 3 : n // 3 + 120] = 0
    heading = np.cumsum(rng.normal(0, 0.02, n))
    step = speed / 111_320
    columns = {
        "time": 1.7e9 + i,
        "lat": 45 + np.cumsum(step * np.cos(heading)) + rng.normal(0, 3e-5, n),
        "lon": 7 + np.cumsum(step * np.sin(heading)) / np.cos(np.radians(45)) + rng.normal(0, 3e-5, n),
        "altitude": 300 + 50 * np.sin(i / 900) + rng.normal(0, 0.3, n),
        "heartrate": 140 + 10 * np.sin(i / 200),
        "cadence": np.full(n, 85.0),
        "watts": np.abs(200 + rng.normal(0, 60, n)),
        "temp": np.full(n, 20.0),
        "distance": np.cumsum(speed),
        "speed": speed,
    }
    return from_columns("fit", columns, pauses=[(1.7e9 + n // 2, 1.7e9 + n // 2 + 0.5)])


def timings(repeat: int = 7) -> list[tuple[int, str, float, float]]:
    """(points, source, best ms, median ms) of compute() on synthetic activities, after a warm-up."""
    compute(_synthetic(1000), sport_type="Run")  # imports, time zone data
    out = []
    for n in (10_000, 100_000):
        parsed = _synthetic(n)
        gps_only = dataclasses.replace(parsed, distance=np.full(n, np.nan))
        for label, activity in (("device distance", parsed), ("GPS distance", gps_only)):
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                compute(activity, sport_type="Run", hr_zones=[0, 120, 140, 160, 180], power_zones=[0, 150, 250])
                runs.append(time.perf_counter() - started)
            out.append((n, label, min(runs) * 1000, float(np.median(runs)) * 1000))
    return out


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f} %"


def render(table: list[Row], speed: list[tuple[int, str, float, float]]) -> str:
    lines = [
        "| file | sport | samples | distance (m) | device | Δ | moving (s) | device timer | Δ timer | "
        "device moving | Δ | gain (m) | from stream | device ascent | Δ stream |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in table:
        lines.append(
            f"| `{r.name}` | {r.sport} | {r.samples:,} | {_fmt(r.distance)} | {_fmt(r.device_distance)} | "
            f"{_pct(Row.pct(r.distance, r.device_distance))} | {r.moving_time:,} | {_fmt(r.device_timer, 0)} | "
            f"{_pct(Row.pct(r.moving_time, r.device_timer))} | {_fmt(r.device_moving, 0)} | "
            f"{_pct(Row.pct(r.moving_time, r.device_moving))} | {_fmt(r.gain)} | {_fmt(r.gain_from_stream)} | "
            f"{_fmt(r.device_ascent, 0)} | {_pct(Row.pct(r.gain_from_stream, r.device_ascent))} |"
        )

    def worst(metric: str, pick: list[tuple[float, str]]) -> str:
        if not pick:
            return f"- {metric}: no file to compare"
        value, name = max(pick, key=lambda item: abs(item[0]))
        return f"- {metric}: {value:+.2f} % (`{name}`)"

    summary = [
        worst(
            "distance",
            [(p, r.name) for r in table if (p := Row.pct(r.distance, r.device_distance)) is not None],
        ),
        worst(
            "moving time vs device moving time (the test)",
            [(p, r.name) for r in table if (p := Row.pct(r.moving_time, r.device_moving)) is not None],
        ),
        worst(
            "moving time vs device timer (information)",
            [(p, r.name) for r in table if (p := Row.pct(r.moving_time, r.device_timer)) is not None],
        ),
        worst(
            "elevation gain reported (the test)",
            [(p, r.name) for r in table if r.device_ascent and (p := Row.pct(r.gain, r.device_ascent)) is not None],
        ),
        worst(
            "elevation gain from the stream alone (information)",
            [
                (p, r.name)
                for r in table
                if r.device_ascent and (p := Row.pct(r.gain_from_stream, r.device_ascent)) is not None
            ],
        ),
    ]
    stream_ok = sum(
        1
        for r in table
        if r.device_ascent and abs(r.gain_from_stream - r.device_ascent) <= GAIN_TOLERANCE * r.device_ascent
    )
    stream_n = sum(1 for r in table if r.device_ascent)
    speed_lines = ["| points | distance from | best | median |", "|---:|---|---:|---:|"]
    speed_lines += [f"| {n:,} | {label} | {best:.0f} ms | {median:.0f} ms |" for n, label, best, median in speed]
    return _TEMPLATE.format(
        table="\n".join(lines),
        summary="\n".join(summary),
        stream_ok=stream_ok,
        stream_n=stream_n,
        speed="\n".join(speed_lines),
        files=len(table),
        per_file=f"{min(r.seconds for r in table) * 1000:.0f}-{max(r.seconds for r in table) * 1000:.0f} ms",
    )


_TEMPLATE = """# Accuracy of activity metrics

Stride computes an activity's numbers from its samples (``stride.activities.metrics``), the way Strava
recomputes them on upload. This page compares them with what the recording devices themselves wrote in their
FIT session messages, for every FIT file of the test corpus ({files} files, ``../shared/corpus/fit``; the
``.fit.gz`` is unpacked, the ``.zip`` is not an upload format Strava takes and is skipped).

Generated by ``tests/unit/test_metrics_accuracy.py``, which also asserts the tolerances (distance 1 %,
moving time 3 %, elevation gain 10 %) for every file that has the device total. Regenerate after changing a
rule:

```bash
PYTHONPATH=layers/stride/python .venv/bin/python -m tests.unit.test_metrics_accuracy
```

## Per file

Δ is (ours − device) / device. "—": the file has no such total. Sums over sessions for multisport files.

{table}

Worst file per metric:

{summary}

## What the columns compare, and why

**Distance** is the device's own distance column when the file has one (the wheel sensor, foot pod or the
device's filtered GPS: the number the device showed), else the GPS track's haversine length (spikes
dropped), else the speed column integrated, else 0. It is never less than the device's session total: the
last distance update can be missing from the records (`tormoder_unterminated-strings.fit` ends 4 m short of
its 69 m session), records get lost, they are not invented. A device total *below* the samples is not used
(`gc_14582164182.fit.gz`: records 15,066 m, session 14,921 m, +0.97 %).

**Moving time** follows Strava's rules, not the device timer:

- Timer pauses never count. Sample intervals lose exactly their overlap with the pauses, so our timer time
  matches the devices' ``total_timer_time`` to the second on every file with full records.
- A stretch slower than the sport's threshold (runs and hikes 0.3 m/s, rides 1 m/s, paddling 0.3 m/s,
  snow sports 0.5 m/s) for at least 15 s is a stop and does not count (Strava's server rule: "portions
  where the athlete was moving below a certain speed threshold for more than 15 seconds"). Shorter slow
  moments stay moving.
- A run whose timer paused (auto-pause or the button) keeps the device's timer: "we will forego our run
  calculation if you use your pause button and respect the moving time directly from the device".
- Swims, gym and board sports, and files with no distance information at all (HR only, trainer without
  speed), count the whole timer time.

So the device timer is the right reference only when the device auto-paused at every stop. Several files
ran their timer through stops: `fitparse_2013-02-06-12-11-14.fit` is an interval run with standing rests
and no pause (its own speed reads 0 m/s through 355 s of them, heart rate dropping from 164 to 93 bpm in the
longest); the Coros and Wahoo rides stood still for 16 and 9 minutes with the timer running. The test's
reference, *device moving time*, is the device timer minus the seconds its own speedometer read 0 m/s at
both ends of a recording interval (independent of our distance-based detection), capped at the device's
elapsed time; for paused runs it is the timer itself, as on Strava. The "Δ timer" column shows the raw
difference to the device timer for information.

Special files:

- `gc_2012_02_05-tiny.fit` has a session and no records: every number comes from the session.
- `fitparse_strava-android-app.fit` stops being readable at byte 7471 (a data message of an undefined
  type: its length is unknown); the records cover 5 minutes of a 59-minute run. When the samples' timer time
  covers less than 90 % of the device's, distance, moving and elapsed time come from the session totals.
- `gc_2013-04-11-gap-at-end.fit` ends with 14 records stamped two years later (and a reset distance): samples
  outside the sessions' span (± 60 s) are dropped, when that keeps at least half of them.
- `gc_14582164182.fit.gz` (a virtual ride) says ``total_timer_time`` 2,760 s but ``total_elapsed_time``
  1,632 s, and its virtual speed stays 0 for the first 1,105 s of pedalling: the device moving time is
  capped at the elapsed time, which our speed-based moving time matches.
- Pool swims (`gc_lap_swim_test_FR920xt.FIT`, `gc_pool-swim-bingiwatch.fit`) record lengths, not a
  continuous track: swims count the timer time, which the devices' timers confirm. (Bingiwatch also writes a
  ``total_moving_time`` of 3,507 s, its time swimming without the rests between sets; the parsed session
  model does not carry that field.)

**Elevation gain** reported is the device's ``total_ascent`` when the file has one: Strava shows the summary
number of a barometric device (as Lezyne's support documents for its units), and the devices' own algorithms
disagree among themselves by more than 10 % on the same kind of data, so no single recomputation can match
them all. The "from stream" column is our own gain, what a file without a device total (GPX, most TCX, phone
apps) gets, and what laps use: within 10 % of the device on {stream_ok} of {stream_n} files. Its rule: steps
across timer pauses removed (a barometer drifts during a long stop), a 5 s centred moving mean, then
hysteresis with a threshold of 2.25 m (more for noisy GPS altitude: 4 × the noise the smoothing removed, at
most 10 m), counting each climb in full from its low point once it exceeds the threshold. No threshold
fits every device: on the unsmoothed altitude, matching the Edge 810's total within 10 % needs at least 4 m,
the Wahoo ELEMNT's at least 3.25 m, while the Karoo's needs at most 3.25 m and the Edge 500's and the Sigma
ROX's at most 3 m. Small totals over flat courses (the chained triathlon: 32 m in 52 km) are the weakest:
a few decimetres of barometer drift per climb add up to tens of percent.

## The other rules, in short

Each module of ``stride.activities.metrics`` documents its rule; the choices are:

- **Speeds**: average speed = distance / moving time. ``velocity_smooth`` is the distance change over a
  centred 5 s window of timer time (distance across a pause left out); max speed is its highest value at or
  below the sport's plausible maximum (runs 12 m/s, rides 35 m/s): never a raw GPS step.
- **GPS distance**: haversine on the mean Earth radius; a fix reached and left faster than the sport allows
  (plus 30 m of GPS slack) while its neighbours are close is a spike and is dropped; a genuine discontinuity
  counts its straight line.
- **Averages** (heart rate, cadence, power) are time-weighted over moving time, each interval carrying the
  reading at its end; unrecorded readings are skipped, cadence zeros (coasting) too, as Strava does for
  cadence. Temperature averages over timer time. Max heart rate and max watts are the raw peaks.
- **Power**: ``weighted_average_watts`` = 4th root of the mean 4th power of the 30 s rolling mean of power
  laid on a 1 s grid of moving time; ``kilojoules`` = Σ watts × moving seconds / 1000; ``device_watts`` is
  true whenever the file has power (Stride never estimates power).
- **Calories**: rides with power, kJ / (4.184 × 0.24) (24 % gross efficiency, ≈ kJ); else with heart rate
  Keytel et al. (2005), the mean of the men's and women's equations at age 35; else MET × weight (70 kg
  default) × moving hours, with Compendium METs per sport.
- **Laps**: the file's laps mapped to samples by their times (consecutive laps share the boundary sample, so
  they add up to the activity), elapsed time from the file, the rest recomputed; else one lap.
- **Splits**: every 1000 m and 1609.344 m, boundary times interpolated between samples, times rounded
  cumulatively so the splits add up; the last partial split included; pace on moving time.
- **Best efforts** (Run, TrailRun, VirtualRun): for each of Strava's 13 distances up to the run's length,
  the shortest elapsed time over any stretch at least that long, one ``searchsorted`` pass per distance with
  the finish interpolated to the sub-second.
- **Polylines**: Google's encoding at precision 5 of every fix (repeated points dropped), and for the summary
  Douglas-Peucker (10 m, at most 300 points), level by level over all segments at once.
- **Time zone**: timezonefinder at the first fix (offline, one finder per process), the UTC offset from
  zoneinfo at the start time; none without GPS. ``strava_timezone`` formats "(GMT+01:00) Europe/Berlin".
- **Zones**: seconds of moving time per bucket ``min <= value < max``, the last bucket open (max -1).
- **Streams**: equal length, only those with data; positions and altitude interpolated across short gaps
  (10 s and 30 s), longer gaps left NaN.

## Speed

``compute()`` time on synthetic activities (1 Hz, every sensor, a stop and a pause), computed as runs so
that best efforts are included, with heart-rate and power zones; best and median of 7 calls on the shared
development container (2 cores, other jobs running), after one warm-up call that loads the time zone data:

{speed}

Per file, ``compute()`` took {per_file} on the corpus above (the 30,582-sample Ironman the longest).
"""


if __name__ == "__main__":
    table = [measure(path) for path in FILES]
    target = ROOT / "docs" / "accuracy.md"
    target.write_text(render(table, timings()))
    print(f"wrote {target}")
