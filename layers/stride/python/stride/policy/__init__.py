"""The one place that decides who may see or do what. Every read path asks here; nothing else checks roles.

This first version holds the profile and scope rules as small pure functions; the social issue moves the
decisions to Cedar policies (cedarpy) behind the same calls, so callers will not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from stride.errors import ForbiddenError

SCOPES = (
    "read",
    "read_all",
    "profile:read_all",
    "profile:write",
    "activity:read",
    "activity:read_all",
    "activity:write",
)
FIRST_PARTY_SCOPE = "aws.cognito.signin.user.admin"  # a user's own sign-in token (the Stride app itself)
RESOURCE_SERVER = "stride"
# A broader scope grants the narrower ones, as Strava's do.
_IMPLIED = {"read_all": {"read"}, "activity:read_all": {"activity:read"}, "profile:read_all": {"read"}}


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of a request."""

    athlete_id: int
    sub: str
    groups: frozenset[str] = frozenset()
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))

    def has_role(self, role: str) -> bool:
        return role in self.groups or (role == "MODERATOR" and "ADMIN" in self.groups)


def scopes_from_token(token_use: str, scope_claim: str | None) -> frozenset[str]:
    """Strava-like scopes a token grants. First-party tokens (ID tokens, sign-in access tokens) grant all."""
    if token_use == "id":
        return frozenset(SCOPES)
    granted: set[str] = set()
    for raw in (scope_claim or "").split():
        if raw == FIRST_PARTY_SCOPE:
            return frozenset(SCOPES)
        server, _, name = raw.partition("/")
        if server == RESOURCE_SERVER and name in SCOPES:
            granted |= {name, *_IMPLIED.get(name, set())}
    return frozenset(granted)


def require_scope(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise ForbiddenError.about(f"this token lacks the {scope} scope", "Application", "scope", "missing")


class ProfileDetail(IntEnum):
    """How much of an athlete's profile a viewer gets (Strava's resource_state)."""

    META = 1  # id, names and picture only: a private profile seen by someone else
    SUMMARY = 2
    DETAIL = 3


def profile_detail(viewer: Caller, athlete_id: int, private_profile: bool) -> ProfileDetail:
    """What ``viewer`` may see of athlete ``athlete_id``'s profile."""
    if viewer.athlete_id == athlete_id:
        return ProfileDetail.DETAIL if "profile:read_all" in viewer.scopes else ProfileDetail.SUMMARY
    if viewer.has_role("MODERATOR"):
        return ProfileDetail.SUMMARY
    if private_profile:
        return ProfileDetail.META
    return ProfileDetail.SUMMARY


class ActivityAccess(IntEnum):
    """What a viewer may do with an activity."""

    NONE = 0  # not even its existence: answer 404, never 403, so ids cannot be probed
    VIEW = 1
    OWNER = 2


def activity_access(viewer: Caller, owner_id: int, visibility: str) -> ActivityAccess:
    """Visibility rules for one activity. ``followers_only`` is owner-only until the social graph exists
    (issue 5 adds followers here, behind this same call)."""
    if viewer.athlete_id == owner_id:
        return ActivityAccess.OWNER
    if viewer.has_role("MODERATOR"):
        return ActivityAccess.VIEW
    if visibility == "everyone" and "activity:read" in viewer.scopes:
        return ActivityAccess.VIEW
    return ActivityAccess.NONE


def can_list_private_activities(viewer: Caller, owner_id: int) -> bool:
    """Strava's activity:read_all: the owner's token sees only_me activities in lists."""
    return viewer.athlete_id == owner_id and "activity:read_all" in viewer.scopes
