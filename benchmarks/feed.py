"""Measurement 5: the home feed on the local cloud (moto behind our gateway, started in-process).

Fan-out: one activity written into N followers' feeds. The follower edges, the author's profile and the activity
are seeded straight into the table with BatchWriteItem (not through the API). The same list of N FeedEntryItems
is then written twice in the same run: by the fan-out's writer (BatchWriteItem of 25 from a thread pool, with
retries of unprocessed items) and by the naive baseline (one PutItem per follower, in order). The whole consumer
(``FanOut.activity_created``: profile, activity, follower pages, mutes, then the writes) is timed as well.

Read: a reader following 500 athletes (a few of them popular, merged at read time) with 10,000 entries in their
feed partition. ``GET /api/v3/feed`` is timed through the gateway while walking pages with the cursor, and the
items each page reads (Query items + BatchGet keys) are counted by running the same read in-process.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.cloud_latency import query_floor_ms
from benchmarks.stats import summary

ROOT = Path(__file__).resolve().parents[1]
LAYER = ROOT / "layers" / "stride" / "python"
GOAL_RATIO = 10.0
AUTHOR_BASE = 8_000_000_000_000  # synthetic athlete ids, far from the ids the cloud hands out
START = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def _stride_ready(info: Any, cloud: Any, max_followers: int) -> None:
    """Point the in-process domain code at the cloud (before stride's models are imported)."""
    if str(LAYER) not in sys.path:
        sys.path.insert(0, str(LAYER))
    os.environ.update(
        {
            "TABLE_NAME": info.table_name,
            "EVENT_BUS_NAME": info.event_bus_name,
            "AWS_ENDPOINT_URL": info.endpoint_url,
            "AWS_DEFAULT_REGION": info.region,
            "FEED_FANOUT_MAX_FOLLOWERS": str(max_followers),
            "FEED_ENTRY_TTL_DAYS": "60",
            "FEED_CURSOR_SECRET_ARN": cloud.state.physical["FeedCursorSecret"],
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
    )
    from stride.config import feed_settings, table_settings
    from stride.store.models import StrideItem

    table_settings.cache_clear()
    feed_settings.cache_clear()
    StrideItem.Meta.table_name = info.table_name  # in case another measurement imported the models first


def _activity(activity_id: int, athlete_id: int, start: datetime, name: str) -> Any:
    from stride.activities.models import Activity, ActivitySummary

    summary = ActivitySummary(
        name=name,
        sport_type="Run",
        type="Run",
        start_date=start,
        start_date_local=start,
        distance=10_000.0,
        moving_time=3000,
        elapsed_time=3100,
        average_speed=3.3,
        max_speed=4.5,
        summary_polyline="_p~iF~ps|U_ulLnnqC_mqNvxq`@",
        start_latlng=[38.5, -120.2],
        end_latlng=[43.252, -126.453],
    )
    return Activity(activity_id, athlete_id, summary, "everyone", start, start)


def _seed(repository: Any, items: list[Any]) -> None:
    report = repository._write([{"PutRequest": {"Item": item.serialize()}} for item in items])
    if report.failed:
        raise RuntimeError(f"seeding left {report.failed} items unwritten")


def _edge(partition: str, owner: int, other: int) -> Any:
    from stride.store import keys
    from stride.store.models import EdgeItem

    return EdgeItem(partition, keys.athlete_sk(other), athlete_id=owner, other_id=other, created_at=START)


def _profile(athlete_id: int, followers: int) -> Any:
    from stride.store import keys
    from stride.store.models import AthleteItem

    return AthleteItem(
        keys.athlete_pk(athlete_id),
        keys.PROFILE,
        athlete_id=athlete_id,
        username=f"bench{athlete_id}",
        follower_count=followers,
        created_at=START,
        updated_at=START,
    )


# ------------------------------------------------------------------------------------------ fan-out


def _fan_out(size: int, index: int, progress: Callable[[str], None]) -> dict[str, Any]:
    from stride.events.contracts import ActivitySnapshot
    from stride.feed.fanout import FanOut
    from stride.feed.views import entry_json
    from stride.store import keys
    from stride.store.activities import _activity_to_item
    from stride.store.feed import FeedRepository, feed_entry_item

    repository = FeedRepository()
    author = AUTHOR_BASE + index * 1_000_000
    followers = [author + 1 + n for n in range(size)]
    activity = _activity(author * 10 + 1, author, START + timedelta(days=index), f"fan-out to {size}")
    progress(f"feed: seeding {size:,} follower edges with BatchWriteItem")
    _seed(repository, [_edge(keys.followers_pk(author), author, f) for f in followers])
    _seed(repository, [_profile(author, size), _activity_to_item(activity)])

    start = int(activity.summary.start_date.timestamp())
    entry = entry_json(activity)
    items = [feed_entry_item(r, author, activity.id, start, entry, 60) for r in [author, *followers]]

    progress(f"feed: {size:,} followers, batched parallel writer ({repository.workers} threads)")
    began = time.perf_counter()
    report = repository.put_entries(items)
    batched_ms = (time.perf_counter() - began) * 1000
    progress(f"feed: {size:,} followers, one PutItem per follower")
    began = time.perf_counter()
    repository.put_entries_one_by_one(items)
    naive_ms = (time.perf_counter() - began) * 1000
    progress(f"feed: {size:,} followers, the whole consumer (FanOut.activity_created)")
    snapshot = ActivitySnapshot(
        activity_id=activity.id,
        athlete_id=author,
        name=activity.summary.name,
        sport_type="Run",
        start_date=activity.summary.start_date,
        start_date_local=activity.summary.start_date_local,
        visibility="everyone",
    )
    began = time.perf_counter()
    result = FanOut(repository).activity_created(snapshot)
    consumer_ms = (time.perf_counter() - began) * 1000
    return {
        "followers": size,
        "items": len(items),
        "batches": report.batches,
        "workers": repository.workers,
        "failed": report.failed + result.failed,
        "consumer_written": result.written,
        "batched_ms": round(batched_ms, 1),
        "naive_ms": round(naive_ms, 1),
        "consumer_ms": round(consumer_ms, 1),
        "naive_measured": True,
        "ratio": round(naive_ms / batched_ms, 2) if batched_ms > 0 else None,
        "batched_items_per_s": round(len(items) / (batched_ms / 1000)),
        "naive_items_per_s": round(len(items) / (naive_ms / 1000)),
    }


# ------------------------------------------------------------------------------------------ read


def _seed_reader(reader: int, following: int, entries: int, popular: int, progress: Callable[[str], None]) -> None:
    """``following`` authors, ``popular`` of them popular (merged at read time, 20 activities each), the rest
    sharing ``entries`` fanned-out entries in the reader's partition, each backed by its activity item."""
    from stride.feed.views import entry_json
    from stride.store import keys
    from stride.store.activities import _activity_to_item
    from stride.store.feed import FeedRepository, feed_entry_item
    from stride.store.models import PopularItem

    repository = FeedRepository()
    authors = [AUTHOR_BASE + 900_000_000 + n for n in range(following)]  # never a fan-out test's ids
    stars, ordinary = authors[:popular], authors[popular:]
    rng = random.Random(7)
    items: list[Any] = [_edge(keys.following_pk(reader), reader, a) for a in authors]
    items += [_edge(keys.followers_pk(a), a, reader) for a in authors]
    items += [PopularItem(keys.POPULAR_PK, keys.athlete_sk(s), athlete_id=s, follower_count=10**6) for s in stars]
    next_id = AUTHOR_BASE * 10 + 5_000_000_000
    for n in range(entries):
        author = ordinary[n % len(ordinary)]
        activity = _activity(next_id + n, author, START + timedelta(minutes=rng.randrange(0, 200_000)), f"e{n}")
        start = int(activity.summary.start_date.timestamp())
        items.append(_activity_to_item(activity))
        items.append(feed_entry_item(reader, author, activity.id, start, entry_json(activity), 60))
    next_id += entries
    for s_index, star in enumerate(stars):
        for k in range(20):
            moment = START + timedelta(minutes=rng.randrange(0, 200_000))
            items.append(_activity_to_item(_activity(next_id + s_index * 20 + k, star, moment, f"star{k}")))
    progress(f"feed: seeding the reader: {len(items):,} items with BatchWriteItem")
    _seed(repository, items)


def _query_floor(cloud: Any, info: Any, runs: int = 10) -> list[float]:
    """Latency of a Query of a one-item partition on the same table: what moto charges any Query here."""
    return query_floor_ms(cloud.client("dynamodb"), info.table_name, "POPULAR", runs)


def _read(cloud: Any, info: Any, plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from benchmarks.cloud_latency import _session, bench_token
    from stride.feed import timeline
    from stride.policy import Caller

    following, entries, requests_n = int(plan["feed_following"]), int(plan["feed_entries"]), int(plan["feed_reads"])
    popular = int(plan["feed_popular"])
    token = bench_token(cloud, info, "Reader")
    url = f"{info.api_url}/api/v3/feed"
    with _session(token) as api:
        reader = int(api.get(f"{info.api_url}/api/v3/athlete", timeout=30).json()["id"])
        _seed_reader(reader, following, entries, popular, progress)
        per_page = 20
        progress(f"feed: {requests_n} GET /api/v3/feed?per_page={per_page}, walking pages with the cursor")
        latencies: list[float] = []
        depth, cursor, max_depth = 0, None, 25
        api.get(url, params={"per_page": per_page}, timeout=30).raise_for_status()  # warm the function
        for _ in range(requests_n):
            params: dict[str, Any] = {"per_page": per_page, **({"cursor": cursor} if cursor else {})}
            began = time.perf_counter()
            response = api.get(url, params=params, timeout=30)
            latencies.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET /api/v3/feed answered {response.status_code}: {response.text[:200]}")
            body = response.json()
            depth += 1
            cursor = body["next_cursor"] if depth < max_depth else None
            depth = 0 if cursor is None else depth
            if len(body["entries"]) != per_page:
                raise RuntimeError(f"a feed page held {len(body['entries'])} entries, not {per_page}")
    # moto sorts the whole table on every Query (DynamoDB reads one partition): the floor each Query pays here.
    floor = _query_floor(cloud, info)
    # The same pages in-process (no gateway), where the items each page reads are counted.
    caller = Caller(athlete_id=reader, sub="bench")
    timeline.forget_popular()
    counted: list[int] = []
    direct: list[float] = []
    cursor = None
    for page_no in range(min(requests_n, 20)):
        began = time.perf_counter()
        page = timeline.read_page(caller, per_page, cursor)
        direct.append((time.perf_counter() - began) * 1000)
        if page_no:  # the first read also loads the popular set (cached for a minute afterwards)
            counted.append(page.items_read)
        cursor = page.next_cursor
    return {
        "following": following,
        "popular": popular,
        "entries": entries,
        "per_page": per_page,
        "max_depth": max_depth,
        "api": summary(latencies),
        "moto_query_floor": summary(floor),
        "table_items": sum(
            int(page["Count"])
            for page in cloud.client("dynamodb")
            .get_paginator("scan")
            .paginate(TableName=info.table_name, Select="COUNT")
        ),
        "in_process": summary(direct),
        "items_read_per_page": {"min": min(counted), "max": max(counted), "median": sorted(counted)[len(counted) // 2]},
        "items_read_breakdown": f"Query of up to {per_page + 1} entries + Query of up to {per_page + 1} activities of"
        f" each of {popular} popular athlete(s) + BatchGet of {2 * popular} follow/mute edges + BatchGet of the"
        f" page's fanned-out activities and their authors' privacy (at most {2 * per_page} keys)",
    }


# ------------------------------------------------------------------------------------------ measure


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    sizes = [int(size) for size in plan["feed_sizes"]]
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("feed: starting the local cloud")
    info = cloud.start()
    results: dict[str, Any] = {"goal_ratio": GOAL_RATIO, "fan_out": [], "error": None}
    try:
        _stride_ready(info, cloud, max_followers=10 * max(sizes))
        # Reads first, while the table holds only the reader's items: moto answers a GSI Query by scanning the
        # whole table (DynamoDB reads only the index partition), which would bill the fan-out's items to reads.
        results["read"] = _read(cloud, info, plan, progress)
        for index, size in enumerate(sizes):
            results["fan_out"].append(_fan_out(size, index, progress))
    except Exception as exc:  # reported as a failed measurement, as the pipeline does
        results["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        progress("feed: stopping the local cloud")
        cloud.stop()
    return results


def errors(data: dict[str, Any]) -> dict[str, str]:
    found = {"feed": data["error"]} if data.get("error") else {}
    for entry in data.get("fan_out", []):
        if entry["failed"]:
            found[f"fan-out {entry['followers']}"] = f"{entry['failed']} writes failed"
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, fmt_ratio, table

    rows = []
    for entry in data.get("fan_out", []):
        ratio = entry["ratio"]
        goal = "-" if ratio is None else ("met" if ratio >= data["goal_ratio"] else "MISSED")
        rows.append(
            [
                f"{entry['followers']:,}",
                f"{entry['batches']:,} x 25, {entry['workers']} threads",
                fmt_ms(entry["batched_ms"]),
                fmt_ms(entry["naive_ms"]) + ("" if entry["naive_measured"] else " (extrapolated)"),
                fmt_ratio(ratio),
                f">= {data['goal_ratio']:g}x {goal}",
                fmt_ms(entry["consumer_ms"]),
                f"{entry['batched_items_per_s']:,}",
            ]
        )
    lines = [
        "5. Home feed on the local cloud (in-process moto: DynamoDB requests are served one at a time, on the"
        " benchmark's own CPUs, so the thread pool overlaps only client work; on DynamoDB the batches run in"
        " parallel)",
        "",
        table(
            ["followers", "batched writes", "batched ms", "PutItem each ms", "ratio", "goal", "consumer ms", "items/s"],
            rows,
            right=(0, 2, 3, 4, 6, 7),
        ),
        "",
        "  Same run, same FeedEntryItems: the batched writer first, then one PutItem per follower (all measured).",
        "  ratio: PutItem-each time / batched time. consumer ms: FanOut.activity_created end to end (profile,",
        "  activity, follower pages of 1,000, mutes, then the batched writes).",
    ]
    if data.get("error"):
        lines += ["", f"  FAILED: {data['error']}"]
    read = data.get("read")
    if read:
        api, direct, counted = read["api"], read["in_process"], read["items_read_per_page"]
        lines += [
            "",
            f"  Read: a reader following {read['following']} athletes ({read['popular']} popular, merged at read"
            f" time) with {read['entries']:,} feed entries; per_page={read['per_page']}, pages walked with the"
            f" cursor up to {read['max_depth']} deep.",
            table(
                ["path", "requests", "p50 ms", "p99 ms", "max ms"],
                [
                    [
                        "GET /api/v3/feed (gateway + function)",
                        api["n"],
                        fmt_ms(api["p50_ms"]),
                        fmt_ms(api["p99_ms"]),
                        fmt_ms(api["max_ms"]),
                    ],
                    [
                        "timeline.read_page in-process (to moto)",
                        direct["n"],
                        fmt_ms(direct["p50_ms"]),
                        fmt_ms(direct["p99_ms"]),
                        fmt_ms(direct["max_ms"]),
                    ],
                ],
                right=(1, 2, 3, 4),
            ),  # fmt: skip
            f"  items read per page: median {counted['median']} (min {counted['min']}, max {counted['max']}):"
            f" {read['items_read_breakdown']}.",
            f"  moto sorts the whole table ({read['table_items']:,} items) on every Query, table or GSI: a Query of a"
            f" one-item partition costs {fmt_ms(read['moto_query_floor']['p50_ms'])} ms p50 here. A warm page makes"
            f" {1 + read['popular']} Queries (the feed partition, {read['popular']} popular list(s)) and 2"
            " BatchGetItems (follow/mute edges, fresh data; POPULAR is cached): most of the latency above is moto's.",
        ]
    return lines
