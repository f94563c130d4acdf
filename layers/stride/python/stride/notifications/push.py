"""Push: one SNS message per platform the recipient has phones on (the topic's sender talks to APNs or FCM).

The message names devices by token hash only; the sender resolves hashes to tokens. Nothing personal is logged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from stride.config import push_settings
from stride.errors import DependencyUnavailableError
from stride.notifications.models import Device, Notification, Platform


@cache
def _client() -> Any:
    return boto3.client("sns")


def topic_arn(platform: Platform) -> str:
    settings = push_settings()
    return settings.push_ios_topic_arn if platform is Platform.IOS else settings.push_android_topic_arn


def message(notification: Notification, title: str, body: str, devices: Sequence[Device]) -> dict[str, Any]:
    return {
        "title": title,
        "body": body,
        "notification_id": str(notification.id),
        "type": str(notification.type),
        "activity_id": notification.activity_id,
        "device_token_hashes": sorted(device.token_hash for device in devices),
    }


def publish(
    notification: Notification, title: str, body: str, devices: Sequence[Device], client: Any | None = None
) -> list[Platform]:
    """Publish to each platform's topic that ``devices`` are on; raise if any publish fails (the record retries).

    Returns the platforms published to.
    """
    sns = client or _client()
    by_platform: dict[Platform, list[Device]] = {}
    for device in devices:
        by_platform.setdefault(device.platform, []).append(device)
    for platform, platform_devices in sorted(by_platform.items()):
        try:
            sns.publish(
                TopicArn=topic_arn(platform),
                Message=json.dumps(message(notification, title, body, platform_devices)),
                MessageAttributes={
                    "athlete_id": {"DataType": "String", "StringValue": str(notification.recipient_id)},
                    "notification_type": {"DataType": "String", "StringValue": str(notification.type)},
                    "platform": {"DataType": "String", "StringValue": str(platform)},
                },
            )
        except (ClientError, BotoCoreError) as exc:
            raise DependencyUnavailableError.about(
                "push topic rejected the message", "Notification", "push", "unavailable"
            ) from exc
    return sorted(by_platform)
