"""Club decisions through Cedar (stride.policy): who sees what of open and private clubs, who manages members."""

from __future__ import annotations

import pytest

from stride.policy import Caller, can_remove_member, club_access

OWNER, ADMIN, MEMBER, OUTSIDER, MODERATOR = 1, 2, 3, 4, 5
CLUB = 77


def who(athlete_id: int, *groups: str) -> Caller:
    return Caller(athlete_id, f"sub-{athlete_id}", frozenset(groups))


@pytest.mark.parametrize("private", [False, True])
def test_outsiders_see_an_open_clubs_content_but_not_a_private_ones_and_never_the_feed(private: bool) -> None:
    access = club_access(who(OUTSIDER), CLUB, OWNER, private, None)
    assert access.view_content is (not private)
    assert not access.view_feed and not access.rsvp
    assert not (access.edit or access.manage_requests or access.create_events or access.promote or access.transfer)


@pytest.mark.parametrize("private", [False, True])
def test_members_see_everything_and_rsvp_but_manage_nothing(private: bool) -> None:
    access = club_access(who(MEMBER), CLUB, OWNER, private, "member")
    assert access.view_content and access.view_feed and access.rsvp
    assert not (access.edit or access.manage_requests or access.create_events or access.promote or access.transfer)


def test_admins_manage_and_only_the_owner_hands_the_club_over() -> None:
    admin = club_access(who(ADMIN), CLUB, OWNER, True, "admin")
    assert admin.edit and admin.manage_requests and admin.create_events and admin.promote and not admin.transfer
    owner = club_access(who(OWNER), CLUB, OWNER, True, "owner")
    assert owner.edit and owner.transfer


def test_moderators_look_into_private_clubs_without_managing_them() -> None:
    access = club_access(who(MODERATOR, "MODERATOR"), CLUB, OWNER, True, None)
    assert access.view_content and access.view_feed and not access.edit and not access.rsvp


@pytest.mark.parametrize(
    ("actor", "role", "target_role", "allowed"),
    [
        (ADMIN, "admin", "member", True),
        (ADMIN, "admin", "admin", False),  # only the owner removes an admin
        (OWNER, "owner", "admin", True),
        (OWNER, "owner", "owner", False),  # nobody removes the owner
        (ADMIN, "admin", "owner", False),
        (MEMBER, "member", "member", False),
        (OUTSIDER, None, "member", False),
    ],
)
def test_removing_members(actor: int, role: str | None, target_role: str, allowed: bool) -> None:
    assert can_remove_member(who(actor), CLUB, OWNER, False, role, target_role) is allowed
