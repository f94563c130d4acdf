"""Measurement: matching one 10,000-point activity against N stored segments in its region, on the local cloud.

The activity is a synthetic ride (1 Hz, about 7 m/s, a smooth random heading: some 70 km). Its region is the
track's bounding box grown by ``MARGIN_M`` on every side. N segments are seeded into the table with
``stride.store.segments.segment_items`` and BatchWriteItem: ``PLANTED`` of them are stretches of the ride itself
(so there are efforts to find; one more is a stretch in reverse, which must not match), the rest are random
lines of 0.5-3 km anywhere in the region.

Two ways to find the efforts, same run, same table, same track:

* **indexed** (what ``match_segments`` does): the H3 cells within 60 m of the track's line
  (``cells.track_cells``), one Query per cell (``SegmentRepository.candidates``), the start/end prefilter
  (``matching.prefilter``), BatchGetItem of the remaining paths, ``matching.match_all``.
* **brute force**: BatchGetItem of every segment's path by key (100 a call), ``matching.match_all`` over all of
  them.

Both must find identical matches (the run fails otherwise). Reported per N: latency of each (the indexed path
three times, its median; brute force once), items read, and the read capacity DynamoDB would bill for those
reads (a Query: the partition's bytes in 4 KB units, halved for an eventually consistent read; BatchGetItem: each
item's *whole* size in 4 KB units, halved; a projection does not lower it), computed from the seeded items.
moto walks the whole table on every Query (DynamoDB reads one partition), so the per-Query floor measured on the
same table is reported too.
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.cloud_latency import query_floor_ms
from infrastructure.local_cloud.moto_server import PARTITION_QUERIES, OnePartitionQueries

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "stride" / "python"
GOAL_RATIO = 100.0
GOAL_AT = 100_000
POINTS = 10_000
SPEED = 7.0  # m/s
ORIGIN = (45.0, 6.0)
MARGIN_M = 10_000.0
PLANTED = 10
SEGMENT_BASE = 7_000_000_000_000  # synthetic segment ids, far from the ids the cloud hands out
CREATOR = 7_100_000_000_000
INDEXED_RUNS = 3
START = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
_K = math.pi / 180.0 * 6_371_008.8  # metres per degree of latitude


def _stride_ready(info: Any) -> None:
    """Point the in-process domain code at the cloud (before stride's models are imported)."""
    if str(LAYER) not in sys.path:
        sys.path.insert(0, str(LAYER))
    os.environ.update(
        {
            "TABLE_NAME": info.table_name,
            "EVENT_BUS_NAME": info.event_bus_name,
            "AWS_ENDPOINT_URL": info.endpoint_url,
            "AWS_DEFAULT_REGION": info.region,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    from stride.config import table_settings
    from stride.store.models import StrideItem

    table_settings.cache_clear()
    StrideItem.Meta.table_name = info.table_name  # in case another measurement imported the models first


def _to_latlng(x: Any, y: Any) -> tuple[Any, Any]:
    return ORIGIN[0] + y / _K, ORIGIN[1] + x / (_K * math.cos(math.radians(ORIGIN[0])))


def _ride() -> tuple[Any, Any, Any]:
    """(x, y) metres of a smooth random ride of POINTS samples at 1 Hz, and its Track."""
    import numpy as np

    from stride.segments.matching import Track

    rng = np.random.default_rng(11)
    heading = np.cumsum(rng.normal(0.0, 0.03, POINTS))
    x = np.cumsum(SPEED * np.cos(heading))
    y = np.cumsum(SPEED * np.sin(heading))
    lat, lng = _to_latlng(x, y)
    streams = {"time": list(range(POINTS)), "latlng": [[a, b] for a, b in zip(lat.tolist(), lng.tolist(), strict=True)]}
    return x, y, Track.from_streams(streams)


class _Seeded:
    """What was written, so the reads can be costed as DynamoDB bills them."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.meta_bytes: dict[int, int] = {}
        self.cell_bytes: dict[str, int] = defaultdict(int)  # res-8 cell -> bytes of its index partition
        self.cell_items: dict[str, int] = defaultdict(int)


def _item_bytes(item: Any) -> int:
    """DynamoDB's item size: attribute names plus values (numbers counted as their digits, roughly)."""
    size = 0
    for name, value in item.serialize().items():
        size += len(name)
        kind, raw = next(iter(value.items()))
        if kind == "B":
            size += len(raw)
        elif kind in ("S", "N"):
            size += len(str(raw).encode())
        else:
            size += len(str(raw))
    return size


def _segment(segment_id: int, lat: list[float], lng: list[float]) -> tuple[Any, Any]:
    from stride.privacy.trim import encode_polyline
    from stride.segments.geometry import make_path
    from stride.segments.models import Segment

    path = make_path(lat, lng)
    points = list(zip(lat, lng, strict=True))
    segment = Segment(
        id=segment_id,
        name=f"bench {segment_id}",
        activity_type="Ride",
        athlete_id=CREATOR,
        distance=float(path.distance[-1]),
        average_grade=0.0,
        maximum_grade=0.0,
        elevation_high=None,
        elevation_low=None,
        total_elevation_gain=0.0,
        climb_category=0,
        start_latlng=(lat[0], lng[0]),
        end_latlng=(lat[-1], lng[-1]),
        polyline=encode_polyline(points),
        created_at=START,
        updated_at=START,
        summary_polyline=encode_polyline(points[:: max(1, len(points) // 10)]),
    )
    return segment, path


def _segments(first: int, count: int, x: Any, y: Any, planted: bool) -> list[tuple[Any, Any]]:
    """``count`` segments from id ``first``: PLANTED stretches of the ride (and one reversed) when ``planted``,
    the rest random lines in the region."""
    import numpy as np

    rng = np.random.default_rng(first)
    made: list[tuple[Any, Any]] = []
    next_id = first
    if planted:
        for k in range(PLANTED + 1):
            lo = 300 + k * (POINTS - 600) // (PLANTED + 1)
            hi = lo + int(rng.integers(150, 400))
            lat, lng = _to_latlng(x[lo:hi], y[lo:hi])
            lat_l, lng_l = lat.tolist(), lng.tolist()
            if k == PLANTED:  # the same stretch the other way: must not match
                lat_l, lng_l = lat_l[::-1], lng_l[::-1]
            made.append(_segment(next_id, lat_l, lng_l))
            next_id += 1
    low_x, high_x = float(x.min()) - MARGIN_M, float(x.max()) + MARGIN_M
    low_y, high_y = float(y.min()) - MARGIN_M, float(y.max()) + MARGIN_M
    while len(made) < count:
        sx, sy = rng.uniform(low_x, high_x), rng.uniform(low_y, high_y)
        heading, length = rng.uniform(0.0, 2 * math.pi), rng.uniform(500.0, 3000.0)
        along = np.linspace(0.0, length, 12)
        bend = rng.normal(0.0, 0.1) * along / length
        lat, lng = _to_latlng(sx + along * np.cos(heading + bend), sy + along * np.sin(heading + bend))
        made.append(_segment(next_id, lat.tolist(), lng.tolist()))
        next_id += 1
    return made


def _seed(made: list[tuple[Any, Any]], seeded: _Seeded) -> None:
    from stride.segments import cells
    from stride.store.models import SegmentCellItem, SegmentItem, StrideItem
    from stride.store.segments import segment_items

    with StrideItem.batch_write() as batch:
        for segment, path in made:
            for item in segment_items(segment, path):
                batch.save(item)
                if isinstance(item, SegmentItem):
                    seeded.meta_bytes[segment.id] = _item_bytes(item)
                elif isinstance(item, SegmentCellItem):
                    cell = cells.match_cell(*segment.start_latlng)
                    seeded.cell_bytes[cell] += _item_bytes(item)
                    seeded.cell_items[cell] += 1
            seeded.ids.append(segment.id)


def _rcu(size: int) -> float:
    """Eventually consistent read capacity of ``size`` bytes read as one unit (an item, or a Query's result)."""
    return max(1, math.ceil(size / 4096)) * 0.5


def _key(match: Any) -> tuple[int, int, int, int, float]:
    return (match.segment_id, match.pass_index, match.start_index, match.end_index, round(match.elapsed_time, 3))


def _indexed(track: Any, repository: Any) -> dict[str, Any]:
    from stride.segments.cells import track_cells
    from stride.segments.matching import match_all, prefilter

    began = time.perf_counter()
    cells = track_cells(track.lat.tolist(), track.lng.tolist())
    cells_done = time.perf_counter()
    candidates = [c for c in repository.candidates(cells) if c.activity_type == "Ride"]
    read_done = time.perf_counter()
    chosen = prefilter(track, [(c.segment_id, *c.start_latlng, *c.end_latlng) for c in candidates])
    filtered = time.perf_counter()
    paths = repository.paths(chosen)
    paths_done = time.perf_counter()
    matches = match_all(track, paths)
    ended = time.perf_counter()
    compute_ms = ((cells_done - began) + (filtered - read_done) + (ended - paths_done)) * 1000
    return {
        "ms": (ended - began) * 1000,
        "compute_ms": compute_ms,
        "cells": cells,
        "candidates": len(candidates),
        "paths": len(paths),
        "matches": matches,
    }


def _brute(track: Any, repository: Any, ids: list[int]) -> dict[str, Any]:
    from stride.segments.matching import match_all

    began = time.perf_counter()
    paths = repository.paths(ids)
    read_done = time.perf_counter()
    matches = match_all(track, paths)
    ended = time.perf_counter()
    return {
        "ms": (ended - began) * 1000,
        "compute_ms": (ended - read_done) * 1000,
        "paths": len(paths),
        "matches": matches,
    }


def _query_floor(cloud: Any, info: Any, runs: int = 5) -> float:
    """Median latency of a Query of an empty partition on the same table: what moto charges any Query here."""
    return statistics.median(query_floor_ms(cloud.client("dynamodb"), info.table_name, "SEGCELL#none", runs))


def _measure_size(
    size: int,
    track: Any,
    repository: Any,
    seeded: _Seeded,
    cloud: Any,
    info: Any,
    patch: OnePartitionQueries,
    progress: Callable[[str], None],
) -> dict[str, Any]:
    progress(f"segments: {size:,} stored, indexed path x{INDEXED_RUNS}")
    runs = [_indexed(track, repository) for _ in range(INDEXED_RUNS)]
    indexed = runs[-1]
    progress(f"segments: {size:,} stored, brute force over every path")
    brute = _brute(track, repository, seeded.ids)
    same = sorted(map(_key, indexed["matches"])) == sorted(map(_key, brute["matches"]))
    chosen_ids = {m.segment_id for m in indexed["matches"]}
    indexed_rcu = sum(_rcu(seeded.cell_bytes.get(cell, 0)) for cell in indexed["cells"])
    indexed_rcu += sum(_rcu(seeded.meta_bytes[i]) for i in chosen_ids)  # lower bound: the paths read
    brute_rcu = sum(_rcu(seeded.meta_bytes[i]) for i in seeded.ids)
    indexed_ms = statistics.median(run["ms"] for run in runs)
    floor_ms = _query_floor(cloud, info)
    patch.remove()
    try:
        moto_floor_ms = _query_floor(cloud, info, runs=1)
    finally:
        patch.install()
    return {
        "segments": size,
        "identical": same,
        "matches": len(indexed["matches"]),
        "brute_matches": len(brute["matches"]),
        "cells": len(indexed["cells"]),
        "candidates": indexed["candidates"],
        "paths_read": indexed["paths"],
        "indexed_items_read": indexed["candidates"] + indexed["paths"],
        "brute_items_read": brute["paths"],
        "indexed_ms": round(indexed_ms, 1),
        "indexed_runs_ms": [round(run["ms"], 1) for run in runs],
        "brute_ms": round(brute["ms"], 1),
        "indexed_compute_ms": round(statistics.median(run["compute_ms"] for run in runs), 1),
        "brute_compute_ms": round(brute["compute_ms"], 1),
        "ratio": round(brute["ms"] / indexed_ms, 2) if indexed_ms > 0 else None,
        "indexed_rcu": indexed_rcu,
        "brute_rcu": brute_rcu,
        "rcu_ratio": round(brute_rcu / indexed_rcu, 1) if indexed_rcu else None,
        "query_floor_ms": round(floor_ms, 2),
        "unpatched_query_floor_ms": round(moto_floor_ms, 2),
    }


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    sizes = sorted(int(size) for size in plan["segments_sizes"])
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("segments: starting the local cloud")
    info = cloud.start()
    results: dict[str, Any] = {"goal_ratio": GOAL_RATIO, "goal_at": GOAL_AT, "points": POINTS, "sizes": [],
                               "error": None}  # fmt: skip
    patch = PARTITION_QUERIES  # the local cloud installs it; removed a moment below to measure moto as it is
    try:
        _stride_ready(info)
        from stride.store.segments import SegmentRepository

        x, y, track = _ride()
        results["region_km"] = [
            round((float(x.max() - x.min()) + 2 * MARGIN_M) / 1000, 1),
            round((float(y.max() - y.min()) + 2 * MARGIN_M) / 1000, 1),
        ]
        repository = SegmentRepository()
        seeded = _Seeded()
        for size in sizes:
            missing = size - len(seeded.ids)
            progress(f"segments: making and seeding {missing:,} segments (BatchWriteItem, 3 items each)")
            began = time.perf_counter()
            made = _segments(SEGMENT_BASE + len(seeded.ids), missing, x, y, planted=not seeded.ids)
            _seed(made, seeded)
            progress(f"segments: seeded in {time.perf_counter() - began:,.0f} s")
            results["sizes"].append(_measure_size(size, track, repository, seeded, cloud, info, patch, progress))
    except Exception as exc:  # reported as a failed measurement, as the pipeline does
        results["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        progress("segments: stopping the local cloud")
        cloud.stop()
    return results


def errors(data: dict[str, Any]) -> dict[str, str]:
    found = {"segments": data["error"]} if data.get("error") else {}
    for entry in data.get("sizes", []):
        if not entry["identical"]:
            found[f"segments {entry['segments']}"] = (
                f"indexed and brute force differ: {entry['matches']} vs {entry['brute_matches']} matches"
            )
        if entry["matches"] < PLANTED:
            found[f"segments {entry['segments']} planted"] = f"{entry['matches']} matches, {PLANTED} planted"
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, fmt_ratio, table

    rows = []
    for entry in data.get("sizes", []):
        ratio = entry["ratio"]
        goal = "-"
        if entry["segments"] >= data["goal_at"] and ratio is not None:
            goal = "met" if ratio >= data["goal_ratio"] else "MISSED"
        rows.append(
            [
                f"{entry['segments']:,}",
                f"{entry['matches']} ({'same' if entry['identical'] else 'DIFFERENT'})",
                f"{entry['cells']} / {entry['candidates']:,} / {entry['paths_read']}",
                f"{entry['indexed_items_read']:,}",
                f"{entry['brute_items_read']:,}",
                fmt_ms(entry["indexed_ms"]),
                fmt_ms(entry["brute_ms"]),
                fmt_ratio(ratio),
                goal,
                f"{fmt_ms(entry['indexed_compute_ms'])} / {fmt_ms(entry['brute_compute_ms'])}",
                f"{entry['indexed_rcu']:,.1f} / {entry['brute_rcu']:,.1f} ({entry['rcu_ratio']}x)",
                f"{fmt_ms(entry['query_floor_ms'], 2)} / {fmt_ms(entry['unpatched_query_floor_ms'], 0)}",
            ]
        )
    region = data.get("region_km") or ["?", "?"]
    lines = [
        f"Segment matching: one {data['points']:,}-point ride against N segments in its region"
        f" ({region[0]} x {region[1]} km) on the local cloud; indexed path vs brute force, same run",
        "",
        table(
            [
                "N",
                "efforts",
                "cells / candidates / paths",
                "items (idx)",
                "items (brute)",
                "indexed ms",
                "brute ms",
                "ratio",
                f">= {data['goal_ratio']:g}x at {data['goal_at']:,}",
                "compute ms idx / brute",
                "RCU idx / brute",
                "Query floor ms (moto patched / as is)",
            ],
            rows,
            right=(0, 3, 4, 5, 6, 7),
        ),  # fmt: skip
        "",
        "  indexed: H3 cells within 60 m of the track's line, one Query per cell (16 threads), start/end prefilter,",
        "  BatchGetItem of the remaining paths, match (median of 3 runs). brute force: BatchGetItem of every",
        "  segment's path by key, match each (one run). Both must find identical efforts. compute: the same runs",
        "  without their table reads (cells, prefilter and match; match alone for brute force).",
        "  On moto most of the indexed time is the emulator serialising the candidates' index items (about 0.7 ms",
        "  an item, measured with cProfile); DynamoDB bills them by bytes (RCU column).",
        "  RCU: read capacity DynamoDB would bill (eventually consistent): Query by partition bytes, BatchGetItem by",
        "  whole item size, 4 KB units, from the seeded items. moto answers a Query by sorting the whole table; this",
        "  run patches the in-process moto to read the queried partition only, as DynamoDB does (Query floor: an",
        "  empty partition's Query with the patch, and as moto is, which the indexed path would pay per cell).",
    ]
    if data.get("error"):
        lines += ["", f"  FAILED: {data['error']}"]
    return lines
