"""pynamodb item classes of the single table: one base with a discriminator, one subclass per entity.

Mixed item collections are queried through ``StrideItem`` (a subclass query pays for the whole key range
anyway and only adds a filter). Discriminator values are stored: never rename one.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
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
