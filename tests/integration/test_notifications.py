"""Notifications through the local cloud: bus -> rule -> NotificationsQueue -> NotifyFunction (SQS event source
with partial batch failures) -> table and push topics; read and marked through the API."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
import requests

from infrastructure.local_cloud.cloud import LocalCloud
from stride.events.contracts import (
    AthleteFollowedEvent,
    CommentAddedEvent,
    DomainEvent,
    FollowRequestedEvent,
    KudosGivenEvent,
)
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault, create_manual
from tests.integration.test_triggers import wait_for

pytestmark = pytest.mark.integration


# ---------------------------------------------------------------- helpers
def athlete_id(user: AppUser) -> int:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def put_on_bus(cloud: LocalCloud, *events: DomainEvent) -> None:
    assert cloud.info is not None
    response = cloud.client("events").put_events(
        Entries=[
            {
                "EventBusName": cloud.info.event_bus_name,
                "Source": event.source,
                "DetailType": event.detail_type,
                "Detail": event.model_dump_json(),
            }
            for event in events
        ]
    )
    assert response["FailedEntryCount"] == 0


def envelope(event: DomainEvent) -> str:
    """What EventBridge puts in the queue: the whole event."""
    return json.dumps(
        {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": event.detail_type,
            "source": event.source,
            "account": "123456789012",
            "time": "2026-11-22T09:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": json.loads(event.model_dump_json()),
        }
    )


def notifications(user: AppUser, **params: Any) -> dict:
    response = user.get("/api/v3/notifications", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def wait_notifications(user: AppUser, count: int) -> list[dict]:
    def enough() -> list[dict] | None:
        listed = notifications(user, per_page=100)["notifications"]
        return listed if len(listed) >= count else None

    return wait_for(enough, timeout=30)  # type: ignore[return-value]


def queue_url(cloud: LocalCloud, logical_id: str) -> str:
    assert cloud.state is not None
    return cloud.state.physical[logical_id]


def wait_drained(cloud: LocalCloud) -> None:
    """Every message of NotificationsQueue was processed and deleted (or moved to the DLQ)."""
    sqs, url = cloud.client("sqs"), queue_url(cloud, "NotificationsQueue")

    def empty() -> bool:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return all(value == "0" for value in attributes.values())

    wait_for(empty, timeout=30)


def subscribe_queue(cloud: LocalCloud, topic_logical_id: str) -> str:
    """A test queue subscribed to one push topic (moto delivers SNS to SQS)."""
    sqs, sns = cloud.client("sqs"), cloud.client("sns")
    url = sqs.create_queue(QueueName=f"push-probe-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    assert cloud.state is not None
    sns.subscribe(TopicArn=cloud.state.physical[topic_logical_id], Protocol="sqs", Endpoint=arn)
    return str(url)


def receive_all(cloud: LocalCloud, url: str) -> list[dict]:
    return list(cloud.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []))


def kinds_for(listed: list[dict]) -> list[tuple[str, int]]:
    return sorted((n["type"], n["actor"]["id"]) for n in listed)


# ---------------------------------------------------------------- tests
def test_each_social_event_notifies_the_right_athlete(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given an owner with a public activity, an actor, a mentioned athlete and a bystander
    owner, actor, mentioned, bystander = make_user(), make_user(), make_user(), make_user()
    owner_id, actor_id, mentioned_id = athlete_id(owner), athlete_id(actor), athlete_id(mentioned)
    athlete_id(bystander)
    activity = create_manual(owner)
    # When the actor gives kudos, comments mentioning someone (and themself), follows the owner and asks to
    # follow the mentioned athlete
    comment_id = 382742790000000003
    put_on_bus(
        cloud,
        KudosGivenEvent(activity_id=activity["id"], owner_id=owner_id, athlete_id=actor_id),
        CommentAddedEvent(
            activity_id=activity["id"],
            owner_id=owner_id,
            comment_id=comment_id,
            athlete_id=actor_id,
            text="Great pace on the hills!",
            mentions=[mentioned_id, actor_id, mentioned_id],
        ),
        AthleteFollowedEvent(follower_id=actor_id, followed_id=owner_id),
        FollowRequestedEvent(requester_id=actor_id, target_id=mentioned_id),
    )
    # Then the owner hears of the kudos, the comment and the follower; the mentioned athlete of the mention
    # (once) and the request; the actor and the bystander of nothing
    owner_listed = wait_notifications(owner, 3)
    mentioned_listed = wait_notifications(mentioned, 2)
    wait_drained(cloud)
    assert kinds_for(notifications(owner)["notifications"]) == sorted(
        [("kudos", actor_id), ("comment", actor_id), ("follower", actor_id)]
    )
    assert kinds_for(notifications(mentioned)["notifications"]) == sorted(
        [("mention", actor_id), ("follow_request", actor_id)]
    )
    assert notifications(actor)["notifications"] == []
    assert notifications(bystander)["notifications"] == []
    # And each names the activity, the comment and its text where they apply, the actor as SummaryAthlete
    by_type = {n["type"]: n for n in owner_listed + mentioned_listed}
    assert by_type["kudos"]["activity_id"] == activity["id"] and by_type["kudos"]["text"] is None
    assert by_type["comment"]["comment_id"] == comment_id
    assert by_type["mention"]["text"] == "Great pace on the hills!"
    assert by_type["follower"]["activity_id"] is None
    assert by_type["kudos"]["actor"]["resource_state"] == 2
    assert by_type["kudos"]["actor"]["firstname"] == "Test"
    assert all(n["read"] is False for n in owner_listed)
    assert notifications(owner)["unread_count"] == 3


def test_no_notification_across_a_block_nor_a_mention_of_a_hidden_activity(
    cloud: LocalCloud,
    make_user,  # noqa: ANN001
) -> None:
    # Given an owner who blocked an athlete, and a private (only_me) activity
    owner, blocked, outsider = make_user(), make_user(), make_user()
    owner_id, blocked_id, outsider_id = athlete_id(owner), athlete_id(blocked), athlete_id(outsider)
    response = owner.post(f"/api/v3/athletes/{blocked_id}/block")
    assert response.status_code in (200, 201), response.text
    public = create_manual(owner)
    private = create_manual(owner)
    updated = owner.put(f"/api/v3/activities/{private['id']}", json={"visibility": "only_me"})
    assert updated.status_code == 200 and updated.json()["visibility"] == "only_me", updated.text
    # When the blocked athlete's kudos and follow reach the bus, and the owner mentions the outsider under the
    # private activity (and, as the control, under the public one)
    put_on_bus(
        cloud,
        KudosGivenEvent(activity_id=public["id"], owner_id=owner_id, athlete_id=blocked_id),
        AthleteFollowedEvent(follower_id=blocked_id, followed_id=owner_id),
        CommentAddedEvent(
            activity_id=private["id"],
            owner_id=owner_id,
            comment_id=1,
            athlete_id=owner_id,
            text="secret",
            mentions=[outsider_id],
        ),
        CommentAddedEvent(
            activity_id=public["id"],
            owner_id=owner_id,
            comment_id=2,
            athlete_id=owner_id,
            text="hello",
            mentions=[outsider_id],
        ),
    )
    # Then only the control mention arrives: nothing across the block, nothing about the private activity
    listed = wait_notifications(outsider, 1)
    wait_drained(cloud)
    assert [(n["type"], n["activity_id"]) for n in notifications(outsider)["notifications"]] == [
        ("mention", public["id"])
    ]
    assert [n["text"] for n in listed] == ["hello"]
    assert notifications(owner)["notifications"] == []


def test_list_pages_mark_one_and_mark_all_read(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given three followers' notifications for one athlete
    reader, other = make_user(), make_user()
    reader_id = athlete_id(reader)
    actors = [athlete_id(make_user()) for _ in range(3)]
    put_on_bus(cloud, *(AthleteFollowedEvent(follower_id=a, followed_id=reader_id) for a in actors))
    wait_notifications(reader, 3)
    # When they are listed two per page
    first = notifications(reader, per_page=2)
    second = notifications(reader, per_page=2, cursor=first["next_cursor"])
    # Then the pages hold all three, newest first, and the last page has no cursor
    listed = first["notifications"] + second["notifications"]
    assert len(first["notifications"]) == 2 and first["next_cursor"]
    assert len(second["notifications"]) == 1 and second["next_cursor"] is None
    assert sorted(n["actor"]["id"] for n in listed) == sorted(actors)
    ids = [n["id"] for n in listed]
    assert ids == sorted(ids, reverse=True)
    assert first["unread_count"] == 3
    # And a cursor we did not issue is refused (422, as any invalid parameter)
    assert_fault(reader.get("/api/v3/notifications", params={"cursor": "bm90LWEtY3Vyc29y"}), 422)

    # When the reader marks one read
    target = listed[1]["id"]
    marked = reader.put(f"/api/v3/notifications/{target}/read")
    # Then it reads back read and the unread count drops; another athlete cannot mark it (404, not 403)
    assert marked.status_code == 200, marked.text
    assert marked.json() == {"id": target, "read": True}
    after = notifications(reader)
    assert {n["id"]: n["read"] for n in after["notifications"]}[target] is True
    assert after["unread_count"] == 2
    assert_fault(other.put(f"/api/v3/notifications/{target}/read"), 404)
    assert_fault(reader.put("/api/v3/notifications/123/read"), 404)

    # When the reader marks all read
    all_read = reader.post("/api/v3/notifications/read")
    # Then the two still unread are marked, and nothing is unread any more
    assert all_read.status_code == 200, all_read.text
    assert all_read.json() == {"marked": 2}
    final = notifications(reader)
    assert final["unread_count"] == 0
    assert all(n["read"] for n in final["notifications"])
    assert reader.post("/api/v3/notifications/read").json() == {"marked": 0}


def test_a_duplicate_delivery_of_one_event_notifies_once(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given one follow event
    followed, follower = make_user(), make_user()
    event = AthleteFollowedEvent(follower_id=athlete_id(follower), followed_id=athlete_id(followed))
    # When the bus delivers it twice, and a third copy reaches the queue straight (a redelivery)
    put_on_bus(cloud, event, event)
    wait_notifications(followed, 1)
    cloud.client("sqs").send_message(QueueUrl=queue_url(cloud, "NotificationsQueue"), MessageBody=envelope(event))
    wait_drained(cloud)
    # Then there is one notification
    listed = notifications(followed)
    assert len(listed["notifications"]) == 1
    assert listed["unread_count"] == 1


def test_a_poison_message_fails_alone_and_ends_in_the_dlq(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given two good follow-request events and a malformed message, sent in one batch
    actor, first, second = make_user(), make_user(), make_user()
    actor_id = athlete_id(actor)
    good = [FollowRequestedEvent(requester_id=actor_id, target_id=athlete_id(u)) for u in (first, second)]
    poison = "{not json " + uuid.uuid4().hex
    sqs = cloud.client("sqs")
    sent = sqs.send_message_batch(
        QueueUrl=queue_url(cloud, "NotificationsQueue"),
        Entries=[
            {"Id": "good0", "MessageBody": envelope(good[0])},
            {"Id": "poison", "MessageBody": poison},
            {"Id": "good1", "MessageBody": envelope(good[1])},
        ],
    )
    assert len(sent["Successful"]) == 3
    # When NotifyFunction processes them
    # Then the good ones become one notification each
    wait_notifications(first, 1)
    wait_notifications(second, 1)
    # And the poison message, tried maxReceiveCount (3) times, ends in NotificationsDLQ
    dlq = queue_url(cloud, "NotificationsDLQ")

    def poison_in_dlq() -> list[dict] | None:
        messages = sqs.receive_message(
            QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0, MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        matching = [m for m in messages if m["Body"] == poison]
        return matching or None

    dead = wait_for(poison_in_dlq, timeout=40)
    assert int(dead[0]["Attributes"]["ApproximateReceiveCount"]) >= 3  # type: ignore[index]
    wait_drained(cloud)
    # And the good ones were neither dead-lettered nor notified twice
    dead_bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])]
    assert not any(e.event_id in body for e in good for body in dead_bodies)
    for user in (first, second):
        assert [n["type"] for n in notifications(user)["notifications"]] == ["follow_request"]
    # And NotifyFunction reported the poison message as a partial failure, not as a failed invocation
    notify = [r for r in cloud.reports if r.function.endswith("NotifyFunction")]
    assert notify and all(r.ok for r in notify)


def test_push_goes_to_the_topic_of_each_registered_platform(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Given probes on both push topics, and a recipient with one iPhone registered
    ios_probe, android_probe = subscribe_queue(cloud, "PushIosTopic"), subscribe_queue(cloud, "PushAndroidTopic")
    recipient, follower = make_user(), make_user()
    recipient_id = athlete_id(recipient)
    token = f"apns-{uuid.uuid4().hex}{uuid.uuid4().hex}"
    registered = recipient.post("/api/v3/push/devices", json={"platform": "ios", "token": token})
    assert registered.status_code == 201, registered.text
    token_hash = hashlib.sha256(token.encode()).hexdigest()[:32]
    assert registered.json()["id"] == token_hash and registered.json()["platform"] == "ios"
    # And a bad platform is refused
    bad = recipient.post("/api/v3/push/devices", json={"platform": "windows", "token": token})
    assert_fault(bad, 422)
    # When someone follows the recipient
    put_on_bus(cloud, AthleteFollowedEvent(follower_id=athlete_id(follower), followed_id=recipient_id))
    # Then one message reaches the iOS topic, with the recipient and the type as attributes
    messages = wait_for(lambda: receive_all(cloud, ios_probe), timeout=30)
    assert len(messages) == 1  # type: ignore[arg-type]
    envelope_ = json.loads(messages[0]["Body"])  # type: ignore[index]
    attributes = {name: value["Value"] for name, value in envelope_["MessageAttributes"].items()}
    assert attributes["athlete_id"] == str(recipient_id)
    assert attributes["notification_type"] == "follower"
    pushed = json.loads(envelope_["Message"])
    (listed,) = notifications(recipient)["notifications"]
    assert pushed["notification_id"] == str(listed["id"])
    assert pushed["device_token_hashes"] == [token_hash]
    assert pushed["title"] and "started following you" in pushed["body"]
    assert token not in envelope_["Message"]
    # And nothing went to Android (published first when due, so it would be there by now)
    assert receive_all(cloud, android_probe) == []

    # When the phone unregisters and another athlete follows
    gone = requests.delete(
        f"{recipient.api_url}/api/v3/push/devices",
        headers=recipient.headers,
        json={"platform": "ios", "token": token},
        timeout=30,
    )
    assert gone.status_code == 204, gone.text
    put_on_bus(cloud, AthleteFollowedEvent(follower_id=athlete_id(make_user()), followed_id=recipient_id))
    wait_notifications(recipient, 2)
    wait_drained(cloud)
    # Then the notification is listed but nothing is pushed
    assert receive_all(cloud, ios_probe) == []
