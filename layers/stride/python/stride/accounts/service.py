"""Athlete use cases. Dependencies arrive as arguments with lazily built defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from stride import ids
from stride.accounts import zones as zone_rules
from stride.accounts.models import Athlete, HeartRateZones, Identity, ZoneRange
from stride.errors import ConflictError, NotFoundError
from stride.events import publisher
from stride.events.contracts import AthleteCreatedEvent, AthleteUpdatedEvent, DomainEvent
from stride.observability import logger, tracer
from stride.policy import Caller, ProfileDetail, profile_detail, require_scope, scopes_from_token
from stride.store.athletes import AthleteRepository

Publish = Callable[[list[DomainEvent]], None]
AttributeLookup = Callable[[], dict[str, str]]

# sub -> athlete id never changes once written, so a warm function keeps it and skips a read.
_ATHLETE_ID_BY_SUB: dict[str, int] = {}


@cache
def get_repository() -> AthleteRepository:
    return AthleteRepository()


@tracer.capture_method(capture_response=False)
def resolve_caller(
    identity: Identity,
    token_use: str,
    scope_claim: str | None,
    lookup_attributes: AttributeLookup,
    repository: AthleteRepository | None = None,
) -> Caller:
    """The caller behind a verified token; their athlete profile is created on first use."""
    repo = repository or get_repository()
    athlete_id = _ATHLETE_ID_BY_SUB.get(identity.sub) or repo.athlete_id_for_sub(identity.sub)
    if athlete_id is None:
        athlete_id = _create_athlete(identity, lookup_attributes, repo)
    _ATHLETE_ID_BY_SUB[identity.sub] = athlete_id
    return Caller(athlete_id, identity.sub, identity.groups, scopes_from_token(token_use, scope_claim))


def _create_athlete(identity: Identity, lookup_attributes: AttributeLookup, repo: AthleteRepository) -> int:
    given, family = identity.given_name, identity.family_name
    if given is None and family is None:
        attributes = lookup_attributes()
        given, family = attributes.get("given_name"), attributes.get("family_name")
    now = datetime.now(UTC)
    athlete = Athlete(
        id=ids.new_id(),
        username=identity.username,
        firstname=given or identity.username,
        lastname=family or "",
        created_at=now,
        updated_at=now,
        premium="PREMIUM" in identity.groups,
    )
    try:
        repo.create(athlete, identity.sub)
    except ConflictError:
        # Another first request for the same sub won the race: use its athlete.
        existing = repo.athlete_id_for_sub(identity.sub)
        if existing is None:
            raise
        return existing
    logger.info("athlete created", athlete_id=athlete.id)
    publisher.publish([AthleteCreatedEvent(athlete_id=athlete.id)])
    return athlete.id


@tracer.capture_method(capture_response=False)
def get_own_profile(caller: Caller, repository: AthleteRepository | None = None) -> tuple[Athlete, ProfileDetail]:
    repo = repository or get_repository()
    athlete = repo.get(caller.athlete_id)
    if athlete is None:  # the identity exists, so the profile must: a half-deleted account
        raise NotFoundError.about("athlete not found", "Athlete", "id", "not found")
    athlete.premium = "PREMIUM" in caller.groups
    return athlete, profile_detail(caller, athlete.id, athlete.private_profile)


@tracer.capture_method(capture_response=False)
def get_athlete(
    caller: Caller, athlete_id: int, repository: AthleteRepository | None = None
) -> tuple[Athlete, ProfileDetail]:
    repo = repository or get_repository()
    athlete = repo.get(athlete_id) if ids.is_valid(athlete_id) else None
    if athlete is None:
        raise NotFoundError.about("athlete not found", "Athlete", "id", "not found")
    from stride.social.relations import relation

    detail = profile_detail(caller, athlete.id, athlete.private_profile, relation(caller.athlete_id, athlete.id))
    if detail is ProfileDetail.HIDDEN:  # a block hides each from the other: as if the athlete did not exist
        raise NotFoundError.about("athlete not found", "Athlete", "id", "not found")
    return athlete, detail


@tracer.capture_method(capture_response=False)
def update_profile(
    caller: Caller,
    changes: dict[str, Any],
    repository: AthleteRepository | None = None,
    publish: Publish | None = None,
    correlation_id: str | None = None,
) -> tuple[Athlete, ProfileDetail]:
    """Apply a validated partial update; publishes ``athlete.updated`` naming the changed fields."""
    require_scope(caller, "profile:write")
    repo = repository or get_repository()
    if not changes:
        return get_own_profile(caller, repo)
    athlete = repo.update(caller.athlete_id, changes)
    athlete.premium = "PREMIUM" in caller.groups
    (publish or publisher.publish)(
        [
            AthleteUpdatedEvent(
                athlete_id=athlete.id, changed=sorted(changes), revision=athlete.revision, correlation_id=correlation_id
            )
        ]
    )
    return athlete, profile_detail(caller, athlete.id, athlete.private_profile)


@tracer.capture_method(capture_response=False)
def get_zones(caller: Caller, repository: AthleteRepository | None = None) -> tuple[HeartRateZones, list[ZoneRange]]:
    """Heart-rate zones (stored, else the default model) and power zones from the athlete's FTP."""
    repo = repository or get_repository()
    heart_rate = repo.get_zones(caller.athlete_id) or zone_rules.default_heart_rate_zones()
    athlete = repo.get(caller.athlete_id)
    return heart_rate, zone_rules.power_zones(athlete.ftp if athlete else None)


@tracer.capture_method(capture_response=False)
def set_heart_rate_zones(
    caller: Caller,
    custom: list[tuple[int, int]] | None,
    max_heartrate: int | None,
    repository: AthleteRepository | None = None,
) -> tuple[HeartRateZones, list[ZoneRange]]:
    """Custom zones, or zones computed from max heart rate, or (neither) back to the default."""
    require_scope(caller, "profile:write")
    repo = repository or get_repository()
    if custom is not None:
        heart_rate = HeartRateZones(True, max_heartrate, zone_rules.validate_custom_zones(custom))
    elif max_heartrate is not None:
        heart_rate = HeartRateZones(False, max_heartrate, zone_rules.zones_from_max_heartrate(max_heartrate))
    else:
        heart_rate = zone_rules.default_heart_rate_zones()
    repo.put_zones(caller.athlete_id, heart_rate)
    return get_zones(caller, repo)
