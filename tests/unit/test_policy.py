"""Scopes and profile visibility: the policy decisions every read path asks for."""

import pytest

from stride.errors import ForbiddenError
from stride.policy import SCOPES, Caller, ProfileDetail, profile_detail, require_scope, scopes_from_token

ALL = frozenset(SCOPES)


def caller(athlete_id: int = 1, groups: frozenset[str] = frozenset(), scopes: frozenset[str] = ALL) -> Caller:
    return Caller(athlete_id=athlete_id, sub=f"sub-{athlete_id}", groups=groups, scopes=scopes)


# ---------------------------------------------------------------- scopes


@pytest.mark.parametrize("scope_claim", [None, "", "stride/read"])
def test_id_token_grants_every_scope(scope_claim: str | None) -> None:
    # Given an ID token (the Stride app itself), whatever its scope claim
    # When its scopes are read
    scopes = scopes_from_token("id", scope_claim)
    # Then it grants all of them
    assert scopes == ALL


def test_sign_in_access_token_grants_every_scope() -> None:
    # Given a user's own sign-in access token
    # When its scopes are read
    scopes = scopes_from_token("access", "openid aws.cognito.signin.user.admin")
    # Then it grants all of them
    assert scopes == ALL


def test_broader_scope_implies_narrower() -> None:
    # Given a third-party token with activity:read_all
    # When its scopes are read
    scopes = scopes_from_token("access", "stride/activity:read_all")
    # Then activity:read comes with it, and nothing else
    assert scopes == {"activity:read_all", "activity:read"}


def test_profile_read_all_and_read_all_imply_read() -> None:
    # Given tokens with profile:read_all or read_all
    # When their scopes are read
    # Then both include read
    assert scopes_from_token("access", "stride/profile:read_all") == {"profile:read_all", "read"}
    assert scopes_from_token("access", "stride/read_all") == {"read_all", "read"}


def test_foreign_resource_server_and_unknown_scopes_are_ignored() -> None:
    # Given scopes of another resource server, an unknown stride scope and an unprefixed name
    claim = "other/read other/activity:write stride/bogus read stride/activity:write"
    # When the scopes are read
    scopes = scopes_from_token("access", claim)
    # Then only the known stride scope counts
    assert scopes == {"activity:write"}


@pytest.mark.parametrize("scope_claim", [None, "", "   "])
def test_no_scope_claim_grants_nothing(scope_claim: str | None) -> None:
    # Given an access token without scopes
    # When its scopes are read
    # Then it grants none
    assert scopes_from_token("access", scope_claim) == frozenset()


def test_require_scope_passes_when_granted() -> None:
    # Given a caller with profile:write
    # When profile:write is required
    # Then nothing is raised
    require_scope(caller(scopes=frozenset({"profile:write"})), "profile:write")


def test_require_scope_refuses_a_missing_scope() -> None:
    # Given a caller with only read
    limited = caller(scopes=frozenset({"read"}))
    # When profile:write is required
    # Then the caller is forbidden, and the error names the scope
    with pytest.raises(ForbiddenError, match="profile:write") as raised:
        require_scope(limited, "profile:write")
    assert raised.value.details[0].field == "scope"


# ---------------------------------------------------------------- profile visibility


def test_own_profile_is_detailed_with_profile_read_all() -> None:
    # Given a caller with profile:read_all
    # When they look at their own profile, even a private one
    # Then they get the detailed view
    assert profile_detail(caller(7), 7, private_profile=True) is ProfileDetail.DETAIL


def test_own_profile_is_a_summary_without_profile_read_all() -> None:
    # Given a third-party token with read only
    limited = caller(7, scopes=frozenset({"read"}))
    # When it reads the athlete's own profile
    # Then it gets the summary
    assert profile_detail(limited, 7, private_profile=False) is ProfileDetail.SUMMARY


@pytest.mark.parametrize("role", ["MODERATOR", "ADMIN"])
def test_moderators_and_admins_see_a_summary_of_private_profiles(role: str) -> None:
    # Given a moderator or an admin
    staff = caller(1, groups=frozenset({role}))
    # When they look at someone else's private profile
    # Then they get the summary
    assert profile_detail(staff, 2, private_profile=True) is ProfileDetail.SUMMARY


def test_private_profile_of_someone_else_is_meta() -> None:
    # Given a plain member
    # When they look at someone else's private profile
    # Then they get names and picture only
    assert profile_detail(caller(1, groups=frozenset({"MEMBER"})), 2, private_profile=True) is ProfileDetail.META


def test_public_profile_of_someone_else_is_a_summary() -> None:
    # Given a plain member
    # When they look at someone else's public profile
    # Then they get the summary
    assert profile_detail(caller(1), 2, private_profile=False) is ProfileDetail.SUMMARY


def test_detail_levels_are_strava_resource_states() -> None:
    # Given the detail levels
    # When they are read as numbers
    # Then they match Strava's resource_state
    assert (int(ProfileDetail.META), int(ProfileDetail.SUMMARY), int(ProfileDetail.DETAIL)) == (1, 2, 3)


# ---------------------------------------------------------------- roles


def test_admin_implies_moderator() -> None:
    # Given an admin
    admin = caller(groups=frozenset({"ADMIN"}))
    # When roles are checked
    # Then the admin is also a moderator, but not a coach
    assert admin.has_role("ADMIN") and admin.has_role("MODERATOR")
    assert not admin.has_role("COACH")


def test_moderator_does_not_imply_admin() -> None:
    # Given a moderator
    moderator = caller(groups=frozenset({"MODERATOR"}))
    # When roles are checked
    # Then the moderator is not an admin
    assert moderator.has_role("MODERATOR")
    assert not moderator.has_role("ADMIN")


def test_caller_without_groups_has_no_role() -> None:
    # Given a caller in no group
    # When roles are checked
    # Then none is held
    assert not any(caller().has_role(role) for role in ("MEMBER", "MODERATOR", "ADMIN"))
