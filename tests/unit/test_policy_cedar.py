"""The Cedar policies behind stride.policy: each viewer x visibility x relation, kudos, comments, profiles."""

import pytest

from stride.policy import (
    STRANGER,
    ActivityAccess,
    Caller,
    Interaction,
    ProfileDetail,
    Relation,
    activity_access,
    can_delete_comment,
    can_follow,
    can_interact,
    can_list_connections,
    can_moderate_effort,
    can_see_athlete,
    profile_detail,
    sees_full_map,
)

OWNER_ID = 1
OWNER = Caller(OWNER_ID, "s1")
VIEWER = Caller(2, "s2")
MODERATOR = Caller(3, "s3", frozenset({"MODERATOR"}))
ADMIN = Caller(4, "s4", frozenset({"ADMIN"}))
FOLLOWS = Relation(follows=True)
BLOCKED = Relation(blocked=True)
FOLLOWS_BUT_BLOCKED = Relation(follows=True, blocked=True)

NONE, VIEW, OWN = ActivityAccess.NONE, ActivityAccess.VIEW, ActivityAccess.OWNER


@pytest.mark.parametrize(
    ("viewer", "relation", "visibility", "expected"),
    [
        # the owner sees every visibility
        (OWNER, STRANGER, "everyone", OWN),
        (OWNER, STRANGER, "followers_only", OWN),
        (OWNER, STRANGER, "only_me", OWN),
        # a follower
        (VIEWER, FOLLOWS, "everyone", VIEW),
        (VIEWER, FOLLOWS, "followers_only", VIEW),
        (VIEWER, FOLLOWS, "only_me", NONE),
        # someone who does not follow
        (VIEWER, STRANGER, "everyone", VIEW),
        (VIEWER, STRANGER, "followers_only", NONE),
        (VIEWER, STRANGER, "only_me", NONE),
        # a block (either way) hides everything, even from a follower whose follow has not been removed yet
        (VIEWER, BLOCKED, "everyone", NONE),
        (VIEWER, FOLLOWS_BUT_BLOCKED, "followers_only", NONE),
        # staff see every activity, a block notwithstanding
        (MODERATOR, STRANGER, "only_me", VIEW),
        (MODERATOR, BLOCKED, "everyone", VIEW),
        (ADMIN, STRANGER, "followers_only", VIEW),
    ],
)
def test_activity_access(viewer: Caller, relation: Relation, visibility: str, expected: ActivityAccess) -> None:
    assert activity_access(viewer, OWNER_ID, visibility, relation) is expected


def test_activity_read_scope_is_needed_by_others_not_by_the_owner() -> None:
    # Given tokens that lack activity:read
    limited_viewer = Caller(2, "s2", scopes=frozenset({"read"}))
    limited_owner = Caller(OWNER_ID, "s1", scopes=frozenset({"read"}))
    # Then another athlete's public activity is out of reach, the owner's own is not
    assert activity_access(limited_viewer, OWNER_ID, "everyone", FOLLOWS) is NONE
    assert activity_access(limited_owner, OWNER_ID, "only_me") is OWN


@pytest.mark.parametrize("viewer", [VIEWER, MODERATOR, ADMIN])
def test_only_the_owner_sees_the_full_map(viewer: Caller) -> None:
    assert sees_full_map(OWNER, OWNER_ID)
    assert not sees_full_map(viewer, OWNER_ID)


@pytest.mark.parametrize(
    ("viewer", "relation", "visibility", "what", "allowed"),
    [
        (VIEWER, STRANGER, "everyone", Interaction.KUDOS, True),
        (VIEWER, STRANGER, "everyone", Interaction.COMMENT, True),
        (VIEWER, FOLLOWS, "followers_only", Interaction.KUDOS, True),
        (VIEWER, STRANGER, "followers_only", Interaction.KUDOS, False),  # cannot see it
        (VIEWER, FOLLOWS, "only_me", Interaction.COMMENT, False),
        (VIEWER, BLOCKED, "everyone", Interaction.COMMENT, False),
        (OWNER, STRANGER, "everyone", Interaction.KUDOS, False),  # no kudos to oneself
        (OWNER, STRANGER, "only_me", Interaction.COMMENT, True),
        (MODERATOR, BLOCKED, "everyone", Interaction.KUDOS, False),  # staff see, but a block still forbids
    ],
)
def test_kudos_and_comments(
    viewer: Caller, relation: Relation, visibility: str, what: Interaction, allowed: bool
) -> None:
    assert can_interact(viewer, OWNER_ID, visibility, relation, what) is allowed


def test_comment_deletion_by_author_owner_or_staff_only() -> None:
    author = 2
    assert can_delete_comment(Caller(author, "s2"), author, OWNER_ID)
    assert can_delete_comment(OWNER, author, OWNER_ID)
    assert can_delete_comment(MODERATOR, author, OWNER_ID)
    assert not can_delete_comment(Caller(9, "s9"), author, OWNER_ID)


def test_only_staff_moderate_segment_efforts() -> None:
    assert can_moderate_effort(MODERATOR, 77)
    assert can_moderate_effort(ADMIN, 77)
    assert not can_moderate_effort(OWNER, 77)
    assert not can_moderate_effort(VIEWER, 77)


@pytest.mark.parametrize(
    ("viewer", "private", "relation", "expected"),
    [
        (OWNER, True, STRANGER, ProfileDetail.DETAIL),
        (VIEWER, False, STRANGER, ProfileDetail.SUMMARY),
        (VIEWER, True, STRANGER, ProfileDetail.META),
        (VIEWER, True, FOLLOWS, ProfileDetail.SUMMARY),
        (VIEWER, False, BLOCKED, ProfileDetail.HIDDEN),
        (MODERATOR, True, BLOCKED, ProfileDetail.SUMMARY),
    ],
)
def test_profile_detail(viewer: Caller, private: bool, relation: Relation, expected: ProfileDetail) -> None:
    assert profile_detail(viewer, OWNER_ID, private, relation) is expected


def test_graph_decisions() -> None:
    assert can_follow(VIEWER, OWNER_ID, STRANGER)
    assert not can_follow(OWNER, OWNER_ID, STRANGER)  # oneself
    assert not can_follow(VIEWER, OWNER_ID, BLOCKED)
    assert can_see_athlete(VIEWER, OWNER_ID, STRANGER)
    assert not can_see_athlete(VIEWER, OWNER_ID, BLOCKED)
    assert can_list_connections(VIEWER, OWNER_ID, False, STRANGER)
    assert not can_list_connections(VIEWER, OWNER_ID, True, STRANGER)
    assert can_list_connections(VIEWER, OWNER_ID, True, FOLLOWS)
    assert not can_list_connections(VIEWER, OWNER_ID, False, BLOCKED)
