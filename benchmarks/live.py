"""Measurement: live tracking under load on the local cloud (devices posting points, watchers on WebSockets).

Per size N (a fresh local cloud on free ports each time):

* **Setup, through the public API**: N device athletes and one watcher athlete are signed up in Cognito (in
  parallel); each device athlete starts a live session (``POST /api/v3/live/sessions``) with audience "chosen"
  naming the watcher (so no follow edges are needed: the same subscribe check as for a follower, one
  ``GetItem`` of the session). The watcher opens **one WebSocket connection per session** and subscribes it
  (``{"action": "subscribe", "session_id": N}``): N connections, every one must answer "subscribed".
* **Load**: N simulated devices at 1 Hz post a batch of 5 points every 5 s (``POST .../points``), staggered
  evenly over the 5 s, for the plan's duration. The stage throttle of the template (200 requests/s, burst 400)
  is lifted for the run, so the measurement finds the system's own limit; on AWS that limit is the first one
  (docs/live-scale.md).
* **Drain and check**: after the last post, wait until every accepted point reached its watcher (or nothing
  arrived for ``STALL_S``), then read each session's ``state.point_count`` (``GET /api/v3/live/sessions/{id}``):
  points accepted = points stored = points delivered, per session, or the run fails.

The clients run in **one separate process** (spawned, so the cloud's threads and GIL are not shared with
them): asyncio, raw HTTP/1.1 over ``HTTP_CONNECTIONS`` keep-alive loopback connections shared by all devices
(the gateway serves a thread per TCP connection; thousands of connections would be thousands of threads), and
the ``websockets`` client for the watchers. A post that is due while every connection is busy waits: that wait
is reported as "schedule lag", apart from the on-the-wire POST latency. End-to-end latency runs from the start
of a point's POST to its arrival at the watcher's socket, matched by (session, point time in ms), both taken
with the client process's monotonic clock.

CPU: user+system seconds of the cloud process (gateway, moto, WebSocket server, Kinesis pollers: one Python
process), of the function workers (per function), and of the client process, over the load phase only, shown
as cores used (2.0 = both cores of the development machine).
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.stats import summary

ROOT = Path(__file__).resolve().parents[1]
FULL_SIZES = [500, 2_000, 5_000]
QUICK_SIZES = [100, 500]
BATCH_EVERY_S = 5.0
POINTS_PER_BATCH = 5
HTTP_CONNECTIONS = 32  # keep-alive connections the devices share (the gateway has a thread per connection)
SETUP_THREADS = 8  # the function pools have 8 environments: more setup threads only queue (and time out)
CONNECT_AT_ONCE = 64  # watcher handshakes in flight (each runs the authorizer and $connect)
WARMUP_ROUNDS = 1  # the first 5 s start the PostPoints and consumer environments: not in the latency figures
STALL_S = 20.0  # drain: give up when no point arrived for this long
DRAIN_MAX_S = 300.0
PASSWORD = "Bench-Live-1"
ORIGIN = (45.0, 6.0)
_SPAWN = multiprocessing.get_context("spawn")


@dataclass
class Device:
    session_id: int
    token: str
    index: int


# ------------------------------------------------------------------------------------------ setup (cloud process)


class _Athletes:
    """Athletes signed up, confirmed and signed in through Cognito (moto), as the tests' make_user does."""

    def __init__(self, cloud: Any) -> None:
        self.info = cloud.info
        self.prefix = uuid.uuid4().hex[:6]
        self.clients = [cloud.client("cognito-idp") for _ in range(8)]

    def one(self, index: int) -> dict[str, str]:
        from infrastructure.local_cloud.seed import create_user, sign_in

        cognito = self.clients[index % len(self.clients)]
        username = f"live{self.prefix}{index}"
        create_user(
            cognito,
            self.info.user_pool_id,
            self.info.user_pool_client_id,
            username,
            PASSWORD,
            f"{username}@example.com",
            ("MEMBER",),
            "Live",
            f"Rider{index}",
        )
        token = sign_in(cognito, self.info.user_pool_client_id, username, PASSWORD)["AccessToken"]
        return {"username": username, "token": token}

    def many(self, count: int, progress: Callable[[str], None]) -> list[dict[str, str]]:
        began = time.perf_counter()
        with ThreadPoolExecutor(SETUP_THREADS) as pool:
            users = list(pool.map(self.one, range(count)))
        progress(f"live: {count:,} Cognito users in {time.perf_counter() - began:,.1f} s")
        return users


def _http(method: str, url: str, token: str, body: Any = None) -> tuple[int, Any]:
    import requests

    response = requests.request(method, url, headers={"Authorization": f"Bearer {token}"}, json=body, timeout=120)
    try:
        payload = response.json()
    except ValueError:
        payload = response.text
    return response.status_code, payload


def _sessions(
    api_url: str, athletes: _Athletes, users: list[dict[str, str]], watcher_id: int, progress: Callable[[str], None]
) -> tuple[list[Device], int]:
    """Each user starts a live session. A start that failed on the server side (a function timeout on a busy
    machine) may still have opened the session, and a second start would be a 409: a fresh athlete retries."""
    retried = [0]

    def start(index: int) -> Device:
        user = users[index]
        for attempt in range(4):
            body = {"sport_type": "Ride", "name": f"bench {index}", "audience": "chosen", "athlete_ids": [watcher_id]}
            status, payload = _http("POST", f"{api_url}/api/v3/live/sessions", user["token"], body)
            if status == 201:  # noqa: PLR2004
                return Device(int(payload["id"]), user["token"], index)
            if status < 500 and status != 429:  # noqa: PLR2004 - a client error is a real failure
                break
            retried[0] += 1
            user = athletes.one(1_000_000 * (attempt + 1) + index)
        raise RuntimeError(f"POST /api/v3/live/sessions answered {status}: {str(payload)[:200]}")

    began = time.perf_counter()
    with ThreadPoolExecutor(SETUP_THREADS) as pool:
        devices = list(pool.map(start, range(len(users))))
    progress(f"live: {len(devices):,} sessions started in {time.perf_counter() - began:,.1f} s ({retried[0]} retried)")
    return devices, retried[0]


def _stored_counts(api_url: str, devices: list[Device]) -> dict[int, int | None]:
    """Each session's state.point_count as GET /api/v3/live/sessions/{id} shows it to its owner."""

    def read(device: Device) -> tuple[int, int | None]:
        for attempt in range(3):  # a 502 from an environment that missed its init timeout on a busy machine
            status, payload = _http("GET", f"{api_url}/api/v3/live/sessions/{device.session_id}", device.token)
            if status == 200:  # noqa: PLR2004
                return device.session_id, int(payload["state"]["point_count"])
            time.sleep(1 + attempt)
        return device.session_id, None

    with ThreadPoolExecutor(16) as pool:
        return dict(pool.map(read, devices))


# ------------------------------------------------------------------------------------------ CPU


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_sample(cloud: Any, client_pid: int) -> dict[str, float]:
    sample = {"cloud process": _cpu_seconds(os.getpid()), "client process": _cpu_seconds(client_pid)}
    for logical_id, pool in cloud.pools.items():
        total = sum(_cpu_seconds(worker.process.pid) for worker in list(pool._all) if worker.process.pid)
        if total:
            sample[f"workers {logical_id}"] = total
    return sample


def _cores(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    used = {name: (after[name] - before.get(name, 0.0)) / seconds for name in after}
    return {name: round(value, 2) for name, value in sorted(used.items(), key=lambda kv: -kv[1]) if value >= 0.01}  # noqa: PLR2004


# ------------------------------------------------------------------------------------------ clients (own process)


class _HttpPool:
    """Raw HTTP/1.1 keep-alive connections on loopback, shared by every device."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(None)  # opened on first use

    async def post(self, path: str, token: str, body: bytes, timeout_s: float = 60.0) -> tuple[int, float]:
        """(status, on-the-wire seconds); status 0 is a transport error or timeout."""
        connection = await self.free.get()
        began = time.monotonic()
        try:
            if connection is None:
                connection = await asyncio.open_connection(self.host, self.port)
            reader, writer = connection
            head = (
                f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            writer.write(head.encode() + body)
            status, length = await asyncio.wait_for(self._read_head(reader), timeout_s)
            await reader.readexactly(length)
            self.free.put_nowait(connection)
            return status, time.monotonic() - began
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            if connection is not None:
                connection[1].close()
            self.free.put_nowait(None)
            return 0, time.monotonic() - began

    @staticmethod
    async def _read_head(reader: asyncio.StreamReader) -> tuple[int, int]:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        length = 0
        for line in head[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        return status, length


def _batch(device: Device, due_wall: float, sequence: int) -> tuple[list[dict[str, Any]], bytes]:
    """The last 5 s of a 1 Hz track (ms times), about 6 m/s north-east from the device's own start."""
    points = []
    for offset in range(POINTS_PER_BATCH):
        second = sequence * POINTS_PER_BATCH + offset
        points.append(
            {
                "time": round(due_wall - (POINTS_PER_BATCH - 1 - offset), 3),
                "lat": round(ORIGIN[0] + device.index * 1e-3 + second * 4e-5, 6),
                "lng": round(ORIGIN[1] + second * 5e-5, 6),
                "altitude": 200.0 + second * 0.1,
                "heartrate": 140,
            }
        )
    return points, json.dumps({"points": points, "battery": 80}).encode()


class _Watchers:
    """One WebSocket per session, subscribed; records when each point arrives (by session and point time)."""

    def __init__(self, ws_url: str, token: str) -> None:
        self.url = f"{ws_url}?token={token}"
        self.sent_at: dict[tuple[int, int], float] = {}  # filled by the devices (measured rounds)
        self.warmup: set[tuple[int, int]] = set()  # points of the warm-up round
        self.arrivals_ms: list[float] = []
        self.delivered: Counter[int] = Counter()
        self.seen: set[tuple[int, int]] = set()
        self.duplicates = 0
        self.unmatched = 0
        self.last_arrival = time.monotonic()
        self.errors: Counter[str] = Counter()
        self.subscribed: dict[int, asyncio.Future[bool]] = {}
        self.resent: dict[int, int] = {}
        self.sockets: list[Any] = []
        self._tasks: set[asyncio.Task[None]] = set()

    async def open_all(self, session_ids: list[int]) -> int:
        gate = asyncio.Semaphore(CONNECT_AT_ONCE)
        await asyncio.gather(*(self._open(session_id, gate) for session_id in session_ids), return_exceptions=True)
        return sum(1 for f in self.subscribed.values() if f.done() and f.result())

    async def _open(self, session_id: int, gate: asyncio.Semaphore) -> None:
        from websockets.asyncio.client import connect

        async with gate:
            self.subscribed[session_id] = asyncio.get_running_loop().create_future()
            for attempt in range(3):  # a refused handshake (a $connect timeout on a busy machine) is retried
                try:
                    socket = await connect(
                        self.url, proxy=None, compression=None, open_timeout=300, ping_interval=None, max_size=None
                    )
                    break
                except Exception as exc:
                    self.errors[f"connect (attempt {attempt + 1}): {type(exc).__name__}: {str(exc)[:80]}"] += 1
            else:
                self.subscribed[session_id].set_result(False)
                return
            self.sockets.append(socket)
            task = asyncio.get_running_loop().create_task(self._read(socket, session_id))
            self._tasks.add(task)
            await socket.send(json.dumps({"action": "subscribe", "session_id": session_id}))
            await asyncio.wait_for(asyncio.shield(self.subscribed[session_id]), 300)

    async def _read(self, socket: Any, session_id: int) -> None:
        try:
            async for frame in socket:
                message = json.loads(frame)
                kind = message.get("type")
                if kind == "points":
                    self._points(message, time.monotonic())
                elif kind in ("subscribed", "error") and not self.subscribed[session_id].done():
                    self.subscribed[session_id].set_result(kind == "subscribed")
                    if kind == "error":
                        self.errors[f"subscribe: {message.get('message')}"] += 1
                elif kind is None and not self.subscribed[session_id].done():
                    # API Gateway's own error frame (the route's function failed or timed out): ask again
                    self.errors[f"subscribe (retried): {message.get('message')}"] += 1
                    resent = self.resent[session_id] = self.resent.get(session_id, 0) + 1
                    if resent > 2:  # noqa: PLR2004
                        self.subscribed[session_id].set_result(False)
                    else:
                        await socket.send(json.dumps({"action": "subscribe", "session_id": session_id}))
        except Exception as exc:  # a dropped watcher is a finding, not a crash
            self.errors[f"socket: {type(exc).__name__}"] += 1

    def _points(self, message: dict[str, Any], now: float) -> None:
        self.last_arrival = now
        for point in message["points"]:
            key = (int(message["session_id"]), round(float(point["time"]) * 1000))
            if key in self.seen:
                self.duplicates += 1
                continue
            self.seen.add(key)
            self.delivered[key[0]] += 1
            if key in self.sent_at:
                self.arrivals_ms.append((now - self.sent_at[key]) * 1000)
            elif key not in self.warmup:
                self.unmatched += 1

    async def drain(self, expected: int) -> float:
        """Wait until ``expected`` points arrived, or none arrived for STALL_S; the seconds waited."""
        began = time.monotonic()
        while sum(self.delivered.values()) < expected:
            now = time.monotonic()
            if now - max(self.last_arrival, began) > STALL_S or now - began > DRAIN_MAX_S:
                break
            await asyncio.sleep(0.2)
        return time.monotonic() - began

    async def close(self) -> None:
        await asyncio.gather(*(s.close() for s in self.sockets), return_exceptions=True)


class _Devices:
    """N devices posting a 5-point batch every 5 s each, staggered evenly, through shared HTTP connections."""

    def __init__(self, api_url: str, devices: list[Device], watchers: _Watchers) -> None:
        api = urlsplit(api_url)
        self.pool = _HttpPool(api.hostname or "127.0.0.1", int(api.port or 80), HTTP_CONNECTIONS)
        self.devices, self.watchers = devices, watchers
        self.statuses: Counter[int] = Counter()
        self.wire_ms: list[float] = []
        self.lag_ms: list[float] = []
        self.accepted: Counter[int] = Counter()
        self.offered_points = 0

    async def run(self, rounds: int) -> float:
        start_mono, start_wall = time.monotonic() + 1.0, time.time() + 1.0
        began = time.monotonic()
        count = len(self.devices)
        await asyncio.gather(
            *(
                self._post(device, sequence, start_mono, start_wall, BATCH_EVERY_S * (sequence + i / count))
                for sequence in range(rounds)
                for i, device in enumerate(self.devices)
            )
        )
        return time.monotonic() - began

    async def _post(self, device: Device, sequence: int, start_mono: float, start_wall: float, at: float) -> None:
        await asyncio.sleep(max(0.0, start_mono + at - time.monotonic()))
        points, body = _batch(device, start_wall + at, sequence)
        self.offered_points += len(points)
        sending = time.monotonic()
        measured = sequence >= WARMUP_ROUNDS
        for point in points:
            key = (device.session_id, round(point["time"] * 1000))
            if measured:
                self.watchers.sent_at[key] = sending
            else:
                self.watchers.warmup.add(key)
        status, wire_s = await self.pool.post(f"/api/v3/live/sessions/{device.session_id}/points", device.token, body)
        self.statuses[status] += 1
        if measured:
            self.lag_ms.append((sending - start_mono - at) * 1000)
            self.wire_ms.append(wire_s * 1000)
        if status == 202:  # noqa: PLR2004
            self.accepted[device.session_id] += len(points)


async def _drive(job: dict[str, Any], phases: Any) -> dict[str, Any]:
    devices = [Device(**d) for d in job["devices"]]
    watchers = _Watchers(job["ws_url"], job["watcher_token"])
    began = time.monotonic()
    watchers_ok = await watchers.open_all([d.session_id for d in devices])
    setup_s = time.monotonic() - began
    load = _Devices(job["api_url"], devices, watchers)
    rounds = max(WARMUP_ROUNDS + 1, int(job["duration_s"] // BATCH_EVERY_S))
    phases.send(("load", None))
    load_s = await load.run(rounds)
    phases.send(("drain", None))
    load_average = os.getloadavg()
    total_accepted = sum(load.accepted.values())
    drain_s = await watchers.drain(total_accepted)
    await watchers.close()
    scheduled_s = rounds * BATCH_EVERY_S
    return {
        "devices": len(devices),
        "starts_retried": job.get("starts_retried", 0),
        "watchers_subscribed": watchers_ok,
        "watcher_setup_s": round(setup_s, 1),
        "watcher_errors": dict(watchers.errors),
        "rounds": rounds,
        "scheduled_s": scheduled_s,
        "load_s": round(load_s, 1),
        "offered_points": load.offered_points,
        "offered_points_per_s": round(load.offered_points / scheduled_s, 1),
        "offered_posts_per_s": round(len(devices) / BATCH_EVERY_S, 1),
        "accepted_points": total_accepted,
        "accepted_points_per_s": round(total_accepted / load_s, 1),
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "post_wire": summary(load.wire_ms),
        "schedule_lag": summary(load.lag_ms),
        "end_to_end": summary(watchers.arrivals_ms),
        "delivered_points": sum(watchers.delivered.values()),
        "duplicates_delivered": watchers.duplicates,
        "unmatched_delivered": watchers.unmatched,
        "drain_s": round(drain_s, 1),
        "load_average_1_5_15": [round(v, 1) for v in load_average],
        "accepted_by_session": {str(k): v for k, v in load.accepted.items()},
        "delivered_by_session": {str(k): v for k, v in watchers.delivered.items()},
    }


def _client_main(job: dict[str, Any], conn: Any) -> None:
    """Entry point of the client process: run the watchers and devices, send the results back."""
    try:
        result = asyncio.run(_drive(job, conn))
        conn.send(("result", result))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------ one size


def _setup(cloud: Any, size: int, duration_s: float, progress: Callable[[str], None]) -> tuple[list[Device], dict]:
    info = cloud.info
    if info.websocket_url is None or "LiveWebSocketApi" not in cloud.state.websocket_apis:
        raise RuntimeError("template.yaml has no LiveWebSocketApi (the live functions are not there yet)")
    if cloud.gateway is not None:
        cloud.gateway.throttle = None  # measure the system, not the template's stage limit (see docstring)
    athletes = _Athletes(cloud)
    users = athletes.many(size + 1, progress)
    watcher = users.pop()
    status, me = _http("GET", f"{info.api_url}/api/v3/athlete", watcher["token"])
    if status != 200:  # noqa: PLR2004
        raise RuntimeError(f"GET /api/v3/athlete answered {status}")
    devices, retried = _sessions(info.api_url, athletes, users, int(me["id"]), progress)
    job = {
        "starts_retried": retried,
        "api_url": info.api_url,
        "ws_url": info.websocket_url,
        "watcher_token": watcher["token"],
        "duration_s": duration_s,
        "devices": [d.__dict__ for d in devices],
    }
    return devices, job


def _supervise(cloud: Any, job: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    """Run the client process; sample CPU and count invocations when its load phase starts and ends."""
    parent, child = _SPAWN.Pipe()
    process = _SPAWN.Process(target=_client_main, args=(job, child), daemon=True, name="live-clients")
    process.start()
    child.close()
    size = len(job["devices"])
    progress(f"live {size:,}: {size:,} watcher connections subscribing, then {job['duration_s']:g} s of load")
    cpu: dict[str, dict[str, float]] = {}
    marks: dict[str, tuple[float, int]] = {"setup": (time.monotonic(), len(cloud.reports))}
    while True:
        kind, value = parent.recv()
        marks[kind] = (time.monotonic(), len(cloud.reports))
        if kind in ("load", "drain"):
            cpu[kind] = _cpu_sample(cloud, process.pid or 0)
            progress(f"live {size:,}: " + ("watchers subscribed; devices posting" if kind == "load" else "draining"))
        elif kind == "error":
            process.join(timeout=30)
            raise RuntimeError(f"client process: {value}")
        else:
            result: dict[str, Any] = value
            break
    process.join(timeout=30)
    (load_at, load_reports), (drain_at, drain_reports) = marks["load"], marks["drain"]
    result["cpu_cores_during_load"] = _cores(cpu["load"], cpu["drain"], drain_at - load_at)
    result["functions_during_load"] = _function_stats(cloud.reports[load_reports:drain_reports], drain_at - load_at)
    result["setup_invocations"] = load_reports - marks["setup"][1]
    if cloud.websocket is not None:
        result["websocket_server"] = dict(cloud.websocket.counters)
    return result


def _run(size: int, duration_s: float, progress: Callable[[str], None]) -> dict[str, Any]:
    from infrastructure.local_cloud.cloud import LocalCloud

    cloud = LocalCloud(api_port=None, moto_port=None, websocket_port=None)
    progress(f"live {size:,}: starting the local cloud")
    info = cloud.start()
    try:
        devices, job = _setup(cloud, size, duration_s, progress)
        result = _supervise(cloud, job, progress)
        progress(f"live {size:,}: reading every session's stored point_count")
        stored = _stored_counts(info.api_url, devices)
        result["stored_points"] = sum(v or 0 for v in stored.values())
        result["unreadable_sessions"] = sum(1 for v in stored.values() if v is None)
        accepted, delivered = result.pop("accepted_by_session"), result.pop("delivered_by_session")
        result["sessions_mismatched"] = sum(
            1
            for d in devices
            if not (accepted.get(str(d.session_id), 0) == stored[d.session_id] == delivered.get(str(d.session_id), 0))
        )
        return result
    finally:
        progress(f"live {size:,}: stopping the local cloud")
        cloud.stop()


def _function_stats(reports: list[Any], seconds: float) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for report in reports:
        grouped[report.function.rsplit("-", 1)[-1]].append(report)
    out = {}
    for name, items in sorted(grouped.items(), key=lambda kv: -len(kv[1])):
        durations = [r.duration_ms for r in items]
        out[name] = {
            "invocations": len(items),
            "per_s": round(len(items) / seconds, 1),
            "errors": sum(1 for r in items if not r.ok),
            "duration": summary(durations),
            "busy_environments": round(sum(durations) / 1000 / seconds, 2),  # mean environments in use
        }
    return out


# ------------------------------------------------------------------------------------------ the module's interface


def measure(plan: dict[str, Any], progress: Callable[[str], None]) -> dict[str, Any]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    quick = plan.get("live_quick", plan.get("runs", 5) < 5)  # noqa: PLR2004 - benchmarks' QUICK plan has runs=2
    sizes = [int(s) for s in plan.get("live_devices", QUICK_SIZES if quick else FULL_SIZES)]
    duration_s = float(plan.get("live_duration_s", 15 if quick else 60))
    results: dict[str, Any] = {"duration_s": duration_s, "sizes": [], "error": None}
    for size in sizes:
        try:
            results["sizes"].append(_run(size, duration_s, progress))
        except Exception as exc:  # reported as a failed measurement, as the others do
            results["error"] = f"{size} devices: {type(exc).__name__}: {exc}"
            break
    return results


def errors(data: dict[str, Any]) -> dict[str, str]:
    found = {"live": data["error"]} if data.get("error") else {}
    for entry in data.get("sizes", []):
        name = f"live {entry['devices']}"
        lost = entry["accepted_points"] - entry["delivered_points"]
        if entry["sessions_mismatched"] or lost or entry["stored_points"] != entry["accepted_points"]:
            found[name] = (
                f"points accepted {entry['accepted_points']:,}, stored {entry['stored_points']:,}, delivered"
                f" {entry['delivered_points']:,} ({entry['sessions_mismatched']} sessions differ)"
            )
        if entry["unreadable_sessions"]:
            found[f"{name} reads"] = f"{entry['unreadable_sessions']} sessions could not be read back"
        if entry["watchers_subscribed"] != entry["devices"]:
            found[f"{name} watchers"] = f"{entry['watchers_subscribed']} of {entry['devices']} subscribed"
    return found


def report_lines(data: dict[str, Any]) -> list[str]:
    from benchmarks.stats import fmt_ms, table

    rows = []
    for e in data.get("sizes", []):
        errors_n = sum(v for k, v in e["statuses"].items() if k != "202")
        posts = sum(e["statuses"].values())
        rows.append(
            [
                f"{e['devices']:,}",
                f"{e['offered_points_per_s']:,.0f}",
                f"{e['accepted_points_per_s']:,.0f}",
                f"{100 * errors_n / posts:.1f}%" if posts else "-",
                fmt_ms(e["post_wire"]["p50_ms"]),
                fmt_ms(e["post_wire"]["p99_ms"]),
                fmt_ms(e["schedule_lag"]["p99_ms"]),
                fmt_ms(e["end_to_end"]["p50_ms"]),
                fmt_ms(e["end_to_end"]["p99_ms"]),
                f"{e['accepted_points']:,}/{e['stored_points']:,}/{e['delivered_points']:,}",
                f"{e['drain_s']:.0f}",
            ]
        )
    lines = [
        f"Live tracking under load ({data['duration_s']:g} s of devices at 1 Hz posting 5-point batches every 5 s,"
        " staggered; one watcher WebSocket per session; stage throttle lifted)",
        "",
        table(
            [
                "devices",
                "offered pts/s",
                "accepted pts/s",
                "errors",
                "POST p50 ms",
                "POST p99 ms",
                "lag p99 ms",
                "e2e p50 ms",
                "e2e p99 ms",
                "in/stored/delivered",
                "drain s",
            ],
            rows,
            right=(0, 1, 2, 3, 4, 5, 6, 7, 8, 10),
        ),
        "",
        "  POST: on the wire (gateway + PostPoints function + PutRecords). lag: how late a due post left the client",
        "  (all shared connections busy = the API saturated). e2e: POST start to the point's arrival on the watcher's",
        "  WebSocket (Kinesis poll, consumer, DynamoDB, PostToConnection). Latencies leave out the first 5 s"
        " (warm-up: cold starts); totals include them.",
    ]
    for e in data.get("sizes", []):
        statuses = ", ".join(f"{k}: {v:,}" for k, v in e["statuses"].items())
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in e["cpu_cores_during_load"].items())
        functions = ", ".join(
            f"{k} {v['invocations']:,} ({v['per_s']:.0f}/s, p50 {v['duration']['p50_ms']:.0f} ms,"
            f" {v['busy_environments']:.1f} busy)"
            for k, v in e["functions_during_load"].items()
        )
        lines += [
            "",
            f"  {e['devices']:,} devices: {e['watchers_subscribed']:,} watchers subscribed in {e['watcher_setup_s']} s;"
            f" statuses {statuses}; duplicates {e['duplicates_delivered']}, drain {e['drain_s']} s;"
            f" load average after the load {e['load_average_1_5_15']}",
            f"    CPU cores during load: {cpu}",
            f"    functions during load: {functions}",
        ]
        if e["watcher_errors"]:
            lines.append(f"    watcher errors: {e['watcher_errors']}")
    if data.get("error"):
        lines += ["", f"  FAILED: {data['error']}"]
    return lines


def main() -> int:
    """``python -m benchmarks.live [--quick] [--sizes 100,500] [--duration 15]``: this measurement alone."""
    import argparse
    import sys

    from benchmarks.cloud_latency import output_to

    parser = argparse.ArgumentParser(prog="python -m benchmarks.live", description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated device counts")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--log", type=Path, default=ROOT / ".stride" / "bench" / "live-cloud.log")
    parser.add_argument("--out", type=Path, default=ROOT / ".stride" / "bench" / "live.json")
    args = parser.parse_args()
    plan: dict[str, Any] = {"live_quick": args.quick}
    if args.sizes:
        plan["live_devices"] = [int(s) for s in args.sizes.split(",")]
    if args.duration:
        plan["live_duration_s"] = args.duration
    started = time.perf_counter()
    with output_to(args.log) as console:

        def progress(message: str) -> None:
            print(f"[live {time.perf_counter() - started:6.1f}s] {message}", file=console, flush=True)  # noqa: T201

        data = measure(plan, progress)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n")
    print("\n".join(report_lines(data)))  # noqa: T201
    problems = errors(data)
    if problems:
        print("FAILED: " + "; ".join(f"{k}: {v}" for k, v in problems.items()), file=sys.stderr)  # noqa: T201
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
