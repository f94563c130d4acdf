"""Club weekly leaderboards and the clubs consumer on the local cloud (AP119-AP123).

Boards: for each size (N/100, N/10 and N members' entries, N = plan ``club_members``) a club week of its own is
seeded the way the consumer leaves it: one distance ranking entry per member (weekly distances log-normal around
60 km, to the metre) and the ranking's bucket counts, written with BatchWriteItem (not 100k events through the bus),
plus the totals items of the members a read shows. Then, in-process against moto, the top 20 (one Query, Limit 20)
and "my rank" at several depths (the coarse count items, then the entries of my own 100 m above mine, keys only)
are read and timed; the items DynamoDB read are counted, and every rank is checked against the sorted board.

Consumer: an athlete in 0, 1 and 10 clubs; one activity created, the same event again, an edit (only_me and back)
and a delete, each through ``stride.clubs.scoring.apply_activity`` as UpdateClubsFunction calls it; the items read
and written per event are counted (they grow with the athlete's clubs, never with anyone else's).

``python -m benchmarks.clubs [--quick]`` runs it alone.
"""

from __future__ import annotations

import logging
import math
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.cloud_latency import query_floor_ms
from benchmarks.feed import _stride_ready
from benchmarks.stats import summary

FULL = {"club_members": 100_000}
QUICK = {"club_members": 2_000}
CLUB_BASE = 8_000_000_000_000_000
ATHLETE_BASE = 5_000_000_000_000_000
WEEK = "2026-W49"
READS = 5  # timed reads per depth
DEPTHS = (1, 10, 100, 0.25, 0.5, 0.9, 1.0)  # ints: a rank; floats: a fraction of the board
CLUB_COUNTS = (0, 1, 10)


def _timed(repo: Any, read: Callable[[], Any]) -> tuple[Any, float, int, int]:
    items, calls = repo.items_read, repo.calls
    began = time.perf_counter()
    answer = read()
    return answer, (time.perf_counter() - began) * 1000, repo.items_read - items, repo.calls - calls


def _seed_board(repo: Any, club_id: int, size: int, rng: random.Random) -> list[tuple[int, int]]:
    """The distance ranking of one week as the consumer leaves it; the board sorted, highest first."""
    from stride.clubs import rules

    board = [(max(1, round(60_000 * math.exp(rng.gauss(0, 0.6)))), ATHLETE_BASE + size * 10 + i) for i in range(size)]
    items = [repo.rank_item(club_id, WEEK, "distance", value, athlete) for value, athlete in board]
    deltas = rules.count_deltas([rules.Move("distance", None, value) for value, _ in board])
    items += [repo.count_item(club_id, WEEK, metric, bucket, counters) for (metric, bucket), counters in deltas.items()]
    repo.write_items(items)
    board.sort(key=lambda pair: (-pair[0], -pair[1]))
    return board


def _seed_totals(repo: Any, club_id: int, entries: list[tuple[int, int]]) -> None:
    from stride.clubs.models import WeekTotals

    items = [
        repo.totals_item(WeekTotals(club_id, WEEK, athlete, 1, {athlete: (value, value // 4, value // 100)}), 1)
        for value, athlete in entries
    ]
    repo.write_items(items)


def _one_board(size: int, index: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from stride.clubs import rules
    from stride.store.clubs import ClubRepository

    repo = ClubRepository()
    club_id = CLUB_BASE + index
    progress(f"clubs: seeding a week of {size:,} members' entries with BatchWriteItem")
    board = _seed_board(repo, club_id, size, random.Random(size))
    positions = sorted({min(d if isinstance(d, int) else max(1, math.ceil(d * size)), size) for d in DEPTHS})
    _seed_totals(repo, club_id, list(dict.fromkeys(board[:20] + [board[p - 1] for p in positions])))
    values = [value for value, _ in board]
    progress(f"clubs: {size:,} entries, top 20 and my rank at {len(positions)} depths")
    top_ms, top_items = [], []
    for _ in range(READS):
        top, ms, items, _ = _timed(repo, lambda: repo.top(club_id, WEEK, "distance", 20))
        top_ms.append(ms)
        top_items.append(items)
        if [e.athlete_id for e in top] != [a for _, a in board[:20]]:
            raise RuntimeError("the top 20 is not the 20 longest")
    totals_items = _timed(repo, lambda: repo.week_totals_many(club_id, WEEK, [a for _, a in board[:20]]))[2]
    ranks, wrong = [], 0
    for position in positions:
        value, _ = board[position - 1]
        expected = 1 + sum(1 for v in values if v > value)  # competition rank: ties share the first place
        latencies, items_read, calls = [], [], []
        for _ in range(READS):

            def read(v: int = value) -> int:
                coarse = repo.coarse_counts(club_id, WEEK, "distance")
                return rules.rank_from_counts("distance", v, coarse, repo.ahead_in_fine(club_id, WEEK, "distance", v))

            rank, ms, items, requests = _timed(repo, read)
            latencies.append(ms)
            items_read.append(items)
            calls.append(requests)
            wrong += rank != expected
        ranks.append(
            {
                "position": position,
                "rank": expected,
                "distance": value,
                "latency": summary(latencies),
                "items_read": max(items_read),
                "requests": max(calls),
            }
        )
    return {
        "members": size,
        "coarse_items": len(repo.coarse_counts(club_id, WEEK, "distance")),
        "top20": {"latency": summary(top_ms), "items_read": max(top_items), "totals_items_read": totals_items},
        "ranks": ranks,
        "wrong_ranks": wrong,
        "moto_query_floor": summary(query_floor_ms(repo.client, repo.table, f"CLUB#{club_id}#NONE", 5)),
    }


class _CountingActivities:
    """The activity reads of the consumer, counted (one GetItem per event)."""

    def __init__(self) -> None:
        from stride.store.activities import ActivityRepository

        self.inner = ActivityRepository()
        self.reads = 0

    def get(self, activity_id: int) -> Any:
        self.reads += 1
        return self.inner.get(activity_id)


def _consumer(progress: Callable[[str], None]) -> list[dict[str, Any]]:
    from benchmarks.feed import _activity
    from stride.clubs import scoring
    from stride.clubs.models import Club
    from stride.store.activities import ActivityRepository
    from stride.store.clubs import ClubRepository

    setup = ClubRepository()
    activities = ActivityRepository()
    results = []
    now = datetime.now(UTC)
    for n, count in enumerate(CLUB_COUNTS):
        athlete = ATHLETE_BASE + 9_000_000 + n
        progress(f"clubs: consumer, an athlete in {count} clubs")
        for c in range(count):
            owner = ATHLETE_BASE + 8_000_000 + n * 100 + c
            club = Club(CLUB_BASE + 1000 + n * 100 + c, f"Club {c}", "running", "Europe/Helsinki", owner, now, now)
            setup.create(club, now)
            setup.add_member(club, athlete, now, from_request=False)
        activity_id = CLUB_BASE + 5000 + n
        activity = _activity(activity_id, athlete, now - timedelta(hours=1), "Benchmark run")
        activities.create(activity, [])
        steps = []
        for step, change in (
            ("created", None),
            ("same event again", None),
            ("made only_me", "only_me"),
            ("visible again", "everyone"),
            ("deleted", "delete"),
        ):
            if change == "delete":
                from stride.store import keys
                from stride.store.models import ActivityItem

                ActivityItem(keys.activity_pk(activity_id), keys.META).delete()
            elif change is not None:
                from stride.store import keys
                from stride.store.models import ActivityItem

                ActivityItem(keys.activity_pk(activity_id), keys.META).update(
                    actions=[ActivityItem.visibility.set(change)]
                )
            repo, reader = ClubRepository(), _CountingActivities()
            began = time.perf_counter()
            applied = scoring.apply_activity(athlete, activity_id, repo, reader)
            ms = (time.perf_counter() - began) * 1000
            steps.append(
                {
                    "event": step,
                    "items_read": repo.items_read + reader.reads,
                    "items_written": repo.items_written,
                    "requests": repo.calls + reader.reads,
                    "weeks_changed": applied.weeks_changed,
                    "ms": ms,
                }
            )
        results.append({"clubs": count, "steps": steps})
    return results


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    largest = int(plan.get("club_members", FULL["club_members"]))
    sizes = sorted({max(100, largest // 100), max(100, largest // 10), largest})
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("clubs: starting the local cloud")
    info = cloud.start()
    results: dict[str, Any] = {"boards": [], "consumer": [], "error": None}
    try:
        _stride_ready(info, cloud, max_followers=10_000)
        results["consumer"] = _consumer(progress)
        for index, size in enumerate(sizes):
            results["boards"].append(_one_board(size, index, progress))
    except Exception as exc:  # reported as a failed measurement, as the other benchmarks do
        results["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        progress("clubs: stopping the local cloud")
        cloud.stop()
    return results


def errors(data: dict[str, Any]) -> list[str]:
    found = [f"clubs: {data['error']}"] if data.get("error") else []
    for entry in data.get("boards", []):
        if entry["wrong_ranks"]:
            found.append(f"club board {entry['members']}: {entry['wrong_ranks']} ranks differ from the sorted board")
    for entry in data.get("consumer", []):
        created = entry["steps"][0]
        if created["weeks_changed"] != entry["clubs"]:
            found.append(f"consumer in {entry['clubs']} clubs: {created['weeks_changed']} weeks changed on create")
        if entry["steps"][1]["items_written"]:
            found.append(f"consumer in {entry['clubs']} clubs: a duplicate event wrote items")
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, table

    rows = []
    for entry in data.get("boards", []):
        top = entry["top20"]
        rows.append(
            [
                f"{entry['members']:,}",
                "top 20",
                f"{top['items_read']} (+{top['totals_items_read']} totals)",
                "1 (+1)",
                fmt_ms(top["latency"]["p50_ms"]),
                fmt_ms(top["latency"]["p99_ms"]),
            ]
        )
        for rank in entry["ranks"]:
            rows.append(
                [
                    "",
                    f"my rank #{rank['rank']:,} ({rank['distance'] / 1000:.1f} km)",
                    str(rank["items_read"]),
                    str(rank["requests"]),
                    fmt_ms(rank["latency"]["p50_ms"]),
                    fmt_ms(rank["latency"]["p99_ms"]),
                ]
            )
    consumer_rows = [
        [
            str(entry["clubs"]),
            step["event"],
            str(step["items_read"]),
            str(step["items_written"]),
            str(step["requests"]),
            fmt_ms(step["ms"]),
        ]
        for entry in data.get("consumer", [])
        for step in entry["steps"]
    ]
    lines = [
        "Club weekly leaderboards on the local cloud (in-process moto): top 20 and my rank, by distance",
        "",
        table(["members", "read", "items read", "requests", "p50 ms", "p99 ms"], rows, right=(0, 2, 3, 4, 5)),
        "",
        "  top 20: one Query, Limit 20 (+ one BatchGetItem of the 20 members' four totals). my rank: a Query of",
        "  the ranking's coarse count items (one per 10 km of weekly distance that has entries) and a keys-only",
        "  Query of the entries in my own 100 m above mine. Every rank was checked against the sorted board.",
    ]
    for entry in data.get("boards", []):
        lines.append(
            f"  {entry['members']:,} members: {entry['coarse_items']} coarse items; a Query of an empty partition here:"
            f" {fmt_ms(entry['moto_query_floor']['p50_ms'])} ms p50."
        )
    lines += [
        "",
        "The clubs consumer per activity event (stride.clubs.scoring.apply_activity, as UpdateClubsFunction runs it)",
        "",
        table(
            ["clubs", "event", "items read", "items written", "requests", "ms"], consumer_rows, right=(0, 2, 3, 4, 5)
        ),
    ]
    if data.get("error"):
        lines += ["", f"  error: {data['error']}"]
    return lines


if __name__ == "__main__":
    chosen = QUICK if "--quick" in sys.argv else FULL
    measured = measure(chosen, lambda message: print(message, file=sys.stderr))  # noqa: T201
    print("\n".join(report_lines(measured)))  # noqa: T201
    problems = errors(measured)
    for problem in problems:
        print(f"ERROR {problem}", file=sys.stderr)  # noqa: T201
    sys.exit(1 if problems else 0)
