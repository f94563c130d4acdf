"""Read template.yaml (CloudFormation tags included) and expand it with the SAM transform, in-process."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LOCAL_CODE_BUCKET = "stride-local-code"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns ``!Ref X`` into ``{"Ref": "X"}`` and ``!Sub ...`` into ``{"Fn::Sub": ...}``."""


def _construct_tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        document = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a template")
    return document


@dataclass
class Expanded:
    """The template after the SAM transform, plus where each function's code lives on disk."""

    resources: dict[str, dict[str, Any]]
    parameters: dict[str, Any]
    outputs: dict[str, Any]
    code_dirs: dict[str, Path] = field(default_factory=dict)  # logical id of a function or layer -> folder


class _NoManagedPolicies:
    """The translator asks IAM for AWS managed policy ARNs; locally there are none to look up."""

    def load(self) -> dict[str, str]:
        return {}


def expand(template: dict[str, Any], root: Path, parameter_overrides: dict[str, Any] | None = None) -> Expanded:
    """Run the SAM transform. Local code paths become placeholder S3 URIs, remembered in ``code_dirs``."""
    from samtranslator.translator.transform import transform

    document = copy.deepcopy(template)
    code_dirs: dict[str, Path] = {}
    for logical_id, resource in document.get("Resources", {}).items():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            value = props.get(key)
            if isinstance(value, str) and not value.startswith("s3://"):
                code_dirs[logical_id] = (root / value).resolve()
                props[key] = f"s3://{LOCAL_CODE_BUCKET}/{logical_id}"
    parameters = {name: spec.get("Default") for name, spec in document.get("Parameters", {}).items()}
    parameters.update(parameter_overrides or {})
    expanded = transform(document, parameters, _NoManagedPolicies())
    # The transform names layer versions with a hash suffix; map them back to their folders too.
    for logical_id, resource in expanded["Resources"].items():
        if resource["Type"] == "AWS::Lambda::LayerVersion":
            for source_id, folder in list(code_dirs.items()):
                if logical_id.startswith(source_id):
                    code_dirs[logical_id] = folder
    return Expanded(expanded["Resources"], parameters, expanded.get("Outputs", {}), code_dirs)
