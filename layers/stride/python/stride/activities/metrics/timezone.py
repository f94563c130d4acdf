"""The activity's time zone from its start position, offline (timezonefinder's bundled polygons).

One ``TimezoneFinder`` per process, made on first use: it reads its data files lazily
(``in_memory=False``), about 40 ms at cold start instead of ~100 ms to load everything, and a lookup is
tens of microseconds either way. The UTC offset is the zone's at the start time (zoneinfo, so DST-exact).
"""

from __future__ import annotations

import atexit
import threading
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_finder: Any = None
_lock = threading.Lock()


def _get_finder() -> Any:
    global _finder  # noqa: PLW0603 - one finder per process, made lazily
    if _finder is None:
        with _lock:
            if _finder is None:
                from timezonefinder import TimezoneFinder

                _finder = TimezoneFinder(in_memory=False)
                # It maps its data files; release them at exit rather than leave it to the collector.
                atexit.register(_finder.cleanup)
    return _finder


def zone_at(lat: float, lon: float) -> str | None:
    """IANA zone name at a position (Etc/GMT±N over open sea), None if unknown."""
    name = _get_finder().timezone_at(lng=lon, lat=lat)
    return str(name) if name else None


def utc_offset(name: str, when: float) -> float:
    """Seconds east of UTC in zone ``name`` at Unix time ``when`` (0 for an unknown zone)."""
    try:
        offset = datetime.fromtimestamp(when, tz=UTC).astimezone(ZoneInfo(name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0.0
    return offset.total_seconds() if offset is not None else 0.0


def strava_timezone(name: str | None, offset: float) -> str:
    """Strava's ``timezone`` string: ``"(GMT+01:00) Europe/Berlin"``; ``"(GMT+00:00) UTC"`` without a zone."""
    name = name or "UTC"
    sign = "-" if offset < 0 else "+"
    minutes = round(abs(offset) / 60)
    return f"(GMT{sign}{minutes // 60:02d}:{minutes % 60:02d}) {name}"
