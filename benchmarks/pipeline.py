"""Measurement 4: the activity pipeline (parse, metrics, streams encoding) against named baselines and floors.

Inputs are synthetic rides of 1k, 10k and 100k one-second samples (``benchmarks.synthetic``), written as FIT and
as GPX 1.1. For each size and format, in one process and interleaved round by round (the order rotates each
round, so machine drift spreads evenly), every target below runs on the same bytes:

- ours: ``parsing.parse`` -> ``metrics.compute(sport_type="Ride")`` -> ``streams_codec.encode``: what the upload
  processor does, minus S3 and DynamoDB. Its three stages are timed inside the same runs.
- fitparse pipeline (FIT): ``fitparse.FitFile`` decodes every message, the record, event, lap and session
  messages become the same columns (numpy), pauses, laps and sessions, then the same ``compute`` and ``encode``.
  Its decode (``FitFile.parse()``) is timed inside the same runs: "fitparse decode alone".
- fitdecode decode alone (FIT): a second reference decoder, every frame read, CRC checked.
- gpxpy pipeline (GPX): ``gpxpy.parse`` then gpxpy's own ``get_moving_data``, ``get_uphill_downhill``,
  ``length_3d`` and ``get_duration``: what a gpxpy-based pipeline computes (no streams, laps or zones).
- floors, the least work that reads the same numbers. FIT: one ``np.frombuffer`` per run of record messages
  with a structured dtype equal to the single record definition (the generator says where the runs are), then
  the unit conversions to float64 columns. GPX: one compiled ``re.findall`` capturing the seven values of every
  ``trkpt`` then numpy's vectorised string-to-float and ISO-time conversions; it relies on the generator's exact
  spelling and element order, so it is a floor, not a parser. It is preferred to ``ET.fromstring`` alone
  because it yields every number the pipeline reads for less work; ``ET.fromstring`` alone is shown as a
  reference (our GPX parser builds that very tree, so ours-parse / fromstring is what we add on top of it).

Ratios are medians of paired ratios: each baseline sample over the ours sample of the same round. A target whose
run takes longer than ``SLOW_S`` gets fewer runs (``plan["pipeline_slow_runs"]``). The first size is preceded
by one discarded warm-up run of every target (imports, first-call caches such as the timezone lookup's data).

Peak memory: the 100k files go through ours in a fresh interpreter (``python -m benchmarks.pipeline rss ...``);
its peak RSS minus that of a fresh interpreter that only imported the same modules (VmHWM, not ``ru_maxrss``:
see ``_peak_mb``).

Upload-to-ready: a local cloud, one athlete, a first (cold) upload, then sequential multipart uploads of 10k-point
FIT files (each a day later than the last: the duplicate check is by file hash), each polled every 50 ms with
``GET /api/v3/uploads/{id}`` until its status leaves "processing". The cloud's REPORT lines give the
ProcessUploadFunction durations.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import synthetic
from benchmarks.stats import fmt_ms, fmt_ratio, summary, table

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "stride" / "python"
MAX_BYTES = 104_857_600  # template.yaml UploadUncompressedMaxBytes (default)
SPORT = "Ride"
SLOW_S = 10.0  # a target slower than this per run gets plan["pipeline_slow_runs"] runs
GOALS = {"fitparse_pipeline": 10.0, "gpxpy_pipeline": 5.0}
LAMBDA_MB = 512
CLOUD_POINTS = 10_000
POLL_S = 0.05
UPLOAD_TIMEOUT_S = 120.0
PROCESS_FUNCTION = "ProcessUploadFunction"
CONSUMERS = ("UpdateStatsFunction",)  # invoked once per new activity (activity.created)
PROCESSING = "Your activity is still being processed."
READY = "Your activity is ready."
_UNIX_EPOCH = datetime(1970, 1, 1)  # fitparse gives naive UTC datetimes

Run = Callable[[bytes], tuple[Any, dict[str, float]]]


def _stride_on_path() -> None:
    """The benchmark runs from the repository root; the domain code lives in the Lambda layer's folder."""
    if str(LAYER) not in sys.path:
        sys.path.insert(0, str(LAYER))


# ------------------------------------------------------------------------------------------ the targets


def _ours(data_type: str) -> Run:
    _stride_on_path()
    from stride.activities.metrics import compute
    from stride.activities.parsing import parse
    from stride.activities.streams_codec import encode

    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        started = time.perf_counter()
        parsed = parse(data, data_type, max_bytes=MAX_BYTES)
        parsed_at = time.perf_counter()
        metrics = compute(parsed, sport_type=SPORT)
        computed_at = time.perf_counter()
        blob = encode(metrics.streams)
        done = time.perf_counter()
        parts = {
            "ours_parse": parsed_at - started,
            "ours_compute": computed_at - parsed_at,
            "ours_encode": done - computed_at,
        }
        return (parsed, metrics, blob), parts

    return run


def _fitparse_columns(fit: Any) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Columns, pauses, laps and sessions from fitparse's decoded messages, as ParsedActivity wants them."""
    from stride.activities.parsing.model import FileLap, FileSession

    nan = float("nan")
    names = ("time", "lat", "lon", "altitude", "heartrate", "cadence", "watts", "distance", "speed")
    lists: dict[str, list[float]] = {name: [] for name in names}
    to_degrees = 180.0 / 2**31
    pauses: list[tuple[float, float]] = []
    laps: list[FileLap] = []
    sessions: list[FileSession] = []
    stopped: float | None = None

    def seconds(value: Any) -> float:
        return (value - _UNIX_EPOCH).total_seconds() if value is not None else nan

    def number(value: Any, scale: float = 1.0) -> float:
        return float(value) * scale if value is not None else nan

    for message in fit.get_messages():
        name = message.name
        if name == "record":
            values = message.get_values()
            altitude = values.get("enhanced_altitude")
            speed = values.get("enhanced_speed")
            lists["time"].append(seconds(values.get("timestamp")))
            lists["lat"].append(number(values.get("position_lat"), to_degrees))
            lists["lon"].append(number(values.get("position_long"), to_degrees))
            lists["altitude"].append(number(values.get("altitude") if altitude is None else altitude))
            lists["heartrate"].append(number(values.get("heart_rate")))
            lists["cadence"].append(number(values.get("cadence")))
            lists["watts"].append(number(values.get("power")))
            lists["distance"].append(number(values.get("distance")))
            lists["speed"].append(number(values.get("speed") if speed is None else speed))
        elif name == "event":
            values = message.get_values()
            if values.get("event") == "timer":
                when = seconds(values.get("timestamp"))
                if values.get("event_type") in ("stop", "stop_all", "stop_disable", "stop_disable_all"):
                    stopped = when
                elif values.get("event_type") == "start" and stopped is not None:
                    if when > stopped:
                        pauses.append((stopped, when))
                    stopped = None
        elif name == "lap":
            values = message.get_values()
            laps.append(
                FileLap(
                    start_time=seconds(values.get("start_time")),
                    end_time=seconds(values.get("timestamp")),
                    total_distance=values.get("total_distance"),
                    total_timer_time=values.get("total_timer_time"),
                )
            )
        elif name == "session":
            values = message.get_values()
            sessions.append(
                FileSession(
                    sport=SPORT if values.get("sport") == "cycling" else None,
                    start_time=seconds(values.get("start_time")),
                    total_elapsed_time=values.get("total_elapsed_time"),
                    total_timer_time=values.get("total_timer_time"),
                    total_distance=values.get("total_distance"),
                    total_ascent=values.get("total_ascent"),
                    total_descent=values.get("total_descent"),
                    total_calories=values.get("total_calories"),
                    avg_heart_rate=values.get("avg_heart_rate"),
                    max_heart_rate=values.get("max_heart_rate"),
                    avg_power=values.get("avg_power"),
                    max_power=values.get("max_power"),
                )
            )
    columns = {name: np.array(values, dtype=np.float64) for name, values in lists.items()}
    return columns, {"pauses": pauses, "laps": laps, "sessions": sessions}


def _fitparse_pipeline() -> Run:
    _stride_on_path()
    import fitparse

    from stride.activities.metrics import compute
    from stride.activities.parsing.model import from_columns
    from stride.activities.streams_codec import encode

    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        started = time.perf_counter()
        fit = fitparse.FitFile(BytesIO(data))
        fit.parse()  # every message decoded (and cached); the loop below reads the cache
        decoded_at = time.perf_counter()
        columns, extra = _fitparse_columns(fit)
        parsed = from_columns("fit", columns, sport=SPORT, **extra)
        metrics = compute(parsed, sport_type=SPORT)
        blob = encode(metrics.streams)
        return (parsed, metrics, blob), {"fitparse_decode": decoded_at - started}

    return run


def _fitdecode_decode() -> Run:
    import fitdecode

    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        records = 0
        with fitdecode.FitReader(BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            for frame in reader:
                if frame.frame_type == fitdecode.FIT_FRAME_DATA and frame.name == "record":
                    records += 1
        return records, {}

    return run


def _fit_floor(fit: synthetic.SyntheticFit) -> Run:
    blocks, dtype = list(fit.record_blocks), fit.record_dtype
    to_degrees = 180.0 / 2**31

    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        rows = np.concatenate([np.frombuffer(data, dtype, count, offset) for offset, count in blocks])
        columns = {
            "time": rows["timestamp"] + float(synthetic.FIT_EPOCH),
            "lat": rows["position_lat"] * to_degrees,
            "lon": rows["position_long"] * to_degrees,
            "altitude": rows["enhanced_altitude"] / 5.0 - 500.0,
            "heartrate": rows["heart_rate"].astype(np.float64),
            "cadence": rows["cadence"].astype(np.float64),
            "watts": rows["power"].astype(np.float64),
            "distance": rows["distance"] / 100.0,
            "speed": rows["speed"] / 1000.0,
        }
        return columns, {}

    return run


def _gpxpy_pipeline() -> Run:
    import gpxpy

    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        started = time.perf_counter()
        gpx = gpxpy.parse(data.decode())
        parsed_at = time.perf_counter()
        moving = gpx.get_moving_data()
        updown = gpx.get_uphill_downhill()
        length = gpx.length_3d()
        duration = gpx.get_duration()
        return (moving, updown, length, duration), {"gpxpy_parse": parsed_at - started}

    return run


# Every value of one synthetic trkpt, in the generator's order (see synthetic.TRKPT).
_TRKPT = re.compile(
    r'<trkpt lat="([^"]+)" lon="([^"]+)"><ele>([^<]+)</ele><time>([^<Z]+)Z?</time><extensions>'
    r"<power>([^<]+)</power><gpxtpx:TrackPointExtension><gpxtpx:hr>([^<]+)</gpxtpx:hr>"
    r"<gpxtpx:cad>([^<]+)</gpxtpx:cad>"
)


def _gpx_floor() -> Run:
    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        lat, lon, ele, when, power, hr, cad = zip(*_TRKPT.findall(data.decode()), strict=True)
        columns = {
            "time": np.array(when, dtype="datetime64[s]").astype(np.int64).astype(np.float64),
            "lat": np.array(lat).astype(np.float64),
            "lon": np.array(lon).astype(np.float64),
            "altitude": np.array(ele).astype(np.float64),
            "watts": np.array(power).astype(np.float64),
            "heartrate": np.array(hr).astype(np.float64),
            "cadence": np.array(cad).astype(np.float64),
        }
        return columns, {}

    return run


def _etree_fromstring() -> Run:
    def run(data: bytes) -> tuple[Any, dict[str, float]]:
        return ET.fromstring(data), {}

    return run


# ------------------------------------------------------------------------------------------ the sampler


@dataclass
class Target:
    key: str
    label: str
    role: str  # ours | part | baseline | reference | floor
    run: Run | None  # None: timed inside another target's run
    versus: str | None = None  # the target this one is compared with
    ratio_is: str = ""  # how the ratio reads, e.g. "fitparse / ours"
    invert: bool = False  # ratio = versus / this (a floor) rather than this / versus
    samples_s: list[float] = field(default_factory=list)
    rounds: list[int] = field(default_factory=list)
    slow: bool = False
    error: str | None = None
    last: Any = None


def _fit_targets(fit: synthetic.SyntheticFit) -> list[Target]:
    return [
        Target("ours", "ours: parse + compute + encode", "ours", _ours("fit")),
        Target("ours_parse", "  of which parse (parse_fit)", "part", None),
        Target("ours_compute", "  of which metrics.compute", "part", None),
        Target("ours_encode", "  of which streams_codec.encode", "part", None),
        Target(
            "fitparse_pipeline",
            "fitparse pipeline (decode, columns, same compute + encode)",
            "baseline",
            _fitparse_pipeline(),
            "ours",
            "fitparse pipeline / ours",
        ),
        Target(
            "fitparse_decode",
            "  of which fitparse decode alone",
            "reference",
            None,
            "ours_parse",
            "fitparse / our parse",
        ),
        Target(
            "fitdecode_decode",
            "fitdecode decode alone",
            "reference",
            _fitdecode_decode(),
            "ours_parse",
            "fitdecode / our parse",
        ),
        Target(
            "floor",
            "(floor) np.frombuffer of the record runs + units",
            "floor",
            _fit_floor(fit),
            "ours",
            "ours / floor",
            invert=True,
        ),
    ]


def _gpx_targets() -> list[Target]:
    return [
        Target("ours", "ours: parse + compute + encode", "ours", _ours("gpx")),
        Target("ours_parse", "  of which parse (parse_gpx)", "part", None),
        Target("ours_compute", "  of which metrics.compute", "part", None),
        Target("ours_encode", "  of which streams_codec.encode", "part", None),
        Target(
            "gpxpy_pipeline",
            "gpxpy pipeline (parse, moving, up/down, length_3d, duration)",
            "baseline",
            _gpxpy_pipeline(),
            "ours",
            "gpxpy pipeline / ours",
        ),
        Target("gpxpy_parse", "  of which gpxpy.parse", "reference", None, "ours_parse", "gpxpy.parse / our parse"),
        Target(
            "etree",
            "(reference) ET.fromstring alone",
            "reference",
            _etree_fromstring(),
            "ours_parse",
            "our parse / fromstring",
            invert=True,
        ),
        Target(
            "floor",
            "(floor) one re.findall over the trkpts + conversions",
            "floor",
            _gpx_floor(),
            "ours",
            "ours / floor",
            invert=True,
        ),
    ]


def _sample(targets: list[Target], data: bytes, slow_runs: int, round_no: int | None) -> None:
    """One run of every due target, in an order that rotates with the round. ``round_no`` None: warm-up."""
    by_key = {t.key: t for t in targets}
    due = [
        t for t in targets if t.run is not None and t.error is None and not (t.slow and len(t.samples_s) >= slow_runs)
    ]
    if round_no is not None and due:
        shift = round_no % len(due)
        due = due[shift:] + due[:shift]
    for target in due:
        assert target.run is not None
        gc.collect()
        started = time.perf_counter()
        try:
            result, parts = target.run(data)
        except Exception as exc:  # reported in the table, never raised: the other targets still run
            target.error = f"{type(exc).__name__}: {exc}"[:300]
            continue
        elapsed = time.perf_counter() - started
        target.last = result
        if round_no is None:
            continue
        target.samples_s.append(elapsed)
        target.rounds.append(round_no)
        target.slow = target.slow or elapsed > SLOW_S
        for key, seconds in parts.items():
            by_key[key].samples_s.append(seconds)
            by_key[key].rounds.append(round_no)


def _paired(target: Target, other: Target) -> list[float]:
    theirs = dict(zip(other.rounds, other.samples_s, strict=True))
    pairs = []
    for round_no, value in zip(target.rounds, target.samples_s, strict=True):
        base = theirs.get(round_no)
        if base and value:
            pairs.append(base / value if target.invert else value / base)
    return pairs


def _target_json(target: Target, by_key: dict[str, Target], points: int, runs: int, slow_runs: int) -> dict[str, Any]:
    samples_ms = [s * 1000 for s in target.samples_s]
    median = statistics.median(samples_ms) if samples_ms else None
    other = by_key.get(target.versus or "")
    pairs = _paired(target, other) if other is not None else []
    entry: dict[str, Any] = {
        "label": target.label,
        "role": target.role,
        "runs": len(samples_ms),
        "samples_ms": [round(s, 3) for s in samples_ms],
        "median_ms": None if median is None else round(median, 3),
        "min_ms": round(min(samples_ms), 3) if samples_ms else None,
        "us_per_point": None if median is None else round(median * 1000 / points, 3),
        "fewer_runs": target.slow and len(samples_ms) < runs,
        "error": target.error,
    }
    if entry["fewer_runs"]:
        entry["fewer_runs_reason"] = f"stopped once a run had taken > {SLOW_S:g} s and it had {slow_runs} run(s)"
    if other is not None:
        entry.update(
            versus=other.key,
            ratio_is=target.ratio_is,
            ratio=round(statistics.median(pairs), 3) if pairs else None,
            paired_ratios=[round(p, 3) for p in pairs],
        )
        if target.key in GOALS:
            entry["goal"] = GOALS[target.key]
            entry["goal_met"] = None if not pairs else statistics.median(pairs) >= GOALS[target.key]
    return entry


# ------------------------------------------------------------------------------------------ checks


def _max_diff(a: np.ndarray, b: np.ndarray) -> float | None:
    """Largest absolute difference of two columns, NaN in the same places (None: they differ in shape or NaNs)."""
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return None
    both = ~np.isnan(a)
    return float(np.abs(a[both] - b[both]).max()) if both.any() else 0.0


def _truth(n: int) -> dict[str, Any]:
    """What the simulated ride really did (the session message states the same)."""
    whole = synthetic.totals(synthetic.simulate(n), 0, n - 1)
    return {
        "true_distance_m": round(whole.distance_m, 1),
        "true_ascent_m": round(whole.ascent_m, 1),
        "true_timer_s": whole.timer_s,
    }


def _fit_checks(n: int, by_key: dict[str, Target]) -> dict[str, Any]:
    ride = synthetic.simulate(n)
    checks: dict[str, Any] = {"records_written": n, "laps_written": len(ride.lap_ends), "pauses_written": 1}
    checks.update(_truth(n))
    ours = by_key["ours"].last
    if ours is not None:
        parsed, metrics, blob = ours
        checks.update(
            ours_rows=len(parsed),
            ours_pauses=len(parsed.pauses),
            ours_laps=len(parsed.laps),
            ours_distance_m=round(metrics.distance, 1),
            ours_moving_time_s=metrics.moving_time,
            ours_elapsed_time_s=metrics.elapsed_time,
            ours_streams_bytes=len(blob),
        )
        floor = by_key["floor"].last
        if floor is not None:
            diffs = {name: _max_diff(getattr(parsed, name), values) for name, values in floor.items()}
            checks["floor_vs_ours_max_abs_diff"] = diffs
        other = by_key["fitparse_pipeline"].last
        if other is not None:
            theirs, their_metrics, _ = other
            names = ("time", "lat", "lon", "altitude", "heartrate", "cadence", "watts", "distance", "speed")
            checks["fitparse_vs_ours_max_abs_diff"] = {
                name: _max_diff(getattr(parsed, name), getattr(theirs, name)) for name in names
            }
            checks["fitparse_pipeline_distance_m"] = round(their_metrics.distance, 1)
            checks["fitparse_pipeline_moving_time_s"] = their_metrics.moving_time
    records = by_key["fitdecode_decode"].last
    if records is not None:
        checks["fitdecode_records"] = records
    checks["ok"] = bool(
        ours is not None
        and checks.get("ours_rows") == n
        and checks.get("ours_pauses") == 1
        and checks.get("ours_laps") == len(ride.lap_ends)
        and records in (None, n)
    )
    return checks


def _gpx_checks(n: int, by_key: dict[str, Target]) -> dict[str, Any]:
    checks: dict[str, Any] = {"points_written": n, "segments_written": 2, **_truth(n)}
    ours = by_key["ours"].last
    if ours is not None:
        parsed, metrics, blob = ours
        checks.update(
            ours_rows=len(parsed),
            ours_pauses=len(parsed.pauses),
            ours_distance_m=round(metrics.distance, 1),
            ours_moving_time_s=metrics.moving_time,
            ours_elevation_gain_m=round(metrics.total_elevation_gain, 1),
            ours_streams_bytes=len(blob),
        )
        floor = by_key["floor"].last
        if floor is not None:
            checks["floor_vs_ours_max_abs_diff"] = {
                name: _max_diff(getattr(parsed, name), values) for name, values in floor.items()
            }
    gpxpy_result = by_key["gpxpy_pipeline"].last
    if gpxpy_result is not None:
        moving, updown, length, duration = gpxpy_result
        checks.update(
            gpxpy_moving_time_s=moving.moving_time,
            gpxpy_moving_distance_m=round(moving.moving_distance, 1),
            gpxpy_uphill_m=round(updown.uphill, 1),
            gpxpy_length_3d_m=round(length, 1),
            gpxpy_duration_s=duration,
        )
    checks["ok"] = bool(ours is not None and checks.get("ours_rows") == n and checks.get("ours_pauses") == 1)
    return checks


# ------------------------------------------------------------------------------------------ peak memory

_MODULES = (
    "numpy",
    "stride.activities.parsing",
    "stride.activities.parsing.detect",
    "stride.activities.parsing.fit",
    "stride.activities.parsing.gpx",
    "stride.activities.metrics",
    "stride.activities.streams_codec",
)


def _peak_mb() -> float:
    """This process image's peak resident set in MB.

    Linux: VmHWM from /proc/self/status. ``ru_maxrss`` is not usable in a child: the kernel carries the
    parent's high-water mark across fork and exec into it, so a child of this (large) benchmark process
    would report the parent's size. VmHWM belongs to the new image only; in a process that was not forked
    from a bigger one it is the same number as ``ru_maxrss``. Elsewhere ``ru_maxrss`` (bytes on macOS).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1_048_576 if sys.platform == "darwin" else peak / 1024


def _status_mb() -> dict[str, float]:
    """This process's current and peak RSS (VmRSS, VmHWM) in MB; empty where /proc is absent."""
    status = Path("/proc/self/status")
    if not status.exists():
        return {}
    found = {}
    for line in status.read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return found


def _rss_child(mode: str, path: str | None) -> dict[str, Any]:
    """Run in a fresh interpreter: import the modules, optionally run ours on a file; peak RSS in MB."""
    import importlib

    _stride_on_path()
    for name in _MODULES:
        importlib.import_module(name)
    answer: dict[str, Any] = {"imports_peak_mb": round(_peak_mb(), 1)}
    if mode != "imports" and path is not None:
        data = Path(path).read_bytes()
        (parsed, _, blob), _ = _ours(mode)(data)
        answer.update(rows=len(parsed), file_mb=round(len(data) / 1_048_576, 2), streams_bytes=len(blob))
    answer["peak_mb"] = round(_peak_mb(), 1)
    return answer


def _rss(mode: str, path: Path | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "benchmarks.pipeline", "rss", mode]
    if path is not None:
        command.append(str(path))
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def _memory(points: int, progress: Callable[[str], None]) -> dict[str, Any]:
    progress(f"pipeline: peak memory of ours on the {points:,}-point files, each in a fresh process")
    with tempfile.TemporaryDirectory(prefix="stride-bench-") as folder:
        fit_path, gpx_path = Path(folder) / "ride.fit", Path(folder) / "ride.gpx"
        fit_path.write_bytes(synthetic.fit_activity(points).data)
        gpx_path.write_bytes(synthetic.gpx_activity(points))
        base = _rss("imports")
        found: dict[str, Any] = {"points": points, "lambda_mb": LAMBDA_MB, "imports_only": base}
        for fmt, path in (("fit", fit_path), ("gpx", gpx_path)):
            entry = _rss(fmt, path)
            if "error" not in entry and "error" not in base:
                entry["delta_mb"] = round(entry["peak_mb"] - base["peak_mb"], 1)
                entry["headroom_mb"] = round(LAMBDA_MB - entry["peak_mb"], 1)
            found[fmt] = entry
    return found


# ------------------------------------------------------------------------------------------ the local cloud


def _upload(api: Any, url: str, data: bytes, name: str) -> dict[str, Any]:
    started = time.perf_counter()
    response = api.post(url, files={"file": (name, data)}, data={"data_type": "fit"}, timeout=60)
    posted = time.perf_counter()
    if response.status_code != 201:
        return {"error": f"POST answered {response.status_code}: {response.text[:200]}"}
    body = response.json()
    upload_id, status, polls = body["id"], body["status"], 0
    deadline = started + UPLOAD_TIMEOUT_S
    while status == PROCESSING and time.perf_counter() < deadline:
        time.sleep(POLL_S)
        polled = api.get(f"{url}/{upload_id}", timeout=30)
        polls += 1
        if polled.status_code == 200:
            body = polled.json()
            status = body["status"]
    finished = time.perf_counter()
    return {
        "upload_id": upload_id,
        "status": status,
        "error": body.get("error") if status != PROCESSING else f"still processing after {UPLOAD_TIMEOUT_S:g} s",
        "ready": status == READY,
        "total_ms": round((finished - started) * 1000, 2),
        "post_ms": round((posted - started) * 1000, 2),
        "polls": polls,
    }


def _cloud(count: int, progress: Callable[[str], None]) -> dict[str, Any]:
    import logging

    from benchmarks.cloud_latency import _session, bench_token
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    progress(f"pipeline: {count + 1} FIT files of {CLOUD_POINTS:,} points, each starting a day later")
    files = [
        synthetic.fit_activity(CLOUD_POINTS, start=synthetic.DEFAULT_START + day * 86_400).data
        for day in range(count + 1)
    ]
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("pipeline: starting the local cloud")
    started = time.perf_counter()
    info = cloud.start()
    startup_ms = (time.perf_counter() - started) * 1000
    try:
        token = bench_token(cloud, info, "Rider")
        url = f"{info.api_url}/api/v3/uploads"
        function_name = cloud.pools[PROCESS_FUNCTION].spec.function_name
        spawner = _status_mb()
        with _session(token) as api:
            progress("pipeline: first upload (cold starts of the upload functions)")
            mark = len(cloud.reports)
            first = _upload(api, url, files[0], "ride-0.fit")
            _wait_reports(cloud, function_name, mark, 1)
            first_reports = [r for r in cloud.reports[mark:] if r.function == function_name]
            progress(f"pipeline: {count} sequential uploads, polled every {POLL_S * 1000:.0f} ms")
            mark = len(cloud.reports)
            uploads = [_upload(api, url, data, f"ride-{day}.fit") for day, data in enumerate(files[1:], start=1)]
            _wait_reports(cloud, function_name, mark, count)
            reports = [r for r in cloud.reports[mark:] if r.function == function_name]
        # Each new activity publishes activity.created; let its consumers finish before moto goes away.
        for consumer in CONSUMERS:
            if consumer in cloud.pools:
                created = sum(1 for u in [first, *uploads] if u.get("ready"))
                _wait_reports(cloud, cloud.pools[consumer].spec.function_name, 0, created, timeout_s=30.0)
    finally:
        progress("pipeline: stopping the local cloud")
        cloud.stop()
    ready = [u for u in uploads if u.get("ready")]
    failed = [u for u in [first, *uploads] if not u.get("ready")]
    first_report = first_reports[0] if first_reports else None
    return {
        "points": CLOUD_POINTS,
        "file_bytes": len(files[0]),
        "uploads": count,
        "poll_ms": POLL_S * 1000,
        "startup_ms": round(startup_ms, 1),
        "ready": len(ready),
        "failed": [
            {"upload_id": u.get("upload_id"), "status": u.get("status"), "error": u.get("error")} for u in failed
        ],
        "first": {
            **first,
            "process_duration_ms": round(first_report.duration_ms, 2) if first_report else None,
            "process_init_ms": round(first_report.init_ms, 2) if first_report and first_report.init_ms else None,
        },
        "upload_to_ready": summary([u["total_ms"] for u in ready]) if ready else None,
        "post": summary([u["post_ms"] for u in ready]) if ready else None,
        "polls_per_upload": statistics.median([u["polls"] for u in ready]) if ready else None,
        "process_duration": summary([r.duration_ms for r in reports]) if reports else None,
        "process_max_memory_mb": max((r.max_memory_mb for r in reports), default=None),
        "process_memory_size_mb": reports[0].memory_mb if reports else None,
        "process_cold_starts": sum(1 for r in reports if r.init_ms is not None),
        "spawner_mb": spawner,
        "samples": uploads,
    }


def _wait_reports(cloud: Any, function_name: str, mark: int, count: int, timeout_s: float = 10.0) -> None:
    """A REPORT line lands when the invocation returns, a moment after the upload turned ready."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if sum(1 for r in cloud.reports[mark:] if r.function == function_name) >= count:
            return
        time.sleep(0.05)


# ------------------------------------------------------------------------------------------ measure


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    runs, slow_runs = int(plan["pipeline_runs"]), int(plan["pipeline_slow_runs"])
    sizes = tuple(plan.get("pipeline_sizes", synthetic.SIZES))
    results: dict[str, Any] = {
        "method": "median of runs interleaved round by round in one process; ratios are medians of paired"
        " ratios (each sample against the compared target's sample of the same round)",
        "runs": runs,
        "slow_runs": slow_runs,
        "slow_threshold_s": SLOW_S,
        "goals": GOALS,
        "sport_type": SPORT,
        "sizes": {},
    }
    warmed = False
    for n in sizes:
        progress(f"pipeline: generating the {n:,}-point ride as FIT and GPX")
        fit = synthetic.fit_activity(n)
        gpx = synthetic.gpx_activity(n)
        entry: dict[str, Any] = {}
        for fmt, data, targets in (("fit", fit.data, _fit_targets(fit)), ("gpx", gpx, _gpx_targets())):
            if not warmed:
                progress(f"pipeline: warm-up run of every {fmt.upper()} target (discarded)")
                _sample(targets, data, slow_runs, None)
                for target in targets:
                    target.last = None
            for round_no in range(runs):
                progress(f"pipeline: {n:,} points {fmt.upper()}, round {round_no + 1}/{runs}")
                _sample(targets, data, slow_runs, round_no)
            by_key = {t.key: t for t in targets}
            checks = _fit_checks(n, by_key) if fmt == "fit" else _gpx_checks(n, by_key)
            entry[fmt] = {
                "bytes": len(data),
                "targets": {t.key: _target_json(t, by_key, n, runs, slow_runs) for t in targets},
                "checks": checks,
            }
            for target in targets:
                target.last = None
        warmed = True
        results["sizes"][str(n)] = entry
    results["memory"] = _memory(max(sizes), progress)
    results["cloud"] = _cloud(int(plan["pipeline_uploads"]), progress)
    return results


def errors(data: dict[str, Any]) -> dict[str, str]:
    """What failed, by name (for the run's exit status)."""
    found = {}
    for n, formats in data.get("sizes", {}).items():
        for fmt, entry in formats.items():
            for key, target in entry["targets"].items():
                if target["error"]:
                    found[f"pipeline {n} {fmt} {key}"] = target["error"]
            if not entry["checks"].get("ok"):
                found[f"pipeline {n} {fmt} checks"] = "the parsed file does not match what was written"
    for fmt in ("fit", "gpx"):
        error = (data.get("memory", {}).get(fmt) or {}).get("error")
        if error:
            found[f"pipeline memory {fmt}"] = error
    cloud = data.get("cloud") or {}
    if cloud.get("failed"):
        found["pipeline uploads"] = f"{len(cloud['failed'])} upload(s) not ready: {cloud['failed'][0]}"
    return found


# ------------------------------------------------------------------------------------------ report


def _ratio_cell(entry: dict[str, Any]) -> str:
    return fmt_ratio(entry.get("ratio")) if "ratio_is" in entry else ""


def _goal_cell(entry: dict[str, Any]) -> str:
    if "goal" not in entry:
        return ""
    met = entry.get("goal_met")
    verdict = "-" if met is None else "met" if met else "NOT MET"
    return f">= {entry['goal']:g}x: {verdict}"


def report_lines(data: dict[str, Any]) -> list[str]:
    rows: list[list[object]] = []
    for n, formats in data["sizes"].items():
        for fmt, entry in formats.items():
            first = True
            for target in entry["targets"].values():
                size = f"{int(n):,}" if first else ""
                kind = f"{fmt.upper()} {entry['bytes'] / 1_048_576:.2f} MB" if first else ""
                first = False
                if target["error"]:
                    rows.append([size, kind, target["label"], "ERROR", "", "", "", "", "", target["error"][:80]])
                    continue
                runs = f"{target['runs']}*" if target["fewer_runs"] else str(target["runs"])
                rows.append(
                    [
                        size,
                        kind,
                        target["label"],
                        runs,
                        fmt_ms(target["median_ms"], 2),
                        fmt_ms(target["min_ms"], 2),
                        fmt_ms(target["us_per_point"], 2),
                        _ratio_cell(target),
                        target.get("ratio_is", ""),
                        _goal_cell(target),
                    ]
                )
    lines = [
        f"4. Activity pipeline on synthetic rides (1 Hz, ~8 m/s, a hill, GPS noise, a 5 min stop; median of"
        f" {data['runs']} interleaved runs, sport_type={data['sport_type']})",
        "",
        table(
            ["points", "file", "measurement", "runs", "median ms", "min ms", "us/point", "ratio", "ratio is", "goal"],
            rows,
            right=(0, 3, 4, 5, 6, 7),
        ),
        "",
        f"  runs*: fewer runs: sampling stopped once a run had taken over {data['slow_threshold_s']:g} s and the"
        f" target had {data['slow_runs']} run(s).",
        "  ratio: median of paired ratios (each sample against the compared one from the same round).",
        "  'of which' rows are timed inside the row above them, in the same runs (no extra work).",
        "  FIT floor: np.frombuffer with a structured dtype equal to the one record definition, per run of"
        " consecutive records (offsets from the generator), then units to float64.",
        "  GPX floor: one compiled re.findall capturing lat, lon, ele, time, power, hr, cad of every trkpt, then"
        " numpy str->float64 and ISO-time conversion: every number ours reads, for the least work. Chosen over",
        "  ET.fromstring alone, which builds the tree but reads no number (its row is a reference: our GPX parser"
        " builds that very tree). gpxpy uses the stdlib ElementTree here (no lxml installed).",
    ]
    lines += _check_lines(data)
    lines += _memory_lines(data.get("memory"))
    lines += _cloud_lines(data.get("cloud"))
    return lines


def _check_lines(data: dict[str, Any]) -> list[str]:
    lines = ["", "  Inputs read back (same numbers):"]
    for n, formats in data["sizes"].items():
        fit, gpx = formats.get("fit", {}).get("checks", {}), formats.get("gpx", {}).get("checks", {})
        fitparse_diff = _worst(fit.get("fitparse_vs_ours_max_abs_diff"))
        lines.append(
            f"    {int(n):,}: FIT {'ok' if fit.get('ok') else 'MISMATCH'} (ours {fit.get('ours_rows')} rows,"
            f" {fit.get('ours_laps')} laps, {fit.get('ours_pauses')} pause; fitdecode {fit.get('fitdecode_records')}"
            f" records; fitparse columns vs ours max |diff| {fitparse_diff};"
            f" floor {_worst(fit.get('floor_vs_ours_max_abs_diff'))}; distance ours {fit.get('ours_distance_m')} m,"
            f" fitparse pipeline {fit.get('fitparse_pipeline_distance_m')} m, true {fit.get('true_distance_m')} m)"
        )
        lines.append(
            f"    {int(n):,}: GPX {'ok' if gpx.get('ok') else 'MISMATCH'} (ours {gpx.get('ours_rows')} rows,"
            f" {gpx.get('ours_pauses')} pause; floor {_worst(gpx.get('floor_vs_ours_max_abs_diff'))};"
            f" distance ours {gpx.get('ours_distance_m')} m, gpxpy length_3d {gpx.get('gpxpy_length_3d_m')} m,"
            f" true {gpx.get('true_distance_m')} m; gain ours {gpx.get('ours_elevation_gain_m')} m,"
            f" gpxpy {gpx.get('gpxpy_uphill_m')} m, true {gpx.get('true_ascent_m')} m)"
        )
    return lines


def _worst(diffs: dict[str, float | None] | None) -> str:
    if not diffs:
        return "-"
    if any(value is None for value in diffs.values()):
        bad = [name for name, value in diffs.items() if value is None]
        return f"shape/NaN differ in {', '.join(bad)}"
    name, value = max(diffs.items(), key=lambda item: item[1] or 0.0)
    return f"{value:.3g} ({name})" if value else "0 (identical)"


def _memory_lines(memory: dict[str, Any] | None) -> list[str]:
    if not memory:
        return []
    base = memory["imports_only"]
    lines = [
        "",
        f"  Peak memory, {memory['points']:,} points through ours in a fresh process (peak RSS, VmHWM: a forked"
        f" child's ru_maxrss inherits the parent's; Lambda {memory['lambda_mb']} MB):",
    ]
    if "error" in base:
        return [*lines, f"    imports only: ERROR {base['error']}"]
    lines.append(f"    imports only (numpy, stride parsing, metrics, streams_codec): {base['peak_mb']:.1f} MB")
    for fmt in ("fit", "gpx"):
        entry = memory.get(fmt) or {}
        if "error" in entry:
            lines.append(f"    {fmt.upper()}: ERROR {entry['error']}")
            continue
        lines.append(
            f"    {fmt.upper()} ({entry['file_mb']:.2f} MB file): peak {entry['peak_mb']:.1f} MB,"
            f" +{entry['delta_mb']:.1f} MB over imports; {entry['headroom_mb']:.1f} MB left of {memory['lambda_mb']} MB"
        )
    return lines


def _cloud_lines(cloud: dict[str, Any] | None) -> list[str]:
    if not cloud:
        return []
    rows: list[Sequence[object]] = []
    for label, key in (
        ("upload-to-ready (POST until status changes)", "upload_to_ready"),
        ("  of which POST /api/v3/uploads", "post"),
        (f"  {PROCESS_FUNCTION} Duration (REPORT)", "process_duration"),
    ):
        entry = cloud.get(key)
        if entry:
            rows.append(
                [
                    label,
                    entry["n"],
                    fmt_ms(entry["p50_ms"]),
                    fmt_ms(entry["p95_ms"]),
                    fmt_ms(entry["min_ms"]),
                    fmt_ms(entry["max_ms"]),
                ]
            )
    first = cloud["first"]
    lines = [
        "",
        f"  Upload-to-ready on the local cloud: {cloud['uploads']} sequential multipart uploads of a"
        f" {cloud['points']:,}-point FIT ({cloud['file_bytes'] / 1024:.0f} KB), polled every {cloud['poll_ms']:.0f} ms;"
        f" {cloud['ready']}/{cloud['uploads']} ready",
        "",
        "  "
        + table(["measurement", "n", "p50 ms", "p95 ms", "min ms", "max ms"], rows, right=(1, 2, 3, 4, 5)).replace(
            "\n", "\n  "
        ),
        "",
        f"  first upload (cold): {fmt_ms(first.get('total_ms'))} ms to {first.get('status')!r};"
        f" {PROCESS_FUNCTION} Init {fmt_ms(first.get('process_init_ms'))} ms + Duration"
        f" {fmt_ms(first.get('process_duration_ms'))} ms. Measured uploads: {cloud['process_cold_starts']} cold"
        f" start(s); cloud up in {cloud['startup_ms'] / 1000:.1f} s.",
        f"  REPORT Max Memory Used {cloud['process_max_memory_mb']} MB of {cloud['process_memory_size_mb']} MB: the"
        " worker process's own peak RSS (VmHWM) after every upload it handled, imports and the cold one included.",
        f"  upload-to-ready includes the S3 notification through SQS to the worker and up to one poll interval"
        f" ({cloud['poll_ms']:.0f} ms + a GET); median {cloud['polls_per_upload']:g} polls per upload. Duration covers"
        " the whole invocation,",
        "  including the activity.created publish after the upload turns ready, so it can exceed upload-to-ready.",
    ]
    if cloud["failed"]:
        lines.append(f"  NOT READY: {cloud['failed']}")
    return lines


# ------------------------------------------------------------------------------------------ child process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pipeline", description="peak-memory child")
    parser.add_argument("what", choices=["rss"])
    parser.add_argument("mode", choices=["imports", "fit", "gpx"])
    parser.add_argument("path", nargs="?")
    args = parser.parse_args(argv)
    print(json.dumps(_rss_child(args.mode, args.path)))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
