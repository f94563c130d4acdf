"""64-bit ids: positive, time-ordered across milliseconds, unguessable within one."""

import pytest

from stride import ids

NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def test_new_id_is_a_positive_signed_64_bit_integer() -> None:
    # Given the current clock
    # When an id is made
    entity_id = ids.new_id()
    # Then it fits a positive signed 64-bit integer
    assert 0 < entity_id < 2**63


def test_ids_are_ordered_across_milliseconds() -> None:
    # Given ids made one millisecond apart, many times over
    pairs = [(ids.new_id(NOW_MS + n), ids.new_id(NOW_MS + n + 1)) for n in range(200)]
    # When each pair is compared
    # Then the later id is always the larger
    assert all(earlier < later for earlier, later in pairs)


def test_created_ms_round_trips() -> None:
    # Given an id made at a known time
    entity_id = ids.new_id(NOW_MS)
    # When its creation time is read back
    created = ids.created_ms(entity_id)
    # Then it is that time, to the millisecond
    assert created == NOW_MS


def test_ids_in_the_same_millisecond_are_mostly_distinct() -> None:
    # Given 1000 ids made in the same millisecond
    made = [ids.new_id(NOW_MS) for _ in range(1000)]
    # When duplicates are counted
    distinct = set(made)
    # Then almost all differ (22 random bits: about 0.1 expected collisions) and all share the time part
    assert len(distinct) >= 990
    assert {ids.created_ms(i) for i in made} == {NOW_MS}


def test_the_first_and_last_millisecond_of_the_epoch() -> None:
    # Given the first and the last millisecond the layout can hold
    first, last = ids.EPOCH_MS, ids.EPOCH_MS + (1 << ids.TIME_BITS) - 1
    # When ids are made for them
    low, high = ids.new_id(first), ids.new_id(last)
    # Then both are valid and round-trip
    assert ids.is_valid(high) and ids.created_ms(high) == last
    assert ids.created_ms(low) == first
    assert high <= ids.MAX_ID


@pytest.mark.parametrize("now_ms", [ids.EPOCH_MS - 1, 0, ids.EPOCH_MS + (1 << ids.TIME_BITS)])
def test_new_id_refuses_a_clock_outside_the_epoch(now_ms: int) -> None:
    # Given a clock before 2024-01-01 or past the 41-bit range
    # When an id is made
    # Then it is refused rather than wrapped
    with pytest.raises(ValueError, match="epoch"):
        ids.new_id(now_ms)


@pytest.mark.parametrize(
    ("entity_id", "valid"),
    [(1, True), (2**63 - 1, True), (0, False), (-1, False), (2**63, False)],
)
def test_is_valid_bounds(entity_id: int, valid: bool) -> None:
    # Given a candidate id
    # When it is checked
    # Then only 1 .. 2**63-1 pass
    assert ids.is_valid(entity_id) is valid
    assert ids.MAX_ID == 2**63 - 1
