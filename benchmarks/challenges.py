"""Challenge scoring and challenge leaderboards on the local cloud (AP94, AP98, AP100, AP101).

Setup (BatchWriteItem, as the consumer and the join would have left the table): ``challenges`` live challenges
(every kind, some with a sport filter) and ``participants`` participations spread over athletes in 1 to 7 of them;
three extra athletes in 0, 1 and 5 challenges; one more challenge with ``board_participants`` leaderboard entries
and their digit counters.

Scoring: ``events`` activity.created events for random participants (random sport, start inside the windows) are
applied by the scoring function's domain code, ``stride.challenges.scoring.score_activity``, in-process against
moto (as benchmarks/leaderboards.py and segments.py drive their consumers; the EventBridge -> Lambda hop is not
timed). ``challenge.completed`` events are counted, not put on the bus. Reported: events/s, latency per event,
items read and written per event. Isolation: the same for the athletes in 0, 1 and 5 challenges while all the
others exist: what an event costs must follow the athlete's own challenges, never the table's.

Leaderboard: the top 20 (one Query, Limit 20) and "my rank" (BatchGetItem of the 4 digit-counter items on my
score's path) at several depths of the big board, every rank checked against the sorted scores.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.feed import _stride_ready
from benchmarks.stats import summary

FULL = {"challenges": 1_000, "participants": 100_000, "events": 10_000, "board_participants": 100_000}
QUICK = {"challenges": 100, "participants": 2_000, "events": 200, "board_participants": 2_000}
CHALLENGE_BASE = 8_000_000_000_000_000
ATHLETE_BASE = 5_000_000_000_000_000
ACTIVITY_BASE = 4_000_000_000_000_000
ISOLATION_EVENTS = 10  # events per isolation athlete
ISOLATED = (0, 1, 5)  # challenges the isolation athletes are in
DEPTHS = (1, 10, 100, 0.25, 0.5, 0.9, 1.0)
SPORTS = ("Run", "Ride", "Swim", "TrailRun")


def _challenges(count: int, now: datetime) -> list[Any]:
    from stride.challenges import rules as R
    from stride.challenges.models import Challenge

    kinds = list(R.Kind)
    start, end = now - timedelta(days=10), now + timedelta(days=20)
    found = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        found.append(
            Challenge(
                id=CHALLENGE_BASE + index,
                name=f"bench {index}",
                description=None,
                kind=kind,
                visibility=R.Visibility.PLATFORM,
                creator_id=ATHLETE_BASE,
                start_local=start.date().isoformat(),
                end_local=end.date().isoformat(),
                timezone="UTC",
                start_epoch=int(start.timestamp()),
                end_epoch=int(end.timestamp()),
                sport_types=(("Run", "TrailRun"), ("Ride",), ())[index % 3],
                goal=None if kind is not R.Kind.STREAK else 5,
                segment_id=1 if kind is R.Kind.SEGMENT_TIME else None,
                participant_count=0,
                created_at=now,
            )
        )
    return found


def _participation(challenge: Any, athlete: int, now: datetime) -> dict[str, Any]:
    from stride.challenges.models import Participation
    from stride.store.challenges import participation_item

    p = Participation(challenge.id, athlete, challenge.rules, 1, challenge_name=challenge.name, joined_at=now)
    return participation_item(p, 1)


def _seed_scoring(
    plan: dict[str, Any], repo: Any, now: datetime, rng: random.Random
) -> tuple[list[int], dict[int, int]]:
    """Challenges and participations; the participants' ids, and the isolation athletes by challenge count."""
    from stride.store.challenges import challenge_item

    challenges = _challenges(int(plan["challenges"]), now)
    items = [challenge_item(c) for c in challenges]
    athletes: list[int] = []
    made, athlete = 0, ATHLETE_BASE + 10
    while made < int(plan["participants"]):
        athlete += 1
        athletes.append(athlete)
        for challenge in rng.sample(challenges, min(rng.randint(1, 7), int(plan["participants"]) - made)):
            items.append(_participation(challenge, athlete, now))
            made += 1
    isolated: dict[int, int] = {}
    for offset, count in enumerate(ISOLATED):
        athlete_id = ATHLETE_BASE + 1 + offset
        isolated[count] = athlete_id
        items += [_participation(c, athlete_id, now) for c in challenges[:count]]
    repo.write_items(items)
    return athletes, isolated


def _event(athlete: int, index: int, now: datetime, rng: random.Random) -> Any:
    from stride.events.contracts import ActivityCreatedEvent, ActivitySnapshot

    start = now - timedelta(days=rng.uniform(0.1, 9.5))
    return ActivityCreatedEvent(
        activity=ActivitySnapshot(
            activity_id=ACTIVITY_BASE + index,
            athlete_id=athlete,
            name="bench",
            sport_type=rng.choice(SPORTS),
            start_date=start,
            start_date_local=start.replace(tzinfo=None),
            visibility="everyone",
            distance=round(rng.uniform(2_000, 40_000), 1),
            moving_time=rng.randint(600, 7_200),
            elapsed_time=7_300,
            total_elevation_gain=round(rng.uniform(0, 600), 1),
        )
    )


def _apply(repo: Any, event: Any, completed: list[Any]) -> tuple[float, int, int]:
    from stride.challenges.scoring import score_activity

    read, written = repo.items_read, repo.items_written
    began = time.perf_counter()
    score_activity(None, event.activity, event.occurred_at, repo=repo, publish=completed.extend)
    return (time.perf_counter() - began) * 1000, repo.items_read - read, repo.items_written - written


def _scoring(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from stride.store.challenges import ChallengeRepository

    repo, rng, now = ChallengeRepository(), random.Random(90), datetime.now(UTC)
    progress(f"challenges: seeding {plan['challenges']:,} challenges, {plan['participants']:,} participations")
    began = time.perf_counter()
    athletes, isolated = _seed_scoring(plan, repo, now, rng)
    seed_s = time.perf_counter() - began
    completed: list[Any] = []
    isolation = []
    for count, athlete in isolated.items():
        latencies, reads, writes = [], [], []
        for n in range(ISOLATION_EVENTS):
            ms, read, written = _apply(repo, _event(athlete, 10_000_000 + count * 1000 + n, now, rng), completed)
            latencies.append(ms)
            reads.append(read)
            writes.append(written)
        isolation.append(
            {
                "challenges": count,
                "latency": summary(latencies),
                "items_read": max(reads),
                "items_written_mean": sum(writes) / len(writes),
                "items_written_max": max(writes),
            }
        )
    progress(f"challenges: scoring {plan['events']:,} activity.created events in-process")
    latencies, reads, writes = [], [], []
    began = time.perf_counter()
    for index in range(int(plan["events"])):
        ms, read, written = _apply(repo, _event(rng.choice(athletes), index, now, rng), completed)
        latencies.append(ms)
        reads.append(read)
        writes.append(written)
    elapsed = time.perf_counter() - began
    return {
        "challenges": int(plan["challenges"]),
        "participations": int(plan["participants"]),
        "athletes": len(athletes),
        "seed_s": round(seed_s, 1),
        "events": len(latencies),
        "events_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "latency": summary(latencies),
        "items_read_mean": round(sum(reads) / len(reads), 2) if reads else 0,
        "items_read_max": max(reads, default=0),
        "items_written_mean": round(sum(writes) / len(writes), 2) if writes else 0,
        "items_written_max": max(writes, default=0),
        "completed": len(completed),
        "isolation": isolation,
    }


def _board(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from stride.challenges import rules as R
    from stride.store import keys
    from stride.store.challenges import ChallengeRepository, counters_key, entry_item

    repo, rng = ChallengeRepository(), random.Random(101)
    size = int(plan["board_participants"])
    challenge_id = CHALLENGE_BASE + 999_999
    scores = [round(50_000 * math.exp(rng.gauss(0, 0.6))) for _ in range(size)]
    progress(f"challenges: seeding a leaderboard of {size:,} participants")
    counters: dict[str, dict[int, int]] = {}
    items = []
    for offset, value in enumerate(scores):
        ordered = R.ordered_score(R.Kind.DISTANCE, value)
        items.append(
            entry_item(
                challenge_id,
                ATHLETE_BASE + 1_000_000 + offset,
                keys.challenge_entry_sk(ordered, ATHLETE_BASE + 1_000_000 + offset),
                value,
            )
        )
        for prefix, deltas in R.counter_deltas(None, ordered).items():
            bucket = counters.setdefault(prefix, {})
            for digit, n in deltas.items():
                bucket[digit] = bucket.get(digit, 0) + n
    for prefix, bucket in counters.items():
        item = {**counters_key(challenge_id, prefix), "kind": {"S": "challenge_counts"}}
        item.update({f"c{digit:03d}": {"N": str(n)} for digit, n in bucket.items()})
        items.append(item)
    repo.write_items(items)
    ranked = sorted(scores, reverse=True)
    read = repo.items_read
    began = time.perf_counter()
    top = repo.top(challenge_id, 20)
    top_ms, top_items = (time.perf_counter() - began) * 1000, repo.items_read - read
    wrong = int([s for _, s, _ in top] != ranked[:20])
    depths = []
    for depth in DEPTHS:
        position = min(depth if isinstance(depth, int) else max(1, math.ceil(depth * size)), size)
        value = ranked[position - 1]
        ordered = R.ordered_score(R.Kind.DISTANCE, value)
        read, requests = repo.items_read, repo.calls
        began = time.perf_counter()
        found = repo.counters(challenge_id, [p for p, _ in R.digit_path(ordered)])
        rank = 1 + R.ahead_from_counters(ordered, found)
        ms = (time.perf_counter() - began) * 1000
        expected = 1 + sum(1 for s in ranked[:position] if s > value)
        wrong += rank != expected
        depths.append(
            {"position": position, "rank": rank, "items_read": repo.items_read - read,
             "requests": repo.calls - requests, "ms": round(ms, 1)}
        )  # fmt: skip
    return {
        "participants": size,
        "counter_items": len(counters),
        "top20": {"items_read": top_items, "ms": round(top_ms, 1)},
        "ranks": depths,
        "wrong": wrong,
    }


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # The plan names these either plainly (this module's FULL/QUICK) or prefixed (benchmarks/__main__.py's plans).
    sizes = {key: int(plan.get(f"challenge_{key}", plan.get(key, QUICK[key]))) for key in QUICK}
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("challenges: starting the local cloud")
    info = cloud.start()
    results: dict[str, Any] = {"scoring": None, "board": None, "error": None}
    try:
        _stride_ready(info, cloud, max_followers=10_000)
        results["scoring"] = _scoring(sizes, progress)
        results["board"] = _board(sizes, progress)
    except Exception as exc:  # reported as a failed measurement, as the pipeline does
        results["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        progress("challenges: stopping the local cloud")
        cloud.stop()
    return results


def errors(data: dict[str, Any]) -> list[str]:
    found = [f"challenges: {data['error']}"] if data.get("error") else []
    board = data.get("board") or {}
    if board.get("wrong"):
        found.append(f"challenge leaderboard: {board['wrong']} reads differ from the sorted scores")
    isolation = (data.get("scoring") or {}).get("isolation") or []
    by_count = {row["challenges"]: row for row in isolation}
    if by_count and by_count.get(0, {}).get("items_written_max", 0):
        found.append("challenge scoring wrote items for an athlete in no challenge")
    for row in isolation:
        if row["items_read"] > max(1, row["challenges"]):
            found.append(f"challenge scoring read {row['items_read']} items for an athlete in {row['challenges']}")
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, table

    lines = ["Challenge scoring and leaderboards on the local cloud (in-process moto)", ""]
    scoring = data.get("scoring")
    if scoring:
        lines += [
            f"  {scoring['events']:,} activity.created events against {scoring['challenges']:,} live challenges with "
            f"{scoring['participations']:,} participations ({scoring['athletes']:,} athletes; setup "
            f"{scoring['seed_s']} s of BatchWriteItem): {scoring['events_per_s']} events/s, "
            f"p50 {fmt_ms(scoring['latency']['p50_ms'])} ms, p99 {fmt_ms(scoring['latency']['p99_ms'])} ms per event;",
            f"  items read per event {scoring['items_read_mean']} mean ({scoring['items_read_max']} max), written "
            f"{scoring['items_written_mean']} mean ({scoring['items_written_max']} max); "
            f"{scoring['completed']} challenge.completed.",
            "",
            table(
                ["athlete in", "items read", "written mean", "written max", "p50 ms", "p99 ms"],
                [
                    [
                        f"{row['challenges']} challenges",
                        str(row["items_read"]),
                        f"{row['items_written_mean']:.1f}",
                        str(row["items_written_max"]),
                        fmt_ms(row["latency"]["p50_ms"]),
                        fmt_ms(row["latency"]["p99_ms"]),
                    ]
                    for row in scoring["isolation"]
                ],
                right=(1, 2, 3, 4, 5),
            ),
            "",
            "  One Query of the athlete's own participations (their challenges ending after the activity started),",
            "  then one transaction per participation the activity touches (the participation, the board entry, at",
            "  most 4 digit counters). The other challenges in the table are never read: items follow the athlete's",
            "  own challenges. moto's index Queries walk the table, so its latency grows with it; the local cloud",
            "  makes moto's transactions back up only the items they touch (moto_server.TouchedItemTransactions).",
            "",
        ]
    board = data.get("board")
    if board:
        rows = [["top 20", str(board["top20"]["items_read"]), "1", f"{board['top20']['ms']}"]]
        rows += [
            [
                f"my rank #{r['rank']:,} (position {r['position']:,})",
                str(r["items_read"]),
                str(r["requests"]),
                f"{r['ms']}",
            ]
            for r in board["ranks"]
        ]
        lines += [
            f"  Leaderboard of {board['participants']:,} participants ({board['counter_items']} digit-counter items):",
            "",
            table(["read", "items read", "requests", "ms"], rows, right=(1, 2, 3)),
            "",
            "  top 20: one Query, Limit 20 (moto sorts the whole partition first: its time grows with the board,",
            "  DynamoDB's does not). my rank: BatchGetItem of the 4 counter items on my score's path (ties share a",
            "  rank), the same 4 items at every depth; every rank checked against the sorted scores.",
        ]
    if data.get("error"):
        lines += ["", f"  error: {data['error']}"]
    return lines


if __name__ == "__main__":
    import json
    import sys

    chosen = FULL if "--full" in sys.argv else QUICK
    measured = measure(dict(chosen), lambda message: print(message, file=sys.stderr))
    print("\n".join(report_lines(measured)))
    print(json.dumps(errors(measured)))
