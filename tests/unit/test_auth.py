"""The cognito:groups claim, however API Gateway flattened it."""

import pytest

from stride.http.auth import parse_groups


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["MEMBER", "ADMIN"], {"MEMBER", "ADMIN"}),
        (("COACH",), {"COACH"}),
        ("MEMBER,ADMIN", {"MEMBER", "ADMIN"}),
        ("MEMBER, ADMIN", {"MEMBER", "ADMIN"}),
        ("[MEMBER ADMIN]", {"MEMBER", "ADMIN"}),
        ("[MEMBER]", {"MEMBER"}),
        ("MODERATOR", {"MODERATOR"}),
        ("", set()),
        ("[]", set()),
        (None, set()),
    ],
)
def test_parse_groups(raw: object, expected: set[str]) -> None:
    # Given the cognito:groups claim as API Gateway passes it on
    # When it is parsed
    groups = parse_groups(raw)
    # Then the group names come out, whatever the flattening
    assert groups == frozenset(expected)
