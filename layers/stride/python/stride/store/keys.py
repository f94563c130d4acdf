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
LIVE = "LIVE#"
LIVE_CURRENT = "LIVE#CURRENT"  # in the athlete's partition: their one live or paused session
LIVE_LIST_SUFFIX = "#LIVE"
LIVE_SHARE = "LIVESHARE#"
SHARE = "SHARE#"
CHEER = "CHEER#"
LIVE_CONNECTION = "LIVECONN#"
LIVE_WATCH = "LIVEWATCH#"
CONNECTION = "CONN#"
LIVE_GROUP = "LIVEGRP#"
MEMBER = "MEMBER#"


def live_session_pk(session_id: int) -> str:
    return f"{LIVE}{session_id}"


def athlete_live_sessions_pk(athlete_id: int) -> str:
    """GSI1 partition of an athlete's live sessions (AP74)."""
    return f"{ATHLETE}{athlete_id}{LIVE_LIST_SUFFIX}"


def athlete_live_sessions_sk(start_epoch: int, session_id: int) -> str:
    return f"{start_epoch:011d}#{session_id:019d}"


def live_share_pk(token_hash: str) -> str:
    """A share link by the SHA-256 of its token (AP80); the token itself is never stored."""
    return f"{LIVE_SHARE}{token_hash}"


def share_sk(share_id: int) -> str:
    return f"{SHARE}{share_id}"


def cheer_sk(cheer_id: int) -> str:
    return f"{CHEER}{cheer_id}"


def live_connection_pk(connection_id: str) -> str:
    return f"{LIVE_CONNECTION}{connection_id}"


def live_watch_pk(topic: str) -> str:
    """Watchers of one topic: ``SES#<session>``, ``ATH#<athlete>`` (followers' "following") or ``GRP#<group>``."""
    return f"{LIVE_WATCH}{topic}"


def connection_sk(connection_id: str) -> str:
    return f"{CONNECTION}{connection_id}"


def live_group_pk(group_id: int) -> str:
    return f"{LIVE_GROUP}{group_id}"


def member_sk(athlete_id: int) -> str:
    return f"{MEMBER}{athlete_id}"


# ---------------------------------------------------------------- challenges, badges, trophies: AP90-AP109
CHALLENGE = "CHAL#"
CHALLENGE_INVITE = "INVITE#"
PLATFORM_CHALLENGES = "CHALS#PLATFORM"  # GSI1 partition of platform challenges, by end (AP92)
PARTICIPATIONS_SUFFIX = "#CHAL"
INVITATIONS_SUFFIX = "#CHALINV"
TROPHIES_SUFFIX = "#TROPHY"
CHALLENGE_BOARD_SUFFIX = "#LB"
CHALLENGE_COUNTS_SUFFIX = "#LB#N"
CHALLENGE_COUNTS = "D"


def challenge_pk(challenge_id: int) -> str:
    """The challenge's partition: ``META`` (the definition) and one ``INVITE#<athlete>`` per invitee (AP90, AP93)."""
    return f"{CHALLENGE}{challenge_id}"


def challenge_invite_sk(athlete_id: int) -> str:
    return f"{CHALLENGE_INVITE}{athlete_id:019d}"


def challenge_by_end_sk(end_epoch: int, challenge_id: int) -> str:
    """Sort key of a challenge in an athlete's participations, invitations and the platform list: the end of its
    window then its id, zero-padded, so "not ended yet" is ``SK >= <now>`` and the soonest to end comes first."""
    return f"{end_epoch:011d}#{challenge_id:019d}"


def challenge_end_floor(epoch: int) -> str:
    """The lowest ``challenge_by_end_sk`` of a challenge ending at ``epoch`` or later."""
    return f"{epoch:011d}#"


def challenge_from_by_end_sk(sort_key: str) -> int:
    return int(sort_key.rsplit("#", 1)[1])


def participations_pk(athlete_id: int) -> str:
    """The athlete's participations (AP94-AP96): scoring Queries only this partition, by the challenges' ends."""
    return _edge(athlete_id, PARTICIPATIONS_SUFFIX)


def invitations_pk(athlete_id: int) -> str:
    """GSI1 partition of the group challenges an athlete is invited to (the invite items carry it, AP97)."""
    return _edge(athlete_id, INVITATIONS_SUFFIX)


def challenge_board_pk(challenge_id: int) -> str:
    """Leaderboard entries, best first: SK ``challenge_entry_sk`` (AP100)."""
    return f"{CHALLENGE}{challenge_id}{CHALLENGE_BOARD_SUFFIX}"


def challenge_entry_sk(ordered_score: int, athlete_id: int) -> str:
    """Lower ordered score is better for every kind (stride.challenges.rules.ordered_score); ties by athlete id."""
    return f"{ordered_score:012d}#{athlete_id:019d}"


def challenge_counts_pk(challenge_id: int) -> str:
    """Digit counters of a leaderboard: "my rank" reads 4 small items whatever the number of entries (AP101)."""
    return f"{CHALLENGE}{challenge_id}{CHALLENGE_COUNTS_SUFFIX}"


def challenge_counts_sk(prefix: str) -> str:
    """One counters item per score prefix (0, 3, 6 or 9 leading digits of the 12-digit ordered score)."""
    return f"{CHALLENGE_COUNTS}{len(prefix):02d}#{prefix}"


def trophies_pk(athlete_id: int) -> str:
    """The athlete's trophy case (AP104), SK ``challenge_sk``: newest challenge first with ScanIndexForward=False."""
    return _edge(athlete_id, TROPHIES_SUFFIX)


def challenge_sk(challenge_id: int) -> str:
    return f"{CHALLENGE}{challenge_id:019d}"


# ---------------------------------------------------------------- clubs: AP110-AP129
CLUB = "CLUB#"
CLUB_MEMBERS_SUFFIX = "#MEMBERS"
CLUB_ADMINS_SUFFIX = "#ADMINS"
CLUB_REQUESTS_SUFFIX = "#REQUESTS"
CLUB_FEED_SUFFIX = "#FEED"
CLUB_WEEK_INFIX = "#WK#"
CLUB_COUNTS_SUFFIX = "#N"
CLUB_COARSE = "C"
CLUB_EVENTS_SUFFIX = "#EVENTS"
CLUBS_SUFFIX = "#CLUBS"
CLUB_CONTRIBUTION = "CLUBACT#"
GROUP_EVENT = "GEVENT#"
RSVP = "RSVP#"


def club_pk(club_id: int) -> str:
    """The club's own partition (``META`` holds DetailedClub's fields and ``member_count``) (AP110)."""
    return f"{CLUB}{club_id}"


def club_sk(club_id: int) -> str:
    """A club named inside an athlete's list, zero-padded so it sorts by id (= age)."""
    return f"{CLUB}{club_id:019d}"


def club_from_sk(sort_key: str) -> int:
    return int(sort_key[len(CLUB) :])


def club_members_pk(club_id: int) -> str:
    """The club's members (SK ``athlete_sk``); a member who is an admin also carries GSI1 ``club_admins_pk`` (AP111)."""
    return f"{CLUB}{club_id}{CLUB_MEMBERS_SUFFIX}"


def club_admins_pk(club_id: int) -> str:
    """GSI1 partition of the club's admins (a sparse index: only admins' member items carry it) (AP112)."""
    return f"{CLUB}{club_id}{CLUB_ADMINS_SUFFIX}"


def club_requests_pk(club_id: int) -> str:
    """Pending requests to join a private club (SK ``athlete_sk``) (AP115)."""
    return f"{CLUB}{club_id}{CLUB_REQUESTS_SUFFIX}"


def athlete_clubs_pk(athlete_id: int) -> str:
    """An athlete's memberships (SK ``club_sk``): /athlete/clubs and the consumer's "clubs of this athlete" (AP113)."""
    return _edge(athlete_id, CLUBS_SUFFIX)


def club_feed_pk(club_id: int) -> str:
    """The club feed: members' activities, newest first with ScanIndexForward=False (SK ``feed_sk``) (AP117)."""
    return f"{CLUB}{club_id}{CLUB_FEED_SUFFIX}"


def club_feed_author_pk(club_id: int, athlete_id: int) -> str:
    """GSI1 partition of one member's entries in the club feed (leaving removes them) (AP118)."""
    return f"{CLUB}{club_id}{CLUB_FEED_SUFFIX}#{ATHLETE}{athlete_id}"


def club_contribution_sk(activity_id: int) -> str:
    """In ``ATH#<a>``: what the clubs consumer last counted of one activity, and in which clubs and weeks (AP119)."""
    return f"{CLUB_CONTRIBUTION}{activity_id:019d}"


def club_week_pk(club_id: int, week: str) -> str:
    """One member's totals for one week of one club (SK ``athlete_sk``), e.g. ``CLUB#7#WK#2026-W49`` (AP120)."""
    return f"{CLUB}{club_id}{CLUB_WEEK_INFIX}{week}"


def club_rank_pk(club_id: int, week: str, metric: str) -> str:
    """The ranking of one week by one metric: SK ``club_rank_sk``, highest first with ScanIndexForward=False (AP121)."""
    return f"{club_week_pk(club_id, week)}#{metric}"


def club_rank_sk(value: int, athlete_id: int) -> str:
    """12 digits of the metric's integer units (metres, seconds, decimetres, activities), then the athlete."""
    return f"{value:012d}#{athlete_id:019d}"


def club_rank_floor(value: int) -> str:
    """The lowest sort key an entry of ``value`` can have."""
    return f"{value:012d}#"


def club_counts_pk(club_id: int, week: str, metric: str) -> str:
    """Bucket counts of one ranking (``C<coarse bucket>`` items: ``n`` and fine counters ``f00``..``f99``) (AP122)."""
    return f"{club_rank_pk(club_id, week, metric)}{CLUB_COUNTS_SUFFIX}"


def club_coarse_sk(bucket: int) -> str:
    return f"{CLUB_COARSE}{bucket:08d}"


def club_events_pk(club_id: int) -> str:
    """A club's group events by start time (SK ``club_event_sk``): upcoming = SK >= now (AP125)."""
    return f"{CLUB}{club_id}{CLUB_EVENTS_SUFFIX}"


def club_event_sk(start_epoch: int, event_id: int) -> str:
    return f"{start_epoch:011d}#{event_id:019d}"


def group_event_pk(event_id: int) -> str:
    """A group event's own partition: ``META`` (the event and ``joined_count``), ``RSVP#<a>`` per athlete (AP126)."""
    return f"{GROUP_EVENT}{event_id}"


def rsvp_sk(athlete_id: int) -> str:
    return f"{RSVP}{athlete_id:019d}"
