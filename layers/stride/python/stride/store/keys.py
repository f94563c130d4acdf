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
SEGMENT = "SEG#"
SEGMENT_CELL = "SEGCELL#"  # resolution-8 H3 cell of a segment's start: matching candidates (AP50)
SEGMENT_AREA = "SEGAREA#"  # resolution-6 H3 cell of a segment's start: explore (AP51)
STARS_SUFFIX = "#STARS"
STARRED_BY = "STARBY#"


def segment_pk(segment_id: int) -> str:
    """The segment's own partition (``META`` holds the segment and its compressed path)."""
    return f"{SEGMENT}{segment_id}"


def segment_sk(segment_id: int) -> str:
    """Sort key naming a segment inside an index or star partition, zero-padded so it sorts by id (= age)."""
    return f"{SEGMENT}{segment_id:019d}"


def segment_from_sk(sort_key: str) -> int:
    return int(sort_key.rsplit(SEGMENT, 1)[1])


def segment_cell_pk(cell: str) -> str:
    return f"{SEGMENT_CELL}{cell}"


def segment_area_pk(cell: str) -> str:
    return f"{SEGMENT_AREA}{cell}"


def stars_pk(athlete_id: int) -> str:
    """An athlete's starred segments, newest star first with ScanIndexForward=False (AP53)."""
    return _edge(athlete_id, STARS_SUFFIX)


def star_sk(starred_at_ms: int, segment_id: int) -> str:
    return f"{starred_at_ms:013d}#{segment_sk(segment_id)}"


def starred_by_sk(athlete_id: int) -> str:
    """Marker in the segment's partition: "is it starred by me" is one GetItem (AP52)."""
    return f"{STARRED_BY}{athlete_id:019d}"


# ---------------------------------------------------------------- segments: efforts and matching (AP55-AP62)
EFFORT = "EFFORT#"
EFFORT_SEGMENT = "SEG#"
EFFORT_LIST_SUFFIX = "#EFF"


def effort_sk(segment_id: int, pass_index: int) -> str:
    """An effort in its activity's partition: the segment then the n-th pass, so a re-match hits the same key."""
    return f"{EFFORT}{segment_id:019d}#{pass_index:03d}"


def effort_pointer_pk(effort_id: int) -> str:
    """The pointer from an effort id to its activity (SK ``META``), for GET /segment_efforts/{id} (AP57)."""
    return f"{EFFORT}{effort_id}"


def athlete_segment_efforts_pk(segment_id: int, athlete_id: int) -> str:
    """GSI1 partition of one athlete's efforts on one segment (AP58)."""
    return f"{EFFORT_SEGMENT}{segment_id}#{ATHLETE}{athlete_id}{EFFORT_LIST_SUFFIX}"


def athlete_segment_efforts_sk(start_local_epoch: int, effort_id: int) -> str:
    """GSI1 sort key: the local start (seconds, read as UTC) then the effort id, zero-padded (time order)."""
    return f"{start_local_epoch:011d}#{effort_id:019d}"


# ---------------------------------------------------------------- segments: leaderboards, titles, records (AP63-AP72)
SEGMENT_BESTS = "SEGPR#"  # in ATH#<a>: the athlete's efforts and board entries on one segment (AP63, AP69, AP71)
BOARD_INFIX = "#LB#"
BOARD_COUNTS_SUFFIX = "#N"
BOARD_MINUTE = "M"
BOARD_SECOND = "S"
TITLES_INFIX = "#LB"
TITLES = "TITLES"
LEGEND_INFIX = "#LL"


def segment_bests_sk(segment_id: int) -> str:
    """The athlete's bests item on one segment, in the athlete's partition (so their records are one Query)."""
    return f"{SEGMENT_BESTS}{segment_id:019d}"


def segment_from_bests_sk(sort_key: str) -> int:
    return int(sort_key[len(SEGMENT_BESTS) :])


def board_pk(segment_id: int, board: str) -> str:
    """One leaderboard of a segment: ``ALL``, ``SEX#M``, ``WT#75_84``, ``Y2026``, ``M2026-12``, ``W2026-49``,
    ``D2026-12-03`` (stride.segments.leaderboards names them)."""
    return f"{SEGMENT}{segment_id}{BOARD_INFIX}{board}"


def board_sk(elapsed_ms: int, start_epoch: int, athlete_id: int) -> str:
    """Fastest first; a tie goes to the earlier effort, then the lower athlete id. Zero-padded so the string order is
    the numeric order (10 digits of milliseconds: 115 days)."""
    return f"{elapsed_ms:010d}#{start_epoch:011d}#{athlete_id:019d}"


def board_sk_floor(elapsed_ms: int) -> str:
    """The lowest sort key an entry of ``elapsed_ms`` or slower can have (the start of a time slice)."""
    return f"{elapsed_ms:010d}#"


def board_counts_pk(segment_id: int, board: str) -> str:
    """The bucket counts of one board (minute items ``M<minute>``, second items ``S<second>``)."""
    return f"{board_pk(segment_id, board)}{BOARD_COUNTS_SUFFIX}"


def board_minute_sk(minute: int) -> str:
    return f"{BOARD_MINUTE}{minute:06d}"


def board_second_sk(second: int) -> str:
    return f"{BOARD_SECOND}{second:08d}"


def titles_pk(segment_id: int) -> str:
    """The segment's titles item (SK ``TITLES``): KOM, QOM, CR holders, and the boards' revision."""
    return f"{SEGMENT}{segment_id}{TITLES_INFIX}"


def legend_pk(segment_id: int) -> str:
    """Local Legend candidates of a segment: one item per athlete, most efforts in 90 days first (descending)."""
    return f"{SEGMENT}{segment_id}{LEGEND_INFIX}"


def legend_sk(count: int, athlete_id: int) -> str:
    return f"{count:06d}#{athlete_id:019d}"


# ---------------------------------------------------------------- live tracking: AP73-AP89
# live helper: keys of this context go here.


# ---------------------------------------------------------------- challenges, badges, trophies: AP90-AP109
# challenges helper: keys of this context go here.


# ---------------------------------------------------------------- clubs: AP110-AP129
# clubs helper: keys of this context go here.
