"""Cut what an athlete hides from the tracks others see. Stdlib only, so API functions stay light.

A point is hidden when it lies inside one of the athlete's privacy zones (great-circle distance to the
zone's centre at most its radius, plus a margin for the 1e-5 degree rounding of polylines), or within the
first or last ``hide_start_end`` metres of the track (measured along the points given). Everything derived
from a track for another person is cut with the same mask: polylines, the latlng stream (and the other
streams at the same indexes, so they stay aligned), start and end positions, GPX and GeoJSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

EARTH_RADIUS = 6_371_008.8  # m, the mean radius (the same as the metrics package)
MIN_ZONE_RADIUS = 200.0
MAX_ZONE_RADIUS = 1_600.0
MAX_HIDE_START_END = 1_600.0
# A polyline rounds to 1e-5 degrees (about 1.1 m); a point just outside a zone must not round into it.
ZONE_MARGIN = 2.0  # m

LatLng = tuple[float, float]


@dataclass(frozen=True)
class PrivacyZone:
    zone_id: int
    lat: float
    lng: float
    radius: float  # metres, MIN_ZONE_RADIUS to MAX_ZONE_RADIUS


@dataclass(frozen=True)
class MapPrivacy:
    """What one athlete hides from others: zones, and metres at the start and end of every activity."""

    zones: tuple[PrivacyZone, ...] = field(default_factory=tuple)
    hide_start_end: float = 0.0

    @property
    def hides_anything(self) -> bool:
        return bool(self.zones) or self.hide_start_end > 0


NOTHING_HIDDEN = MapPrivacy()


def distance(a: LatLng, b: LatLng) -> float:
    """Haversine distance in metres."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlng = lat2 - lat1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(h)))


def in_zone(point: LatLng, zones: Sequence[PrivacyZone]) -> bool:
    return any(distance(point, (z.lat, z.lng)) <= z.radius + ZONE_MARGIN for z in zones)


def hidden_mask(points: Sequence[LatLng], privacy: MapPrivacy) -> list[bool]:
    """True for each point another person must not see."""
    n = len(points)
    mask = [in_zone(p, privacy.zones) for p in points] if privacy.zones else [False] * n
    if privacy.hide_start_end > 0 and n:
        along = [0.0] * n
        for i in range(1, n):
            along[i] = along[i - 1] + distance(points[i - 1], points[i])
        total = along[-1]
        for i in range(n):
            if along[i] <= privacy.hide_start_end or total - along[i] <= privacy.hide_start_end:
                mask[i] = True
    return mask


def visible_points(points: Sequence[LatLng], privacy: MapPrivacy) -> list[LatLng]:
    if not privacy.hides_anything:
        return list(points)
    return [p for p, hide in zip(points, hidden_mask(points, privacy), strict=True) if not hide]


# ---------------------------------------------------------------- Google encoded polylines (precision 5)


def decode_polyline(text: str | None) -> list[LatLng]:
    points: list[LatLng] = []
    if not text:
        return points
    values: list[int] = []
    shift = result = 0
    for byte in text.encode("ascii"):
        chunk = byte - 63
        result |= (chunk & 0x1F) << shift
        shift += 5
        if chunk < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    lat = lng = 0
    for i in range(0, len(values) - 1, 2):
        lat += values[i]
        lng += values[i + 1]
        points.append((lat / 1e5, lng / 1e5))
    return points


def _encode_value(value: int, out: list[str]) -> None:
    value = ~(value << 1) if value < 0 else value << 1
    while value >= 0x20:
        out.append(chr((0x20 | (value & 0x1F)) + 63))
        value >>= 5
    out.append(chr(value + 63))


def encode_polyline(points: Sequence[LatLng]) -> str:
    out: list[str] = []
    prev_lat = prev_lng = 0
    for lat, lng in points:
        ilat, ilng = round(lat * 1e5), round(lng * 1e5)
        _encode_value(ilat - prev_lat, out)
        _encode_value(ilng - prev_lng, out)
        prev_lat, prev_lng = ilat, ilng
    return "".join(out)


def trim_polyline(text: str | None, privacy: MapPrivacy) -> str | None:
    """The polyline without hidden points (``None`` stays ``None``; all hidden gives an empty string)."""
    if text is None or not privacy.hides_anything:
        return text
    return encode_polyline(visible_points(decode_polyline(text), privacy))


def trim_latlng(latlng: Sequence[Sequence[float]], privacy: MapPrivacy) -> list[bool]:
    """The hidden mask of a latlng stream (apply it to every stream so they stay aligned)."""
    return hidden_mask([(float(p[0]), float(p[1])) for p in latlng], privacy)


def endpoint(
    point: Sequence[float] | None, privacy: MapPrivacy, visible: Sequence[LatLng], first: bool
) -> list[float] | None:
    """A start or end position for others: the first (or last) visible point, or none when all are hidden."""
    if not point:
        return None
    if not privacy.hides_anything:
        return [float(point[0]), float(point[1])]
    if not visible:
        return None
    chosen = visible[0] if first else visible[-1]
    return [chosen[0], chosen[1]]
