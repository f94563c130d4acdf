"""CloudFormation tags and intrinsic functions, as the local cloud reads and resolves them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from infrastructure.local_cloud.intrinsics import Resolver, Unresolved
from infrastructure.local_cloud.template import load_template

if TYPE_CHECKING:
    from pathlib import Path

PSEUDO = {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
PHYSICAL = {"Table": "stride-table-abc", "Bus": "stride", "Api": "a1b2c3"}


def _ref(logical_id: str) -> str:
    if logical_id not in PHYSICAL:
        raise Unresolved(logical_id)
    return PHYSICAL[logical_id]


def _get_att(logical_id: str, attribute: str) -> str:
    return f"arn:aws:{logical_id.lower()}:eu-west-1:123456789012:{attribute}/{_ref(logical_id)}"


@pytest.fixture
def resolver() -> Resolver:
    return Resolver({"Stage": "dev", "MaxBytes": 1024}, PSEUDO, _ref, _get_att)


# ---------------------------------------------------------------- load_template


def test_load_template_turns_tags_into_intrinsics(tmp_path: Path) -> None:
    # Given a template using the short tag forms
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  Fn:\n"
        "    Properties:\n"
        "      Table: !Ref Table\n"
        "      TableArn: !GetAtt Table.Arn\n"
        "      StreamArn: !GetAtt [Table, StreamArn]\n"
        "      Bucket: !Sub stride-${Stage}-media\n"
        "      Mapped: !Sub ['${A}-x', {A: !Ref Stage}]\n"
        "      Joined: !Join [',', [a, !Ref Stage]]\n"
        "      First: !Select [0, !Split [',', 'a,b']]\n"
    )
    # When it is loaded
    props = load_template(path)["Resources"]["Fn"]["Properties"]
    # Then each tag becomes the long form CloudFormation uses
    assert props["Table"] == {"Ref": "Table"}
    assert props["TableArn"] == {"Fn::GetAtt": ["Table", "Arn"]}
    assert props["StreamArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert props["Bucket"] == {"Fn::Sub": "stride-${Stage}-media"}
    assert props["Mapped"] == {"Fn::Sub": ["${A}-x", {"A": {"Ref": "Stage"}}]}
    assert props["Joined"] == {"Fn::Join": [",", ["a", {"Ref": "Stage"}]]}
    assert props["First"] == {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}


def test_load_template_refuses_a_non_mapping(tmp_path: Path) -> None:
    # Given a YAML file that is a list, not a template
    path = tmp_path / "template.yaml"
    path.write_text("- a\n- b\n")
    # When it is loaded
    # Then it is refused
    with pytest.raises(ValueError, match="not a template"):
        load_template(path)


# ---------------------------------------------------------------- Resolver


def test_ref_resolves_parameters_pseudo_parameters_and_resources(resolver: Resolver) -> None:
    # Given Refs to a parameter, a pseudo parameter and a resource
    # When they are resolved
    # Then each comes from its source
    assert resolver.resolve({"Ref": "Stage"}) == "dev"
    assert resolver.resolve({"Ref": "AWS::Region"}) == "eu-west-1"
    assert resolver.resolve({"Ref": "Table"}) == "stride-table-abc"


def test_ref_to_something_not_provisioned_is_unresolved(resolver: Resolver) -> None:
    # Given a Ref to a resource not made yet
    # When it is resolved
    # Then the callback's Unresolved comes through
    with pytest.raises(Unresolved):
        resolver.resolve({"Ref": "Missing"})


@pytest.mark.parametrize("arg", [["Table", "Arn"], "Table.Arn"])
def test_get_att_in_list_and_dotted_form(resolver: Resolver, arg: object) -> None:
    # Given a GetAtt as a list or a dotted string
    # When it is resolved
    # Then the attribute callback answers
    assert resolver.resolve({"Fn::GetAtt": arg}) == "arn:aws:table:eu-west-1:123456789012:Arn/stride-table-abc"


def test_sub_resolves_refs_attributes_and_pseudo_parameters(resolver: Resolver) -> None:
    # Given a Sub with a parameter, a pseudo parameter, a resource and an attribute
    text = "https://${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage} on ${Bus.Arn}"
    # When it is resolved
    result = resolver.resolve({"Fn::Sub": text})
    # Then each variable is replaced
    assert result == (
        "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/dev on arn:aws:bus:eu-west-1:123456789012:Arn/stride"
    )


def test_sub_keeps_escaped_literals(resolver: Resolver) -> None:
    # Given a Sub with ${!Literal} escapes next to a real variable
    # When it is resolved
    result = resolver.resolve({"Fn::Sub": "${!Literal}-${Stage}-${!Other.Attr}"})
    # Then the escapes become plain ${...} text and are not looked up
    assert result == "${Literal}-dev-${Other.Attr}"


def test_sub_with_a_variable_map(resolver: Resolver) -> None:
    # Given the list form of Sub with its own variables (one of them an intrinsic)
    value = {"Fn::Sub": ["${Prefix}-${Stage}-${Name}", {"Prefix": "stride", "Name": {"Ref": "Table"}}]}
    # When it is resolved
    # Then the map wins for its names and the rest resolve as usual
    assert resolver.resolve(value) == "stride-dev-stride-table-abc"


def test_join_select_split(resolver: Resolver) -> None:
    # Given Join, Select and Split, nested with Refs
    joined = {"Fn::Join": ["/", ["arn", {"Ref": "Stage"}, {"Ref": "MaxBytes"}]]}
    selected = {"Fn::Select": [1, ["a", {"Ref": "Stage"}, "c"]]}
    selected_from_split = {"Fn::Select": ["2", {"Fn::Split": [":", {"Fn::GetAtt": ["Bus", "Arn"]}]}]}
    split = {"Fn::Split": [",", {"Fn::Sub": "a,${Stage},c"}]}
    # When they are resolved
    # Then they behave as in CloudFormation
    assert resolver.resolve(joined) == "arn/dev/1024"
    assert resolver.resolve(selected) == "dev"
    assert resolver.resolve(selected_from_split) == "bus"
    assert resolver.resolve(split) == ["a", "dev", "c"]


def test_nested_properties_are_resolved_and_plain_data_kept(resolver: Resolver) -> None:
    # Given resource properties mixing plain values and intrinsics
    props = {
        "TableName": {"Ref": "Table"},
        "Tags": [{"Key": "stage", "Value": {"Ref": "Stage"}}],
        "Pattern": {"detail-type": ["test.fault"]},
        "Size": 3,
    }
    # When they are resolved
    resolved = resolver.resolve(props)
    # Then intrinsics are replaced and everything else is untouched
    assert resolved == {
        "TableName": "stride-table-abc",
        "Tags": [{"Key": "stage", "Value": "dev"}],
        "Pattern": {"detail-type": ["test.fault"]},
        "Size": 3,
    }
