"""Measurement 2: request latency through the local cloud, against the gateway floor and a direct moto GetItem.

One LocalCloud on free ports, one signed-up athlete. Sequential phase: ``GET /api/v3/athlete`` (gateway, token
check, a warm Lambda worker, pynamodb to moto), ``GET /health`` (same gateway and HTTP, no function) and a direct
DynamoDB GetItem of the athlete's profile (boto3 to moto, no gateway). Then concurrent clients for throughput,
after a concurrent warm-up so that the measured round runs on warm execution environments. The cold starts are
read from the REPORT lines the cloud keeps (``cloud.reports``).
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import requests

from benchmarks.stats import summary
from infrastructure.local_cloud.cloud import LocalCloud
from infrastructure.local_cloud.seed import create_user, sign_in

ATHLETE_PATH = "/api/v3/athlete"
HEALTH_PATH = "/health"
FUNCTION = "GetAthleteFunction"
PASSWORD = "Bench-Password-1"


@contextmanager
def output_to(log_path: Path) -> Iterator[IO[str]]:
    """Send this process's fd 1 and 2 (and so every worker it spawns) to ``log_path``; yield the real stderr.

    Lambda workers inherit stdout and print Powertools log and EMF lines on every invocation, moto and the SAM
    translator chat on stderr: all of it goes to the log so that the report stays readable.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    with log_path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    console = os.fdopen(os.dup(saved_err), "w", buffering=1)
    try:
        yield console
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        console.close()
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        os.close(saved_out)
        os.close(saved_err)


def query_floor_ms(client: Any, table: str, partition: str, runs: int) -> list[float]:
    """Latencies of a Query of a small (or empty) partition: what moto charges any Query on this table, since it
    sorts the whole table first. The feed, segment and leaderboard measurements report it beside their reads."""
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        client.query(
            TableName=table,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": partition}},
            Limit=1,
        )
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _timed_ms(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _session(token: str | None = None) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: never a proxy from the environment
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    return session


def _get_ok(session: requests.Session, url: str) -> requests.Response:
    response = session.get(url, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:200]}")
    return response


def _concurrent(url: str, token: str, clients: int, per_client: int) -> dict[str, Any]:
    """``clients`` threads, each with its own keep-alive session, released together; latencies and statuses."""
    barrier = threading.Barrier(clients + 1)
    results: list[list[tuple[float, int]]] = [[] for _ in range(clients)]

    def run(slot: int) -> None:
        with _session(token) as session:
            barrier.wait()
            for _ in range(per_client):
                try:
                    elapsed, response = _timed_ms(lambda: session.get(url, timeout=30))
                    results[slot].append((elapsed, response.status_code))
                except requests.RequestException:
                    results[slot].append((float("nan"), 0))

    threads = [threading.Thread(target=run, args=(slot,), name=f"bench-client-{slot}") for slot in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall_s = time.perf_counter() - started
    flat = [sample for slot in results for sample in slot]
    ok = [ms for ms, status in flat if status == 200]
    statuses: dict[str, int] = {}
    for _, status in flat:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "clients": clients,
        "requests_per_client": per_client,
        "requests": len(flat),
        "ok": len(ok),
        "statuses": statuses,
        "wall_s": round(wall_s, 3),
        "throughput_rps": round(len(ok) / wall_s, 1) if wall_s > 0 else None,
        "latency": summary(ok) if ok else None,
    }


def _cold_starts(cloud: LocalCloud) -> dict[str, Any]:
    names = {pool.spec.function_name: logical_id for logical_id, pool in cloud.pools.items()}
    inits: dict[str, list[float]] = {}
    invocations: dict[str, int] = {}
    for report in list(cloud.reports):
        logical_id = names.get(report.function, report.function)
        invocations[logical_id] = invocations.get(logical_id, 0) + 1
        if report.init_ms is not None:
            inits.setdefault(logical_id, []).append(report.init_ms)
    found = {}
    for logical_id, values in inits.items():
        rest = values[1:]
        found[logical_id] = {
            "invocations": invocations[logical_id],
            "cold_starts": len(values),
            "init_ms": [round(v, 2) for v in values],
            "first_init_ms": round(values[0], 2),
            "later_inits_median_ms": round(statistics.median(rest), 2) if rest else None,
            "later_inits_max_ms": round(max(rest), 2) if rest else None,
        }
    return found


def bench_token(cloud: LocalCloud, info: Any, family_name: str) -> str:
    """A fresh athlete signed in through Cognito (moto): the access token a client would send."""
    cognito = cloud.client("cognito-idp")
    username = f"bench-{uuid.uuid4().hex[:8]}"
    create_user(
        cognito,
        info.user_pool_id,
        info.user_pool_client_id,
        username,
        PASSWORD,
        f"{username}@bench.local",
        ("MEMBER",),
        "Bench",
        family_name,
    )
    return str(sign_in(cognito, info.user_pool_client_id, username, PASSWORD)["AccessToken"])


def measure(n: int, warmup: int, clients: int, per_client: int, progress: Callable[[str], None]) -> dict[str, Any]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress("cloud: starting moto, provisioning template.yaml, gateway")
    startup_ms, info = _timed_ms(cloud.start)
    try:
        token = bench_token(cloud, info, "Runner")
        athlete_url, health_url = f"{info.api_url}{ATHLETE_PATH}", f"{info.api_url}{HEALTH_PATH}"
        dynamodb = cloud.client("dynamodb")

        with _session(token) as api, _session() as plain:
            progress("cloud: first request (cold start of GetAthleteFunction, creates the profile)")
            first_ms, first = _timed_ms(lambda: _get_ok(api, athlete_url))
            athlete_id = int(first.json()["id"])
            key = {"PK": {"S": f"ATH#{athlete_id}"}, "SK": {"S": "PROFILE"}}
            if "Item" not in dynamodb.get_item(TableName=info.table_name, Key=key):
                raise RuntimeError(f"no profile item for athlete {athlete_id} in {info.table_name}")

            def get_item() -> Any:
                return dynamodb.get_item(TableName=info.table_name, Key=key)

            for _ in range(warmup):
                _get_ok(api, athlete_url)
                _get_ok(plain, health_url)
                get_item()

            progress(f"cloud: {n} sequential requests each: GET {ATHLETE_PATH}, GET {HEALTH_PATH}, GetItem")
            function_name = cloud.pools[FUNCTION].spec.function_name
            mark = len(cloud.reports)
            athlete = [_timed_ms(lambda: _get_ok(api, athlete_url))[0] for _ in range(n)]
            durations = [r.duration_ms for r in cloud.reports[mark:] if r.function == function_name]
            health = [_timed_ms(lambda: _get_ok(plain, health_url))[0] for _ in range(n)]
            item = [_timed_ms(get_item)[0] for _ in range(n)]

        progress(f"cloud: concurrent warm-up ({clients} clients x 2), then {clients} clients x {per_client}")
        _concurrent(athlete_url, token, clients, 2)
        concurrent = _concurrent(athlete_url, token, clients, per_client)
        cold = _cold_starts(cloud)
    finally:
        progress("cloud: stopping")
        cloud.stop()
    return {
        "startup_ms": round(startup_ms, 1),
        "first_request_ms": round(first_ms, 2),
        "warmup_requests": warmup,
        "sequential": {
            "athlete": {"what": f"GET {ATHLETE_PATH} via gateway + {FUNCTION}", **summary(athlete)},
            "function_duration": {"what": f"{FUNCTION} REPORT Duration (inside the worker)", **summary(durations)},
            "health": {"what": f"GET {HEALTH_PATH} via gateway (no function)", **summary(health)},
            "get_item": {"what": "DynamoDB GetItem PK=ATH#<id>, SK=PROFILE direct to moto", **summary(item)},
        },
        "concurrent": concurrent,
        "cold_starts": cold,
        "throttle": {"rate_rps": cloud.gateway.throttle.rate, "burst": cloud.gateway.throttle.burst}
        if cloud.gateway is not None and cloud.gateway.throttle is not None
        else None,
    }
