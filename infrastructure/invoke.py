"""`make invoke FN=<LogicalId> EVENT=events/<source>/<case>.json`: run one function once, in this process.

Like `sam local invoke -e`, without Docker. The function runs exactly as the local cloud runs it: the running
local cloud (`make run`) writes each function as it resolved it from template.yaml (environment, code folder,
layer, handler) to `.stride/functions.json`, and this loads the handler the same way a worker does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

from infrastructure.local_cloud.cloud import FUNCTIONS_FILE, STATE_DIR
from infrastructure.local_cloud.worker import LambdaContext, load_handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("function", help="logical id in template.yaml, e.g. GetAthleteFunction")
    parser.add_argument("event", type=Path, help="an event file, e.g. events/api/get_athlete.json")
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR, help="where the local cloud wrote its state")
    args = parser.parse_args(argv)
    functions_file = args.state_dir / FUNCTIONS_FILE
    if not functions_file.exists():
        sys.stderr.write("the local cloud is not running: start it with `make run`\n")
        return 2
    functions = json.loads(functions_file.read_text())
    if args.function not in functions:
        sys.stderr.write(f"no function {args.function}; known: {', '.join(sorted(functions))}\n")
        return 2
    spec = functions[args.function]
    event = json.loads(args.event.read_text())
    handler, init_ms = load_handler(spec)
    request_id = str(uuid.uuid4())
    context = LambdaContext(spec, request_id, time.monotonic() + float(spec["timeout_s"]))
    began = time.perf_counter()
    result = handler(event, context)
    sys.stdout.write(json.dumps(result, indent=2, default=str) + "\n")
    sys.stderr.write(
        f"REPORT RequestId: {request_id}\tDuration: {(time.perf_counter() - began) * 1000:.2f} ms\t"
        f"Init Duration: {init_ms:.2f} ms\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
