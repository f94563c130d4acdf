"""Lambda-like execution: a pool of worker processes per function, cold starts, timeouts and REPORT lines."""

from __future__ import annotations

import logging
import math
import multiprocessing
import threading
import time
import uuid
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from infrastructure.local_cloud import worker

log = logging.getLogger("stride.local_cloud")
_SPAWN = multiprocessing.get_context("spawn")


@dataclass
class FunctionSpec:
    """What the template says about one function, resolved to local values."""

    logical_id: str
    function_name: str
    function_arn: str
    handler: str
    code_dir: Path
    layer_dirs: list[Path]
    environment: dict[str, str]
    memory_mb: int = 128
    timeout_s: float = 3.0
    dead_letter_arn: str | None = None
    async_retries: int = 2
    max_event_age_s: int = 21_600
    reserved_concurrency: int | None = None

    def worker_spec(self) -> dict[str, Any]:
        return {
            "function_name": self.function_name,
            "function_arn": self.function_arn,
            "memory_mb": self.memory_mb,
            "handler": self.handler,
            "code_dir": str(self.code_dir),
            "layer_dirs": [str(p) for p in self.layer_dirs],
            "environment": self.environment,
            # Each function's module gets a name of its own, so two functions' get_athlete.py never collide.
            "module_alias": f"lambda_{self.logical_id}",
        }


@dataclass
class Report:
    function: str
    request_id: str
    duration_ms: float
    max_memory_mb: int
    memory_mb: int
    init_ms: float | None
    ok: bool

    def line(self) -> str:
        text = (
            f"REPORT {self.function} RequestId: {self.request_id}\tDuration: {self.duration_ms:.2f} ms\t"
            f"Billed Duration: {math.ceil(self.duration_ms)} ms\tMemory Size: {self.memory_mb} MB\t"
            f"Max Memory Used: {self.max_memory_mb} MB"
        )
        if self.init_ms is not None:
            text += f"\tInit Duration: {self.init_ms:.2f} ms"
        return text


@dataclass
class InvokeResult:
    ok: bool
    payload: Any
    report: Report | None = None

    @property
    def error_type(self) -> str | None:
        return None if self.ok else str((self.payload or {}).get("errorType", "Unknown"))


class _Worker:
    def __init__(self, spec: FunctionSpec) -> None:
        parent, child = _SPAWN.Pipe()
        self.conn: Connection = parent
        self.process = _SPAWN.Process(
            target=worker.serve, args=(child, spec.worker_spec()), daemon=True, name=f"lambda-{spec.logical_id}"
        )
        self.process.start()
        child.close()
        self.init_ms: float | None = None
        self.init_error: dict[str, Any] | None = None

    def wait_ready(self, timeout_s: float) -> None:
        if not self.conn.poll(timeout_s):
            self.kill()
            self.init_error = {"errorType": "Runtime.InitTimeout", "errorMessage": "init timed out"}
            return
        kind, value = self.conn.recv()
        if kind == "init":
            self.init_ms = value
        else:
            self.init_error = value

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(("stop",))
        except (BrokenPipeError, OSError):
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()


class FunctionPool:
    """Execution environments of one function: reused when idle, a new (cold) one when all are busy."""

    INIT_TIMEOUT_S = 30.0

    def __init__(self, spec: FunctionSpec, max_concurrency: int = 8, reports: list[Report] | None = None) -> None:
        self.spec = spec
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(spec.reserved_concurrency or max_concurrency)
        self._reports = reports if reports is not None else []

    def _acquire(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        fresh = _Worker(self.spec)
        with self._lock:
            self._all.append(fresh)
        fresh.wait_ready(self.INIT_TIMEOUT_S)
        return fresh

    def _discard(self, stale: _Worker) -> None:
        stale.kill()
        with self._lock:
            if stale in self._all:
                self._all.remove(stale)

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        request_id = request_id or str(uuid.uuid4())
        with self._slots:
            env = self._acquire()
            if env.init_error is not None:
                self._discard(env)
                log.error("init error in %s: %s", self.spec.function_name, env.init_error.get("errorMessage"))
                return InvokeResult(False, env.init_error)
            cold_init, env.init_ms = env.init_ms, None
            began = time.perf_counter()
            try:
                env.conn.send(("invoke", request_id, event, self.spec.timeout_s))
                if not env.conn.poll(self.spec.timeout_s + 0.5):
                    self._discard(env)
                    return self._finish(
                        request_id,
                        began,
                        cold_init,
                        0,
                        False,
                        {
                            "errorType": "Sandbox.Timedout",
                            "errorMessage": f"Task timed out after {self.spec.timeout_s:.2f} seconds",
                        },
                    )
                _, _, status, payload, duration_ms, memory_mb = env.conn.recv()
            except (EOFError, BrokenPipeError, OSError) as exc:
                self._discard(env)
                return self._finish(
                    request_id, began, cold_init, 0, False, {"errorType": "Runtime.ExitError", "errorMessage": str(exc)}
                )
            with self._lock:
                self._idle.append(env)
            return self._finish(request_id, began, cold_init, memory_mb, status == "ok", payload, duration_ms)

    def _finish(
        self,
        request_id: str,
        began: float,
        init_ms: float | None,
        memory_mb: int,
        ok: bool,
        payload: Any,
        duration_ms: float | None = None,
    ) -> InvokeResult:
        report = Report(
            self.spec.function_name,
            request_id,
            duration_ms if duration_ms is not None else (time.perf_counter() - began) * 1000,
            memory_mb,
            self.spec.memory_mb,
            init_ms,
            ok,
        )
        self._reports.append(report)
        log.info(report.line())
        return InvokeResult(ok, payload, report)

    def close(self) -> None:
        with self._lock:
            workers, self._all, self._idle = list(self._all), [], []
        for env in workers:
            env.stop()
