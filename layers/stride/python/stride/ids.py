"""64-bit ids that sort by creation time but cannot be guessed from a neighbour.

Layout (63 bits, so the value is a positive signed 64-bit integer as Strava's clients expect):
41 bits of milliseconds since 2024-01-01 UTC (good until 2093), then 22 random bits from ``secrets``.
Two ids made in the same millisecond collide with probability 1 in 4 million; writers put new items
with a not-exists condition, so a collision is a retry, never an overwrite.
"""

from __future__ import annotations

import secrets
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
RANDOM_BITS = 22
TIME_BITS = 41
MAX_ID = (1 << (TIME_BITS + RANDOM_BITS)) - 1


def new_id(now_ms: int | None = None) -> int:
    """A fresh id for ``now_ms`` (defaults to the current time)."""
    millis = (time.time_ns() // 1_000_000 if now_ms is None else now_ms) - EPOCH_MS
    if not 0 <= millis < (1 << TIME_BITS):
        raise ValueError("clock outside the id epoch")
    return (millis << RANDOM_BITS) | secrets.randbits(RANDOM_BITS)


def created_ms(entity_id: int) -> int:
    """The creation time (ms since the Unix epoch) encoded in an id."""
    return (entity_id >> RANDOM_BITS) + EPOCH_MS


def is_valid(entity_id: int) -> bool:
    return 0 < entity_id <= MAX_ID
