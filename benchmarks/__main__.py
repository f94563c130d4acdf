"""`make bench`: run the measurements side by side, print the report, write .stride/bench/latest.json."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import challenges, cloud_latency, clubs, feed, imports, leaderboards, live, pipeline, report, segments

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / ".stride" / "bench" / "latest.json"
CLOUD_LOG = ROOT / ".stride" / "bench" / "cloud.log"
PIPELINE_LOG = ROOT / ".stride" / "bench" / "pipeline-cloud.log"
FEED_LOG = ROOT / ".stride" / "bench" / "feed-cloud.log"
SEGMENTS_LOG = ROOT / ".stride" / "bench" / "segments-cloud.log"
LEADERBOARDS_LOG = ROOT / ".stride" / "bench" / "leaderboards-cloud.log"
LIVE_LOG = ROOT / ".stride" / "bench" / "live-cloud.log"
CHALLENGES_LOG = ROOT / ".stride" / "bench" / "challenges-cloud.log"
CLUBS_LOG = ROOT / ".stride" / "bench" / "clubs-cloud.log"
# (import runs, warm-up rounds, sequential N, warm-up requests, concurrent clients, requests per client;
#  pipeline runs per target, runs of a target slower than 10 s per run, uploads through the local cloud;
#  feed: followers per fan-out, athletes the reader follows, entries in the reader's feed, how many of the
#  followed are popular (merged at read time), feed page reads; segments stored in the ride's region; efforts
#  on the largest leaderboard; live: devices per run and seconds each run lasts; challenges: live challenges,
#  participations in all, activity events scored, participants of the board read; clubs: the largest club board)
FULL = {
    "runs": 5,
    "warmup": 1,
    "n": 100,
    "requests_warmup": 5,
    "clients": 8,
    "per_client": 25,
    "pipeline_runs": 5,
    "pipeline_slow_runs": 2,
    "pipeline_uploads": 20,
    "feed_sizes": [1_000, 10_000, 50_000],
    "feed_following": 500,
    "feed_entries": 10_000,
    "feed_popular": 1,
    "feed_reads": 100,
    "segments_sizes": [1_000, 10_000, 100_000],
    "leaderboard_efforts": 100_000,
    "live_devices": [500, 2_000, 5_000],
    "live_duration_s": 60,
    "challenge_challenges": 1_000,
    "challenge_participants": 100_000,
    "challenge_events": 10_000,
    "challenge_board_participants": 100_000,
    "club_members": 100_000,
}
QUICK = {
    "runs": 2,
    "warmup": 0,
    "n": 20,
    "requests_warmup": 2,
    "clients": 4,
    "per_client": 5,
    "pipeline_runs": 2,
    "pipeline_slow_runs": 1,
    "pipeline_uploads": 3,
    "feed_sizes": [200, 1_000],
    "feed_following": 50,
    "feed_entries": 500,
    "feed_popular": 1,
    "feed_reads": 20,
    "segments_sizes": [200, 1_000],
    "leaderboard_efforts": 2_000,
    "live_devices": [100, 500],
    "live_duration_s": 15,
    "challenge_challenges": 100,
    "challenge_participants": 2_000,
    "challenge_events": 200,
    "challenge_board_participants": 2_000,
    "club_members": 2_000,
}


def _command(argv: list[str]) -> str:
    executable = Path(sys.executable)
    try:
        shown = str(executable.relative_to(Path.cwd()))
    except ValueError:
        shown = str(executable)
    return shlex.join([shown, "-m", "benchmarks", *argv])


def _on_own_cloud(name: str, module: Any, log: Path, plan: dict[str, Any], progress: Any) -> dict[str, Any]:
    """A measurement that starts its own local cloud, with the cloud's output kept in a log file."""
    log.unlink(missing_ok=True)
    progress(f"{name}: output of the local cloud it starts goes to {log.relative_to(ROOT)}")
    with cloud_latency.output_to(log) as console:
        found = module.measure(plan, lambda message: progress(message, console))
    return {**found, "log": str(log.relative_to(ROOT))}


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915 - one short block per measurement
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs and requests (CI smoke, not comparisons)")
    parser.add_argument(
        "--only",
        choices=["imports", "cloud", "pipeline", "feed", "segments", "leaderboards", "live", "challenges", "clubs"],
        help="run one measurement only",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT})")
    args_list = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(args_list)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    results: dict[str, Any] = {
        "meta": {
            "command": _command(args_list),
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(terse=True),
            "cpus": os.cpu_count(),
            "quick": args.quick,
            "plan": plan,
        }
    }

    def progress(message: str, stream: Any = sys.stderr) -> None:
        print(f"[bench {time.perf_counter() - started:6.1f}s] {message}", file=stream, flush=True)  # noqa: T201

    if args.only in (None, "imports"):
        found = imports.measure(ROOT, plan["runs"], plan["warmup"], progress)
        results["import_cold_start"] = imports.to_json(found, plan["runs"], plan["warmup"])
    if args.only in (None, "cloud"):
        CLOUD_LOG.unlink(missing_ok=True)
        progress(f"cloud: function and moto output goes to {CLOUD_LOG.relative_to(ROOT)}")
        with cloud_latency.output_to(CLOUD_LOG) as console:
            results["local_cloud"] = cloud_latency.measure(
                plan["n"],
                plan["requests_warmup"],
                plan["clients"],
                plan["per_client"],
                lambda message: progress(message, console),
            )
        results["local_cloud"]["log"] = str(CLOUD_LOG.relative_to(ROOT))
    if args.only in (None, "pipeline"):
        PIPELINE_LOG.unlink(missing_ok=True)
        progress(f"pipeline: output of the local cloud it starts goes to {PIPELINE_LOG.relative_to(ROOT)}")
        with cloud_latency.output_to(PIPELINE_LOG) as console:
            results["pipeline"] = pipeline.measure(plan, lambda message: progress(message, console))
        results["pipeline"]["log"] = str(PIPELINE_LOG.relative_to(ROOT))
    for name, module, log in (
        ("feed", feed, FEED_LOG),
        ("segments", segments, SEGMENTS_LOG),
        ("leaderboards", leaderboards, LEADERBOARDS_LOG),
        ("live", live, LIVE_LOG),
        ("challenges", challenges, CHALLENGES_LOG),
        ("clubs", clubs, CLUBS_LOG),
    ):
        if args.only in (None, name):
            results[name] = _on_own_cloud(name, module, log, plan, progress)
    results["meta"]["duration_s"] = round(time.perf_counter() - started, 1)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    sections = [report.header(results)]
    if "import_cold_start" in results:
        sections.append(report.imports_section(results["import_cold_start"]))
    if "local_cloud" in results:
        sections.append(report.cloud_section(results["local_cloud"]))
        sections.append(report.cold_section(results["local_cloud"], results.get("import_cold_start")))
    if "pipeline" in results:
        sections.append(report.pipeline_section(results["pipeline"]))
    sections += [report.feed_section(results["feed"])] if "feed" in results else []
    sections += [report.segments_section(results["segments"])] if "segments" in results else []
    sections += [report.leaderboards_section(results["leaderboards"])] if "leaderboards" in results else []
    sections += [report.live_section(results["live"])] if "live" in results else []
    sections += [report.challenges_section(results["challenges"])] if "challenges" in results else []
    sections += [report.clubs_section(results["clubs"])] if "clubs" in results else []
    shown_out = args.out.resolve()
    shown = shown_out.relative_to(ROOT) if shown_out.is_relative_to(ROOT) else shown_out
    sections.append(f"Done in {results['meta']['duration_s']:.1f} s. Results: {shown}")
    # A function that cannot even be imported fails the run (that is what the CI smoke run is for).
    measured = results.get("import_cold_start") or {}
    entries = {**measured.get("baselines", {}), **measured.get("functions", {})}
    failed = {name: entry["error"] for name, entry in entries.items() if entry["error"]}
    # So does a pipeline target that crashes, an input that does not read back, or an upload that never gets ready.
    pipeline_failed = {
        **pipeline.errors(results.get("pipeline") or {}),
        **feed.errors(results.get("feed") or {}),
        **segments.errors(results.get("segments") or {}),
        **leaderboards.errors(results.get("leaderboards") or {}),
        **live.errors(results.get("live") or {}),
        **{f"challenges {i}": e for i, e in enumerate(challenges.errors(results.get("challenges") or {}), 1)},
        **{f"clubs {i}": e for i, e in enumerate(clubs.errors(results.get("clubs") or {}), 1)},
    }
    if failed:
        sections.append("FAILED to import: " + "; ".join(f"{name}: {error}" for name, error in failed.items()))
    if pipeline_failed:
        sections.append("FAILED: " + "; ".join(f"{name}: {error}" for name, error in pipeline_failed.items()))
    print("\n\n".join(sections), flush=True)  # noqa: T201
    return 1 if failed or pipeline_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
