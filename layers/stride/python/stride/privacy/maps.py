"""The map another person gets of an activity: hidden entirely, or trimmed by the owner's ``MapPrivacy``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stride.privacy.trim import MapPrivacy, decode_polyline, endpoint, trim_polyline, visible_points


@dataclass(frozen=True)
class SharedMap:
    summary_polyline: str | None
    polyline: str | None
    start_latlng: list[float] | None
    end_latlng: list[float] | None


def shared_map(
    summary_polyline: str | None,
    polyline: str | None,
    start_latlng: Sequence[float] | None,
    end_latlng: Sequence[float] | None,
    privacy: MapPrivacy,
    hide_map: bool,
) -> SharedMap:
    """What a non-owner sees. A hidden map shows no position at all; otherwise every hidden point is cut, and
    the start and end become the first and last visible points of the detailed (else summary) polyline."""
    if hide_map:
        return SharedMap("" if summary_polyline is not None else None, None, None, None)
    if not privacy.hides_anything:
        return SharedMap(
            summary_polyline,
            polyline,
            [float(v) for v in start_latlng] if start_latlng else None,
            [float(v) for v in end_latlng] if end_latlng else None,
        )
    reference = visible_points(decode_polyline(polyline or summary_polyline), privacy)
    return SharedMap(
        trim_polyline(summary_polyline, privacy),
        trim_polyline(polyline, privacy),
        endpoint(start_latlng, privacy, reference, first=True),
        endpoint(end_latlng, privacy, reference, first=False),
    )
