"""Asynchronous paths as in AWS: an S3 upload reaches its function; a failing consumer's event is retried,
dead-lettered and replayed."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable

import pytest
import requests

from infrastructure.local_cloud.cloud import LocalCloud
from infrastructure.ops.replay_dlq import replay
from tests.integration.conftest import AppUser

pytestmark = pytest.mark.integration
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def wait_for(predicate: Callable[[], object], timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def upload_avatar(user: AppUser, content: bytes, content_type: str = "image/png") -> dict:
    ticket = user.post("/api/v3/athlete/avatar")
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    posted = requests.post(
        body["url"],
        data={**body["fields"], "Content-Type": content_type},
        files={"file": ("me.png", content)},
        timeout=30,
    )
    assert posted.status_code in (200, 204), posted.text
    return body


def test_presigned_avatar_upload_reaches_the_s3_trigger(cloud: LocalCloud, user: AppUser) -> None:
    # Given an athlete without a picture
    assert user.get("/api/v3/athlete").json()["profile"] is None
    # When the app posts a PNG straight to S3 with the presigned form
    ticket = upload_avatar(user, PNG)
    # Then the S3 trigger runs ProcessAvatarFunction, which puts the picture on the profile
    profile = wait_for(lambda: user.get("/api/v3/athlete").json()["profile"])
    assert str(ticket["picture_id"]) in str(profile)
    picture = requests.get(str(profile), timeout=30)
    assert picture.status_code == 200 and picture.content == PNG
    assert any(r.function.endswith("ProcessAvatarFunction") and r.ok for r in cloud.reports)


def test_a_file_that_is_not_an_image_is_rejected_and_removed(cloud: LocalCloud, user: AppUser) -> None:
    assert cloud.info is not None
    ticket = upload_avatar(user, b"<svg onload=alert(1)>", "image/svg+xml")
    key = ticket["fields"]["key"]
    s3 = cloud.client("s3")

    def gone() -> bool:
        return "Contents" not in s3.list_objects_v2(Bucket=cloud.info.media_bucket, Prefix=key)  # type: ignore[union-attr]

    wait_for(gone)
    assert user.get("/api/v3/athlete").json()["profile"] is None
    # Kept for support under rejected/, which the bucket's lifecycle rule empties after 7 days
    kept = s3.get_object(Bucket=cloud.info.media_bucket, Key=f"rejected/{key}")["Body"].read()
    assert kept == b"<svg onload=alert(1)>"


def test_failing_consumer_is_retried_then_dead_lettered_then_replayed(cloud: LocalCloud) -> None:
    assert cloud.info is not None and cloud.state is not None
    events, sqs = cloud.client("events"), cloud.client("sqs")
    table = cloud.client("dynamodb")
    dlq_url = cloud.state.physical["FaultyConsumerDLQ"]
    token = uuid.uuid4().hex
    # Given a consumer whose dependency is down; When an event it subscribes to is published
    events.put_events(
        Entries=[
            {
                "EventBusName": cloud.info.event_bus_name,
                "Source": "stride.test",
                "DetailType": "test.fault",
                "Detail": json.dumps({"token": token}),
            }
        ]
    )
    # Then it is tried 1 + MaximumRetryAttempts (1) times and lands in the function's DLQ with Lambda's attributes
    message = wait_for(
        lambda: sqs.receive_message(QueueUrl=dlq_url, MessageAttributeNames=["All"], WaitTimeSeconds=1).get("Messages")
    )
    first = message[0]  # type: ignore[index]
    assert json.loads(first["Body"])["detail"]["token"] == token
    assert first["MessageAttributes"]["ErrorMessage"]["StringValue"] == "dependency down"
    attempts = [r for r in cloud.reports if r.function.endswith("FaultyConsumerFunction")]
    assert len(attempts) >= 2 and not any(r.ok for r in attempts)
    sqs.change_message_visibility(QueueUrl=dlq_url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0)
    # When the dependency is back and the operator replays the DLQ
    table.put_item(TableName=cloud.info.table_name, Item={"PK": {"S": "TEST#HEALED"}, "SK": {"S": "TEST"}})
    replayed = replay(sqs, events, dlq_url, cloud.info.event_bus_name)
    assert replayed == 1
    # Then the consumer processes the event and the DLQ is empty
    wait_for(
        lambda: (
            "Item"
            in table.get_item(TableName=cloud.info.table_name, Key={"PK": {"S": f"TEST#{token}"}, "SK": {"S": "TEST"}})
        )
    )
    assert not sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=1).get("Messages")
