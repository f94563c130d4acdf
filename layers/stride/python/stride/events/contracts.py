"""Versioned event contracts. ``detail-type`` is a dotted past-tense fact; ``source`` is ``stride.<context>``.

A contract only grows (new optional fields); a breaking change is a new ``version`` published beside the old.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

from pydantic import BaseModel, Field


class DomainEvent(BaseModel):
    """Fields every event carries: an id consumers use for idempotency and the causing request's id."""

    detail_type: ClassVar[str]
    source: ClassVar[str]

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    version: int = 1
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    correlation_id: str | None = None


class AthleteCreatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.created"
    source: ClassVar[str] = "stride.accounts"

    athlete_id: int


class AthleteUpdatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.updated"
    source: ClassVar[str] = "stride.accounts"

    athlete_id: int
    changed: list[str]
    revision: int


class ActivitySnapshot(BaseModel):
    """What consumers (stats, feed, segments, challenges) need of an activity, without reading it back."""

    activity_id: int
    athlete_id: int
    name: str
    sport_type: str
    start_date: datetime
    start_date_local: datetime
    visibility: str
    hide_from_home: bool = False
    hide_map: bool = False  # others must be shown no position of this activity
    trainer: bool = False
    commute: bool = False
    manual: bool = False
    distance: float = 0.0
    moving_time: int = 0
    elapsed_time: int = 0
    total_elevation_gain: float = 0.0
    achievement_count: int = 0
    has_streams: bool = False


class ActivityCreatedEvent(DomainEvent):
    detail_type: ClassVar[str] = "activity.created"
    source: ClassVar[str] = "stride.activities"

    activity: ActivitySnapshot
    upload_id: int | None = None


class ActivityUpdatedEvent(DomainEvent):
    """``before`` and ``after`` let a consumer take the old contribution out and put the new one in."""

    detail_type: ClassVar[str] = "activity.updated"
    source: ClassVar[str] = "stride.activities"

    changed: list[str]
    before: ActivitySnapshot
    after: ActivitySnapshot


class ActivityDeletedEvent(DomainEvent):
    detail_type: ClassVar[str] = "activity.deleted"
    source: ClassVar[str] = "stride.activities"

    before: ActivitySnapshot


class AthleteFollowedEvent(DomainEvent):
    """``follower_id`` now follows ``followed_id`` (a request approved counts as followed then)."""

    detail_type: ClassVar[str] = "athlete.followed"
    source: ClassVar[str] = "stride.social"

    follower_id: int
    followed_id: int


class AthleteUnfollowedEvent(DomainEvent):
    """The follow is gone; ``reason`` is ``unfollow``, ``removed`` (by the followed) or ``block``."""

    detail_type: ClassVar[str] = "athlete.unfollowed"
    source: ClassVar[str] = "stride.social"

    follower_id: int
    followed_id: int
    reason: str = "unfollow"


class FollowRequestedEvent(DomainEvent):
    detail_type: ClassVar[str] = "follow.requested"
    source: ClassVar[str] = "stride.social"

    requester_id: int
    target_id: int


class AthleteBlockedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.blocked"
    source: ClassVar[str] = "stride.social"

    blocker_id: int
    blocked_id: int


class AthleteMutedEvent(DomainEvent):
    detail_type: ClassVar[str] = "athlete.muted"
    source: ClassVar[str] = "stride.social"

    muter_id: int
    muted_id: int


class KudosGivenEvent(DomainEvent):
    detail_type: ClassVar[str] = "kudos.given"
    source: ClassVar[str] = "stride.social"

    activity_id: int
    owner_id: int
    athlete_id: int  # who gave it


class CommentAddedEvent(DomainEvent):
    detail_type: ClassVar[str] = "comment.added"
    source: ClassVar[str] = "stride.social"

    activity_id: int
    owner_id: int
    comment_id: int
    athlete_id: int  # the author
    text: str
    mentions: list[int] = []


class SegmentEffortSnapshot(BaseModel):
    """One effort as the matcher stored it: what the leaderboards, records and challenges need, no track."""

    effort_id: int  # deterministic: (activity, segment, n-th pass), so a re-match writes the same effort
    segment_id: int
    activity_id: int
    athlete_id: int
    sport_type: str
    start_date: datetime  # UTC start of the effort (interpolated)
    start_date_local: datetime
    elapsed_time: float  # seconds, sub-second precision
    moving_time: float
    distance: float
    start_index: int
    end_index: int
    visibility: str  # the activity's: only_me efforts never reach a board
    hidden: bool = False  # a privacy-zone overlap or a moderator's flag: the owner sees it, nobody else


class SegmentEffortRecordedEvent(DomainEvent):
    detail_type: ClassVar[str] = "segment.effort.recorded"
    source: ClassVar[str] = "stride.segments"

    effort: SegmentEffortSnapshot


class SegmentEffortRemovedEvent(DomainEvent):
    """An effort left the boards: its activity was deleted or made only_me, re-matched away, or hidden."""

    detail_type: ClassVar[str] = "segment.effort.removed"
    source: ClassVar[str] = "stride.segments"

    effort: SegmentEffortSnapshot
    reason: str  # activity_deleted | only_me | rematched | hidden


# ---------------------------------------------------------------- live tracking: stride.live
class LiveCheerSentEvent(DomainEvent):
    """A watcher cheered an athlete who is live; the athlete's device hears it and it becomes a notification."""

    detail_type: ClassVar[str] = "live.cheer.sent"
    source: ClassVar[str] = "stride.live"

    cheer_id: int
    session_id: int
    athlete_id: int  # the athlete who is live (the recipient)
    from_athlete_id: int  # the watcher who cheered
    text: str


# ---------------------------------------------------------------- challenges: stride.challenges
class ChallengeCompletedEvent(DomainEvent):
    """An athlete reached a challenge's goal: a badge is awarded and the athlete notified (once per athlete)."""

    detail_type: ClassVar[str] = "challenge.completed"
    source: ClassVar[str] = "stride.challenges"

    challenge_id: int
    athlete_id: int
    challenge_name: str
    completed_at: datetime


# ---------------------------------------------------------------- clubs: stride.clubs
class ClubMemberLeftEvent(DomainEvent):
    """An athlete is no longer a member (``reason``: ``left`` or ``removed``): the clubs consumer takes their
    entries out of the club feed and the current week's board."""

    detail_type: ClassVar[str] = "club.member.left"
    source: ClassVar[str] = "stride.clubs"

    club_id: int
    athlete_id: int
    reason: str = "left"
    week: str  # the club's week when they left (its board loses their entry; earlier weeks keep it)


def _contracts(base: type[DomainEvent]) -> dict[str, type[DomainEvent]]:
    """Every concrete contract (a subclass that names its detail type), found so no list can forget one."""
    found: dict[str, type[DomainEvent]] = {}
    for cls in base.__subclasses__():
        if "detail_type" in cls.__dict__:
            found[cls.detail_type] = cls
        found.update(_contracts(cls))
    return found


CONTRACTS: dict[str, type[DomainEvent]] = _contracts(DomainEvent)
