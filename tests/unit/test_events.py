"""Event contracts: every sample EventBridge event in events/ matches the contract of its detail-type."""

from __future__ import annotations

import pytest

from stride.events.contracts import CONTRACTS, AthleteUpdatedEvent
from tests.conftest import EVENTS, load_event

SAMPLES = sorted(p.relative_to(EVENTS).as_posix() for p in (EVENTS / "eventbridge").glob("*.json"))


@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_event_matches_its_contract(sample: str) -> None:
    # Given a sample EventBridge event; When its detail is read with the contract of its detail-type
    event = load_event(sample)
    contract = CONTRACTS[event["detail-type"]]
    detail = contract.model_validate(event["detail"])
    # Then it parses, and the contract's source is the event's source
    assert contract.source == event["source"]
    assert detail.version >= 1 and detail.event_id


def test_contracts_are_keyed_by_detail_type_and_carry_an_event_id() -> None:
    assert CONTRACTS["athlete.updated"] is AthleteUpdatedEvent
    first, second = (AthleteUpdatedEvent(athlete_id=1, changed=["city"], revision=2) for _ in range(2))
    assert first.event_id != second.event_id
    assert all(name.count(".") >= 1 for name in CONTRACTS)
