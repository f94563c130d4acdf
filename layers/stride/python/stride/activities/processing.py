"""The upload processor: a raw file in the uploads bucket becomes an activity (S3 ObjectCreated trigger).

Outcomes are split by whose fault they are. The athlete's (empty, corrupt, hostile, too large, duplicate,
no usable samples) end the Upload in ``error`` with a readable text, and the trigger succeeds: retrying
cannot help. Infrastructure faults (S3, DynamoDB, EventBridge) raise, so Lambda retries and then
dead-letters the event for replay. Replays are safe: an upload that is no longer ``processing`` is not
processed again; one that is ``ready`` only has its ``activity.created`` event re-published with the same
event id, in case the first attempt died between the write and the publish.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from stride import ids
from stride.accounts import zones as zone_rules
from stride.accounts.service import get_repository as get_athlete_repository
from stride.activities import streams_codec
from stride.activities.models import Activity, ActivityDetail, ActivitySummary, Upload, UploadStatus
from stride.activities.parsing import parse
from stride.activities.parsing.model import ActivityFileError, ParsedActivity
from stride.activities.snapshots import created_event, created_event_id
from stride.activities.sports import canonical, legacy_type
from stride.activities.uploads import get_repository as get_upload_repository
from stride.activities.uploads import parse_object_key
from stride.config import upload_settings
from stride.events import publisher
from stride.observability import logger, metrics, tracer
from stride.store.activities import ActivityRepository, BestEffortRecord, DuplicateActivityError, UploadRepository
from stride.store.athletes import AthleteRepository

STREAMS_PREFIX = "streams/"
RUN_SPORTS = frozenset({"Run", "TrailRun", "VirtualRun"})


@cache
def get_activity_repository() -> ActivityRepository:
    return ActivityRepository()


@cache
def _s3() -> Any:
    return boto3.client("s3")


def streams_key(activity_id: int) -> str:
    return f"{STREAMS_PREFIX}{activity_id}"


def default_name(sport_type: str, local_start: datetime) -> str:
    """Strava's automatic title: the part of the day and the sport, e.g. "Morning Run"."""
    hour = local_start.hour
    part = "Night" if hour < 5 or hour >= 21 else "Morning" if hour < 12 else "Afternoon" if hour < 17 else "Evening"
    noun = next((word for word in ("Ride", "Run", "Swim", "Walk", "Hike") if word in sport_type), "Activity")
    return f"{part} {noun}"


@tracer.capture_method(capture_response=False)
def process_uploaded(
    bucket: str,
    key: str,
    *,
    uploads: UploadRepository | None = None,
    activities: ActivityRepository | None = None,
    athletes: AthleteRepository | None = None,
    s3: Any = None,
    publish: Any = None,
) -> str:
    """Process one raw file. Returns the outcome; raises only on infrastructure faults."""
    parsed_key = parse_object_key(key)
    if parsed_key is None:
        logger.warning("upload key ignored", reason="unexpected key shape")
        return "ignored"
    athlete_id, upload_id = parsed_key
    uploads = uploads or get_upload_repository()
    activities = activities or get_activity_repository()
    client = s3 or _s3()
    publish = publish or publisher.publish
    upload = uploads.get(upload_id)
    if upload is None or upload.athlete_id != athlete_id:
        logger.warning("upload key ignored", reason="no such upload", upload_id=upload_id)
        return "ignored"
    logger.append_keys(upload_id=upload_id, athlete_id=athlete_id)
    if upload.status is not UploadStatus.PROCESSING:
        _announce_again(upload, activities, publish)
        return "already processed"
    try:
        data = _read_raw(client, bucket, key)
        activity, efforts, streams_blob = _build_activity(
            upload, data, athletes or get_athlete_repository(), activities
        )
    except ActivityFileError as exc:
        return _fail(uploads, upload, exc.message, "file")
    if activity.streams_key is not None and streams_blob is not None:
        # Streams first: once the activity item exists, readers may ask for them.
        client.put_object(Bucket=bucket, Key=activity.streams_key, Body=streams_blob)
    try:
        activities.create(activity, efforts)
    except DuplicateActivityError as exc:
        if activity.streams_key is not None:
            client.delete_object(Bucket=bucket, Key=activity.streams_key)
        return _fail(uploads, upload, f"duplicate of activity {exc.activity_id}", "duplicate")
    publish([created_event(activity, event_id=created_event_id(activity.id))])
    metrics.add_metric(name="ActivityCreated", unit="Count", value=1)
    logger.info("activity created", activity_id=activity.id, points=activity.summary.has_streams)
    return "ready"


def _announce_again(upload: Upload, activities: ActivityRepository, publish: Any) -> None:
    """A replayed event for a finished upload: re-publish ``activity.created`` (same event id, so consumers
    drop it if they had it) in case the first attempt died between the write and the publish."""
    if upload.status is not UploadStatus.READY or upload.activity_id is None:
        return
    activity = activities.get(upload.activity_id)
    if activity is not None:
        publish([created_event(activity, event_id=created_event_id(activity.id))])


def _read_raw(client: Any, bucket: str, key: str) -> bytes:
    """The raw file, after checking its size: moto (and a bad client) can bypass the POST policy's limit."""
    settings = upload_settings()
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            raise ActivityFileError("the uploaded file is missing; please upload it again") from exc
        raise
    size = int(head["ContentLength"])
    if size == 0:
        raise ActivityFileError("the file is empty")
    if size > settings.upload_max_bytes:
        raise ActivityFileError(f"the file is larger than {settings.upload_max_bytes // 1_048_576} MB")
    body: bytes = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def _fail(uploads: UploadRepository, upload: Upload, message: str, reason: str) -> str:
    uploads.mark_error(upload.id, message)
    metrics.add_metric(name="UploadParseFailed", unit="Count", value=1)
    logger.info("upload failed", reason=reason)
    return f"error:{reason}"


def _sport_type(upload: Upload, parsed: ParsedActivity) -> str:
    return canonical(upload.sport_type) or parsed.sport or "Workout"


def _build_activity(
    upload: Upload, data: bytes, athletes: AthleteRepository, activities: ActivityRepository
) -> tuple[Activity, list[BestEffortRecord], bytes | None]:
    from stride.activities.metrics import compute, strava_timezone

    settings = upload_settings()
    parsed = parse(data, upload.data_type, max_bytes=settings.upload_uncompressed_max_bytes)
    if len(parsed) == 0 and not parsed.sessions:
        raise ActivityFileError("the file has no samples to make an activity from")
    athlete = athletes.get(upload.athlete_id)
    stored_zones = athletes.get_zones(upload.athlete_id) or zone_rules.default_heart_rate_zones()
    sport_type = _sport_type(upload, parsed)
    hr_bounds = [zone.min for zone in stored_zones.zones]
    power_bounds = [zone.min for zone in zone_rules.power_zones(athlete.ftp if athlete else None)]
    computed = compute(
        parsed,
        sport_type=sport_type,
        weight_kg=athlete.weight if athlete else None,
        hr_zones=hr_bounds or None,
        power_zones=power_bounds or None,
    )
    activity_id = ids.new_id()
    start = datetime.fromtimestamp(computed.start_time, UTC)
    local_start = (start + timedelta(seconds=computed.utc_offset)).replace(tzinfo=UTC)
    efforts, detail_efforts = _rank_best_efforts(upload.athlete_id, activity_id, computed, activities)
    has_streams = bool(computed.streams) and len(parsed) > 0
    streams_blob = streams_codec.encode(computed.streams) if has_streams else None
    summary = ActivitySummary(
        name=upload.name or parsed.name or default_name(sport_type, local_start),
        description=upload.description,
        sport_type=sport_type,
        type=legacy_type(sport_type),
        start_date=start,
        start_date_local=local_start,
        timezone=strava_timezone(computed.timezone, computed.utc_offset),
        utc_offset=computed.utc_offset,
        trainer=bool(upload.trainer) if upload.trainer is not None else parsed.trainer,
        commute=bool(upload.commute),
        device_name=parsed.device_name,
        distance=computed.distance,
        moving_time=computed.moving_time,
        elapsed_time=computed.elapsed_time,
        total_elevation_gain=computed.total_elevation_gain,
        elev_high=computed.elev_high,
        elev_low=computed.elev_low,
        average_speed=computed.average_speed,
        max_speed=computed.max_speed,
        average_heartrate=computed.average_heartrate,
        max_heartrate=computed.max_heartrate,
        average_cadence=computed.average_cadence,
        average_watts=computed.average_watts,
        weighted_average_watts=computed.weighted_average_watts,
        max_watts=computed.max_watts,
        kilojoules=computed.kilojoules,
        device_watts=computed.device_watts,
        average_temp=computed.average_temp,
        calories=computed.calories,
        start_latlng=list(computed.start_latlng or []),
        end_latlng=list(computed.end_latlng or []),
        summary_polyline=computed.summary_polyline,
        achievement_count=sum(1 for effort in detail_efforts if effort.get("pr_rank")),
        pr_count=sum(1 for effort in detail_efforts if effort.get("pr_rank") == 1),
        has_streams=has_streams,
        stream_types=sorted(computed.streams) if has_streams else [],
    )
    detail = ActivityDetail(
        polyline=_bounded_polyline(computed.polyline, computed.summary_polyline),
        laps=[{**_plain(lap), "id": ids.new_id()} for lap in computed.laps],
        splits_metric=[_plain(split) for split in computed.splits_metric],
        splits_standard=[_plain(split) for split in computed.splits_standard],
        best_efforts=detail_efforts,
        zones=[_plain(zone) for zone in computed.zones],
    )
    now = datetime.now(UTC)
    activity = Activity(
        id=activity_id,
        athlete_id=upload.athlete_id,
        summary=summary,
        detail=detail,
        visibility="everyone",
        created_at=now,
        updated_at=now,
        upload_id=upload.id,
        external_id=upload.external_id,
        file_sha256=hashlib.sha256(data).hexdigest(),
        streams_key=streams_key(activity_id) if has_streams else None,
    )
    return activity, efforts, streams_blob


# DynamoDB items hold 400 KB; a detailed polyline of a very long activity falls back to the summary one.
MAX_POLYLINE_CHARS = 200_000


def _bounded_polyline(polyline: str | None, summary: str | None) -> str | None:
    if polyline is not None and len(polyline) > MAX_POLYLINE_CHARS:
        return summary
    return polyline


def _plain(value: Any) -> dict[str, Any]:
    return asdict(value)


def _rank_best_efforts(
    athlete_id: int, activity_id: int, computed: Any, activities: ActivityRepository
) -> tuple[list[BestEffortRecord], list[dict[str, Any]]]:
    """Each best effort with its PR rank among the athlete's own (1 = fastest ever), as Strava shows it."""
    records: list[BestEffortRecord] = []
    detail: list[dict[str, Any]] = []
    for effort in computed.best_efforts:
        start_date = datetime.fromtimestamp(effort.start_time, UTC).isoformat()
        fastest = activities.fastest_efforts(athlete_id, effort.name)
        faster = sum(1 for record in fastest if record.elapsed_time <= effort.elapsed_time)
        pr_rank = faster + 1 if faster < 3 else None
        records.append(BestEffortRecord(effort.name, int(effort.elapsed_time), activity_id, start_date))
        detail.append({**_plain(effort), "id": ids.new_id(), "start_date": start_date, "pr_rank": pr_rank})
    return records, detail
