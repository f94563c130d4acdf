"""Notifications without the cloud: who an event notifies, deterministic ids, the cursor, and the local SQS
event source's delete-what-succeeded rule."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from infrastructure.local_cloud.provisioner import QueueMapping
from infrastructure.local_cloud.runtime import InvokeResult
from infrastructure.local_cloud.triggers import QueuePoller
from stride.errors import InvalidInputError
from stride.events.contracts import (
    AthleteFollowedEvent,
    ChallengeCompletedEvent,
    CommentAddedEvent,
    FollowRequestedEvent,
    KudosGivenEvent,
    LiveCheerSentEvent,
)
from stride.notifications.models import NotificationType
from stride.notifications.service import notification_id, plan
from stride.notifications.views import decode_cursor, encode_cursor
from tests.conftest import load_event

OWNER, ACTOR, OTHER = 382742748692045502, 382742761000000011, 382742765000000021


def test_kudos_notifies_the_owner_but_not_on_their_own_activity() -> None:
    # Given kudos by someone else and kudos by the owner
    # When each is planned
    # Then only the first notifies the owner
    (planned,) = plan(KudosGivenEvent(activity_id=1, owner_id=OWNER, athlete_id=ACTOR))
    assert (planned.recipient_id, planned.type, planned.actor_id, planned.activity_id) == (
        OWNER,
        NotificationType.KUDOS,
        ACTOR,
        1,
    )
    assert plan(KudosGivenEvent(activity_id=1, owner_id=OWNER, athlete_id=OWNER)) == []


def test_a_comment_notifies_the_owner_and_each_mentioned_athlete_once() -> None:
    # Given a comment mentioning another athlete twice, the author and the owner
    event = CommentAddedEvent(
        activity_id=1, owner_id=OWNER, comment_id=2, athlete_id=ACTOR, text="x" * 500, mentions=[OTHER, ACTOR, OTHER]
    )
    # When it is planned
    planned = plan(event)
    # Then the owner gets "comment", the other "mention" (once); the author nothing; the text is an excerpt
    assert [(n.recipient_id, n.type) for n in planned] == [
        (OWNER, NotificationType.COMMENT),
        (OTHER, NotificationType.MENTION),
    ]
    assert all(n.text is not None and len(n.text) == 140 for n in planned)
    # And the owner commenting on their own activity notifies only the mentioned
    own = CommentAddedEvent(activity_id=1, owner_id=OWNER, comment_id=3, athlete_id=OWNER, text="hi", mentions=[OTHER])
    assert [(n.recipient_id, n.type) for n in plan(own)] == [(OTHER, NotificationType.MENTION)]


def test_follows_and_requests_notify_their_target() -> None:
    assert [(n.recipient_id, n.type) for n in plan(AthleteFollowedEvent(follower_id=ACTOR, followed_id=OWNER))] == [
        (OWNER, NotificationType.FOLLOWER)
    ]
    assert [(n.recipient_id, n.type) for n in plan(FollowRequestedEvent(requester_id=ACTOR, target_id=OWNER))] == [
        (OWNER, NotificationType.FOLLOW_REQUEST)
    ]


def test_a_cheer_notifies_the_live_athlete_but_never_oneself() -> None:
    cheer = LiveCheerSentEvent(cheer_id=9, session_id=7, athlete_id=1, from_athlete_id=2, text="Go go go!")
    (notification,) = plan(cheer)
    assert (notification.recipient_id, notification.actor_id, notification.type) == (1, 2, NotificationType.CHEER)
    assert (notification.session_id, notification.text) == (7, "Go go go!")
    assert plan(LiveCheerSentEvent(cheer_id=9, session_id=7, athlete_id=1, from_athlete_id=1, text="me")) == []


def test_a_completed_challenge_notifies_the_athlete_with_its_name() -> None:
    done = ChallengeCompletedEvent(
        challenge_id=5, athlete_id=3, challenge_name="December 100 km", completed_at=datetime.now(UTC)
    )
    (notification,) = plan(done)
    assert (notification.recipient_id, notification.actor_id) == (3, 3)
    assert (notification.type, notification.challenge_id, notification.text) == (
        NotificationType.CHALLENGE_COMPLETED,
        5,
        "December 100 km",
    )


def test_the_id_is_the_same_for_every_delivery_and_differs_by_recipient_and_type() -> None:
    # Given one event's time
    at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    # When ids are derived
    first = notification_id("e1", OWNER, NotificationType.COMMENT, at)
    # Then a redelivery gives the same id, another recipient, type or event another, and later events sort later
    assert notification_id("e1", OWNER, NotificationType.COMMENT, at) == first
    assert notification_id("e1", OTHER, NotificationType.COMMENT, at) != first
    assert notification_id("e1", OWNER, NotificationType.MENTION, at) != first
    assert notification_id("e2", OWNER, NotificationType.COMMENT, at) != first
    later = notification_id("e0", OWNER, NotificationType.COMMENT, datetime(2026, 11, 22, 9, 0, 1, tzinfo=UTC))
    assert later > first
    # And a redelivered event (parsed again from its JSON) plans the same ids
    event = KudosGivenEvent(activity_id=1, owner_id=OWNER, athlete_id=ACTOR)
    again = KudosGivenEvent.model_validate_json(event.model_dump_json())
    assert [n.id for n in plan(event)] == [n.id for n in plan(again)]


def test_the_cursor_round_trips_and_refuses_what_we_did_not_issue() -> None:
    cursor = encode_cursor(382742790000000003)
    assert cursor is not None and decode_cursor(cursor) == 382742790000000003
    assert encode_cursor(None) is None and decode_cursor(None) is None
    for bad in ("bm90LWEtY3Vyc29y", "%%%", "bjE6LTE"):  # "not-a-cursor", not base64, "n1:-1"
        with pytest.raises(InvalidInputError):
            decode_cursor(bad)


def test_the_sample_event_plans_notifications() -> None:
    # Given the sample SQS batch (events/sqs/notification_batch.json)
    records = load_event("sqs/notification_batch.json")["Records"]
    kinds = []
    for record in records:
        envelope = json.loads(record["body"])
        contract = {"kudos.given": KudosGivenEvent, "comment.added": CommentAddedEvent}[envelope["detail-type"]]
        kinds += [n.type for n in plan(contract.model_validate(envelope["detail"]))]
    # Then its kudos and its comment (with a mention) plan three notifications
    assert kinds == [NotificationType.KUDOS, NotificationType.COMMENT, NotificationType.MENTION]


# ---------------------------------------------------------------- the local SQS event source
class FakeSqs:
    def __init__(self) -> None:
        self.deleted: list[str] = []
        self.made_visible: list[str] = []

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict]) -> None:  # noqa: N803
        self.deleted += [e["ReceiptHandle"] for e in Entries]

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict]) -> None:  # noqa: N803
        self.made_visible += [e["ReceiptHandle"] for e in Entries]


class FakePool:
    class spec:  # noqa: N801 - stands in for FunctionSpec
        function_name = "stride-unit-NotifyFunction"

    def __init__(self, result: InvokeResult) -> None:
        self.result = result
        self.events: list[Any] = []

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        self.events.append(event)
        return self.result


def _poller(result: InvokeResult, report: bool = True) -> tuple[QueuePoller, FakePool, FakeSqs]:
    pool, sqs = FakePool(result), FakeSqs()
    mapping = QueueMapping("NotifyFunction", "http://q", "arn:aws:sqs:us-east-1:123456789012:q", 10, report)
    poller = QueuePoller(mapping, pool, sqs, "us-east-1", threading.Event(), failed_visibility_s=0)  # type: ignore[arg-type]
    return poller, pool, sqs


MESSAGES = [
    {
        "MessageId": f"m{i}",
        "ReceiptHandle": f"r{i}",
        "Body": "{}",
        "Attributes": {"ApproximateReceiveCount": "1"},
        "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
    }
    for i in range(3)
]


def test_the_poller_sends_lambdas_sqs_event_shape() -> None:
    poller, pool, _ = _poller(InvokeResult(True, {"batchItemFailures": []}))
    poller._process(MESSAGES)
    record = pool.events[0]["Records"][0]
    assert record["messageId"] == "m0" and record["receiptHandle"] == "r0" and record["body"] == "{}"
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"].endswith(":q")
    assert record["attributes"]["ApproximateReceiveCount"] == "1" and record["awsRegion"] == "us-east-1"
    assert record["messageAttributes"]["k"]["stringValue"] == "v"


@pytest.mark.parametrize(
    ("result", "report", "deleted", "retried"),
    [
        (InvokeResult(True, {"batchItemFailures": [{"itemIdentifier": "m1"}]}), True, ["r0", "r2"], ["r1"]),
        (InvokeResult(True, {"batchItemFailures": []}), True, ["r0", "r1", "r2"], []),
        (InvokeResult(True, None), True, ["r0", "r1", "r2"], []),
        (InvokeResult(False, {"errorType": "Boom"}), True, [], ["r0", "r1", "r2"]),
        # An identifier that was not in the batch makes Lambda fail the whole batch
        (InvokeResult(True, {"batchItemFailures": [{"itemIdentifier": "zz"}]}), True, [], ["r0", "r1", "r2"]),
        # Without ReportBatchItemFailures a normal return means every message succeeded
        (InvokeResult(True, {"batchItemFailures": [{"itemIdentifier": "m1"}]}), False, ["r0", "r1", "r2"], []),
    ],
)
def test_the_poller_deletes_exactly_what_succeeded(
    result: InvokeResult, report: bool, deleted: list[str], retried: list[str]
) -> None:
    # Given a batch of three and a function's answer
    poller, _, sqs = _poller(result, report)
    # When the batch is processed
    poller._process(MESSAGES)
    # Then the succeeded messages are deleted and the failed ones come back (sooner, locally)
    assert sqs.deleted == deleted
    assert sqs.made_visible == retried
