"""pynamodb item classes of the single table: one base with a discriminator, one subclass per entity.

Mixed item collections are queried through ``StrideItem`` (a subclass query pays for the whole key range
anyway and only adds a filter). Discriminator values are stored: never rename one.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from stride.config import table_settings


class GSI1(GlobalSecondaryIndex["StrideItem"]):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    GSI1PK = UnicodeAttribute(hash_key=True)
    GSI1SK = UnicodeAttribute(range_key=True)


class StrideItem(Model):
    """Every item of the table. ``kind`` tells the entity; ``v`` is the item's schema version."""

    class Meta:
        table_name = table_settings().table_name
        max_retry_attempts = 3

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)
    kind = DiscriminatorAttribute()
    v = NumberAttribute(default=1)
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    gsi1 = GSI1()


class IdentityItem(StrideItem, discriminator="identity"):
    """Links a Cognito ``sub`` to its athlete id (written once, in the same transaction as the profile)."""

    athlete_id = NumberAttribute()


class ZoneRangeMap(MapAttribute[str, Any]):
    min = NumberAttribute()
    max = NumberAttribute()


class AthleteItem(StrideItem, discriminator="athlete"):
    athlete_id = NumberAttribute()
    username = UnicodeAttribute()
    firstname = UnicodeAttribute(default="")
    lastname = UnicodeAttribute(default="")
    city = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    sex = UnicodeAttribute(null=True)
    weight = NumberAttribute(null=True)
    ftp = NumberAttribute(null=True)
    birthdate = UnicodeAttribute(null=True)  # ISO date
    measurement_preference = UnicodeAttribute(default="meters")
    private_profile = BooleanAttribute(default=False)
    premium = BooleanAttribute(default=False)
    avatar_picture_id = NumberAttribute(null=True)
    follower_count = NumberAttribute(default=0)
    friend_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = NumberAttribute(default=1)


class ZonesItem(StrideItem, discriminator="zones"):
    custom_zones = BooleanAttribute(default=False)
    max_heartrate = NumberAttribute(null=True)
    heart_rate = ListAttribute(of=ZoneRangeMap)
    updated_at = UTCDateTimeAttribute()


class UploadItem(StrideItem, discriminator="upload"):
    """An uploaded file's processing state (the raw file itself stays in the uploads bucket)."""

    upload_id = NumberAttribute()
    athlete_id = NumberAttribute()
    status = UnicodeAttribute()  # processing | ready | error | deleted
    error = UnicodeAttribute(null=True)
    activity_id = NumberAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    data_type = UnicodeAttribute(null=True)
    object_key = UnicodeAttribute()
    # What the athlete asked for at upload time, applied when the activity is created.
    name = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    sport_type = UnicodeAttribute(null=True)
    trainer = BooleanAttribute(null=True)
    commute = BooleanAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ActivityItem(StrideItem, discriminator="activity"):
    """An activity's summary. Laps, splits, best efforts and zones are one compressed JSON ``detail``;
    full streams live in S3 (``streams_key``)."""

    activity_id = NumberAttribute()
    athlete_id = NumberAttribute()
    summary = UnicodeAttribute()  # JSON of the summary fields (see stride.activities.models.ActivitySummary)
    detail = BinaryAttribute(null=True, legacy_encoding=False)  # zlib(JSON) of laps, splits, efforts, zones
    visibility = UnicodeAttribute(default="everyone")
    upload_id = NumberAttribute(null=True)
    file_sha256 = UnicodeAttribute(null=True)
    external_id = UnicodeAttribute(null=True)
    streams_key = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = NumberAttribute(default=1)
    # Kept with ADD by kudos and comment writes; an owner's edit never writes them (no lost kudos).
    kudos_count = NumberAttribute(default=0)
    comment_count = NumberAttribute(default=0)


class MarkerItem(StrideItem, discriminator="marker"):
    """A uniqueness marker: one athlete's file hash or external id, pointing at the activity that holds it."""

    activity_id = NumberAttribute()


class BestEffortItem(StrideItem, discriminator="best_effort"):
    activity_id = NumberAttribute()
    elapsed_time = NumberAttribute()
    start_date = UnicodeAttribute()


class StatsItem(StrideItem, discriminator="stats"):
    """Totals of one athlete for one period (all time, a year, a day). The counters are flat number
    attributes named ``<group>_<field>`` (e.g. ``run_distance``), kept with ADD by the stats repository."""


class AppliedEventItem(StrideItem, discriminator="applied_event"):
    """Marks an event a consumer has applied (idempotency); expires with ``ttl``."""

    ttl = TTLAttribute()


# Items of the social context, access patterns AP21-AP34
class EdgeItem(StrideItem, discriminator="edge"):
    """One direction of a relationship between two athletes: follow (both directions, one transaction),
    follow request, block, mute. ``PK`` names the owner and the relation, ``SK`` the other athlete."""

    athlete_id = NumberAttribute()  # the owner of the partition
    other_id = NumberAttribute()
    created_at = UTCDateTimeAttribute()


class SuggestionsItem(StrideItem, discriminator="suggestions"):
    """Friends of friends ranked by shared connections, computed off the request path (JSON list)."""

    suggestions = UnicodeAttribute()  # JSON [{"athlete_id": n, "shared": k}, ...], best first
    computed_at = UTCDateTimeAttribute()


class KudosItem(StrideItem, discriminator="kudos"):
    activity_id = NumberAttribute()
    athlete_id = NumberAttribute()
    created_at = UTCDateTimeAttribute()


class CommentItem(StrideItem, discriminator="comment"):
    comment_id = NumberAttribute()
    activity_id = NumberAttribute()
    athlete_id = NumberAttribute()
    text = UnicodeAttribute()
    mentions = ListAttribute(of=NumberAttribute, null=True)
    created_at = UTCDateTimeAttribute()


# Items of the feed context, access patterns AP35-AP39
class FeedEntryItem(StrideItem, discriminator="feed_entry"):
    """An activity pre-rendered into one reader's feed. GSI1 groups one author's entries in that feed."""

    reader_id = NumberAttribute()
    author_id = NumberAttribute()
    activity_id = NumberAttribute()
    entry = UnicodeAttribute()  # JSON of the rendered entry (no map: maps are trimmed at read time)
    ttl = TTLAttribute()


class PopularItem(StrideItem, discriminator="popular"):
    """An athlete whose activities are merged into feeds at read time instead of fanned out."""

    athlete_id = NumberAttribute()
    follower_count = NumberAttribute()


# Items of the notifications context, access patterns AP40-AP44
class NotificationItem(StrideItem, discriminator="notification"):
    notification_id = NumberAttribute()
    recipient_id = NumberAttribute()
    type = UnicodeAttribute()  # kudos | comment | mention | follower | follow_request | cheer | challenge_completed
    actor_id = NumberAttribute()
    activity_id = NumberAttribute(null=True)
    comment_id = NumberAttribute(null=True)
    session_id = NumberAttribute(null=True)
    challenge_id = NumberAttribute(null=True)
    text = UnicodeAttribute(null=True)
    read = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    ttl = TTLAttribute()
    pushed = BooleanAttribute(null=True)  # the push went out; a retried record that finds it false pushes again


class DeviceItem(StrideItem, discriminator="device"):
    """A phone registered for push: platform (ios | android) and its push token."""

    platform = UnicodeAttribute()
    token = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


# Items of the privacy context, access patterns AP45-AP47
class PrivacyZoneMap(MapAttribute[str, Any]):
    zone_id = NumberAttribute()
    lat = NumberAttribute()
    lng = NumberAttribute()
    radius = NumberAttribute()  # metres, 200 to 1,600


class PrivacyItem(StrideItem, discriminator="privacy"):
    """An athlete's map privacy: zones and the metres hidden at the start and end of every activity."""

    zones = ListAttribute(of=PrivacyZoneMap)
    hide_start_end = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute()


class UsernameItem(StrideItem, discriminator="username"):
    """Links a username (lower case) to its athlete, so @mentions resolve by key (AP34). Written with the profile."""

    athlete_id = NumberAttribute()


# ---------------------------------------------------------------- segments: store, geo index, stars
class SegmentItem(StrideItem, discriminator="segment"):
    """A segment (``SEG#<id>``/``META``): what DetailedSegment shows, plus its path for matching (zlib, binary).

    ``effort_count``/``athlete_count``/``star_count`` are kept with ADD by the efforts, boards and star writes."""

    segment_id = NumberAttribute()
    name = UnicodeAttribute()
    activity_type = UnicodeAttribute()  # Ride | Run
    athlete_id = NumberAttribute()  # the creator
    distance = NumberAttribute()
    average_grade = NumberAttribute()
    maximum_grade = NumberAttribute()
    elevation_high = NumberAttribute(null=True)
    elevation_low = NumberAttribute(null=True)
    total_elevation_gain = NumberAttribute(default=0)
    climb_category = NumberAttribute(default=0)
    start_lat = NumberAttribute()
    start_lng = NumberAttribute()
    end_lat = NumberAttribute()
    end_lng = NumberAttribute()
    polyline = UnicodeAttribute()  # encoded, precision 5
    summary_polyline = UnicodeAttribute(null=True)  # simplified, as explore and lists show it
    city = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    private = BooleanAttribute(default=False)
    hazardous = BooleanAttribute(default=False)
    source_activity_id = NumberAttribute(null=True)  # the activity the stretch came from (None: from a polyline)
    path = BinaryAttribute(null=True, legacy_encoding=False)  # stride.segments.geometry.path_to_bytes
    effort_count = NumberAttribute(default=0)
    athlete_count = NumberAttribute(default=0)
    star_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class SegmentCellItem(StrideItem, discriminator="segment_cell"):
    """Matching index (``SEGCELL#<res-8 cell of the start>``/``SEG#<id>``): what the prefilter needs, nothing more."""

    segment_id = NumberAttribute()
    activity_type = UnicodeAttribute()
    start_lat = NumberAttribute()
    start_lng = NumberAttribute()
    end_lat = NumberAttribute()
    end_lng = NumberAttribute()
    distance = NumberAttribute()


class SegmentAreaItem(StrideItem, discriminator="segment_area"):
    """Explore index (``SEGAREA#<res-6 cell of the start>``/``SEG#<id>``): everything an ExplorerSegment shows."""

    segment_id = NumberAttribute()
    activity_type = UnicodeAttribute()
    start_lat = NumberAttribute()
    start_lng = NumberAttribute()
    end_lat = NumberAttribute()
    end_lng = NumberAttribute()
    distance = NumberAttribute()
    name = UnicodeAttribute()
    climb_category = NumberAttribute(default=0)
    average_grade = NumberAttribute()
    elev_difference = NumberAttribute(default=0)
    points = UnicodeAttribute()  # a simplified polyline (precision 5)


class SegmentStarItem(StrideItem, discriminator="segment_star"):
    """One star in an athlete's list (``ATH#<a>#STARS``/``<starred at ms>#SEG#<id>``), newest first."""

    athlete_id = NumberAttribute()
    segment_id = NumberAttribute()
    starred_at = UTCDateTimeAttribute()


class SegmentStarMarkerItem(StrideItem, discriminator="segment_starred_by"):
    """``SEG#<id>``/``STARBY#<athlete>``: "starred by me" as one GetItem; ``star_sk`` finds the list item."""

    athlete_id = NumberAttribute()
    segment_id = NumberAttribute()
    star_sk = UnicodeAttribute()
    starred_at = UTCDateTimeAttribute()


# ---------------------------------------------------------------- segments: efforts and matching
class SegmentEffortItem(StrideItem, discriminator="segment_effort"):
    """One pass of an activity over a segment, in the activity's partition (``EFFORT#<segment>#<pass>``).
    GSI1 lists one athlete's efforts on one segment by local start time. ``segment`` is the segment's summary
    (JSON) as it was when matched, so effort reads need no second item. ``announced`` is what the boards were
    last told (recorded: True, removed: False); ``pr_rank``/``kom_rank`` are written back by the leaderboards."""

    effort_id = NumberAttribute()
    segment_id = NumberAttribute()
    activity_id = NumberAttribute()
    athlete_id = NumberAttribute()
    pass_index = NumberAttribute()
    sport_type = UnicodeAttribute()
    start_date = UTCDateTimeAttribute()
    start_date_local = UTCDateTimeAttribute()  # wall-clock time, stored as if UTC (Strava's start_date_local)
    elapsed_time = NumberAttribute()  # seconds, sub-second
    moving_time = NumberAttribute()
    distance = NumberAttribute()
    start_index = NumberAttribute()
    end_index = NumberAttribute()
    visibility = UnicodeAttribute()
    privacy_hidden = BooleanAttribute(default=False)  # a point inside one of the owner's privacy zones
    flagged = BooleanAttribute(default=False)  # hidden by a moderator (survives re-matching)
    announced = BooleanAttribute(default=False)
    segment = UnicodeAttribute()  # JSON of the segment's summary
    pr_rank = NumberAttribute(null=True)
    kom_rank = NumberAttribute(null=True)
    matched_at = UTCDateTimeAttribute()


class SegmentEffortPointerItem(StrideItem, discriminator="segment_effort_pointer"):
    """``EFFORT#<effort id>``/``META``: where an effort lives (its activity's partition and sort key)."""

    activity_id = NumberAttribute()
    segment_id = NumberAttribute()
    pass_index = NumberAttribute()


# ---------------------------------------------------------------- segments: leaderboards, titles, records
# Written and read by stride.store.leaderboards through boto3 (flat counters chosen at run time, one transaction
# per effort); the classes are here so that every item of the table deserializes through ``StrideItem``.
class SegmentBestsItem(StrideItem, discriminator="segment_bests"):
    """``ATH#<a>``/``SEGPR#<segment>``: the athlete's efforts on one segment that count for the boards (JSON, the
    source of truth the boards are derived from), the board entries written from them, the 3 best for PR ranks."""

    segment_id = NumberAttribute()
    athlete_id = NumberAttribute()
    rev = NumberAttribute()  # optimistic lock: every change is conditional on the revision read
    efforts = UnicodeAttribute()  # JSON [[effort, activity, elapsed ms, moving ms, start epoch, local, sex, wt], ...]
    boards = UnicodeAttribute()  # JSON {board: effort row}: the entries on the boards now
    prs = UnicodeAttribute()  # JSON: the 3 fastest rows
    legend = UnicodeAttribute(null=True)  # the athlete's Local Legend item's sort key, if any
    seen = UnicodeAttribute(null=True)  # JSON {effort id: time of the last event applied (ms)}: late events lose


class BoardEntryItem(StrideItem, discriminator="board_entry"):
    """``SEG#<s>#LB#<board>``/``<elapsed ms>#<start>#<athlete>``: one athlete's best on one board."""

    athlete_id = NumberAttribute()
    effort_id = NumberAttribute()
    activity_id = NumberAttribute()
    elapsed_ms = NumberAttribute()
    moving_ms = NumberAttribute()
    start = NumberAttribute()  # epoch seconds, UTC
    local = UnicodeAttribute()  # start_date_local, ISO
    ttl = TTLAttribute(null=True)  # period boards only


class BoardCountItem(StrideItem, discriminator="board_count"):
    """``SEG#<s>#LB#<board>#N``/``M<minute>`` (``n`` and per-second ``c00``..``c59``) or ``S<second>`` (per
    hundredth ``h00``..``h99``): how many entries of the board fall in each time bucket (flat counters, ADD)."""

    n = NumberAttribute(null=True)
    ttl = TTLAttribute(null=True)


class BoardTitlesItem(StrideItem, discriminator="board_titles"):
    """``SEG#<s>#LB``/``TITLES``: the men's, women's and overall fastest (JSON entries) and the boards' revision."""

    rev = NumberAttribute(default=0)
    titles = UnicodeAttribute(null=True)


class LegendItem(StrideItem, discriminator="board_legend"):
    """``SEG#<s>#LL``/``<efforts in 90 days>#<athlete>``: a Local Legend candidate and its effort start times."""

    athlete_id = NumberAttribute()
    starts = UnicodeAttribute()  # JSON [epoch, ...] within the 90 days before the write
    ttl = TTLAttribute(null=True)


# ---------------------------------------------------------------- live tracking: AP73-AP89
class LiveSessionItem(StrideItem, discriminator="live_session"):
    """``LIVE#<s>``/``META``: a live session and its small live state (the track itself is chunks in S3).
    GSI1 lists an athlete's sessions by start. ``rev`` is an optimistic lock on the state the consumer writes."""

    session_id = NumberAttribute()
    athlete_id = NumberAttribute()
    sport_type = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    status = UnicodeAttribute()  # live | paused | finished | discarded
    audience = UnicodeAttribute()  # followers | chosen | only_me
    chosen = ListAttribute(of=NumberAttribute, null=True)  # athlete ids (audience "chosen")
    started_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    group_id = NumberAttribute(null=True)
    upload_id = NumberAttribute(null=True)
    rev = NumberAttribute(default=0)
    state = UnicodeAttribute(null=True)  # JSON of stride.live.track.LiveState
    segments = UnicodeAttribute(null=True)  # JSON of stride.live.segments_live.Progress
    ttl = TTLAttribute(null=True)


class LiveCurrentItem(StrideItem, discriminator="live_current"):
    """``ATH#<a>``/``LIVE#CURRENT``: the athlete's one live or paused session (a second start fails on it)."""

    session_id = NumberAttribute()


class LiveShareItem(StrideItem, discriminator="live_share"):
    """``LIVESHARE#<sha256 of token>``/``META`` and its twin ``LIVE#<s>``/``SHARE#<id>`` (revoke by id, and
    every link of a session found when it ends)."""

    share_id = NumberAttribute()
    session_id = NumberAttribute()
    token_hash = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    ttl = TTLAttribute(null=True)


class LiveCheerItem(StrideItem, discriminator="live_cheer"):
    """``LIVE#<s>``/``CHEER#<id>``: a cheer sent to a live athlete."""

    cheer_id = NumberAttribute()
    from_athlete_id = NumberAttribute()
    text = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    ttl = TTLAttribute(null=True)


class LiveConnectionItem(StrideItem, discriminator="live_connection"):
    """``LIVECONN#<connection>``/``META``: who is on a WebSocket connection and the topics it watches."""

    viewer_kind = UnicodeAttribute()  # athlete | share
    athlete_id = NumberAttribute(null=True)
    share_session_id = NumberAttribute(null=True)
    groups = UnicodeAttribute(null=True)  # space separated Cognito groups
    scopes = UnicodeAttribute(null=True)
    sub = UnicodeAttribute(null=True)
    topics = ListAttribute(of=UnicodeAttribute, null=True)
    ttl = TTLAttribute(null=True)


class LiveWatchItem(StrideItem, discriminator="live_watch"):
    """``LIVEWATCH#<topic>``/``CONN#<connection>``: one connection watching one topic (the fan-out list)."""

    connection_id = UnicodeAttribute()
    viewer_kind = UnicodeAttribute()
    athlete_id = NumberAttribute(null=True)
    ttl = TTLAttribute(null=True)


class LiveGroupItem(StrideItem, discriminator="live_group"):
    """``LIVEGRP#<g>``/``META``: a group session (a group ride) and who is invited."""

    group_id = NumberAttribute()
    owner_id = NumberAttribute()
    name = UnicodeAttribute()
    invited = ListAttribute(of=NumberAttribute)
    created_at = UTCDateTimeAttribute()
    ttl = TTLAttribute(null=True)


class LiveGroupMemberItem(StrideItem, discriminator="live_group_member"):
    """``LIVEGRP#<g>``/``MEMBER#<a>``: the session a member brought to the group."""

    athlete_id = NumberAttribute()
    session_id = NumberAttribute()
    ttl = TTLAttribute(null=True)


# ---------------------------------------------------------------- challenges, badges, trophies: AP90-AP109
# Written and read by stride.store.challenges through boto3 (flat counters, one transaction per participation);
# the classes are here so that every item of the table deserializes through ``StrideItem``.
class ChallengeItem(StrideItem, discriminator="challenge"):
    """``CHAL#<c>``/``META``: the definition, the creator, the number of participants (ADD). Platform challenges
    carry GSI1 ``CHALS#PLATFORM``/``<end>#<c>`` (the open list)."""

    challenge_id = NumberAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    challenge_kind = UnicodeAttribute()  # stride.challenges.rules.Kind
    visibility = UnicodeAttribute()  # platform | group
    creator_id = NumberAttribute()
    start_local = UnicodeAttribute()
    end_local = UnicodeAttribute()
    timezone = UnicodeAttribute()
    start_epoch = NumberAttribute()
    end_epoch = NumberAttribute()
    sport_types = UnicodeAttribute()  # JSON list
    goal = NumberAttribute(null=True)
    segment_id = NumberAttribute(null=True)
    participant_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute()


class ChallengeInviteItem(StrideItem, discriminator="challenge_invite"):
    """``CHAL#<c>``/``INVITE#<a>`` with GSI1 ``ATH#<a>#CHALINV``/``<end>#<c>``: may ``a`` see and join (GetItem),
    and which group challenges is ``a`` invited to (GSI1 Query). The creator has one too."""

    challenge_id = NumberAttribute()
    athlete_id = NumberAttribute()


class ParticipationItem(StrideItem, discriminator="challenge_participation"):
    """``ATH#<a>#CHAL``/``<end>#<c>``: one athlete in one challenge: the rules (copied, so scoring reads nothing
    else), the contributions per activity or effort (the source of truth), the score, completion."""

    challenge_id = NumberAttribute()
    athlete_id = NumberAttribute()
    rev = NumberAttribute()  # optimistic lock: every change is conditional on the revision read
    challenge_name = UnicodeAttribute(default="")
    rules = UnicodeAttribute()  # JSON of stride.challenges.rules.Rules
    contributions = UnicodeAttribute()  # JSON {source: [value, local date]}
    seen = UnicodeAttribute()  # JSON {source: time of the last fact applied (ms)}
    score = NumberAttribute(null=True)
    entry_sk = UnicodeAttribute(null=True)  # the leaderboard entry's sort key, if on the board
    joined_at = UnicodeAttribute()
    completed_at = UnicodeAttribute(null=True)
    completion_pending = BooleanAttribute(null=True)  # challenge.completed not yet published


class ChallengeEntryItem(StrideItem, discriminator="challenge_entry"):
    """``CHAL#<c>#LB``/``<ordered score>#<athlete>``: one athlete on the leaderboard."""

    athlete_id = NumberAttribute()
    score = NumberAttribute()


class ChallengeCountsItem(StrideItem, discriminator="challenge_counts"):
    """``CHAL#<c>#LB#N``/``D<len>#<prefix>``: entries per next 3 digits (``c000``..``c999``, ADD)."""


class TrophyItem(StrideItem, discriminator="trophy"):
    """``ATH#<a>#TROPHY``/``CHAL#<c>``: a completed challenge and its badge (written once by award_badge)."""

    challenge_id = NumberAttribute()
    athlete_id = NumberAttribute()
    name = UnicodeAttribute()
    challenge_kind = UnicodeAttribute()
    goal = NumberAttribute(null=True)
    badge_key = UnicodeAttribute()
    completed_at = UnicodeAttribute()


# ---------------------------------------------------------------- clubs: AP110-AP129
# Written and read by stride.store.clubs through boto3 (flat counters named at run time, transactions mixing
# entities); the classes are here so that every item of the table deserializes through ``StrideItem``.
class ClubItem(StrideItem, discriminator="club"):
    """``CLUB#<c>``/``META``: what DetailedClub shows; ``member_count`` is kept with ADD by membership writes."""

    club_id = NumberAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    sport_type = UnicodeAttribute()  # cycling | running | triathlon | other
    activity_types = UnicodeAttribute(null=True)  # JSON list of Strava activity types that count
    city = UnicodeAttribute(null=True)
    state = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    private = BooleanAttribute(default=False)
    timezone = UnicodeAttribute()  # IANA name: the weekly leaderboard runs Monday to Sunday here
    owner_id = NumberAttribute()
    member_count = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ClubMemberItem(StrideItem, discriminator="club_member"):
    """``CLUB#<c>#MEMBERS``/``ATH#<a>`` (GSI1 ``CLUB#<c>#ADMINS`` when admin) and its mirror
    ``ATH#<a>#CLUBS``/``CLUB#<c>`` (``kind`` ``club_membership``), written in one transaction."""

    club_id = NumberAttribute()
    athlete_id = NumberAttribute()
    role = UnicodeAttribute()  # owner | admin | member
    joined_at = UTCDateTimeAttribute()


class ClubMembershipItem(StrideItem, discriminator="club_membership"):
    """``ATH#<a>#CLUBS``/``CLUB#<c>``: the club's time zone travels with it, so the consumer needs no club read."""

    club_id = NumberAttribute()
    athlete_id = NumberAttribute()
    role = UnicodeAttribute()
    timezone = UnicodeAttribute()
    joined_at = UTCDateTimeAttribute()


class ClubJoinRequestItem(StrideItem, discriminator="club_join_request"):
    """``CLUB#<c>#REQUESTS``/``ATH#<a>``: a request to join a private club, until an admin approves or denies it."""

    club_id = NumberAttribute()
    athlete_id = NumberAttribute()
    requested_at = UTCDateTimeAttribute()


class ClubFeedEntryItem(StrideItem, discriminator="club_feed_entry"):
    """``CLUB#<c>#FEED``/``<start>#<activity>`` (GSI1: the author's entries in this club): a member's activity."""

    club_id = NumberAttribute()
    athlete_id = NumberAttribute()
    activity_id = NumberAttribute()
    visibility = UnicodeAttribute()
    entry = UnicodeAttribute()  # JSON of what ClubActivity shows
    ttl = TTLAttribute(null=True)


class ClubContributionItem(StrideItem, discriminator="club_contribution"):
    """``ATH#<a>``/``CLUBACT#<activity>``: what the consumer last counted of the activity, and where (JSON)."""

    activity_id = NumberAttribute()
    counted = UnicodeAttribute()  # JSON {"c": [metres, seconds, decimetres] | null, "clubs": {club: [week, feed sk]}}


class ClubWeekTotalsItem(StrideItem, discriminator="club_week_totals"):
    """``CLUB#<c>#WK#<week>``/``ATH#<a>``: a member's totals of one week and each activity's part (JSON)."""

    athlete_id = NumberAttribute()
    rev = NumberAttribute()
    distance = NumberAttribute()  # metres
    moving_time = NumberAttribute()  # seconds
    elevation = NumberAttribute()  # decimetres
    activities = NumberAttribute()
    parts = UnicodeAttribute()  # JSON {activity id: [metres, seconds, decimetres]}


class ClubRankItem(StrideItem, discriminator="club_rank"):
    """``CLUB#<c>#WK#<week>#<metric>``/``<value>#<athlete>``: one member's place in one ranking."""

    athlete_id = NumberAttribute()
    value = NumberAttribute()


class ClubCountItem(StrideItem, discriminator="club_count"):
    """``CLUB#<c>#WK#<week>#<metric>#N``/``C<bucket>``: entries per coarse bucket (``n``) and fine ``f00``..``f99``."""

    n = NumberAttribute(null=True)


class GroupEventItem(StrideItem, discriminator="group_event"):
    """``GEVENT#<e>``/``META`` and its copy ``CLUB#<c>#EVENTS``/``<start>#<e>`` (``kind`` ``club_event``)."""

    event_id = NumberAttribute()
    club_id = NumberAttribute()
    event = UnicodeAttribute()  # JSON of the event's fields
    joined_count = NumberAttribute(default=0)


class ClubEventItem(StrideItem, discriminator="club_event"):
    event_id = NumberAttribute()
    club_id = NumberAttribute()
    event = UnicodeAttribute()


class RsvpItem(StrideItem, discriminator="group_event_rsvp"):
    """``GEVENT#<e>``/``RSVP#<a>``: an athlete who joined the event."""

    athlete_id = NumberAttribute()
    joined_at = UTCDateTimeAttribute()
