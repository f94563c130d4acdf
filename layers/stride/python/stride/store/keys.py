"""Every key string of the single table is built here, and only here (see docs/access-patterns.md)."""

from __future__ import annotations

ATHLETE = "ATH#"
IDENTITY = "SUB#"
PROFILE = "PROFILE"
IDENTITY_SK = "IDENTITY"
ZONES = "ZONES"
IDEMPOTENCY = "IDEMPOTENCY#"


def athlete_pk(athlete_id: int) -> str:
    return f"{ATHLETE}{athlete_id}"


def identity_pk(sub: str) -> str:
    return f"{IDENTITY}{sub}"


def idempotency_pk(function_name: str) -> str:
    """Partition for one function's Powertools idempotency records (sort key: the request hash)."""
    return f"{IDEMPOTENCY}{function_name}"
