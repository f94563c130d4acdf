"""Contract of template.yaml with the code: handlers exist, are documented, wired, and stand alone."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from infrastructure.local_cloud.template import load_template
from tests.conftest import ROOT

TEMPLATE = load_template(ROOT / "template.yaml")
FUNCTIONS = {
    name: resource
    for name, resource in TEMPLATE["Resources"].items()
    if resource["Type"] == "AWS::Serverless::Function"
}
TRIGGERS = {
    "S3",
    "SQS",
    "SNS",
    "EventBridgeRule",
    "CloudWatchEvent",
    "Schedule",
    "ScheduleV2",
    "Kinesis",
    "DynamoDB",
    "Cognito",
}
FUNCTION_MODULES = sorted((ROOT / "functions").rglob("*.py"))
_LAMBDA_URI = re.compile(r"/functions/\$\{(\w+)\.Arn\}/invocations")


def _uri_targets(value: Any) -> set[str]:
    text = value.get("Fn::Sub") if isinstance(value, dict) else value
    if isinstance(text, list):
        text = text[0]
    return set(_LAMBDA_URI.findall(text)) if isinstance(text, str) else set()


# Functions reached by an API Gateway v2 (WebSocket) integration or Lambda authorizer: raw resources, not SAM events.
WEBSOCKET_TARGETS = {
    target
    for resource in TEMPLATE["Resources"].values()
    if resource["Type"] in ("AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Authorizer")
    for key in ("IntegrationUri", "AuthorizerUri")
    for target in _uri_targets(resource["Properties"].get(key))
}


def _module_file(resource: dict[str, Any]) -> Path:
    props = resource["Properties"]
    module = props["Handler"].rsplit(".", 1)[0]
    return ROOT / props["CodeUri"] / f"{module.replace('.', '/')}.py"


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def _pins(path: Path) -> set[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def test_the_template_has_functions() -> None:
    # Given template.yaml
    # When its functions are listed
    # Then there are some (the contract tests below would pass vacuously otherwise)
    assert FUNCTIONS


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_handler_module_exists_and_defines_handler(name: str) -> None:
    # Given a function of the template
    resource = FUNCTIONS[name]
    # When its Handler is looked up under its CodeUri
    module_file = _module_file(resource)
    # Then the file exists and defines the named function at top level (a def, or `handler = api_handler(app)`)
    assert module_file.is_file(), f"{name}: {module_file} is missing"
    function_name = resource["Properties"]["Handler"].rsplit(".", 1)[1]
    tree = ast.parse(module_file.read_text())
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    defined |= {
        t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    }
    assert function_name in defined


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_is_described_and_has_policies(name: str) -> None:
    # Given a function of the template
    props = FUNCTIONS[name]["Properties"]
    # When its properties are read
    # Then it says what it does and grants itself explicit permissions
    assert isinstance(props.get("Description"), str) and props["Description"].strip()
    assert isinstance(props.get("Policies"), list) and props["Policies"]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_is_reached_by_an_api_event_or_a_trigger(name: str) -> None:
    # Given a function of the template
    events = FUNCTIONS[name]["Properties"].get("Events") or {}
    # When its event sources are read
    kinds = {event["Type"] for event in events.values()}
    # Then something invokes it (an event, or a WebSocket route's integration or authorizer)
    assert kinds & ({"Api"} | TRIGGERS) or name in WEBSOCKET_TARGETS, f"{name} has no Api event or trigger"


def test_websocket_integrations_name_template_functions() -> None:
    # Given the WebSocket integrations and authorizers of the template
    # When the functions they invoke are read from their URIs
    # Then there are some, each a function of the template, each allowed to be invoked by API Gateway
    assert WEBSOCKET_TARGETS
    assert WEBSOCKET_TARGETS <= set(FUNCTIONS)
    permitted = {
        resource["Properties"]["FunctionName"].get("Ref")
        for resource in TEMPLATE["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Permission"
        and resource["Properties"]["Principal"] == "apigateway.amazonaws.com"
    }
    assert WEBSOCKET_TARGETS <= permitted


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_service_name_is_the_module_name(name: str) -> None:
    # Given a function of the template
    props = FUNCTIONS[name]["Properties"]
    # When its Powertools service name is read
    service = props.get("Environment", {}).get("Variables", {}).get("POWERTOOLS_SERVICE_NAME")
    # Then it is the handler's module name, so logs, traces and metrics name the function
    assert service == props["Handler"].rsplit(".", 1)[0]


def test_every_api_event_is_documented_in_openapi() -> None:
    # Given the OpenAPI document and the template's API events
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    documented = {_normalised(path): {method.lower() for method in item} for path, item in document["paths"].items()}
    api_events = [
        (name, event["Properties"])
        for name, resource in FUNCTIONS.items()
        for event in (resource["Properties"].get("Events") or {}).values()
        if event["Type"] == "Api"
    ]
    assert api_events
    # When each event's path and method are looked up (placeholders normalised)
    # Then each is documented
    for name, props in api_events:
        path = _normalised(props["Path"])
        assert path in documented, f"{name}: {props['Path']} is not in docs/openapi.json"
        assert props["Method"].lower() in documented[path], f"{name}: {props['Method']} {props['Path']} undocumented"


def test_function_and_layer_requirements_are_the_same_pins() -> None:
    # Given the function requirements and the layer's
    functions = _pins(ROOT / "requirements.txt")
    layer = _pins(ROOT / "layers" / "stride" / "requirements.txt")
    # When they are compared, comments ignored
    # Then they list the same pinned packages
    assert functions == layer
    assert functions and all("==" in line for line in functions)


def test_there_are_function_modules() -> None:
    # Given the functions folder
    # When its modules are listed
    # Then there are some (the import check below would pass vacuously otherwise)
    assert FUNCTION_MODULES


@pytest.mark.parametrize("module_file", FUNCTION_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_function_modules_import_no_siblings(module_file: Path) -> None:
    # Given a function module (deployed alone: only the layer is shared)
    tree = ast.parse(module_file.read_text())
    siblings = {p.stem for p in module_file.parent.glob("*.py")} - {module_file.stem}
    # When its imports are read
    imported: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module_file.name} uses a relative import"
            imported.append(node.module or "")
    # Then nothing comes from `functions` or a sibling module
    for name in imported:
        top = name.split(".")[0]
        assert top != "functions", f"{module_file.name} imports {name}"
        assert top not in siblings, f"{module_file.name} imports its sibling {name}"
