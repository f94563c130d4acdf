"""Settings of the live context, from the environment the template sets (read once per cold start)."""

from __future__ import annotations

import os
from functools import cache

from stride.config import ConfigurationError


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ConfigurationError(f"missing environment variable: {name}")
    return value


@cache
def stream_name() -> str:
    """The Kinesis stream live points go through (LiveTracksStream)."""
    return _required("LIVE_TRACKS_STREAM")


@cache
def websocket_endpoint() -> str:
    """The WebSocket API's management endpoint (PostToConnection)."""
    return _required("LIVE_WEBSOCKET_ENDPOINT")


@cache
def uploads_bucket() -> str:
    return _required("UPLOADS_BUCKET")
