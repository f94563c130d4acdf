"""Publish domain events to the bus. One PutEvents call per batch of up to 10, failures raised, never dropped."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import boto3

from stride.config import bus_settings
from stride.errors import DependencyUnavailableError
from stride.events.contracts import DomainEvent

_BATCH = 10


@cache
def _client() -> Any:
    return boto3.client("events")


def _entry(event: DomainEvent, bus: str) -> dict[str, Any]:
    return {
        "EventBusName": bus,
        "Source": event.source,
        "DetailType": event.detail_type,
        "Detail": event.model_dump_json(),
    }


def publish(events: Sequence[DomainEvent], client: Any | None = None) -> None:
    """Put ``events`` on the bus; raise if any entry failed so the caller's retry covers it."""
    bus = bus_settings().event_bus_name
    events_client = client or _client()
    for start in range(0, len(events), _BATCH):
        batch = [_entry(event, bus) for event in events[start : start + _BATCH]]
        response = events_client.put_events(Entries=batch)
        if response.get("FailedEntryCount"):
            raise DependencyUnavailableError.about("event bus rejected events", "Event", "bus", "unavailable")
