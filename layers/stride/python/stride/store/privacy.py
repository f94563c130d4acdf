"""An athlete's map privacy settings (AP45-AP46)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from stride.privacy.trim import NOTHING_HIDDEN, MapPrivacy, PrivacyZone
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import PrivacyItem, PrivacyZoneMap


def privacy_key(athlete_id: int) -> tuple[str, str]:
    return keys.athlete_pk(athlete_id), keys.PRIVACY


def to_map_privacy(item: PrivacyItem | None) -> MapPrivacy:
    if item is None:
        return NOTHING_HIDDEN
    zones = tuple(PrivacyZone(int(z.zone_id), float(z.lat), float(z.lng), float(z.radius)) for z in (item.zones or []))
    return MapPrivacy(zones=zones, hide_start_end=float(item.hide_start_end or 0))


class PrivacyRepository:
    def get(self, athlete_id: int) -> MapPrivacy:
        """AP45: GetItem PK=ATH#<id>, SK=PRIVACY (absent: nothing hidden)."""
        with translated("Privacy"):
            try:
                return to_map_privacy(PrivacyItem.get(*privacy_key(athlete_id)))
            except PrivacyItem.DoesNotExist:
                return NOTHING_HIDDEN

    def get_many(self, athlete_ids: Iterable[int]) -> dict[int, MapPrivacy]:
        """AP45 for many athletes: one BatchGetItem (100 keys per call)."""
        wanted = sorted(set(athlete_ids))
        found: dict[int, MapPrivacy] = dict.fromkeys(wanted, NOTHING_HIDDEN)
        with translated("Privacy"):
            for item in PrivacyItem.batch_get([privacy_key(athlete_id) for athlete_id in wanted]):
                found[int(item.PK[len(keys.ATHLETE) :])] = to_map_privacy(item)
        return found

    def put(self, athlete_id: int, privacy: MapPrivacy) -> None:
        """AP46: PutItem PK=ATH#<id>, SK=PRIVACY (the whole settings: zones are replaced, never merged)."""
        item = PrivacyItem(
            *privacy_key(athlete_id),
            zones=[PrivacyZoneMap(zone_id=z.zone_id, lat=z.lat, lng=z.lng, radius=z.radius) for z in privacy.zones],
            hide_start_end=privacy.hide_start_end,
            updated_at=datetime.now(UTC),
        )
        with translated("Privacy"):
            item.save()
