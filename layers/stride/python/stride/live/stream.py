"""Writing to the live stream (LiveTracksStream): PutRecords with the session id as partition key, so a
session's records stay in one shard, in order (a finish record comes after every batch posted before it)."""

from __future__ import annotations

import json
import time
from functools import cache
from typing import Any

import boto3

from stride.errors import DependencyUnavailableError
from stride.live import settings

MAX_RECORD_BYTES = 1_000_000  # Kinesis' record limit is 1 MiB (data + partition key)
_ATTEMPTS = 3


@cache
def _kinesis() -> Any:
    return boto3.client("kinesis")


def _records(session_id: int, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for message in messages:
        data = json.dumps(message, separators=(",", ":")).encode()
        if len(data) > MAX_RECORD_BYTES and len(message.get("points", [])) > 1:
            half = len(message["points"]) // 2
            out += _records(session_id, [message | {"points": message["points"][:half]},
                                         message | {"points": message["points"][half:]}])  # fmt: skip
            continue
        out.append({"Data": data, "PartitionKey": str(session_id)})
    return out


def put(session_id: int, messages: list[dict[str, Any]], kinesis: Any = None) -> None:
    """Put ``messages`` (JSON objects) in order; records Kinesis refused are sent again, then 503."""
    client = kinesis or _kinesis()
    pending = _records(session_id, messages)
    for attempt in range(_ATTEMPTS):
        response = client.put_records(StreamName=settings.stream_name(), Records=pending)
        if not response.get("FailedRecordCount"):
            return
        pending = [rec for rec, res in zip(pending, response["Records"], strict=True) if res.get("ErrorCode")]
        time.sleep(0.05 * (attempt + 1))
    raise DependencyUnavailableError.about("the live stream is busy, retry", "LiveSession", "points", "unavailable")
