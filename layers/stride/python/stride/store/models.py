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
    type = UnicodeAttribute()  # kudos | comment | mention | follower | follow_request
    actor_id = NumberAttribute()
    activity_id = NumberAttribute(null=True)
    comment_id = NumberAttribute(null=True)
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

# ---------------------------------------------------------------- segments: efforts and matching

# ---------------------------------------------------------------- segments: leaderboards, titles, records
