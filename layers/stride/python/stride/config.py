"""Settings read from the environment the template sets, validated once per cold start.

Logic never reads ``os.environ``: it asks for the settings model of its concern through a cached getter.
"""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field, ValidationError


class TableSettings(BaseModel):
    table_name: str = Field(min_length=1)


class BusSettings(BaseModel):
    event_bus_name: str = Field(min_length=1)


class MediaSettings(BaseModel):
    media_bucket: str = Field(min_length=1)
    avatar_max_bytes: int = Field(gt=0)


class UploadSettings(BaseModel):
    uploads_bucket: str = Field(min_length=1)
    upload_max_bytes: int = Field(gt=0)  # the file as sent (compressed or not)
    upload_uncompressed_max_bytes: int = Field(gt=0)  # after gunzip/unzip: the bomb guard


class FeedSettings(BaseModel):
    # Above this many followers an athlete's activities are merged into feeds at read time, not fanned out.
    feed_fanout_max_followers: int = Field(gt=0)
    feed_entry_ttl_days: int = Field(gt=0)


class ConfigurationError(RuntimeError):
    """A required environment variable is missing or malformed: a deployment bug, not a user error."""


def _load[T: BaseModel](model: type[T]) -> T:
    values = {name: os.environ.get(name.upper()) for name in model.model_fields}
    missing = [name.upper() for name, value in values.items() if value is None]
    if missing:
        raise ConfigurationError(f"missing environment variables: {', '.join(missing)}")
    try:
        return model.model_validate(values)
    except ValidationError as exc:  # pragma: no cover - message only
        raise ConfigurationError(str(exc)) from exc


@cache
def table_settings() -> TableSettings:
    return _load(TableSettings)


@cache
def bus_settings() -> BusSettings:
    return _load(BusSettings)


@cache
def media_settings() -> MediaSettings:
    return _load(MediaSettings)


@cache
def upload_settings() -> UploadSettings:
    return _load(UploadSettings)


@cache
def feed_settings() -> FeedSettings:
    return _load(FeedSettings)


class PushSettings(BaseModel):
    # One SNS topic per platform; the push sender behind each topic talks to APNs or FCM.
    push_ios_topic_arn: str = Field(min_length=1)
    push_android_topic_arn: str = Field(min_length=1)


@cache
def push_settings() -> PushSettings:
    return _load(PushSettings)
