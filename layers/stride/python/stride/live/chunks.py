"""A live track in S3: chunks of points under ``live/<session>/`` in the uploads bucket (see ADR 0008).

Each Kinesis record that brings new points writes one chunk named by the record's sequence number, holding
only the points that were new when it was merged; a redelivered record writes the same name with the same
points. The full track is every chunk merged by time (duplicates by millisecond dropped on read as well).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import boto3

from stride.live import settings
from stride.live.track import Point, unique_by_ms

PREFIX = "live/"


@cache
def _s3() -> Any:
    return boto3.client("s3")


def chunk_prefix(session_id: int) -> str:
    return f"{PREFIX}{session_id}/"


def chunk_key(session_id: int, name: str) -> str:
    return f"{chunk_prefix(session_id)}{name}.json"


def put_chunk(session_id: int, name: str, points: Sequence[Point], s3: Any = None) -> None:
    body = json.dumps([p.to_json() | {"speed": p.speed} for p in points], separators=(",", ":"))
    (s3 or _s3()).put_object(
        Bucket=settings.uploads_bucket(),
        Key=chunk_key(session_id, name),
        Body=body.encode(),
        ContentType="application/json",
    )


def _keys(session_id: int, s3: Any) -> list[str]:
    client = s3 or _s3()
    found: list[str] = []
    token: str | None = None
    while True:
        kwargs = {"Bucket": settings.uploads_bucket(), "Prefix": chunk_prefix(session_id)}
        if token:
            kwargs["ContinuationToken"] = token
        page = client.list_objects_v2(**kwargs)
        found += [obj["Key"] for obj in page.get("Contents", [])]
        token = page.get("NextContinuationToken")
        if not token:
            return found


def read_track(session_id: int, s3: Any = None) -> list[Point]:
    """The merged track so far (time order, one point per millisecond)."""
    client = s3 or _s3()
    points: list[Point] = []
    for key in _keys(session_id, client):
        body = client.get_object(Bucket=settings.uploads_bucket(), Key=key)["Body"].read()
        points += [Point.from_json(raw) for raw in json.loads(body)]
    return unique_by_ms(points)


def put_object(key: str, body: bytes, content_type: str, s3: Any = None) -> None:
    """Any other object of the session in the uploads bucket (the finished session's GPX)."""
    (s3 or _s3()).put_object(Bucket=settings.uploads_bucket(), Key=key, Body=body, ContentType=content_type)


def object_exists(key: str, s3: Any = None) -> bool:
    from botocore.exceptions import ClientError

    try:
        (s3 or _s3()).head_object(Bucket=settings.uploads_bucket(), Key=key)
    except ClientError:
        return False
    return True


def delete_track(session_id: int, s3: Any = None) -> int:
    client = s3 or _s3()
    found = _keys(session_id, client)
    for start in range(0, len(found), 1000):
        client.delete_objects(
            Bucket=settings.uploads_bucket(),
            Delete={"Objects": [{"Key": key} for key in found[start : start + 1000]], "Quiet": True},
        )
    return len(found)
