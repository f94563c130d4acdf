"""Build the OpenAPI document from the code: each API function's resolver, merged, for the routes in the template.

``python -m infrastructure.openapi --out docs/openapi.json`` writes it; ``--check`` fails if the file is stale.
Run in its own process: handler modules read their settings from the environment when imported.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_ENV = {
    "TABLE_NAME": "stride",
    "EVENT_BUS_NAME": "stride",
    "UPLOADS_BUCKET": "uploads",
    "MEDIA_BUCKET": "media",
    "USER_POOL_ID": "pool",
    "AVATAR_MAX_BYTES": "1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "Stride",
}


def api_functions(template_path: Path) -> list[tuple[str, Path, str]]:
    """(logical id, module file, route path) of every function with an Api event, in template order."""
    from infrastructure.local_cloud.template import load_template

    template = load_template(template_path)
    found = []
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties") or {}
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (props.get("Events") or {}).values():
            if event.get("Type") == "Api":
                module = props["Handler"].rsplit(".", 1)[0]
                found.append(
                    (logical_id, template_path.parent / props["CodeUri"] / f"{module}.py", event["Properties"]["Path"])
                )
    return found


def build(template_path: Path = ROOT / "template.yaml") -> dict[str, Any]:
    for name, value in PLACEHOLDER_ENV.items():
        os.environ.setdefault(name, value)
    sys.path.insert(0, str(ROOT / "layers" / "stride" / "python"))
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Stride API",
            "version": "3.0.0",
            "description": "Strava API v3 compatible resources plus Stride's extensions. Send "
            "`Authorization: Bearer <Cognito access token>`.",
        },
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito access token (or ID token) from the Stride user pool",
                }
            },
        },
        "security": [{"cognito": []}],
    }
    for logical_id, module_file, _ in api_functions(template_path):
        spec = importlib.util.spec_from_file_location(f"openapi_{logical_id}", module_file)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        part = json.loads(module.app.get_openapi_json_schema(title="Stride API", openapi_version="3.1.0"))
        for path, operations in part.get("paths", {}).items():
            for operation in operations.values():
                operation["operationId"] = logical_id.removesuffix("Function")
            document["paths"].setdefault(path, {}).update(operations)
        document["components"]["schemas"].update((part.get("components") or {}).get("schemas", {}))
    _use_fault_for_validation_errors(document)
    document["paths"] = dict(sorted(document["paths"].items()))
    document["components"]["schemas"] = dict(sorted(document["components"]["schemas"].items()))
    return document


def _use_fault_for_validation_errors(document: dict[str, Any]) -> None:
    """Our 422s are Strava Faults (stride.http.errors), not Powertools' default validation body."""
    from stride.http.faults import FaultErrorView, FaultView

    schemas = document["components"]["schemas"]
    fault = FaultView.model_json_schema(ref_template="#/components/schemas/{model}")
    fault.pop("$defs", None)
    schemas["Fault"] = fault
    schemas["FaultErrorView"] = FaultErrorView.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(name, None)
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                for media in (response.get("content") or {}).values():
                    if media.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                        media["schema"] = {"$ref": "#/components/schemas/Fault"}
                        response["description"] = "Invalid fields" if status == "422" else response["description"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--check", action="store_true", help="fail if --out differs from the code")
    args = parser.parse_args()
    text = json.dumps(build(), indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(text)
        return 0
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            sys.stderr.write(f"{args.out} is stale: run `make openapi`\n")
            return 1
        return 0
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
