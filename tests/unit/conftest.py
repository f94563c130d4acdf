"""Unit-test fixtures: no network. pytest-socket is not installed, so a small guard refuses every connection."""

from __future__ import annotations

import socket
from typing import Any

import pytest


class NetworkBlockedError(RuntimeError):
    """A unit test tried to open a connection (unit tests are pure: use fakes or moto's in-process mock)."""


def _refuse(*_: Any, **__: Any) -> Any:
    raise NetworkBlockedError("network access in a unit test")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
