"""The GPX 1.1 file of a finished live track (what the phone would have uploaded): one track, one segment,
heart rate and cadence as Garmin's TrackPointExtension, power as ``power``. Parsed back by
stride.activities.parsing.gpx like any upload."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from stride.live.track import Point

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx version="1.1" creator="Stride live" xmlns="http://www.topografix.com/GPX/1/1" '
    'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
)


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _point(p: Point) -> str:
    parts = [f'<trkpt lat="{p.lat:.7f}" lon="{p.lng:.7f}">']
    if p.altitude is not None:
        parts.append(f"<ele>{p.altitude:.1f}</ele>")
    parts.append(f"<time>{_time(p.time_ms)}</time>")
    tpx = ""
    if p.heartrate is not None:
        tpx += f"<gpxtpx:hr>{p.heartrate}</gpxtpx:hr>"
    if p.cadence is not None:
        tpx += f"<gpxtpx:cad>{p.cadence}</gpxtpx:cad>"
    extensions = f"<gpxtpx:TrackPointExtension>{tpx}</gpxtpx:TrackPointExtension>" if tpx else ""
    if p.watts is not None:
        extensions += f"<power>{p.watts}</power>"
    if extensions:
        parts.append(f"<extensions>{extensions}</extensions>")
    parts.append("</trkpt>")
    return "".join(parts)


def build(track: Sequence[Point], name: str | None, sport_type: str) -> bytes:
    body = [_HEAD, f"<metadata><time>{_time(track[0].time_ms) if track else _time(0)}</time></metadata>\n"]
    body.append(f"<trk><name>{escape(name or '')}</name><type>{escape(sport_type)}</type><trkseg>\n")
    body += [_point(p) + "\n" for p in track]
    body.append("</trkseg></trk>\n</gpx>\n")
    return "".join(body).encode()
