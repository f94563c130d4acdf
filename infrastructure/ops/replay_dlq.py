"""Replay a dead-letter queue after a fix: `python -m infrastructure.ops.replay_dlq QUEUE_URL [--bus stride]`.

A dead letter holds the event exactly as the function received it. EventBridge events are published again on
the bus (so every rule sees them, and idempotent consumers ignore what they already did); S3 events are
replayed by copying the object onto itself, which emits a fresh ObjectCreated notification. Works the same
against AWS and against the local cloud (set AWS_ENDPOINT_URL, or read `.stride/local.json`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any
from urllib.parse import unquote_plus

import boto3


def _replay_one(body: dict[str, Any], events: Any, s3: Any, bus: str) -> bool:
    if "detail-type" in body:
        response = events.put_events(
            Entries=[
                {
                    "EventBusName": bus,
                    "Source": body["source"],
                    "DetailType": body["detail-type"],
                    "Detail": json.dumps(body["detail"]),
                }
            ]
        )
        return not response.get("FailedEntryCount")
    records = body.get("Records") or []
    if records and all("s3" in r for r in records):
        for record in records:
            bucket = record["s3"]["bucket"]["name"]
            key = unquote_plus(record["s3"]["object"]["key"])
            s3.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": key},
                MetadataDirective="REPLACE",
                Metadata={"replayed": "true"},
            )
        return True
    return False


def replay(sqs: Any, events: Any, queue_url: str, bus: str, s3: Any | None = None, limit: int = 1000) -> int:
    """Re-drive up to ``limit`` dead letters; a message is deleted only once its replay was accepted."""
    done = 0
    s3_client = s3 or boto3.client("s3")
    while done < limit:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=30
        ).get("Messages", [])
        if not messages:
            break
        for message in messages:
            if _replay_one(json.loads(message["Body"]), events, s3_client, bus):
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
                done += 1
    return done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("queue_url")
    parser.add_argument("--bus", default="stride")
    args = parser.parse_args()
    count = replay(boto3.client("sqs"), boto3.client("events"), args.queue_url, args.bus)
    print(f"replayed {count} event(s)")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
