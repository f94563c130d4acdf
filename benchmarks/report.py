"""The printed report: one section per measurement, units in the headers, ratios against the named baselines."""

from __future__ import annotations

from typing import Any

from benchmarks import challenges, clubs, feed, leaderboards, live, pipeline, segments
from benchmarks.imports import BASELINE_REST, DATA_STACK, PARSING_STACK
from benchmarks.stats import fmt_ms, fmt_ratio, ratio, table


def header(results: dict[str, Any]) -> str:
    meta = results["meta"]
    mode = "quick (smoke only, not for comparison)" if meta["quick"] else "full"
    return "\n".join(
        [
            "Stride benchmarks",
            f"  command    {meta['command']}",
            f"  timestamp  {meta['timestamp']}",
            f"  host       Python {meta['python']} on {meta['platform']}, {meta['cpus']} CPUs; {mode} run",
        ]
    )


def imports_section(data: dict[str, Any]) -> str:
    entries = [*data["baselines"].values(), *data["functions"].values()]
    rows = []
    for entry in entries:
        present = [name for name, hit in entry["heavy_modules"].items() if hit]
        data_stack = ", ".join(name for name in DATA_STACK if name in present) or "-"
        parsing = ", ".join(entry["parsing_stack_imported"]) or "none"
        if entry["error"]:
            rows.append([entry["label"], entry.get("trigger", "baseline"), "ERROR", "", "", "", "", entry["error"]])
            continue
        rows.append(
            [
                entry["label"],
                entry.get("trigger", "baseline"),
                fmt_ms(entry["median_ms"]),
                fmt_ms(entry["min_ms"]),
                fmt_ratio(entry["ratio_to_powertools_rest"]),
                entry["modules_loaded"],
                data_stack,
                parsing,
            ]
        )
    warmup = f", {data['warmup_runs']} warm-up round discarded" if data["warmup_runs"] else ""
    lines = [
        f"1. Cold-start import cost (median of {data['runs']} fresh `python -I` processes per target{warmup};"
        " only the handler module load is timed)",
        "",
        table(
            [
                "target",
                "trigger",
                "median ms",
                "min ms",
                "vs (b)",
                "modules",
                "data stack imported",
                "parsing stack imported",
            ],
            rows,
            right=(2, 3, 4, 5),
        ),
        "",
        "  vs (b): median of paired ratios, each sample / the (b) sample taken right beside it (cancels CPU drift);",
        f"          (b) is sampled beside every target: {len(data['baselines'][BASELINE_REST]['samples_ms'])} samples.",
        f"  data stack: {', '.join(DATA_STACK)}; parsing stack: {', '.join(PARSING_STACK)}.",
        "  env: placeholder settings + what the Lambda runtime sets (LAMBDA_TASK_ROOT, _HANDLER, ...), no credentials.",
    ]
    return "\n".join(lines)


def cloud_section(data: dict[str, Any]) -> str:
    seq = data["sequential"]
    athlete = seq["athlete"]
    labels = {
        "athlete": "GET /api/v3/athlete (gateway + function)",
        "function_duration": "  of which GetAthleteFunction Duration",
        "health": "(floor) GET /health (gateway, no function)",
        "get_item": "(floor) DynamoDB GetItem direct to moto",
    }
    rows = []
    for key, label in labels.items():
        entry = seq[key]
        rows.append(
            [
                label,
                entry["n"],
                fmt_ms(entry["p50_ms"], 2),
                fmt_ms(entry["p95_ms"], 2),
                fmt_ms(entry["p99_ms"], 2),
                fmt_ms(entry["mean_ms"], 2),
                fmt_ratio(ratio(athlete["p50_ms"], entry["p50_ms"])),
                fmt_ratio(ratio(athlete["p95_ms"], entry["p95_ms"])),
            ]
        )
    concurrent = data["concurrent"]
    latency = concurrent["latency"] or {}
    not_ok = {status: count for status, count in concurrent["statuses"].items() if status != "200"}
    throttle = data.get("throttle")
    lines = [
        f"2. Local-cloud request latency (sequential, one keep-alive session, N={athlete['n']} each after"
        f" {data['warmup_requests']} warm-up)",
        "",
        table(
            ["measurement", "n", "p50 ms", "p95 ms", "p99 ms", "mean ms", "athlete/this p50", "athlete/this p95"],
            rows,
            right=(1, 2, 3, 4, 5, 6, 7),
        ),
        "",
        f"  concurrency: {concurrent['clients']} clients x {concurrent['requests_per_client']} GET /api/v3/athlete"
        f" = {concurrent['ok']}/{concurrent['requests']} OK in {concurrent['wall_s']:.2f} s"
        f" -> {concurrent['throughput_rps']} req/s; p50 {fmt_ms(latency.get('p50_ms'), 2)} ms,"
        f" p95 {fmt_ms(latency.get('p95_ms'), 2)} ms, p99 {fmt_ms(latency.get('p99_ms'), 2)} ms"
        + (f"; NOT OK: {not_ok}" if not_ok else ""),
        f"  cloud up in {data['startup_ms'] / 1000:.1f} s; first GET /api/v3/athlete (cold) took"
        f" {fmt_ms(data['first_request_ms'])} ms"
        + (f"; gateway throttle {throttle['rate_rps']:g} req/s, burst {throttle['burst']:g}" if throttle else ""),
    ]
    return "\n".join(lines)


def cold_section(data: dict[str, Any], imports: dict[str, Any] | None) -> str:
    rows = []
    for logical_id, entry in sorted(data["cold_starts"].items()):
        probe = ((imports or {}).get("functions", {}).get(logical_id) or {}).get("median_ms")
        rows.append(
            [
                logical_id,
                entry["invocations"],
                entry["cold_starts"],
                fmt_ms(entry["first_init_ms"]),
                fmt_ms(entry["later_inits_median_ms"]),
                fmt_ms(entry["later_inits_max_ms"]),
                fmt_ms(probe),
            ]
        )
    return "\n".join(
        [
            "3. Cold starts seen by the local cloud (Init Duration from REPORT lines)",
            "",
            table(
                [
                    "function",
                    "invocations",
                    "cold starts",
                    "first init ms",
                    "later inits median ms",
                    "later inits max ms",
                    "import probe ms (1.)",
                ],
                rows,
                right=(1, 2, 3, 4, 5, 6),
            ),
            "",
            "  first init: one uncontended sample, comparable with the probe median; later inits: the environments",
            "  added for the concurrent clients, all starting at once on the same CPUs.",
        ]
    )


def pipeline_section(data: dict[str, Any]) -> str:
    return "\n".join(pipeline.report_lines(data))


def feed_section(data: dict[str, Any]) -> str:
    return "\n".join(feed.report_lines(data))


def segments_section(data: dict[str, Any]) -> str:
    return "\n".join(segments.report_lines(data))


def leaderboards_section(data: dict[str, Any]) -> str:
    return "\n".join(leaderboards.report_lines(data))


def live_section(data: dict[str, Any]) -> str:
    return "\n".join(live.report_lines(data))


def challenges_section(data: dict[str, Any]) -> str:
    return "\n".join(challenges.report_lines(data))


def clubs_section(data: dict[str, Any]) -> str:
    return "\n".join(clubs.report_lines(data))
