"""Measurement 1: cold-start import cost of every function in template.yaml, against two baselines.

Each sample is a fresh interpreter (``python -I benchmarks/_probe.py``) with placeholder settings, the function's
CodeUri and its layer's ``python/`` folder on ``sys.path``, timing only the load of the handler module by file.
Samples are taken round-robin over all targets so that machine noise spreads evenly, and the median is kept.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infrastructure.local_cloud.template import load_template

PROBE = Path(__file__).resolve().parent / "_probe.py"
DEFAULT_LAYER = Path("layers/stride/python")
# Modules worth knowing about after a cold start: the data stack API functions do use, and the parsing stack
# (activity files) that they must not pull in.
DATA_STACK = ("pynamodb", "pydantic", "aws_xray_sdk", "geojson")
PARSING_STACK = ("numpy", "pandas", "fitdecode", "lxml", "gpxpy", "PIL")
WATCH = DATA_STACK + PARSING_STACK
PLACEHOLDERS = {
    "TABLE_NAME": "bench-table",
    "EVENT_BUS_NAME": "bench-bus",
    "UPLOADS_BUCKET": "bench-uploads",
    "MEDIA_BUCKET": "bench-media",
    "USER_POOL_ID": "us-east-1_bench",
    "AVATAR_MAX_BYTES": "1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
}
# Only what an interpreter needs to run; nothing else from the caller's environment reaches the probe.
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
BASELINE_FLOOR = "boto3"
BASELINE_REST = "powertools_rest"


@dataclass
class Target:
    key: str
    label: str
    kind: str  # "baseline" or "function"
    probe: dict[str, Any]
    env: dict[str, str]
    trigger: str = ""
    handler: str = ""
    code_uri: str = ""
    samples_ms: list[float] = field(default_factory=list)
    modules: int = 0
    heavy: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None


def _env(service: str) -> dict[str, str]:
    base = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    return {**base, **PLACEHOLDERS, "POWERTOOLS_SERVICE_NAME": service}


def _trigger(properties: dict[str, Any]) -> str:
    kinds = sorted({str(event.get("Type")) for event in (properties.get("Events") or {}).values()})
    if not kinds:
        return "none"
    return "api" if kinds == ["Api"] else "consumer:" + "+".join(kinds)


def _layer_dirs(root: Path, resources: dict[str, Any], layers: list[Any]) -> list[Path]:
    folders = []
    for layer in layers:
        ref = layer.get("Ref") if isinstance(layer, dict) else None
        content = ((resources.get(ref) or {}).get("Properties") or {}).get("ContentUri") if ref else None
        if isinstance(content, str):
            folders.append((root / content / "python").resolve())
    return folders or [(root / DEFAULT_LAYER).resolve()]


def targets(root: Path) -> list[Target]:
    """The two baselines, then one target per AWS::Serverless::Function in template order."""
    template = load_template(root / "template.yaml")
    resources: dict[str, Any] = template.get("Resources", {})
    globals_fn = (template.get("Globals") or {}).get("Function") or {}
    found = [
        Target(
            BASELINE_FLOOR,
            "(a) floor: import boto3",
            "baseline",
            {"kind": "modules", "modules": ["boto3"], "watch": list(WATCH)},
            _env("baseline"),
        ),
        Target(
            BASELINE_REST,
            "(b) bare Powertools REST: boto3 + event_handler",
            "baseline",
            {"kind": "modules", "modules": ["boto3", "aws_lambda_powertools.event_handler"], "watch": list(WATCH)},
            _env("baseline"),
        ),
    ]
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource.get("Properties") or {}
        handler = str(properties.get("Handler") or globals_fn.get("Handler"))
        code_uri = str(properties.get("CodeUri") or globals_fn.get("CodeUri"))
        module, _, attribute = handler.rpartition(".")
        code_dir = (root / code_uri).resolve()
        layers = _layer_dirs(root, resources, list(properties.get("Layers") or globals_fn.get("Layers") or []))
        probe = {
            "kind": "file",
            "path": str(code_dir / (module.replace(".", "/") + ".py")),
            "alias": f"lambda_{logical_id}",
            "attribute": attribute,
            "sys_path": [str(code_dir), *map(str, layers)],
            "watch": list(WATCH),
        }
        found.append(
            Target(logical_id, logical_id, "function", probe, _env(module), _trigger(properties), handler, code_uri)
        )
    return found


def _sample(target: Target, root: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-I", str(PROBE), json.dumps(target.probe)],
        cwd=root,
        env=target.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    answer: dict[str, Any] = json.loads(lines[-1])
    return answer


def measure(root: Path, runs: int, warmup: int, progress: Callable[[str], None]) -> list[Target]:
    found = targets(root)
    total = runs + warmup
    for round_no in range(total):
        progress(
            f"imports: round {round_no + 1}/{total}{' (warm-up, discarded)' if round_no < warmup else ''}"
            f" over {len(found)} targets"
        )
        for target in found:
            if target.error is not None:
                continue
            answer = _sample(target, root)
            if "error" in answer:
                target.error = str(answer["error"])
                continue
            if round_no >= warmup:
                target.samples_ms.append(float(answer["ms"]))
                target.modules, target.heavy = int(answer["modules"]), list(answer["heavy"])
    return found


def to_json(found: list[Target], runs: int, warmup: int) -> dict[str, Any]:
    rest = next(t for t in found if t.key == BASELINE_REST).median_ms
    floor = next(t for t in found if t.key == BASELINE_FLOOR).median_ms

    def entry(target: Target) -> dict[str, Any]:
        median = target.median_ms
        data: dict[str, Any] = {
            "label": target.label,
            "median_ms": None if median is None else round(median, 2),
            "min_ms": round(min(target.samples_ms), 2) if target.samples_ms else None,
            "max_ms": round(max(target.samples_ms), 2) if target.samples_ms else None,
            "samples_ms": [round(s, 2) for s in target.samples_ms],
            "modules_loaded": target.modules,
            "heavy_modules": {name: name in target.heavy for name in WATCH},
            "parsing_stack_imported": [name for name in PARSING_STACK if name in target.heavy],
            "ratio_to_boto3": _round(median / floor if median and floor else None),
            "ratio_to_powertools_rest": _round(median / rest if median and rest else None),
            "error": target.error,
        }
        if target.kind == "function":
            data.update(
                handler=target.handler,
                code_uri=target.code_uri,
                trigger=target.trigger,
                env={k: v for k, v in target.env.items() if k not in PASSTHROUGH},
            )
        return data

    return {
        "method": "median of fresh `python -I` processes; only the module load is timed",
        "runs": runs,
        "warmup_runs": warmup,
        "baselines": {t.key: entry(t) for t in found if t.kind == "baseline"},
        "functions": {t.key: entry(t) for t in found if t.kind == "function"},
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
