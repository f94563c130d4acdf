"""The live context's domain values (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from stride.live.track import LiveState, Point


class Status(StrEnum):
    LIVE = "live"
    PAUSED = "paused"
    FINISHED = "finished"
    DISCARDED = "discarded"


class Audience(StrEnum):
    FOLLOWERS = "followers"  # approved followers
    CHOSEN = "chosen"  # the athletes listed in ``chosen``
    ONLY_ME = "only_me"  # nobody but the owner (and share links)


OPEN = frozenset({Status.LIVE, Status.PAUSED})
MAX_CHOSEN = 50


@dataclass(frozen=True)
class Session:
    id: int
    athlete_id: int
    sport_type: str
    name: str | None
    status: Status
    audience: Audience
    started_at: datetime
    updated_at: datetime
    chosen: tuple[int, ...] = ()
    group_id: int | None = None
    upload_id: int | None = None
    rev: int = 0
    state: LiveState = field(default_factory=LiveState)
    segments: str | None = None  # JSON progress of live segments (stride.live.segments_live)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


@dataclass(frozen=True)
class Share:
    id: int
    session_id: int
    token_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class Cheer:
    id: int
    session_id: int
    from_athlete_id: int
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Group:
    id: int
    owner_id: int
    name: str
    invited: tuple[int, ...]
    created_at: datetime
    members: dict[int, int] = field(default_factory=dict)  # athlete id -> session id


@dataclass(frozen=True)
class Viewer:
    """Who is watching: an athlete (``athlete_id``) or a share link's holder (``share_session_id``)."""

    athlete_id: int | None = None
    share_session_id: int | None = None
    groups: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    sub: str = ""


__all__ = ["Audience", "Cheer", "Group", "LiveState", "Point", "Session", "Share", "Status", "Viewer"]
