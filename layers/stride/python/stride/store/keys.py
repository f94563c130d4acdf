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


# Keys of the social, feed, notifications and privacy contexts, access patterns AP21 to AP47
FOLLOWING_SUFFIX = "#FOLLOWING"
FOLLOWERS_SUFFIX = "#FOLLOWERS"
FOLLOW_REQUESTS_SUFFIX = "#FOLLOWREQ"
BLOCKS_SUFFIX = "#BLOCKS"
MUTES_SUFFIX = "#MUTES"
MUTED_BY_SUFFIX = "#MUTEDBY"
SUGGESTIONS = "SUGGESTIONS"
PRIVACY = "PRIVACY"
DEVICE = "DEVICE#"
KUDOS = "KUDOS#"
COMMENT = "COMMENT#"
FEED = "FEED#"
POPULAR_PK = "POPULAR"
NOTIFICATIONS_SUFFIX = "#NOTIF"
NOTIFICATION_EVENT = "NOTIFEVT#"


def _edge(athlete_id: int, suffix: str) -> str:
    return f"{ATHLETE}{athlete_id}{suffix}"


def following_pk(athlete_id: int) -> str:
    """Who ``athlete_id`` follows (sort key: ``athlete_sk(other)``)."""
    return _edge(athlete_id, FOLLOWING_SUFFIX)


def followers_pk(athlete_id: int) -> str:
    """Who follows ``athlete_id``."""
    return _edge(athlete_id, FOLLOWERS_SUFFIX)


def follow_requests_pk(athlete_id: int) -> str:
    """Pending requests to follow ``athlete_id`` (a private profile approves or denies them)."""
    return _edge(athlete_id, FOLLOW_REQUESTS_SUFFIX)


def blocks_pk(athlete_id: int) -> str:
    """Whom ``athlete_id`` has blocked."""
    return _edge(athlete_id, BLOCKS_SUFFIX)


def mutes_pk(athlete_id: int) -> str:
    """Whom ``athlete_id`` has muted (hidden from their feed, still followed)."""
    return _edge(athlete_id, MUTES_SUFFIX)


def muted_by_pk(athlete_id: int) -> str:
    """Who muted ``athlete_id`` (the reverse of ``mutes_pk``, written in the same transaction): fan-out skips them."""
    return _edge(athlete_id, MUTED_BY_SUFFIX)


def athlete_sk(athlete_id: int) -> str:
    """Sort key of an edge: the other athlete, zero-padded so edges list in id order."""
    return f"{ATHLETE}{athlete_id:019d}"


def athlete_from_sk(sort_key: str) -> int:
    return int(sort_key[len(ATHLETE) :])


def device_sk(platform: str, token_hash: str) -> str:
    return f"{DEVICE}{platform}#{token_hash}"


def kudos_sk(athlete_id: int) -> str:
    return f"{KUDOS}{athlete_id:019d}"


def comment_sk(comment_id: int) -> str:
    """Comment ids are time-ordered, so the sort key alone lists comments oldest first."""
    return f"{COMMENT}{comment_id:019d}"


def feed_pk(reader_id: int) -> str:
    return f"{FEED}{reader_id}"


def feed_sk(start_epoch: int, activity_id: int) -> str:
    """Newest first with ScanIndexForward=False: start time then activity id, both zero-padded."""
    return f"{start_epoch:011d}#{activity_id:019d}"


def feed_author_pk(reader_id: int, author_id: int) -> str:
    """GSI1 partition of one author's entries in one reader's feed (unfollow, block and mute remove them)."""
    return f"{FEED}{reader_id}#{ATHLETE}{author_id}"


def notifications_pk(athlete_id: int) -> str:
    return _edge(athlete_id, NOTIFICATIONS_SUFFIX)


def notification_sk(notification_id: int) -> str:
    return f"{notification_id:019d}"


def notification_event_sk(event_id: str, recipient_id: int) -> str:
    """Marker that one event already notified one recipient (duplicate deliveries write nothing new)."""
    return f"{NOTIFICATION_EVENT}{event_id}#{recipient_id}"


# Key of the username marker (AP03 writes it; AP34 resolves @mentions through it)
USERNAME = "USERNAME#"


def username_pk(username: str) -> str:
    """Usernames are case-insensitive (the user pool is), so the marker is keyed by the lower-case form."""
    return f"{USERNAME}{username.lower()}"


# ---------------------------------------------------------------- segments: store, geo index, stars (AP48-AP54)

# ---------------------------------------------------------------- segments: efforts and matching (AP55-AP62)

# ---------------------------------------------------------------- segments: leaderboards, titles, records (AP63-AP72)
