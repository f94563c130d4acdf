"""The one place that decides who may see or do what. Every read path asks here; nothing else checks roles.

Decisions are Cedar policies (``policies.cedar``) evaluated by cedarpy. Callers pass plain facts (who asks,
what the resource is, and the ``Relation`` between the asker and the resource's owner, which the social
graph reads); this module builds the Cedar request and answers with a domain value. See ADR 0006.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

import cedarpy

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
STAFF_ROLES = frozenset({"MODERATOR", "ADMIN"})


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of a request."""

    athlete_id: int
    sub: str
    groups: frozenset[str] = frozenset()
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))

    def has_role(self, role: str) -> bool:
        return role in self.groups or (role == "MODERATOR" and "ADMIN" in self.groups)


@dataclass(frozen=True)
class Relation:
    """How the caller stands to another athlete (read from the social graph by ``stride.social.graph``)."""

    follows: bool = False  # the caller follows the other athlete (an approved follow)
    blocked: bool = False  # either of the two has blocked the other
    muted: bool = False  # the caller muted the other (feed only; never a visibility rule)


STRANGER = Relation()


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


# ---------------------------------------------------------------- Cedar plumbing


@cache
def _policies() -> cedarpy.PolicySet:
    text = resources.files(__package__).joinpath("policies.cedar").read_text(encoding="utf-8")
    return cedarpy.PolicySet.from_str(text)


def _uid(kind: str, entity_id: int | str) -> dict[str, str]:
    return {"type": kind, "id": str(entity_id)}


def _ref(kind: str, entity_id: int | str) -> dict[str, Any]:
    return {"__entity": _uid(kind, entity_id)}


class _Request:
    """One Cedar request with its entities: the caller, then whatever the resource needs."""

    def __init__(self, caller: Caller, relation: Relation) -> None:
        self.caller = caller
        self.context: dict[str, Any] = {"follows": relation.follows, "blocked": relation.blocked}
        self.entities: dict[tuple[str, str], dict[str, Any]] = {}
        self.athlete(caller.athlete_id)
        self.entities[("Athlete", str(caller.athlete_id))]["attrs"].update(
            roles=sorted(caller.groups | ({"MODERATOR"} if caller.has_role("MODERATOR") else set())),
            scopes=sorted(caller.scopes),
        )

    def athlete(self, athlete_id: int, private_profile: bool = False) -> dict[str, Any]:
        key = ("Athlete", str(athlete_id))
        entity = self.entities.setdefault(
            key, {"uid": _uid(*key), "attrs": {"roles": [], "scopes": [], "private_profile": False}, "parents": []}
        )
        entity["attrs"]["private_profile"] = entity["attrs"]["private_profile"] or private_profile
        return _ref(*key)

    def add(self, kind: str, entity_id: int | str, attrs: dict[str, Any]) -> dict[str, str]:
        self.entities[(kind, str(entity_id))] = {"uid": _uid(kind, entity_id), "attrs": attrs, "parents": []}
        return _uid(kind, entity_id)

    def allowed(self, actions: list[str], resource: dict[str, str], **context: Any) -> list[bool]:
        principal = _uid("Athlete", self.caller.athlete_id)
        requests = [
            {
                "principal": principal,
                "action": _uid("Action", action),
                "resource": resource,
                "context": {**self.context, **context},
            }
            for action in actions
        ]
        entities = list(self.entities.values())
        results = cedarpy.is_authorized_batch(requests, _policies(), entities)
        return [result.allowed for result in results]


# ---------------------------------------------------------------- athletes


class ProfileDetail(IntEnum):
    """How much of an athlete's profile a viewer gets (Strava's resource_state)."""

    HIDDEN = 0  # blocked either way: the athlete does not exist for this viewer (404)
    META = 1  # id, names and picture only: a private profile seen by someone who does not follow it
    SUMMARY = 2
    DETAIL = 3


def profile_detail(
    viewer: Caller, athlete_id: int, private_profile: bool, relation: Relation = STRANGER
) -> ProfileDetail:
    """What ``viewer`` may see of athlete ``athlete_id``'s profile."""
    request = _Request(viewer, relation)
    resource = _uid("Athlete", athlete_id)
    request.athlete(athlete_id, private_profile)
    detail, profile, see = request.allowed(["ViewProfileDetail", "ViewProfile", "SeeAthlete"], resource)
    if detail:
        return ProfileDetail.DETAIL
    if profile:
        return ProfileDetail.SUMMARY
    return ProfileDetail.META if see else ProfileDetail.HIDDEN


def can_see_athlete(viewer: Caller, athlete_id: int, relation: Relation) -> bool:
    """Whether ``athlete_id`` may appear to ``viewer`` at all (lists, kudos, comments, feed)."""
    if viewer.athlete_id == athlete_id:
        return True
    request = _Request(viewer, relation)
    request.athlete(athlete_id)
    return request.allowed(["SeeAthlete"], _uid("Athlete", athlete_id))[0]


def can_follow(viewer: Caller, athlete_id: int, relation: Relation) -> bool:
    request = _Request(viewer, relation)
    request.athlete(athlete_id)
    return request.allowed(["Follow"], _uid("Athlete", athlete_id))[0]


def can_list_connections(viewer: Caller, athlete_id: int, private_profile: bool, relation: Relation) -> bool:
    """Whether ``viewer`` may read ``athlete_id``'s follower and following lists."""
    request = _Request(viewer, relation)
    request.athlete(athlete_id, private_profile)
    return request.allowed(["ListConnections"], _uid("Athlete", athlete_id))[0]


# ---------------------------------------------------------------- activities


class ActivityAccess(IntEnum):
    """What a viewer may do with an activity."""

    NONE = 0  # not even its existence: answer 404, never 403, so ids cannot be probed
    VIEW = 1
    OWNER = 2


def _activity_request(
    viewer: Caller, owner_id: int, visibility: str, relation: Relation, activity_id: int = 0
) -> tuple[_Request, dict[str, str]]:
    request = _Request(viewer, relation)
    owner = request.athlete(owner_id)
    resource = request.add("Activity", activity_id, {"owner": owner, "visibility": visibility})
    return request, resource


def activity_access(viewer: Caller, owner_id: int, visibility: str, relation: Relation = STRANGER) -> ActivityAccess:
    """What ``viewer`` may do with an activity of ``owner_id`` with ``visibility``."""
    request, resource = _activity_request(viewer, owner_id, visibility, relation)
    edit, view = request.allowed(["EditActivity", "ViewActivity"], resource)
    if edit:
        return ActivityAccess.OWNER
    return ActivityAccess.VIEW if view else ActivityAccess.NONE


def activity_accesses(
    viewer: Caller, activities: list[tuple[int, str]], relations: dict[int, Relation]
) -> list[ActivityAccess]:
    """``activity_access`` for many (owner_id, visibility) pairs at once (lists and feeds)."""
    return [
        activity_access(viewer, owner, visibility, relations.get(owner, STRANGER)) for owner, visibility in activities
    ]


def sees_full_map(viewer: Caller, owner_id: int) -> bool:
    """Only the owner sees an activity's map untrimmed; everyone else gets privacy zones and hidden ends cut."""
    request, resource = _activity_request(viewer, owner_id, "only_me", STRANGER)
    return request.allowed(["ViewFullMap"], resource)[0]


class Interaction(IntEnum):
    KUDOS = 0
    COMMENT = 1


def can_interact(viewer: Caller, owner_id: int, visibility: str, relation: Relation, what: Interaction) -> bool:
    """Kudos (never on one's own activity) and comments: only on activities the viewer sees, never across a block."""
    request, resource = _activity_request(viewer, owner_id, visibility, relation)
    (view,) = request.allowed(["ViewActivity"], resource)
    action = "GiveKudos" if what is Interaction.KUDOS else "Comment"
    return request.allowed([action], resource, can_view=view)[0]


def can_delete_comment(viewer: Caller, author_id: int, activity_owner_id: int) -> bool:
    request = _Request(viewer, STRANGER)
    resource = request.add(
        "Comment", 0, {"author": request.athlete(author_id), "activity_owner": request.athlete(activity_owner_id)}
    )
    return request.allowed(["DeleteComment"], resource)[0]


def can_moderate_effort(viewer: Caller, effort_id: int) -> bool:
    """Hide a flagged segment effort from the boards, or show it again: MODERATOR or ADMIN."""
    request = _Request(viewer, STRANGER)
    return request.allowed(["ModerateEffort"], request.add("SegmentEffort", effort_id, {}))[0]


def can_list_private_activities(viewer: Caller, owner_id: int) -> bool:
    """Strava's activity:read_all: the owner's token sees only_me activities in lists."""
    request = _Request(viewer, STRANGER)
    request.athlete(owner_id)
    return request.allowed(["ListPrivateActivities"], _uid("Athlete", owner_id))[0]


# ---------------------------------------------------------------- live tracking
def _live_session(request: _Request, session_id: int, owner_id: int, audience: str, chosen: tuple[int, ...]) -> dict:
    owner = request.athlete(owner_id)
    members = [request.athlete(a) for a in chosen]
    return request.add("LiveSession", session_id, {"owner": owner, "audience": audience, "chosen": members})


def can_watch_live(
    viewer: Caller, session_id: int, owner_id: int, audience: str, chosen: tuple[int, ...], relation: Relation
) -> bool:
    """Whether ``viewer`` may watch a live session: its owner; approved followers (audience followers); the chosen
    athletes (audience chosen); never across a block; moderators get no exception."""
    request = _Request(viewer, relation)
    resource = _live_session(request, session_id, owner_id, audience, chosen)
    return request.allowed(["WatchLive"], resource)[0]


def sees_full_live_track(viewer: Caller, session_id: int, owner_id: int) -> bool:
    """Only the owner sees live points inside their privacy zones."""
    request = _Request(viewer, STRANGER)
    resource = _live_session(request, session_id, owner_id, "only_me", ())
    return request.allowed(["ViewFullLiveTrack"], resource)[0]


def share_can_watch_live(share_session_id: int, session_id: int, owner_id: int) -> bool:
    """A safety link's holder (no account) watches the link's session, read-only, and nothing else."""
    entities = [
        {"uid": _uid("Athlete", owner_id), "attrs": {"roles": [], "scopes": [], "private_profile": False},
         "parents": []},
        {"uid": _uid("ShareLink", share_session_id), "attrs": {"session": _ref("LiveSession", share_session_id)},
         "parents": []},
        {"uid": _uid("LiveSession", session_id),
         "attrs": {"owner": _ref("Athlete", owner_id), "audience": "only_me", "chosen": []}, "parents": []},
    ]  # fmt: skip
    request = {
        "principal": _uid("ShareLink", share_session_id),
        "action": _uid("Action", "WatchLive"),
        "resource": _uid("LiveSession", session_id),
        "context": {"follows": False, "blocked": False},
    }
    return bool(cedarpy.is_authorized(request, _policies(), entities).allowed)


def can_cheer_live(
    viewer: Caller, session_id: int, owner_id: int, audience: str, chosen: tuple[int, ...], relation: Relation
) -> bool:
    """Cheering needs watching, and is never to one's own session."""
    request = _Request(viewer, relation)
    resource = _live_session(request, session_id, owner_id, audience, chosen)
    (watch,) = request.allowed(["WatchLive"], resource)
    return request.allowed(["CheerLive"], resource, can_watch=watch)[0]


# ---------------------------------------------------------------- challenges, badges, trophies


@dataclass(frozen=True)
class ChallengeAccess:
    view: bool
    join: bool


def _challenge_request(
    caller: Caller, challenge_id: int, visibility: str, creator_id: int, relation: Relation
) -> tuple[_Request, dict[str, str]]:
    request = _Request(caller, relation)
    creator = request.athlete(creator_id)
    return request, request.add("Challenge", challenge_id, {"visibility": visibility, "creator": creator})


def can_create_challenge(caller: Caller, visibility: str) -> bool:
    """Platform challenges: ADMIN only; group challenges: any athlete."""
    request, resource = _challenge_request(caller, 0, visibility, caller.athlete_id, STRANGER)
    return request.allowed(["CreateChallenge"], resource, invited=False)[0]


def challenge_access(
    caller: Caller, challenge_id: int, visibility: str, creator_id: int, *, invited: bool, relation: Relation
) -> ChallengeAccess:
    """Whether ``caller`` may see and join a challenge (``relation``: the caller to the creator)."""
    request, resource = _challenge_request(caller, challenge_id, visibility, creator_id, relation)
    view, join = request.allowed(["ViewChallenge", "JoinChallenge"], resource, invited=invited)
    return ChallengeAccess(view=view, join=join)


def can_view_trophies(caller: Caller, athlete_id: int, private_profile: bool, relation: Relation) -> bool:
    request = _Request(caller, relation)
    request.athlete(athlete_id, private_profile)
    return request.allowed(["ViewTrophies"], _uid("Athlete", athlete_id))[0]


# ---------------------------------------------------------------- clubs
@dataclass(frozen=True)
class ClubAccess:
    """What a caller may do with one club, given their membership (one Cedar batch)."""

    view_content: bool = False  # members, admins, leaderboard, group events
    view_feed: bool = False
    edit: bool = False
    manage_requests: bool = False
    create_events: bool = False
    promote: bool = False
    transfer: bool = False
    rsvp: bool = False


_CLUB_ACTIONS = (
    "ViewClubContent",
    "ViewClubFeed",
    "EditClub",
    "ManageJoinRequests",
    "CreateGroupEvent",
    "PromoteMember",
    "TransferClub",
    "RsvpGroupEvent",
)


def _club_request(viewer: Caller, club_id: int, owner_id: int, private: bool) -> tuple[_Request, dict[str, str]]:
    request = _Request(viewer, STRANGER)
    owner = request.athlete(owner_id)
    return request, request.add("Club", club_id, {"private": private, "owner": owner})


def club_access(viewer: Caller, club_id: int, owner_id: int, private: bool, role: str | None) -> ClubAccess:
    """``role`` is the viewer's membership: None, ``member``, ``admin`` or ``owner``."""
    request, resource = _club_request(viewer, club_id, owner_id, private)
    member, admin = role is not None, role in ("admin", "owner")
    answers = request.allowed(list(_CLUB_ACTIONS), resource, member=member, admin=admin)
    return ClubAccess(*answers)


def can_remove_member(
    viewer: Caller, club_id: int, owner_id: int, private: bool, role: str | None, target_role: str
) -> bool:
    """Admins remove members; only the owner removes an admin; nobody removes the owner."""
    request, resource = _club_request(viewer, club_id, owner_id, private)
    return request.allowed(
        ["RemoveMember"],
        resource,
        member=role is not None,
        admin=role in ("admin", "owner"),
        target_admin=target_role in ("admin", "owner"),
        target_owner=target_role == "owner",
    )[0]
