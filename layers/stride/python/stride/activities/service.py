"""Reading and changing activities. Every read asks ``stride.policy`` what the caller may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3

from stride import ids
from stride.activities.models import Activity, ActivitySummary, Visibility
from stride.activities.snapshots import created_event, created_event_id, deleted_event, updated_event
from stride.config import upload_settings
from stride.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from stride.events import publisher
from stride.events.contracts import DomainEvent
from stride.observability import logger, tracer
from stride.policy import ActivityAccess, Caller, activity_access, can_list_private_activities, require_scope
from stride.store.activities import MAX_LIST_DEPTH, ActivityRepository

Publish = Callable[[list[DomainEvent]], None]
# Tag on a raw file whose activity was deleted; template.yaml's lifecycle rule expires tagged files.
DELETED_TAG = {"Key": "stride-activity-deleted", "Value": "true"}


@dataclass(frozen=True)
class ManualActivity:
    name: str
    sport_type: str
    start_date_local: datetime
    elapsed_time: int
    distance: float = 0.0
    description: str | None = None
    trainer: bool = False
    commute: bool = False
    total_elevation_gain: float = 0.0


@cache
def get_repository() -> ActivityRepository:
    return ActivityRepository()


@cache
def _s3() -> Any:
    return boto3.client("s3")


def _not_found() -> NotFoundError:
    return NotFoundError.about("Record Not Found", "Activity", "id", "invalid")  # type: ignore[return-value]


def _load(repo: ActivityRepository, activity_id: int) -> Activity:
    activity = repo.get(activity_id) if ids.is_valid(activity_id) else None
    if activity is None:
        raise _not_found()
    return activity


@tracer.capture_method(capture_response=False)
def get_activity(
    caller: Caller, activity_id: int, repository: ActivityRepository | None = None
) -> tuple[Activity, ActivityAccess]:
    """An activity the caller may see; 404 when it does not exist or the caller may not see it."""
    from stride.social.relations import relation

    activity = _load(repository or get_repository(), activity_id)
    access = activity_access(
        caller, activity.athlete_id, activity.visibility, relation(caller.athlete_id, activity.athlete_id)
    )
    if access is ActivityAccess.NONE:
        raise _not_found()
    return activity, access


def _owned(caller: Caller, activity_id: int, repo: ActivityRepository) -> Activity:
    require_scope(caller, "activity:write")
    activity, access = get_activity(caller, activity_id, repo)
    if access is not ActivityAccess.OWNER:
        raise ForbiddenError.about("only the owner may change an activity", "Activity", "athlete", "forbidden")
    return activity


@tracer.capture_method(capture_response=False)
def update_activity(
    caller: Caller,
    activity_id: int,
    changes: dict[str, Any],
    repository: ActivityRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> Activity:
    """Apply Strava's UpdatableActivity fields (plus ``visibility``); publishes ``activity.updated``."""
    from stride.activities.sports import legacy_type

    repo = repository or get_repository()
    before = _owned(caller, activity_id, repo)
    fields = {name: value for name, value in changes.items() if value is not None or name == "description"}
    if "sport_type" in fields:
        fields["type"] = legacy_type(fields["sport_type"])
    visibility: Visibility = fields.pop("visibility", before.visibility)
    summary = before.summary.model_copy(update=fields)
    changed = sorted(
        name for name in fields if getattr(before.summary, name) != getattr(summary, name) and name != "type"
    )
    if visibility != before.visibility:
        changed.append("visibility")
    if not changed:
        return before
    after = Activity(
        **{**before.__dict__, "summary": summary, "visibility": visibility, "revision": before.revision + 1},
    )
    after.updated_at = datetime.now(UTC)
    try:
        repo.save_changes(after, expected_revision=before.revision)
    except ConflictError:
        # Only the revision can have changed under us: ask the client to read and retry.
        raise ConflictError.about(
            "the activity changed while you edited it; read it again", "Activity", "revision", "conflict"
        ) from None
    (publish or publisher.publish)([updated_event(before, after, sorted(changed), correlation_id)])
    logger.info("activity updated", activity_id=activity_id, changed=sorted(changed))
    return after


@tracer.capture_method(capture_response=False)
def delete_activity(
    caller: Caller,
    activity_id: int,
    repository: ActivityRepository | None = None,
    publish: Publish | None = None,
    s3: Any = None,
    correlation_id: str | None = None,
) -> None:
    """Delete an activity, its streams and derived items. The raw upload is kept and tagged, and the
    bucket's lifecycle rule expires it 30 days later (docs/api.md, "Retention")."""
    repo = repository or get_repository()
    activity = _owned(caller, activity_id, repo)
    efforts = [(str(e["name"]), int(e["elapsed_time"])) for e in activity.detail.best_efforts]
    repo.delete(activity, efforts)
    client = s3 or _s3()
    bucket = upload_settings().uploads_bucket
    if activity.streams_key:
        client.delete_object(Bucket=bucket, Key=activity.streams_key)
    if activity.upload_id is not None:
        from stride.activities.uploads import get_repository as upload_repository

        upload = upload_repository().get(activity.upload_id)
        if upload is not None:
            client.put_object_tagging(Bucket=bucket, Key=upload.object_key, Tagging={"TagSet": [DELETED_TAG]})
    (publish or publisher.publish)([deleted_event(activity, correlation_id)])
    logger.info("activity deleted", activity_id=activity_id)


@tracer.capture_method(capture_response=False)
def create_manual(
    caller: Caller,
    request: ManualActivity,
    repository: ActivityRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> Activity:
    """Strava's ``POST /activities``: an activity without a file. The start is taken as UTC, since no
    position gives its time zone."""
    from stride.activities.sports import legacy_type

    require_scope(caller, "activity:write")
    local = request.start_date_local.replace(tzinfo=None)
    start = local.replace(tzinfo=UTC)
    if start > datetime.now(UTC) + timedelta(days=1):
        raise InvalidInputError.about("start_date_local is in the future", "Activity", "start_date_local", "invalid")
    speed = request.distance / request.elapsed_time if request.elapsed_time else 0.0
    summary = ActivitySummary(
        name=request.name,
        sport_type=request.sport_type,
        type=legacy_type(request.sport_type),
        start_date=start,
        start_date_local=start,
        description=request.description,
        trainer=request.trainer,
        commute=request.commute,
        manual=True,
        distance=request.distance,
        moving_time=request.elapsed_time,
        elapsed_time=request.elapsed_time,
        total_elevation_gain=request.total_elevation_gain,
        average_speed=speed,
        max_speed=speed,
    )
    now = datetime.now(UTC)
    activity = Activity(
        id=ids.new_id(),
        athlete_id=caller.athlete_id,
        summary=summary,
        visibility="everyone",
        created_at=now,
        updated_at=now,
    )
    repo = repository or get_repository()
    repo.create(activity, [])
    event = created_event(activity, event_id=created_event_id(activity.id), correlation_id=correlation_id)
    (publish or publisher.publish)([event])
    return activity


@tracer.capture_method(capture_response=False)
def list_activities(
    caller: Caller,
    athlete_id: int,
    *,
    before: int | None,
    after: int | None,
    page: int,
    per_page: int,
    repository: ActivityRepository | None = None,
) -> list[Activity]:
    """Strava's ``GET /athlete/activities``: newest first, only what the caller may see."""
    if page * per_page > MAX_LIST_DEPTH:
        raise InvalidInputError.about(
            f"page * per_page may not exceed {MAX_LIST_DEPTH}; use before/after to go further back",
            "Activity",
            "page",
            "invalid",
        )
    activities = (repository or get_repository()).list_for_athlete(
        athlete_id, before=before, after=after, page=page, per_page=per_page
    )
    from stride.social.relations import relation

    show_private = can_list_private_activities(caller, athlete_id)
    standing = relation(caller.athlete_id, athlete_id)
    return [
        activity
        for activity in activities
        if activity_access(caller, activity.athlete_id, activity.visibility, standing) is not ActivityAccess.NONE
        and (show_private or activity.visibility != "only_me")
    ]
