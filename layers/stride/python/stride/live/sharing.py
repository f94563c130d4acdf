"""Safety links (like Strava Beacon): an unguessable token that lets someone without an account watch one
session read-only (AP80-AP83). Only the token's SHA-256 is stored; a link dies at expiry, on revoke, and when
the session finishes or is discarded (its items go, and a token of an ended session is refused anyway)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stride import ids
from stride.errors import ConflictError, ErrorDetail, NotFoundError
from stride.live import sessions
from stride.live.models import Session, Share
from stride.policy import Caller, require_scope
from stride.store.live import LiveRepository

TOKEN_BYTES = 32
URL_PREFIX = "/api/v3/live/shared/"


@dataclass(frozen=True)
class NewShare:
    share: Share
    token: str

    @property
    def url(self) -> str:
        return f"{URL_PREFIX}{self.token}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(caller: Caller, session_id: int, expires_in: int, repo: LiveRepository | None = None) -> NewShare:
    require_scope(caller, sessions.WRITE_SCOPE)
    r = repo or sessions.get_repository()
    session = sessions.own(caller, session_id, r)
    if not session.is_open:
        raise ConflictError(f"the session is {session.status.value}", [ErrorDetail("LiveSession", "status", "invalid")])
    token = secrets.token_urlsafe(TOKEN_BYTES)
    share = Share(ids.new_id(), session.id, token_hash(token), datetime.now(UTC) + timedelta(seconds=expires_in))
    r.put_share(share)
    return NewShare(share, token)


def revoke(caller: Caller, session_id: int, share_id: int, repo: LiveRepository | None = None) -> None:
    require_scope(caller, sessions.WRITE_SCOPE)
    r = repo or sessions.get_repository()
    session = sessions.own(caller, session_id, r)
    found = [s for s in r.shares_of(session.id) if s.id == share_id]
    if not found:
        raise NotFoundError("Record Not Found", [ErrorDetail("LiveShare", "id", "invalid")])
    r.delete_shares(found)


def resolve(token: str, repo: LiveRepository | None = None) -> Session | None:
    """The open session a live token watches, or None (unknown, expired, revoked, or the session ended)."""
    if not token or len(token) > 200:
        return None
    r = repo or sessions.get_repository()
    share = r.share_by_hash(token_hash(token))
    if share is None or share.expires_at <= datetime.now(UTC):
        return None
    session = r.get_session(share.session_id, consistent=True)
    return session if session is not None and session.is_open else None
