"""Challenge keys (AP90-AP106: the exact strings the access patterns name) and the Cedar decisions of challenges
and trophies."""

from __future__ import annotations

import pytest

from stride.challenges import rules as R
from stride.policy import STRANGER, Caller, Relation, can_create_challenge, can_view_trophies, challenge_access
from stride.store import keys

ME, CREATOR = 11, 22


def caller(athlete_id: int = ME, *groups: str) -> Caller:
    return Caller(athlete_id, f"sub-{athlete_id}", frozenset(groups))


def test_challenge_keys_are_the_documented_strings() -> None:
    assert keys.challenge_pk(42) == "CHAL#42"
    assert keys.challenge_invite_sk(7) == "INVITE#0000000000000000007"
    assert keys.challenge_by_end_sk(1_767_225_600, 42) == "01767225600#0000000000000000042"
    assert keys.challenge_end_floor(1_767_225_600) == "01767225600#"
    assert keys.challenge_from_by_end_sk("01767225600#0000000000000000042") == 42
    assert keys.participations_pk(7) == "ATH#7#CHAL"
    assert keys.invitations_pk(7) == "ATH#7#CHALINV"
    assert keys.challenge_board_pk(42) == "CHAL#42#LB"
    assert keys.challenge_entry_sk(999_999_989_999, 7) == "999999989999#0000000000000000007"
    assert keys.challenge_counts_pk(42) == "CHAL#42#LB#N"
    assert [keys.challenge_counts_sk(p) for p, _ in R.digit_path(999_999_989_999)] == [
        "D00#",
        "D03#999",
        "D06#999999",
        "D09#999999989",
    ]
    assert keys.trophies_pk(7) == "ATH#7#TROPHY"
    assert keys.challenge_sk(42) == "CHAL#0000000000000000042"


def test_the_scoring_query_floor_orders_by_end_then_id() -> None:
    # AP94 reads SK >= floor(activity start + 1): a challenge ending exactly at the start is not read
    ended_at_start = keys.challenge_by_end_sk(1000, 5)
    ends_later = keys.challenge_by_end_sk(1001, 5)
    assert ended_at_start < keys.challenge_end_floor(1001) <= ends_later


def test_only_admin_creates_platform_challenges() -> None:
    assert not can_create_challenge(caller(), "platform")
    assert not can_create_challenge(caller(ME, "MODERATOR"), "platform")
    assert can_create_challenge(caller(ME, "ADMIN"), "platform")
    assert can_create_challenge(caller(), "group")


@pytest.mark.parametrize(
    ("visibility", "who", "invited", "relation", "sees"),
    [
        ("platform", ME, False, STRANGER, True),
        ("platform", ME, False, Relation(blocked=True), True),  # a platform challenge is nobody's
        ("group", ME, False, STRANGER, False),
        ("group", ME, True, STRANGER, True),
        ("group", ME, True, Relation(blocked=True), False),
        ("group", CREATOR, False, STRANGER, True),
    ],
)
def test_who_sees_and_joins_a_challenge(
    visibility: str, who: int, invited: bool, relation: Relation, sees: bool
) -> None:
    access = challenge_access(caller(who), 1, visibility, CREATOR, invited=invited, relation=relation)
    assert (access.view, access.join) == (sees, sees)


@pytest.mark.parametrize(
    ("who", "private", "relation", "allowed"),
    [
        (ME, False, STRANGER, True),
        (ME, True, STRANGER, False),
        (ME, True, Relation(follows=True), True),
        (ME, False, Relation(blocked=True), False),
        (CREATOR, True, STRANGER, True),  # their own
    ],
)
def test_the_trophy_case_follows_the_profile(who: int, private: bool, relation: Relation, allowed: bool) -> None:
    assert can_view_trophies(caller(who), CREATOR, private, relation) is allowed
    assert can_view_trophies(caller(who, "MODERATOR"), CREATOR, private, relation)


def test_a_challenge_survives_its_item_with_19_digit_ids() -> None:
    from datetime import UTC, datetime

    from stride.challenges.models import Challenge, Participation
    from stride.store.challenges import (
        challenge_from_item,
        challenge_item,
        participation_from_item,
        participation_item,
    )

    challenge = Challenge(
        386981215786337131, "Hill sprint", None, R.Kind.SEGMENT_TIME, R.Visibility.PLATFORM, 386981215786337001,
        "2026-12-01", "2026-12-31", "Europe/Paris", 1, 2, ("Ride",), 299.5, 386981215786337130, 3,
        datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip
    assert challenge_from_item(challenge_item(challenge)) == challenge
    p = Participation(challenge.id, 386981215786337002, challenge.rules, 4, challenge_name=challenge.name)
    p.contributions["e1"] = R.Contribution(290.5, "2026-12-02")
    back = participation_from_item(participation_item(p, 5))
    assert (back.rules, back.rev, back.contributions, back.challenge_name) == (
        p.rules,
        5,
        p.contributions,
        challenge.name,
    )
