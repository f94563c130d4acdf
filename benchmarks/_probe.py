"""One cold-start sample, run as a script in a fresh interpreter: ``python -I benchmarks/_probe.py '<json spec>'``.

It imports nothing from the project before the timed section, so the clock covers exactly what a Lambda init
would pay for: either some modules by name (the baselines) or one handler module loaded by file under its own
alias, as ``infrastructure/local_cloud/worker.py`` does. The answer is one JSON line on stdout.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import time


def _load_file(path: str, alias: str, attribute: str) -> None:
    spec = importlib.util.spec_from_file_location(alias, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    spec.loader.exec_module(module)
    getattr(module, attribute)


def main() -> None:
    spec = json.loads(sys.argv[1])
    sys.path[:0] = spec.get("sys_path", [])
    before = len(sys.modules)
    started = time.perf_counter()
    try:
        if spec["kind"] == "modules":
            for name in spec["modules"]:
                importlib.import_module(name)
        else:
            _load_file(spec["path"], spec["alias"], spec["attribute"])
    except Exception as exc:  # reported, not raised: the suite shows the failure in its table
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))  # noqa: T201
        return
    elapsed_ms = (time.perf_counter() - started) * 1000
    loaded = {name.split(".", 1)[0] for name in sys.modules}
    heavy = [name for name in spec.get("watch", []) if name in loaded]
    answer = {"ms": elapsed_ms, "modules": len(sys.modules) - before, "heavy": heavy}
    print(json.dumps(answer))  # noqa: T201


if __name__ == "__main__":
    main()
