"""Activity files (FIT, GPX, TCX, gzipped or not) into columns: ``parse(data, data_type, max_bytes=...)``.

Heavy (numpy): imported only by the functions that process files, never by API functions. The format
modules are imported on first use, so a FIT upload never loads the XML code and the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stride.activities.parsing.model import ParsedActivity


def parse(data: bytes, data_type: str | None = None, *, max_bytes: int) -> ParsedActivity:
    """One uploaded file as a ParsedActivity. The bytes decide the format; ``data_type`` (Strava's ``fit``,
    ``gpx.gz``, ...) is only a hint (see ``detect``). ``max_bytes`` caps the file and what it expands to.

    Raises ``ActivityFileError`` (its ``message`` is for the athlete) when the file cannot be an activity.
    """
    from stride.activities.parsing.detect import unpack

    unpacked = unpack(data, data_type, max_bytes=max_bytes)
    if unpacked.format == "fit":
        from stride.activities.parsing.fit import parse_fit

        return parse_fit(unpacked.data)
    if unpacked.format == "gpx":
        from stride.activities.parsing.gpx import parse_gpx

        return parse_gpx(unpacked.data)
    from stride.activities.parsing.tcx import parse_tcx

    return parse_tcx(unpacked.data)
