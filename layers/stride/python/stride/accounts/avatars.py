"""Profile pictures: a presigned S3 POST for the app, and the S3-triggered check that puts one on a profile."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from stride import ids
from stride.accounts.models import Athlete
from stride.accounts.service import get_repository
from stride.config import media_settings
from stride.errors import ConflictError
from stride.observability import logger, metrics
from stride.policy import Caller, require_scope
from stride.store.athletes import AthleteRepository

PRESIGN_SECONDS = 900
VIEW_URL_SECONDS = 86_400
AVATAR_PREFIX = "avatars/"
REJECTED_PREFIX = "rejected/"  # template.yaml's ExpireRejectedAvatars rule deletes these after 7 days
_KEY = re.compile(r"^avatars/(?P<athlete>\d{1,19})/(?P<picture>\d{1,19})$")
# Magic numbers of the formats we accept; the bytes decide, never the name or the declared type.
_SIGNATURES: tuple[tuple[str, bytes, int], ...] = (
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/webp", b"WEBP", 8),
)


@dataclass(frozen=True)
class PresignedUpload:
    picture_id: int
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


@cache
def _s3() -> Any:
    # SigV4 so presigned POST policies and GET URLs work in every region.
    return boto3.client("s3", config=Config(signature_version="s3v4"))


def create_upload(caller: Caller, s3: Any | None = None) -> PresignedUpload:
    """A presigned POST the app sends the picture to; the size limit is a policy condition."""
    require_scope(caller, "profile:write")
    settings = media_settings()
    picture_id = ids.new_id()
    key = picture_key(caller.athlete_id, picture_id)
    post = (s3 or _s3()).generate_presigned_post(
        Bucket=settings.media_bucket,
        Key=key,
        Conditions=[["content-length-range", 1, settings.avatar_max_bytes], ["starts-with", "$Content-Type", "image/"]],
        Fields=None,
        ExpiresIn=PRESIGN_SECONDS,
    )
    return PresignedUpload(
        picture_id=picture_id,
        url=post["url"],
        fields=dict(post["fields"]),
        expires_at=datetime.now(UTC) + timedelta(seconds=PRESIGN_SECONDS),
        max_bytes=settings.avatar_max_bytes,
    )


def picture_key(athlete_id: int, picture_id: int) -> str:
    """Where a profile picture lives in the media bucket (the only place this key is built)."""
    return f"{AVATAR_PREFIX}{athlete_id}/{picture_id}"


def picture_url(athlete: Athlete, s3: Any | None = None) -> str | None:
    """A time-limited URL to the athlete's accepted picture (the bucket stays private)."""
    if athlete.avatar_picture_id is None:
        return None
    key = picture_key(athlete.id, athlete.avatar_picture_id)
    url: str = (s3 or _s3()).generate_presigned_url(
        "get_object", Params={"Bucket": media_settings().media_bucket, "Key": key}, ExpiresIn=VIEW_URL_SECONDS
    )
    return url


def sniff_image_type(head: bytes) -> str | None:
    for content_type, signature, offset in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return content_type
    return None


def process_uploaded(bucket: str, key: str, repository: AthleteRepository | None = None, s3: Any | None = None) -> str:
    """Check one uploaded picture and put it on the profile. Returns the outcome; raises on infrastructure faults.

    A picture that is too large or not an image is moved under ``rejected/`` (the user's fault: no retry), where
    the bucket's lifecycle rule keeps it 7 days for support. Replays are harmless: the profile only moves to a
    newer picture.
    """
    match = _KEY.match(key)
    if not match:
        logger.warning("avatar key ignored", reason="unexpected key shape")
        return "ignored"
    client = s3 or _s3()
    athlete_id, picture_id = int(match["athlete"]), int(match["picture"])
    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            logger.info("avatar already gone", picture_id=picture_id)
            return "gone"
        raise
    size = int(head["ContentLength"])
    # moto does not enforce the POST policy's content-length-range, and nothing should rely on one check only.
    if size > media_settings().avatar_max_bytes or size == 0:
        return _reject(client, bucket, key, picture_id, "size")
    first_bytes = client.get_object(Bucket=bucket, Key=key, Range="bytes=0-15")["Body"].read()
    if sniff_image_type(first_bytes) is None:
        return _reject(client, bucket, key, picture_id, "type")
    repo = repository or get_repository()
    try:
        repo.set_avatar(athlete_id, picture_id)
    except ConflictError:
        logger.info("avatar superseded or athlete gone", picture_id=picture_id)
        return "superseded"
    metrics.add_metric(name="AvatarAccepted", unit="Count", value=1)
    logger.info("avatar accepted", athlete_id=athlete_id, picture_id=picture_id)
    return "accepted"


def _reject(client: Any, bucket: str, key: str, picture_id: int, reason: str) -> str:
    client.copy_object(Bucket=bucket, Key=REJECTED_PREFIX + key, CopySource={"Bucket": bucket, "Key": key})
    client.delete_object(Bucket=bucket, Key=key)
    metrics.add_metric(name="AvatarRejected", unit="Count", value=1)
    logger.info("avatar rejected", picture_id=picture_id, reason=reason)
    return f"rejected:{reason}"
