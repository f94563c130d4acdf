"""Receiving activity files: Strava's multipart upload, a presigned S3 POST for apps, and polling.

Either way the raw file lands at ``uploads/<athlete>/<upload>.<data_type>`` in the uploads bucket and the
S3 ObjectCreated trigger processes it (``stride.activities.processing``). The Upload item is written
before the file, so the trigger always finds it. Raw files are never deleted by processing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from stride import ids
from stride.activities.models import Upload, UploadStatus
from stride.activities.sports import canonical
from stride.config import upload_settings
from stride.errors import DependencyUnavailableError, InvalidInputError, NotFoundError, PayloadTooLargeError
from stride.observability import logger, metrics
from stride.policy import Caller, require_scope
from stride.store.activities import UploadRepository

DATA_TYPES = ("fit", "fit.gz", "tcx", "tcx.gz", "gpx", "gpx.gz")
UPLOAD_PREFIX = "uploads/"
PRESIGN_SECONDS = 900
_KEY = re.compile(r"^uploads/(?P<athlete>\d{1,19})/(?P<upload>\d{1,19})(?:\.[a-z.]{1,8})?$")


@dataclass(frozen=True)
class UploadRequest:
    """What the athlete says about the file (Strava's upload form fields)."""

    data_type: str
    name: str | None = None
    description: str | None = None
    trainer: bool | None = None
    commute: bool | None = None
    external_id: str | None = None
    sport_type: str | None = None


@dataclass(frozen=True)
class PresignedUpload:
    upload: Upload
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


@cache
def get_repository() -> UploadRepository:
    return UploadRepository()


@cache
def _s3() -> Any:
    return boto3.client("s3", config=Config(signature_version="s3v4"))


def object_key(athlete_id: int, upload_id: int, data_type: str) -> str:
    """Where the raw file of an upload lives (the only place this key is built)."""
    return f"{UPLOAD_PREFIX}{athlete_id}/{upload_id}.{data_type}"


def parse_object_key(key: str) -> tuple[int, int] | None:
    """(athlete id, upload id) of a raw-file key, or None for anything else."""
    match = _KEY.match(key)
    return (int(match["athlete"]), int(match["upload"])) if match else None


def normalise_data_type(data_type: str | None) -> str:
    value = (data_type or "").strip().lower().lstrip(".")
    if value not in DATA_TYPES:
        raise InvalidInputError.about(
            f"data_type must be one of {', '.join(DATA_TYPES)}", "Upload", "data_type", "invalid"
        )
    return value


def normalise_sport_type(sport_type: str | None) -> str | None:
    """The sport the athlete chose, in Strava's spelling; 422 for a sport Strava does not have."""
    if not sport_type:
        return None
    sport = canonical(sport_type)
    if sport is None:
        raise InvalidInputError.about("unknown sport_type", "Upload", "sport_type", "invalid")
    return sport


def _new_upload(caller: Caller, request: UploadRequest) -> Upload:
    now = datetime.now(UTC)
    upload_id = ids.new_id()
    return Upload(
        id=upload_id,
        athlete_id=caller.athlete_id,
        status=UploadStatus.PROCESSING,
        object_key=object_key(caller.athlete_id, upload_id, request.data_type),
        created_at=now,
        updated_at=now,
        external_id=request.external_id,
        data_type=request.data_type,
        name=request.name,
        description=request.description,
        sport_type=request.sport_type,
        trainer=request.trainer,
        commute=request.commute,
    )


def receive_file(
    caller: Caller, request: UploadRequest, content: bytes, repository: UploadRepository | None = None, s3: Any = None
) -> Upload:
    """Strava's ``POST /uploads``: keep the file and answer at once; processing is the trigger's."""
    require_scope(caller, "activity:write")
    settings = upload_settings()
    if len(content) > settings.upload_max_bytes:
        raise PayloadTooLargeError.about(
            f"the file is larger than {settings.upload_max_bytes // 1_048_576} MB", "Upload", "file", "too large"
        )
    if not content:
        raise InvalidInputError.about("the file is empty", "Upload", "file", "empty")
    repo = repository or get_repository()
    upload = _new_upload(caller, request)
    repo.create(upload)
    try:
        (s3 or _s3()).put_object(
            Bucket=settings.uploads_bucket, Key=upload.object_key, Body=content, ContentType="application/octet-stream"
        )
    except (ClientError, BotoCoreError) as exc:
        repo.mark_error(upload.id, "the file could not be stored; please upload it again")
        raise DependencyUnavailableError.about("file storage is unavailable", "Upload", "file", "unavailable") from exc
    metrics.add_metric(name="UploadReceived", unit="Count", value=1)
    logger.info("upload received", upload_id=upload.id, size=len(content), data_type=request.data_type)
    return upload


def presign(
    caller: Caller, request: UploadRequest, repository: UploadRepository | None = None, s3: Any = None
) -> PresignedUpload:
    """An upload id and a presigned S3 POST; the size limit is a policy condition (and checked again later)."""
    require_scope(caller, "activity:write")
    settings = upload_settings()
    repo = repository or get_repository()
    upload = _new_upload(caller, request)
    repo.create(upload)
    post = (s3 or _s3()).generate_presigned_post(
        Bucket=settings.uploads_bucket,
        Key=upload.object_key,
        Conditions=[["content-length-range", 1, settings.upload_max_bytes]],
        ExpiresIn=PRESIGN_SECONDS,
    )
    logger.info("upload presigned", upload_id=upload.id, data_type=request.data_type)
    return PresignedUpload(
        upload=upload,
        url=post["url"],
        fields=dict(post["fields"]),
        expires_at=datetime.now(UTC) + timedelta(seconds=PRESIGN_SECONDS),
        max_bytes=settings.upload_max_bytes,
    )


def get_upload(caller: Caller, upload_id: int, repository: UploadRepository | None = None) -> Upload:
    """An upload's state, for its owner only (anyone else gets 404: upload ids are not secrets to probe)."""
    upload = (repository or get_repository()).get(upload_id) if ids.is_valid(upload_id) else None
    if upload is None or upload.athlete_id != caller.athlete_id:
        raise NotFoundError.about("Record Not Found", "Upload", "id", "invalid")
    return upload
