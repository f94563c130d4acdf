"""Measurement 1: cold-start import cost of every function in template.yaml, against two baselines.

Each sample is a fresh interpreter (``python -I benchmarks/_probe.py``) with placeholder settings, the variables the
Lambda runtime always sets (``LAMBDA_TASK_ROOT``, ``_HANDLER``, ...), the function's CodeUri and its layer's
``python/`` folder on ``sys.path``, timing only the load of the handler module by file.
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
# What the Lambda runtime itself sets in every execution environment (the local cloud's workers set it too). It is
# not cosmetic: aws_xray_sdk builds its global recorder at import and, without LAMBDA_TASK_ROOT, picks the
# centralized sampler, which creates a botocore session (a few hundred ms) that a real cold start never pays.
LAMBDA_RUNTIME = (
    "LAMBDA_TASK_ROOT",
    "_HANDLER",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_REGION",
)
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
    paired_ratios: list[float] = field(default_factory=list)  # this sample / the baseline (b) sample beside it
    error: str | None = None

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None


def _env(service: str, task_root: Path, handler: str, function_name: str, memory_mb: int) -> dict[str, str]:
    base = {name: os.environ[name] for name in PASSTHROUGH if name in os.environ}
    runtime = dict(
        zip(
            LAMBDA_RUNTIME,
            (str(task_root), handler, function_name, "$LATEST", str(memory_mb), PLACEHOLDERS["AWS_DEFAULT_REGION"]),
            strict=True,
        )
    )
    return {**base, **PLACEHOLDERS, **runtime, "POWERTOOLS_SERVICE_NAME": service}


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
            _env("baseline", root, "baseline.handler", "bench-baseline", 128),
        ),
        Target(
            BASELINE_REST,
            "(b) bare Powertools REST: boto3 + event_handler",
            "baseline",
            {"kind": "modules", "modules": ["boto3", "aws_lambda_powertools.event_handler"], "watch": list(WATCH)},
            _env("baseline", root, "baseline.handler", "bench-baseline", 128),
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
        memory_mb = int(properties.get("MemorySize") or globals_fn.get("MemorySize") or 128)
        env = _env(module, code_dir, handler, f"bench-{logical_id}", memory_mb)
        found.append(Target(logical_id, logical_id, "function", probe, env, _trigger(properties), handler, code_uri))
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


def _record(target: Target, root: Path, keep: bool) -> float | None:
    """One sample of ``target``; kept (and returned) unless it is a warm-up. An error retires the target."""
    if target.error is not None:
        return None
    answer = _sample(target, root)
    if "error" in answer:
        target.error = str(answer["error"])
        return None
    if not keep:
        return None
    target.samples_ms.append(float(answer["ms"]))
    target.modules, target.heavy = int(answer["modules"]), list(answer["heavy"])
    return target.samples_ms[-1]


def measure(root: Path, runs: int, warmup: int, progress: Callable[[str], None]) -> list[Target]:
    """Rounds over all targets; every target's sample is paired with a baseline (b) sample taken right next to it.

    This machine's speed drifts by tens of percent within seconds (shared CPUs), so a ratio of two medians taken
    at different moments is noisy; the median of paired ratios is not. The pair order alternates between rounds.
    """
    found = targets(root)
    rest = next(t for t in found if t.key == BASELINE_REST)
    total = runs + warmup
    for round_no in range(total):
        keep = round_no >= warmup
        progress(
            f"imports: round {round_no + 1}/{total}{'' if keep else ' (warm-up, discarded)'}"
            f" over {len(found) - 1} targets, each paired with baseline (b)"
        )
        for target in found:
            if target is rest:
                continue
            if round_no % 2 == 0:
                reference, value = _record(rest, root, keep), _record(target, root, keep)
            else:
                value, reference = _record(target, root, keep), _record(rest, root, keep)
            if value is not None and reference:
                target.paired_ratios.append(value / reference)
    rest.paired_ratios = [1.0] * len(rest.samples_ms)
    return found


def to_json(found: list[Target], runs: int, warmup: int) -> dict[str, Any]:
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
            "ratio_to_powertools_rest": _round(
                statistics.median(target.paired_ratios) if target.paired_ratios else None
            ),
            "paired_ratios": [round(r, 3) for r in target.paired_ratios],
            "ratio_to_boto3_medians": _round(median / floor if median and floor else None),
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
        "method": "median of fresh `python -I` processes, only the module load timed; ratio_to_powertools_rest is"
        " the median of per-sample ratios to a baseline (b) sample taken right beside it",
        "runs": runs,
        "warmup_runs": warmup,
        "baselines": {t.key: entry(t) for t in found if t.kind == "baseline"},
        "functions": {t.key: entry(t) for t in found if t.kind == "function"},
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
