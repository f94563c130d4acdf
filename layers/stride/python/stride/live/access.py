"""Who may watch a live session and how much of the track they see: facts from the social graph and the
owner's privacy settings, decisions from stride.policy (policies.cedar, "live tracking")."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from stride.live.models import Session
from stride.live.track import Point
from stride.policy import Caller, Relation, can_watch_live, sees_full_live_track, share_can_watch_live
from stride.privacy.trim import MapPrivacy, hidden_mask
from stride.social.relations import relation
from stride.store.privacy import PrivacyRepository


@cache
def _privacy() -> PrivacyRepository:
    return PrivacyRepository()


def may_watch(
    caller: Caller | None, session: Session, *, share_session_id: int | None = None, rel: Relation | None = None
) -> bool:
    if caller is None:
        return share_session_id is not None and share_can_watch_live(share_session_id, session.id, session.athlete_id)
    if rel is None:
        rel = relation(caller.athlete_id, session.athlete_id)
    return can_watch_live(caller, session.id, session.athlete_id, session.audience.value, session.chosen, rel)


def sees_full_track(caller: Caller | None, session: Session) -> bool:
    return caller is not None and sees_full_live_track(caller, session.id, session.athlete_id)


def zones_of(athlete_id: int) -> MapPrivacy:
    """What others must not see of a live track: the athlete's privacy zones. (The start/end distance hiding
    of activities needs the track's end, which a live track does not have yet; zones cover the places.)"""
    return MapPrivacy(zones=_privacy().get(athlete_id).zones)


def trimmed(points: Sequence[Point], zones: MapPrivacy) -> list[Point]:
    """The points outside the zones (all of them when there are no zones)."""
    if not zones.zones:
        return list(points)
    mask = hidden_mask([(p.lat, p.lng) for p in points], zones)
    return [p for p, hide in zip(points, mask, strict=True) if not hide]
