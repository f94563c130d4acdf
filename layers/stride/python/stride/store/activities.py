"""Uploads, activities, their uniqueness markers and best efforts (AP10-AP19 in docs/access-patterns.md)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from stride.activities.models import Activity, ActivityDetail, ActivitySummary, Upload, UploadStatus
from stride.errors import ConflictError
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import ActivityItem, BestEffortItem, MarkerItem, StrideItem, UploadItem

# Strava's page/per_page lists read page * per_page items at most; this bounds one request's reads.
MAX_LIST_DEPTH = 2000


class DuplicateActivityError(Exception):
    """The athlete already has an activity made from the same file or with the same external id."""

    def __init__(self, activity_id: int, reason: str) -> None:
        super().__init__(f"duplicate of activity {activity_id}")
        self.activity_id = activity_id
        self.reason = reason  # "file" | "external_id"


@dataclass(frozen=True)
class BestEffortRecord:
    name: str
    elapsed_time: int
    activity_id: int
    start_date: str


def _upload_to_domain(item: UploadItem) -> Upload:
    return Upload(
        id=int(item.upload_id),
        athlete_id=int(item.athlete_id),
        status=UploadStatus[item.status.upper()],
        object_key=item.object_key,
        created_at=item.created_at,
        updated_at=item.updated_at,
        error=item.error,
        activity_id=int(item.activity_id) if item.activity_id is not None else None,
        external_id=item.external_id,
        data_type=item.data_type,
        name=item.name,
        description=item.description,
        sport_type=item.sport_type,
        trainer=item.trainer,
        commute=item.commute,
    )


def activity_from_item(item: ActivityItem) -> Activity:
    detail = ActivityDetail.model_validate_json(zlib.decompress(item.detail)) if item.detail else ActivityDetail()
    summary = ActivitySummary.model_validate_json(item.summary)
    # The counters live beside the summary JSON, kept with ADD by kudos and comments (AP30, AP32).
    summary.kudos_count, summary.comment_count = int(item.kudos_count or 0), int(item.comment_count or 0)
    return Activity(
        id=int(item.activity_id),
        athlete_id=int(item.athlete_id),
        summary=summary,
        detail=detail,
        visibility=item.visibility,  # type: ignore[arg-type]
        created_at=item.created_at,
        updated_at=item.updated_at,
        upload_id=int(item.upload_id) if item.upload_id is not None else None,
        external_id=item.external_id,
        file_sha256=item.file_sha256,
        streams_key=item.streams_key,
        revision=int(item.revision),
    )


def _activity_to_item(activity: Activity) -> ActivityItem:
    start = int(activity.summary.start_date.timestamp())
    return ActivityItem(
        keys.activity_pk(activity.id),
        keys.META,
        GSI1PK=keys.athlete_activities_pk(activity.athlete_id),
        GSI1SK=keys.athlete_activities_sk(start, activity.id),
        activity_id=activity.id,
        athlete_id=activity.athlete_id,
        summary=activity.summary.model_dump_json(),
        detail=zlib.compress(activity.detail.model_dump_json().encode(), 6),
        visibility=activity.visibility,
        upload_id=activity.upload_id,
        file_sha256=activity.file_sha256,
        external_id=activity.external_id,
        streams_key=activity.streams_key,
        created_at=activity.created_at,
        updated_at=activity.updated_at,
        revision=activity.revision,
    )


class UploadRepository:
    def create(self, upload: Upload) -> None:
        """AP10: PutItem PK=UPLOAD#<id>, SK=META, if it does not exist."""
        item = UploadItem(
            keys.upload_pk(upload.id),
            keys.META,
            upload_id=upload.id,
            athlete_id=upload.athlete_id,
            status=upload.status.name.lower(),
            object_key=upload.object_key,
            external_id=upload.external_id,
            data_type=upload.data_type,
            name=upload.name,
            description=upload.description,
            sport_type=upload.sport_type,
            trainer=upload.trainer,
            commute=upload.commute,
            created_at=upload.created_at,
            updated_at=upload.updated_at,
        )
        with translated("Upload"):
            item.save(condition=UploadItem.PK.does_not_exist())

    def get(self, upload_id: int) -> Upload | None:
        """AP11: GetItem PK=UPLOAD#<id>, SK=META (consistent: clients poll right after the write)."""
        with translated("Upload"):
            try:
                return _upload_to_domain(UploadItem.get(keys.upload_pk(upload_id), keys.META, consistent_read=True))
            except UploadItem.DoesNotExist:
                return None

    def mark_error(self, upload_id: int, error: str) -> bool:
        """AP12: UpdateItem status=error, only while processing (a replayed event changes nothing)."""
        return self._finish(upload_id, UploadStatus.ERROR, error=error)

    def _finish(self, upload_id: int, status: UploadStatus, *, error: str | None = None) -> bool:
        item = UploadItem(keys.upload_pk(upload_id), keys.META)
        actions: list[Action] = [
            UploadItem.status.set(status.name.lower()),
            UploadItem.updated_at.set(datetime.now(UTC)),
        ]
        if error is not None:
            actions.append(UploadItem.error.set(error))
        try:
            with translated("Upload"):
                item.update(actions=actions, condition=UploadItem.status == "processing")
        except ConflictError:
            return False
        return True


class ActivityRepository:
    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    def create(self, activity: Activity, best_efforts: list[BestEffortRecord]) -> None:
        """AP14: TransactWriteItems: the activity, its file-hash and external-id markers (if-not-exists, so a
        duplicate fails atomically), its best efforts, and the upload marked ready (only while processing)."""
        markers = self._markers(activity)
        try:
            with translated("Activity"), TransactWrite(connection=self._conn()) as transaction:
                transaction.save(_activity_to_item(activity), condition=ActivityItem.PK.does_not_exist())
                for marker in markers:
                    transaction.save(marker, condition=MarkerItem.PK.does_not_exist())
                for effort in best_efforts:
                    transaction.save(self._best_effort_item(activity.athlete_id, effort))
                if activity.upload_id is not None:
                    transaction.update(
                        UploadItem(keys.upload_pk(activity.upload_id), keys.META),
                        actions=[
                            UploadItem.status.set("ready"),
                            UploadItem.activity_id.set(activity.id),
                            UploadItem.updated_at.set(datetime.now(UTC)),
                        ],
                        condition=UploadItem.status == "processing",
                    )
        except ConflictError as exc:
            self._raise_duplicate(activity, exc)
            raise

    def _markers(self, activity: Activity) -> list[MarkerItem]:
        pk = keys.athlete_pk(activity.athlete_id)
        markers = []
        if activity.file_sha256:
            markers.append(MarkerItem(pk, keys.file_hash_sk(activity.file_sha256), activity_id=activity.id))
        if activity.external_id:
            markers.append(MarkerItem(pk, keys.external_id_sk(activity.external_id), activity_id=activity.id))
        return markers

    def _raise_duplicate(self, activity: Activity, exc: ConflictError) -> None:
        """Name the activity a cancelled create collided with, if a marker was the reason."""
        cause = exc.__cause__
        reasons = getattr(cause, "cancellation_reasons", None) if isinstance(cause, TransactWriteError) else None
        checks = [("file", keys.file_hash_sk(activity.file_sha256 or ""))] if activity.file_sha256 else []
        if activity.external_id:
            checks.append(("external_id", keys.external_id_sk(activity.external_id)))
        for index, (reason, sk) in enumerate(checks, start=1):
            failed = reasons is None or (len(reasons) > index and reasons[index] is not None)
            if not failed:
                continue
            with translated("Activity"):
                try:
                    marker = MarkerItem.get(keys.athlete_pk(activity.athlete_id), sk, consistent_read=True)
                except MarkerItem.DoesNotExist:
                    continue
            if int(marker.activity_id) != activity.id:
                raise DuplicateActivityError(int(marker.activity_id), reason) from exc

    @staticmethod
    def _best_effort_item(athlete_id: int, effort: BestEffortRecord) -> BestEffortItem:
        return BestEffortItem(
            keys.athlete_pk(athlete_id),
            keys.best_effort_sk(effort.name, effort.elapsed_time, effort.activity_id),
            activity_id=effort.activity_id,
            elapsed_time=effort.elapsed_time,
            start_date=effort.start_date,
        )

    def get(self, activity_id: int) -> Activity | None:
        """AP15: GetItem PK=ACT#<id>, SK=META."""
        with translated("Activity"):
            try:
                return activity_from_item(ActivityItem.get(keys.activity_pk(activity_id), keys.META))
            except ActivityItem.DoesNotExist:
                return None

    def list_for_athlete(
        self, athlete_id: int, *, before: int | None, after: int | None, page: int, per_page: int
    ) -> list[Activity]:
        """AP13: Query GSI1 GSI1PK=ATH#<id>#ACT, GSI1SK between the after/before bounds, newest first,
        Limit page*per_page (Strava's page numbers), then the requested page is kept."""
        depth = page * per_page
        if depth > MAX_LIST_DEPTH:
            raise ValueError("page too deep")
        low = keys.athlete_activities_sk((after or 0) + 1 if after is not None else 0, 0)
        high = keys.athlete_activities_sk((before - 1) if before is not None else 99_999_999_999, 10**19 - 1)
        condition = StrideItem.GSI1SK.between(low, high)
        with translated("Activity"):
            items = list(
                StrideItem.gsi1.query(
                    keys.athlete_activities_pk(athlete_id),
                    range_key_condition=condition,
                    scan_index_forward=False,
                    limit=depth,
                    page_size=min(depth, 1000),
                )
            )
        page_items = items[(page - 1) * per_page : depth]
        return [activity_from_item(item) for item in page_items if isinstance(item, ActivityItem)]

    def save_changes(self, activity: Activity, expected_revision: int) -> None:
        """AP16: UpdateItem PK=ACT#<id>, SK=META, SET the owner's fields, if the stored revision is the one read
        (optimistic locking). The kudos and comment counters are not touched, so none is lost to an edit."""
        fresh = _activity_to_item(activity)
        item = ActivityItem(keys.activity_pk(activity.id), keys.META)
        actions: list[Action] = [
            ActivityItem.summary.set(fresh.summary),
            ActivityItem.visibility.set(fresh.visibility),
            ActivityItem.GSI1SK.set(fresh.GSI1SK),
            ActivityItem.updated_at.set(fresh.updated_at),
            ActivityItem.revision.set(fresh.revision),
        ]
        if fresh.detail is not None:
            actions.append(ActivityItem.detail.set(fresh.detail))
        with translated("Activity"):
            item.update(actions=actions, condition=ActivityItem.revision == expected_revision)

    def delete(self, activity: Activity, best_effort_names: list[tuple[str, int]]) -> None:
        """AP17: TransactWriteItems: delete the activity, its markers and best efforts; upload → deleted."""
        with translated("Activity"), TransactWrite(connection=self._conn()) as transaction:
            transaction.delete(
                ActivityItem(keys.activity_pk(activity.id), keys.META), condition=ActivityItem.PK.exists()
            )
            for marker in self._markers(activity):
                transaction.delete(marker)
            for name, elapsed in best_effort_names:
                transaction.delete(
                    BestEffortItem(
                        keys.athlete_pk(activity.athlete_id), keys.best_effort_sk(name, elapsed, activity.id)
                    )
                )
            if activity.upload_id is not None:
                transaction.update(
                    UploadItem(keys.upload_pk(activity.upload_id), keys.META),
                    actions=[UploadItem.status.set("deleted"), UploadItem.updated_at.set(datetime.now(UTC))],
                )

    def fastest_efforts(self, athlete_id: int, name: str, limit: int = 3) -> list[BestEffortRecord]:
        """AP18: Query PK=ATH#<id>, SK begins_with BEST#<name>#, ascending (fastest first), Limit 3."""
        with translated("BestEffort"):
            items = StrideItem.query(
                keys.athlete_pk(athlete_id),
                range_key_condition=StrideItem.SK.startswith(keys.best_effort_prefix(name)),
                limit=limit,
            )
            return [
                BestEffortRecord(name, int(item.elapsed_time), int(item.activity_id), item.start_date)
                for item in items
                if isinstance(item, BestEffortItem)
            ]
