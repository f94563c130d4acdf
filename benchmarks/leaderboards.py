"""Segment leaderboards on the local cloud: top 10 and "my rank" on boards of growing size (AP65, AP66).

For each size (N/100, N/10 and N efforts, N = plan ``leaderboard_efforts``) a segment of its own is seeded the way
the consumer leaves it: athletes with 1 to 4 efforts each (elapsed times log-normal around 5 minutes, to the
millisecond, ties at the hundredth of a second), their bests items, one entry per athlete on the overall board
and the board's bucket counts, all written with BatchWriteItem (not 100k events through the bus). Then, in-process
against moto, the top 10 (one Query, Limit 10) and the rank of athletes at several depths (the minute counts, the
second item of their time, the entries of their own hundredth of a second) are read and timed, and the items DynamoDB
read for each are counted (ScannedCount of Queries, 1 per GetItem). Every rank is checked against the sorted board.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.cloud_latency import query_floor_ms
from benchmarks.feed import _stride_ready
from benchmarks.stats import summary

SEGMENT_BASE = 7_000_000_000_000_000
ATHLETE_BASE = 6_000_000_000_000_000
START = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
RANK_READS = 5  # timed reads per depth
DEPTHS = (1, 10, 100, 0.25, 0.5, 0.9, 1.0)  # ints: a rank; floats: a fraction of the board


def _efforts(size: int, rng: random.Random) -> dict[int, list[Any]]:
    """``size`` efforts of athletes with 1-4 efforts each."""
    from stride.segments.leaderboards import BoardEffort

    by_athlete: dict[int, list[Any]] = {}
    athlete, made = ATHLETE_BASE + size * 10, 0
    while made < size:
        athlete += 1
        for _ in range(min(rng.randint(1, 4), size - made)):
            elapsed_ms = round(300_000 * math.exp(rng.gauss(0, 0.25)))
            start = START + timedelta(minutes=rng.randrange(0, 200_000))
            effort = BoardEffort(
                effort_id=SEGMENT_BASE + size * 10 + made,
                activity_id=SEGMENT_BASE + size * 20 + made,
                elapsed_ms=elapsed_ms,
                moving_ms=elapsed_ms - 3000,
                start=int(start.timestamp()),
                local=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            by_athlete.setdefault(athlete, []).append(effort)
            made += 1
    return by_athlete


def _seed(segment_id: int, by_athlete: dict[int, list[Any]], repo: Any) -> list[tuple[Any, int]]:
    """Write what the consumer would have written for the overall board; the board sorted, fastest first."""
    from stride.segments import leaderboards as lb
    from stride.segments.leaderboards import BoardMove
    from stride.store import keys
    from stride.store.leaderboards import bests_item, count_item_key, entry_item

    items: list[dict[str, Any]] = []
    moves = []
    board: list[tuple[Any, int]] = []
    for athlete, efforts in by_athlete.items():
        best = min(efforts, key=lambda e: e.order)
        board.append((best, athlete))
        moves.append(BoardMove(lb.OVERALL, None, best))
        items.append(bests_item(segment_id, athlete, 1, efforts, {lb.OVERALL: best}, None))
        items.append(entry_item(segment_id, lb.OVERALL, athlete, best))
    for (board_name, level, bucket), counters in lb.count_deltas(moves).items():
        item = {**count_item_key(segment_id, board_name, level, bucket), "kind": {"S": "board_count"}}
        item.update({name: {"N": str(value)} for name, value in counters.items()})
        items.append(item)
    repo.write_items(items)
    board.sort(key=lambda pair: keys.board_sk(pair[0].elapsed_ms, pair[0].start, pair[1]))
    return board


def _timed(repo: Any, read: Callable[[], Any]) -> tuple[Any, float, int, int]:
    items, requests = repo.items_read, repo.calls
    began = time.perf_counter()
    answer = read()
    return answer, (time.perf_counter() - began) * 1000, repo.items_read - items, repo.calls - requests


def _query_floor(repo: Any, segment_id: int, runs: int = 5) -> list[float]:
    """Latency of a Query of an empty partition on the same table: what moto charges any Query here."""
    from stride.store import keys

    return query_floor_ms(repo.client, repo.table, keys.titles_pk(segment_id), runs)


def _one_size(size: int, index: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from stride.segments import leaderboards as lb
    from stride.segments.records import board_rank
    from stride.store.leaderboards import LeaderboardRepository

    repo = LeaderboardRepository()
    segment_id = SEGMENT_BASE + index
    by_athlete = _efforts(size, random.Random(size))
    progress(f"leaderboards: seeding {size:,} efforts of {len(by_athlete):,} athletes with BatchWriteItem")
    board = _seed(segment_id, by_athlete, repo)
    progress(f"leaderboards: {size:,} efforts, top 10 and my rank at {len(DEPTHS)} depths")
    top_ms, top_items = [], []
    for _ in range(RANK_READS):
        top, ms, items, _ = _timed(repo, lambda: repo.top(segment_id, lb.OVERALL, 10))
        top_ms.append(ms)
        top_items.append(items)
        if [e.athlete_id for e in top] != [a for _, a in board[:10]]:
            raise RuntimeError("the top 10 is not the fastest 10")
    ranks: list[dict[str, Any]] = []
    wrong = 0
    positions = [min(d if isinstance(d, int) else max(1, math.ceil(d * len(board))), len(board)) for d in DEPTHS]
    for position in sorted(set(positions)):
        effort, athlete = board[position - 1]
        latencies, items_read, requests = [], [], []
        for _ in range(RANK_READS):
            rank, ms, items, calls = _timed(
                repo, lambda e=effort, a=athlete: board_rank(repo, segment_id, lb.OVERALL, a, e)
            )
            latencies.append(ms)
            items_read.append(items)
            requests.append(calls)
            wrong += rank != position
        ranks.append(
            {
                "rank": position,
                "elapsed_ms": effort.elapsed_ms,
                "latency": summary(latencies),
                "items_read": max(items_read),
                "requests": max(requests),
            }
        )
    minutes = len(repo.minute_counts(segment_id, lb.OVERALL))
    return {
        "moto_query_floor": summary(_query_floor(repo, segment_id)),
        "efforts": size,
        "athletes": len(board),
        "minute_items": minutes,
        "top10": {"latency": summary(top_ms), "items_read": max(top_items)},
        "ranks": ranks,
        "wrong_ranks": wrong,
    }


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    largest = int(plan["leaderboard_efforts"])
    sizes = sorted({max(100, largest // 100), max(100, largest // 10), largest})
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("leaderboards: starting the local cloud")
    info = cloud.start()
    results: dict[str, Any] = {"sizes": [], "error": None}
    try:
        _stride_ready(info, cloud, max_followers=10_000)
        for index, size in enumerate(sizes):
            results["sizes"].append(_one_size(size, index, progress))
    except Exception as exc:  # reported as a failed measurement, as the pipeline does
        results["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        progress("leaderboards: stopping the local cloud")
        cloud.stop()
    return results


def errors(data: dict[str, Any]) -> dict[str, str]:
    found = {"leaderboards": data["error"]} if data.get("error") else {}
    for entry in data.get("sizes", []):
        if entry["wrong_ranks"]:
            found[f"leaderboard {entry['efforts']}"] = f"{entry['wrong_ranks']} ranks differ from the sorted board"
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, table

    rows = []
    for entry in data.get("sizes", []):
        top = entry["top10"]
        rows.append(
            [
                f"{entry['efforts']:,}",
                f"{entry['athletes']:,}",
                "top 10",
                str(top["items_read"]),
                "1",
                fmt_ms(top["latency"]["p50_ms"]),
                fmt_ms(top["latency"]["p99_ms"]),
            ]
        )
        for rank in entry["ranks"]:
            rows.append(
                [
                    "",
                    "",
                    f"my rank #{rank['rank']:,}",
                    str(rank["items_read"]),
                    str(rank["requests"]),
                    fmt_ms(rank["latency"]["p50_ms"]),
                    fmt_ms(rank["latency"]["p99_ms"]),
                ]
            )
    lines = [
        "Segment leaderboards on the local cloud (in-process moto): top 10 and my rank on the overall board",
        "",
        table(
            ["efforts", "athletes", "read", "items read", "requests", "p50 ms", "p99 ms"],
            rows,
            right=(0, 1, 3, 4, 5, 6),
        ),
        "",
        "  top 10: one Query, Limit 10. my rank: a Query of the board's minute count items (one per minute of",
        "  elapsed time that has entries), a GetItem of the second item of my time, and a Query of the entries of",
        "  my own hundredth of a second up to mine (keys only). Every rank was checked against the sorted board.",
        "  Items read stay bounded by the spread of times (minute items) and the density of one hundredth of a",
        "  second, not by the number of efforts. moto's latency grows with the table (it sorts the whole table on",
        "  every Query; DynamoDB reads one partition): the Query of an empty partition costs as much, see below.",
    ]
    for entry in data.get("sizes", []):
        floor = entry["moto_query_floor"]["p50_ms"]
        lines.append(
            f"  {entry['efforts']:,} efforts: {entry['minute_items']} minute items on the board; a Query of an empty"
            f" partition here: {fmt_ms(floor)} ms p50."
        )
    if data.get("error"):
        lines += ["", f"  FAILED: {data['error']}"]
    return lines
