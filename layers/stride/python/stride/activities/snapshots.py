"""Activity events: what consumers are told about an activity, built from the domain object."""

from __future__ import annotations

import uuid

from stride.activities.models import Activity
from stride.events.contracts import (
    ActivityCreatedEvent,
    ActivityDeletedEvent,
    ActivitySnapshot,
    ActivityUpdatedEvent,
)

_EVENT_NAMESPACE = uuid.UUID("6f1c1d38-57a5-4c36-9d1f-0f4bcbf6d0a1")


def created_event_id(activity_id: int) -> str:
    """The same activity always gets the same ``activity.created`` event id, so a re-publish is a duplicate
    that consumers drop, never a second creation."""
    return uuid.uuid5(_EVENT_NAMESPACE, f"activity.created/{activity_id}").hex


def snapshot(activity: Activity) -> ActivitySnapshot:
    summary = activity.summary
    return ActivitySnapshot(
        activity_id=activity.id,
        athlete_id=activity.athlete_id,
        name=summary.name,
        sport_type=summary.sport_type,
        start_date=summary.start_date,
        start_date_local=summary.start_date_local,
        visibility=activity.visibility,
        hide_from_home=summary.hide_from_home,
        hide_map=summary.hide_map,
        trainer=summary.trainer,
        commute=summary.commute,
        manual=summary.manual,
        distance=summary.distance,
        moving_time=summary.moving_time,
        elapsed_time=summary.elapsed_time,
        total_elevation_gain=summary.total_elevation_gain,
        achievement_count=summary.achievement_count,
        has_streams=summary.has_streams,
    )


def created_event(activity: Activity, *, event_id: str, correlation_id: str | None = None) -> ActivityCreatedEvent:
    return ActivityCreatedEvent(
        event_id=event_id, activity=snapshot(activity), upload_id=activity.upload_id, correlation_id=correlation_id
    )


def updated_event(
    before: Activity, after: Activity, changed: list[str], correlation_id: str | None = None
) -> ActivityUpdatedEvent:
    return ActivityUpdatedEvent(
        changed=changed, before=snapshot(before), after=snapshot(after), correlation_id=correlation_id
    )


def deleted_event(activity: Activity, correlation_id: str | None = None) -> ActivityDeletedEvent:
    return ActivityDeletedEvent(before=snapshot(activity), correlation_id=correlation_id)
