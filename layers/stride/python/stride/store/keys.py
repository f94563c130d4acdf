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


# Keys of the activities context, access patterns AP10 to AP20
ACTIVITY = "ACT#"
UPLOAD = "UPLOAD#"
META = "META"
ACTIVITY_LIST_SUFFIX = "#ACT"
FILE_HASH = "FILE#"
EXTERNAL_ID = "EXTID#"
BEST_EFFORT = "BEST#"
STATS = "STATS#"
STATS_ALL = "STATS#ALL"
STATS_YEAR = "STATS#Y#"
STATS_DAY = "STATS#D#"
STATS_EVENT = "STATSEVT#"


def activity_pk(activity_id: int) -> str:
    return f"{ACTIVITY}{activity_id}"


def upload_pk(upload_id: int) -> str:
    return f"{UPLOAD}{upload_id}"


def athlete_activities_pk(athlete_id: int) -> str:
    """GSI1 partition of an athlete's activity list (AP13)."""
    return f"{ATHLETE}{athlete_id}{ACTIVITY_LIST_SUFFIX}"


def athlete_activities_sk(start_epoch: int, activity_id: int) -> str:
    """GSI1 sort key: start time then id, both zero-padded so the string order is the time order."""
    return f"{start_epoch:011d}#{activity_id:019d}"


def file_hash_sk(sha256_hex: str) -> str:
    return f"{FILE_HASH}{sha256_hex}"


def external_id_sk(external_id: str) -> str:
    return f"{EXTERNAL_ID}{external_id}"


def best_effort_prefix(effort_name: str) -> str:
    return f"{BEST_EFFORT}{effort_name}#"


def best_effort_sk(effort_name: str, elapsed_time: int, activity_id: int) -> str:
    """Sorted fastest first within the effort name: elapsed time zero-padded, then the activity."""
    return f"{best_effort_prefix(effort_name)}{elapsed_time:09d}#{activity_id:019d}"


def stats_year_sk(year: int) -> str:
    return f"{STATS_YEAR}{year:04d}"


def stats_day_sk(day_iso: str) -> str:
    return f"{STATS_DAY}{day_iso}"


def stats_event_sk(event_id: str) -> str:
    return f"{STATS_EVENT}{event_id}"
