"""One Lambda execution environment: a process that loads one handler module once and runs invocations in turn.

Started by ``runtime.FunctionPool`` with the ``spawn`` method, so nothing of the parent's imports leaks in: the
function sees its own environment variables from the template, its code folder and the layer on ``sys.path``,
exactly as Lambda puts ``/var/task`` and ``/opt/python`` there.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


class LambdaContext:
    """The context object Lambda passes to a handler (the fields Powertools and our code read)."""

    def __init__(self, spec: dict[str, Any], request_id: str, deadline: float) -> None:
        self.function_name = spec["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec["function_arn"]
        self.memory_limit_in_mb = spec["memory_mb"]
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec['function_name']}"
        self.log_stream_name = f"local/[$LATEST]{uuid.uuid4().hex}"
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc),
    }


def _max_memory_mb() -> int:
    """This process's own peak RSS (VmHWM). ``ru_maxrss`` is no good here: a spawned child starts from its
    parent's peak on Linux, so every worker would report the local cloud's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def load_handler(spec: dict[str, Any]) -> tuple[Callable[[Any, Any], Any], float]:
    """Set the function's environment and import its handler module by file, under its own name, as Lambda
    does (so a module that imports a sibling by accident fails here). Returns the handler and the init ms."""
    os.environ.update(spec["environment"])
    for folder in reversed([spec["code_dir"], *spec["layer_dirs"]]):
        sys.path.insert(0, folder)
    module_name, _, function_name = spec["handler"].rpartition(".")
    started = time.perf_counter()
    path = Path(spec["code_dir"]) / (module_name.replace(".", "/") + ".py")
    module_spec = importlib.util.spec_from_file_location(spec["module_alias"], path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[spec["module_alias"]] = module
    module_spec.loader.exec_module(module)
    return getattr(module, function_name), (time.perf_counter() - started) * 1000


def serve(conn: Connection, spec: dict[str, Any]) -> None:
    """Child-process entry point: init (import the handler), then answer invocations until told to stop."""
    try:
        handler, init_ms = load_handler(spec)
    except Exception as exc:  # an init error is reported to the caller like Lambda's Runtime.ImportModuleError
        conn.send(("init_error", _error(exc, "Runtime.ImportModuleError")))
        return
    conn.send(("init", init_ms))
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if message[0] == "stop":
            return
        _, request_id, event, timeout_s = message
        context = LambdaContext(spec, request_id, time.monotonic() + timeout_s)
        began = time.perf_counter()
        try:
            outcome: tuple[str, Any] = ("ok", handler(event, context))
        except Exception as exc:
            print(f"[ERROR] {type(exc).__name__}: {exc}", file=sys.stderr)  # noqa: T201 - Lambda logs this
            outcome = ("error", _error(exc))
        sys.stdout.flush()
        conn.send(
            ("result", request_id, outcome[0], outcome[1], (time.perf_counter() - began) * 1000, _max_memory_mb())
        )
