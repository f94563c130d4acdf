"""Athlete, identity and zones items (access patterns AP01-AP07 in docs/access-patterns.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.transactions import TransactWrite

from stride.accounts.models import Athlete, HeartRateZones, ZoneRange
from stride.errors import ConflictError, NotFoundError
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import AthleteItem, IdentityItem, UsernameItem, ZoneRangeMap, ZonesItem

BATCH_GET_KEYS = 100  # DynamoDB's BatchGetItem limit

# Fields a profile update may set; everything else on the item is owned by the system.
UPDATABLE_FIELDS = frozenset(
    {
        "firstname",
        "lastname",
        "city",
        "state",
        "country",
        "sex",
        "weight",
        "ftp",
        "birthdate",
        "measurement_preference",
        "private_profile",
    }
)


def _to_domain(item: AthleteItem) -> Athlete:
    return Athlete(
        id=int(item.athlete_id),
        username=item.username,
        firstname=item.firstname,
        lastname=item.lastname,
        created_at=item.created_at,
        updated_at=item.updated_at,
        city=item.city,
        state=item.state,
        country=item.country,
        sex=item.sex,  # type: ignore[arg-type]
        weight=float(item.weight) if item.weight is not None else None,
        ftp=int(item.ftp) if item.ftp is not None else None,
        birthdate=date.fromisoformat(item.birthdate) if item.birthdate else None,
        measurement_preference=item.measurement_preference,  # type: ignore[arg-type]
        private_profile=bool(item.private_profile),
        premium=bool(item.premium),
        avatar_picture_id=int(item.avatar_picture_id) if item.avatar_picture_id is not None else None,
        follower_count=int(item.follower_count),
        friend_count=int(item.friend_count),
        revision=int(item.revision),
    )


def _to_item(athlete: Athlete) -> AthleteItem:
    return AthleteItem(
        keys.athlete_pk(athlete.id),
        keys.PROFILE,
        athlete_id=athlete.id,
        username=athlete.username,
        firstname=athlete.firstname,
        lastname=athlete.lastname,
        city=athlete.city,
        state=athlete.state,
        country=athlete.country,
        sex=athlete.sex,
        weight=athlete.weight,
        ftp=athlete.ftp,
        birthdate=athlete.birthdate.isoformat() if athlete.birthdate else None,
        measurement_preference=athlete.measurement_preference,
        private_profile=athlete.private_profile,
        premium=athlete.premium,
        avatar_picture_id=athlete.avatar_picture_id,
        follower_count=athlete.follower_count,
        friend_count=athlete.friend_count,
        created_at=athlete.created_at,
        updated_at=athlete.updated_at,
        revision=athlete.revision,
    )


class AthleteRepository:
    """Reads and writes athlete-owned items. Each method names its access pattern."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    def get_many(self, athlete_ids: Iterable[int]) -> dict[int, Athlete]:
        """AP01 for a page of athletes: BatchGetItem PK=ATH#<id>, SK=PROFILE, 100 keys a call (missing ones are
        left out). Social lists, kudoers, comment authors and notification actors all read profiles this way."""
        wanted = [(keys.athlete_pk(athlete_id), keys.PROFILE) for athlete_id in sorted(set(athlete_ids))]
        found: dict[int, Athlete] = {}
        for start in range(0, len(wanted), BATCH_GET_KEYS):
            with translated("Athlete"):
                for item in AthleteItem.batch_get(wanted[start : start + BATCH_GET_KEYS]):
                    found[int(item.athlete_id)] = _to_domain(item)
        return found

    def get(self, athlete_id: int) -> Athlete | None:
        """AP01: GetItem PK=ATH#<id>, SK=PROFILE."""
        with translated("Athlete"):
            try:
                return _to_domain(AthleteItem.get(keys.athlete_pk(athlete_id), keys.PROFILE))
            except AthleteItem.DoesNotExist:
                return None

    def athlete_id_for_sub(self, sub: str) -> int | None:
        """AP02: GetItem PK=SUB#<sub>, SK=IDENTITY (strongly consistent: the profile may be seconds old)."""
        with translated("Athlete"):
            try:
                item = IdentityItem.get(keys.identity_pk(sub), keys.IDENTITY_SK, consistent_read=True)
            except IdentityItem.DoesNotExist:
                return None
        return int(item.athlete_id)

    def create(self, athlete: Athlete, sub: str) -> None:
        """AP03: TransactWriteItems: put SUB#<sub>/IDENTITY and ATH#<id>/PROFILE, both if-not-exists, and
        USERNAME#<lower-case username>/IDENTITY (unconditional: the user pool keeps usernames unique, so a marker
        already there belongs to a deleted account whose name was taken again).

        Two first requests racing for the same sub: one wins, the other gets ConflictError and reads the winner.
        """
        identity = IdentityItem(keys.identity_pk(sub), keys.IDENTITY_SK, athlete_id=athlete.id)
        profile = _to_item(athlete)
        username = UsernameItem(keys.username_pk(athlete.username), keys.IDENTITY_SK, athlete_id=athlete.id)
        with translated("Athlete"), TransactWrite(connection=self._conn()) as transaction:
            transaction.save(identity, condition=IdentityItem.PK.does_not_exist())
            transaction.save(profile, condition=AthleteItem.PK.does_not_exist())
            transaction.save(username)

    def update(self, athlete_id: int, changes: dict[str, Any]) -> Athlete:
        """AP04: UpdateItem PK=ATH#<id>, SK=PROFILE, SET changed fields, revision+1, if the item exists."""
        unknown = set(changes) - UPDATABLE_FIELDS
        if unknown:
            raise ValueError(f"not updatable: {sorted(unknown)}")
        item = AthleteItem(keys.athlete_pk(athlete_id), keys.PROFILE)
        stored = {name: value.isoformat() if isinstance(value, date) else value for name, value in changes.items()}
        actions = [
            getattr(AthleteItem, name).set(value) if value is not None else getattr(AthleteItem, name).remove()
            for name, value in stored.items()
        ]
        actions += [AthleteItem.updated_at.set(datetime.now(UTC)), AthleteItem.revision.add(1)]
        try:
            with translated("Athlete"):
                item.update(actions=actions, condition=AthleteItem.PK.exists())
        except ConflictError:  # the only condition is that the profile exists
            raise NotFoundError.about("athlete not found", "Athlete", "id", "not found") from None
        return _to_domain(item)

    def set_avatar(self, athlete_id: int, picture_id: int) -> Athlete:
        """AP07: UpdateItem PK=ATH#<id>, SK=PROFILE, SET avatar_picture_id, if the item exists.

        Only a newer picture (ids are time-ordered) replaces the current one, so a late or replayed S3 event
        never puts back an older picture.
        """
        item = AthleteItem(keys.athlete_pk(athlete_id), keys.PROFILE)
        condition = AthleteItem.PK.exists() & (
            AthleteItem.avatar_picture_id.does_not_exist() | (AthleteItem.avatar_picture_id <= picture_id)
        )
        with translated("Athlete"):
            item.update(
                actions=[
                    AthleteItem.avatar_picture_id.set(picture_id),
                    AthleteItem.updated_at.set(datetime.now(UTC)),
                    AthleteItem.revision.add(1),
                ],
                condition=condition,
            )
        return _to_domain(item)

    def get_zones(self, athlete_id: int) -> HeartRateZones | None:
        """AP05: GetItem PK=ATH#<id>, SK=ZONES."""
        with translated("Zones"):
            try:
                item = ZonesItem.get(keys.athlete_pk(athlete_id), keys.ZONES)
            except ZonesItem.DoesNotExist:
                return None
        return HeartRateZones(
            custom_zones=bool(item.custom_zones),
            max_heartrate=int(item.max_heartrate) if item.max_heartrate is not None else None,
            zones=[ZoneRange(int(z.min), int(z.max)) for z in item.heart_rate],
        )

    def put_zones(self, athlete_id: int, zones: HeartRateZones) -> None:
        """AP06: PutItem PK=ATH#<id>, SK=ZONES (whole item: zones are replaced, never merged)."""
        item = ZonesItem(
            keys.athlete_pk(athlete_id),
            keys.ZONES,
            custom_zones=zones.custom_zones,
            max_heartrate=zones.max_heartrate,
            heart_rate=[ZoneRangeMap(min=z.min, max=z.max) for z in zones.zones],
            updated_at=datetime.now(UTC),
        )
        with translated("Zones"):
            item.save()
