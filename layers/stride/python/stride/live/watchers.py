"""The WebSocket side: connections, subscriptions and the fan-out of pushes (AP85-AP88).

A subscription is a watch item per topic: ``SES#<session>`` (one session), ``ATH#<athlete>`` (every athlete the
viewer followed when subscribing to "following": the list is resolved at subscribe time, one watch item per
followed athlete, so a push finds its watchers with one Query per topic) and ``GRP#<group>``. Whether a viewer
may see a session is decided at subscribe time for ``SES#`` and again at push time for ``ATH#`` and ``GRP#``
(a session's audience is known only then). Owners get full points; everyone else gets them trimmed by the
owner's privacy zones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from stride import ids
from stride.errors import StrideError
from stride.live import access, push
from stride.live.models import Session
from stride.live.track import Point
from stride.observability import logger
from stride.policy import Caller, scopes_from_token
from stride.store.live import LiveRepository, topics_of

FOLLOWING_READ = 1000


def session_topic(session_id: int) -> str:
    return f"SES#{session_id}"


def athlete_topic(athlete_id: int) -> str:
    return f"ATH#{athlete_id}"


def group_topic(group_id: int) -> str:
    return f"GRP#{group_id}"


@cache
def get_repository() -> LiveRepository:
    return LiveRepository()


@dataclass(frozen=True)
class Principal:
    """Who is on a connection, from the authorizer's context (API Gateway passes it to every route)."""

    caller: Caller | None  # an athlete
    share_session_id: int | None  # a safety link's holder

    @property
    def athlete_id(self) -> int | None:
        return self.caller.athlete_id if self.caller else None

    @property
    def kind(self) -> str:
        return "athlete" if self.caller else "share"


def principal_from(context: dict[str, Any]) -> Principal:
    if context.get("kind") == "share":
        return Principal(None, int(context["session_id"]))
    groups = frozenset(str(context.get("groups") or "").split())
    scopes = frozenset(str(context.get("scopes") or "").split())
    caller = Caller(
        int(context["athlete_id"]), str(context.get("sub", "")), groups, scopes or scopes_from_token("id", None)
    )
    return Principal(caller, None)


# ---------------------------------------------------------------- routes
def connect(connection_id: str, principal: Principal, repo: LiveRepository | None = None) -> None:
    attrs: dict[str, Any] = {"viewer_kind": principal.kind}
    if principal.caller:
        attrs |= {"athlete_id": principal.caller.athlete_id, "sub": principal.caller.sub}
    else:
        attrs["share_session_id"] = principal.share_session_id
    (repo or get_repository()).put_connection(connection_id, attrs)


def disconnect(connection_id: str, repo: LiveRepository | None = None) -> None:
    (repo or get_repository()).delete_connection(connection_id)


def _error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def _id(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if ids.is_valid(number) else None


def subscribe(  # noqa: PLR0911 - one answer per kind of subscription and refusal
    connection_id: str, principal: Principal, body: dict[str, Any], repo: LiveRepository | None = None
) -> dict[str, Any]:
    """Watch a session, everyone the viewer follows, or a group; an error message for anything not allowed."""
    from stride.live import groups, sessions

    r = repo or get_repository()
    if "session_id" in body:
        session_id = _id(body, "session_id")
        try:
            session = sessions.load(session_id or 0, r)
        except StrideError:
            return _error("no such live session")
        if not session.is_open or not access.may_watch(
            principal.caller, session, share_session_id=principal.share_session_id
        ):
            return _error("no such live session")
        r.watch(connection_id, [session_topic(session.id)], principal.kind, principal.athlete_id)
        return {"type": "subscribed", "session_id": session.id}
    if body.get("following") is True:
        if principal.caller is None:
            return _error("a share link watches its session only")
        from stride.store import keys
        from stride.store.social import SocialRepository

        followed = SocialRepository().edge_ids(keys.following_pk(principal.caller.athlete_id), limit=FOLLOWING_READ)
        r.watch(connection_id, [athlete_topic(a) for a in followed], principal.kind, principal.athlete_id)
        return {"type": "subscribed", "following": True}
    if "group_id" in body:
        if principal.caller is None:
            return _error("a share link watches its session only")
        group = groups.find(_id(body, "group_id") or 0, r)
        if group is None or not groups.may_see(principal.caller, group):
            return _error("no such group")
        r.watch(connection_id, [group_topic(group.id)], principal.kind, principal.athlete_id)
        return {"type": "subscribed", "group_id": group.id}
    return _error('subscribe needs "session_id", "following": true or "group_id"')


def unsubscribe(
    connection_id: str, principal: Principal, body: dict[str, Any], repo: LiveRepository | None = None
) -> dict[str, Any]:
    r = repo or get_repository()
    if "session_id" in body and _id(body, "session_id"):
        topics, answer = [session_topic(_id(body, "session_id") or 0)], {"session_id": _id(body, "session_id")}
    elif body.get("following") is True:
        item = r.get_connection(connection_id)
        topics = [t for t in (topics_of(item) if item else []) if t.startswith("ATH#")]
        answer = {"following": True}
    elif "group_id" in body and _id(body, "group_id"):
        topics, answer = [group_topic(_id(body, "group_id") or 0)], {"group_id": _id(body, "group_id")}
    else:
        return _error('unsubscribe needs "session_id", "following": true or "group_id"')
    r.unwatch(connection_id, topics)
    return {"type": "unsubscribed", **answer}


# ---------------------------------------------------------------- fan-out
@dataclass(frozen=True)
class Watcher:
    connection_id: str
    athlete_id: int | None  # None: a share link
    is_owner: bool


def session_watchers(session: Session, repo: LiveRepository | None = None) -> list[Watcher]:
    """Every connection that may get this session's pushes: its own watchers and the owner's followers watching
    "following" (for these the audience is decided now)."""
    from stride.social.relations import relation

    r = repo or get_repository()
    found: dict[str, Watcher] = {}
    for item in r.watchers(session_topic(session.id)):
        athlete = int(item.athlete_id) if item.athlete_id is not None else None
        found[item.connection_id] = Watcher(item.connection_id, athlete, athlete == session.athlete_id)
    followers = [i for i in r.watchers(athlete_topic(session.athlete_id)) if i.athlete_id is not None]
    allowed: dict[int, bool] = {}
    for item in followers:
        viewer = int(item.athlete_id)
        if viewer not in allowed:  # the relation is the viewer's to the owner (follows, blocks)
            allowed[viewer] = access.may_watch(Caller(viewer, ""), session, rel=relation(viewer, session.athlete_id))
        if allowed[viewer]:
            found.setdefault(item.connection_id, Watcher(item.connection_id, viewer, False))
    return list(found.values())


def push_points(
    session: Session, new_points: Sequence[Point], state: dict[str, Any], repo: LiveRepository | None = None
) -> int:
    watchers = session_watchers(session, repo)
    if not watchers:
        return 0
    zones = None
    trimmed: list[dict[str, Any]] | None = None
    full = [p.to_json() for p in new_points]

    def message(watcher: Watcher) -> dict[str, Any] | None:
        nonlocal zones, trimmed
        points = full
        if not watcher.is_owner:
            if trimmed is None:
                zones = access.zones_of(session.athlete_id)
                trimmed = [p.to_json() for p in access.trimmed(new_points, zones)]
            points = trimmed
            if not points:
                return None
            # The newest point hidden in a zone: no position at all rather than the athlete's place.
            position = state.get("position") if points[-1] == full[-1] else None
            return {"type": "points", "session_id": session.id, "athlete_id": session.athlete_id,
                    "points": points, "state": state | {"position": position}}  # fmt: skip
        return {"type": "points", "session_id": session.id, "athlete_id": session.athlete_id, "points": points,
                "state": state}  # fmt: skip

    return _send(watchers, message)


def push_status(session: Session, repo: LiveRepository | None = None, **extra: Any) -> int:
    body = {"type": "status", "session_id": session.id, "status": session.status.value, **extra}
    return _send(session_watchers(session, repo), lambda _: body)


def push_to_owner(session: Session, body: dict[str, Any], repo: LiveRepository | None = None) -> int:
    """Cheers and live-segment messages: only the athlete's own connections watching the session."""
    owners = [w for w in session_watchers(session, repo) if w.is_owner]
    return _send(owners, lambda _: body)


def _send(watchers: Sequence[Watcher], message: Callable[[Watcher], dict[str, Any] | None]) -> int:
    by_id = {w.connection_id: w for w in watchers}
    sent = push.send_each(by_id, lambda connection_id: message(by_id[connection_id]))
    if watchers:
        logger.debug("pushed", watchers=len(watchers), sent=sent)
    return sent
