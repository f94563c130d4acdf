"""`make invoke FN=<LogicalId> EVENT=events/<source>/<case>.json`: run one function once, in this process.

Like `sam local invoke -e`, without Docker: the function's environment comes from the template, resolved
against the running local cloud (`make run` writes `.stride/local.json`); its code and the layer go on
sys.path, the handler module is loaded by file, and the answer is printed with a REPORT line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
import uuid
from pathlib import Path

from infrastructure.local_cloud.cloud import CREDENTIALS, ROOT
from infrastructure.local_cloud.template import expand, load_template


def _environment(logical_id: str, properties: dict, local: dict) -> dict[str, str]:
    """The function's variables, with references filled from `.stride/local.json` (or placeholders)."""
    by_ref = {
        "Table": local.get("table_name", "stride-local-table"),
        "Bus": local.get("event_bus_name", "stride"),
        "UserPool": local.get("user_pool_id", "pool"),
        "Stage": "local",
        "LogLevel": "INFO",
        "AvatarMaxBytes": "5242880",
    }
    subs = {
        "stride-${Stage}-uploads-${AWS::AccountId}": local.get("uploads_bucket", "uploads"),
        "stride-${Stage}-media-${AWS::AccountId}": local.get("media_bucket", "media"),
    }
    env: dict[str, str] = {}
    for name, value in ((properties.get("Environment") or {}).get("Variables") or {}).items():
        if isinstance(value, dict) and "Ref" in value:
            env[name] = str(by_ref.get(value["Ref"], value["Ref"]))
        elif isinstance(value, dict) and "Fn::Sub" in value:
            env[name] = str(subs.get(value["Fn::Sub"], value["Fn::Sub"]))
        else:
            env[name] = str(value)
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": f"stride-local-{logical_id}",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(properties.get("MemorySize", 128)),
        }
    )
    if local.get("endpoint_url"):
        env.update({"AWS_ENDPOINT_URL": local["endpoint_url"], **CREDENTIALS})
    return env


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write("usage: python -m infrastructure.invoke <FunctionLogicalId> <event.json>\n")
        return 2
    logical_id, event_path = argv
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    expanded = expand(load_template(ROOT / "template.yaml"), ROOT, {"Stage": "local"})
    if logical_id not in expanded.code_dirs or expanded.resources[logical_id]["Type"] != "AWS::Lambda::Function":
        sys.stderr.write(f"no function {logical_id} in template.yaml\n")
        return 2
    properties = expanded.resources[logical_id]["Properties"]
    state_file = ROOT / ".stride" / "local.json"
    local = json.loads(state_file.read_text()) if state_file.exists() else {}
    if not local:
        sys.stderr.write("note: no local cloud running (make run); AWS calls will fail\n")
    os.environ.update(_environment(logical_id, properties, local))
    code_dir = expanded.code_dirs[logical_id]
    sys.path[:0] = [str(code_dir), str(ROOT / "layers" / "stride" / "python")]
    module_name, _, function_name = properties["Handler"].rpartition(".")
    started = time.perf_counter()
    spec = importlib.util.spec_from_file_location(f"lambda_{logical_id}", code_dir / f"{module_name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    init_ms = (time.perf_counter() - started) * 1000
    from infrastructure.local_cloud.worker import LambdaContext

    context = LambdaContext(
        {
            "function_name": os.environ["AWS_LAMBDA_FUNCTION_NAME"],
            "function_arn": f"arn:aws:lambda:us-east-1:123456789012:function:{logical_id}",
            "memory_mb": int(properties.get("MemorySize", 128)),
        },
        str(uuid.uuid4()),
        time.monotonic() + float(properties.get("Timeout", 3)),
    )
    event = json.loads(Path(event_path).read_text())
    began = time.perf_counter()
    result = getattr(module, function_name)(event, context)
    print(json.dumps(result, indent=2, default=str))  # noqa: T201
    sys.stderr.write(
        f"REPORT Duration: {(time.perf_counter() - began) * 1000:.2f} ms\tInit Duration: {init_ms:.2f} ms\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
