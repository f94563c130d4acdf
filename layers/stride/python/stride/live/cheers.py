"""Cheers: a watcher's short message to a live athlete. Stored (AP84), published as ``live.cheer.sent`` (the
notifications consumer makes it a "cheer" notification) and pushed to the athlete's own connections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from stride import ids
from stride.errors import InvalidInputError
from stride.events import publisher
from stride.events.contracts import DomainEvent, LiveCheerSentEvent
from stride.live import sessions, watchers
from stride.live.athletes import summary
from stride.live.models import Cheer
from stride.live.views import CheerView
from stride.policy import Caller, can_cheer_live, require_scope
from stride.social.relations import relation
from stride.store.live import LiveRepository

Publish = Callable[[list[DomainEvent]], None]
MAX_TEXT = 140


def send(
    caller: Caller, session_id: int, text: str, repo: LiveRepository | None = None, publish: Publish | None = None
) -> CheerView:
    require_scope(caller, sessions.READ_SCOPE)
    r = repo or sessions.get_repository()
    session = sessions.load(session_id, r)
    cleaned = text.strip()
    if not 1 <= len(cleaned) <= MAX_TEXT:
        raise InvalidInputError.about("a cheer is 1 to 140 characters", "LiveCheer", "text", "invalid")
    if session.athlete_id == caller.athlete_id:
        raise InvalidInputError.about("one does not cheer oneself", "LiveCheer", "session_id", "own session")
    rel = relation(caller.athlete_id, session.athlete_id)
    allowed = can_cheer_live(caller, session.id, session.athlete_id, session.audience.value, session.chosen, rel)
    if not allowed or not session.is_open:
        raise sessions.not_found()
    cheer = Cheer(ids.new_id(), session.id, caller.athlete_id, cleaned, datetime.now(UTC))
    r.put_cheer(cheer)
    (publish or publisher.publish)(
        [
            LiveCheerSentEvent(
                cheer_id=cheer.id,
                session_id=session.id,
                athlete_id=session.athlete_id,
                from_athlete_id=caller.athlete_id,
                text=cheer.text,
            )
        ]  # fmt: skip
    )
    sender = summary(caller.athlete_id)
    watchers.push_to_owner(
        session,
        {
            "type": "cheer",
            "id": cheer.id,
            "session_id": session.id,
            "text": cheer.text,
            "athlete": {"id": sender.id, "firstname": sender.firstname, "lastname": sender.lastname},
        },  # fmt: skip
        r,
    )
    return CheerView(
        id=cheer.id,
        session_id=session.id,
        text=cheer.text,
        athlete=sender,
        created_at=cheer.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
