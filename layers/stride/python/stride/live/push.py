"""Sending to WebSocket connections: PostToConnection through the API's management endpoint. A connection
answered 410 Gone is forgotten (its watch items and registry item go)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from stride.live import settings
from stride.observability import logger
from stride.store.live import LiveRepository


@cache
def _client() -> Any:
    return boto3.client("apigatewaymanagementapi", endpoint_url=settings.websocket_endpoint())


@cache
def _repository() -> LiveRepository:
    return LiveRepository()


def send(connection_id: str, message: dict[str, Any], client: Any = None) -> bool:
    """True when delivered; a gone connection is removed from the registry (False)."""
    data = json.dumps(message, separators=(",", ":")).encode()
    try:
        (client or _client()).post_to_connection(ConnectionId=connection_id, Data=data)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "GoneException" or status == 410:
            _repository().delete_connection(connection_id)
            return False
        logger.warning("push failed", error=code)
        return False
    except BotoCoreError as exc:
        logger.warning("push failed", error=type(exc).__name__)
        return False
    return True


def send_each(connection_ids: Iterable[str], message: Callable[[str], dict[str, Any] | None]) -> int:
    """Send ``message(connection)`` to each connection (None: nothing for that one); the count delivered."""
    sent = 0
    for connection_id in connection_ids:
        body = message(connection_id)
        if body is not None and send(connection_id, body):
            sent += 1
    return sent
