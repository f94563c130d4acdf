"""GPX 1.0 and 1.1 track logs into columns: ``parse_gpx(data)``.

Choices:

* Only track points (``<trk>/<trkseg>/<trkpt>``) are samples. Routes (``<rte>``) and waypoints (``<wpt>``)
  are plans and marks, not recordings: a file with no track point is refused ("the file has no track
  points"). So is one whose points have no times ("the file's points have no timestamps"), or times on
  fewer than half of them (gpxpy's cerknicko-without-times: 5 timed points of 296): without times there
  is no elapsed or moving time, so it is a route, not an activity. A file
  whose points carry neither a usable position nor any sensor value is refused as well.
* Elements are matched by local name in any namespace, so GPX 1.0, 1.1 and every extension flavour read
  the same: Garmin TrackPointExtension v1/v2 (``hr``, ``cad``, ``atemp``, ``wtemp``, ``speed``), power as
  ``power``, ``PowerInWatts`` (Garmin PowerExtension) or ``watts``, cluetrust gpxdata (``hr``, ``cadence``,
  ``temp``, ``distance``), bare ``heartrate``/``speed`` (Amazfit, Apple), in one ``<extensions>`` block or
  several (Apple writes two per point). When a point states a value twice, the last one wins.
  Air temperature is preferred; water temperature fills in where there is none.
* Times: ISO 8601 with ``Z`` or any offset, fractions of any length; no zone means UTC (as the GPX schema
  says). Points dated before 2000-01-01 or more than a day in the future are dropped: they are receiver
  sentinels (1901-12-13 is INT32_MIN seconds, 1970-01-01 is zero), not times. When none remains the file
  is refused.
* Positions outside [-90, 90] x [-180, 180], unreadable, or exactly (0, 0) ("null island", what some apps
  write for "no fix") become NaN, both coordinates together; the point keeps its time and sensors. The
  exception is OpenTracks' legacy pause markers (lat 100 = paused, lat 200 = resumed): those points are
  not samples, they are dropped and become a pause.
* Every boundary between two segments (in one ``<trk>`` or across tracks) is a pause, from the last time
  of one segment to the first of the next, when the next starts later.
* ``name``: the first track's ``<name>``, else the file's (``<metadata><name>``, or ``<name>`` under
  ``<gpx>`` in 1.0). ``sport``: the first track's ``<type>`` through ``sports.from_name`` (free text or
  Strava's numeric codes). ``device_name``: the ``creator`` attribute (the app or device that wrote it).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import repeat

import numpy as np

from stride.activities.parsing import sports
from stride.activities.parsing.model import ActivityFileError, FloatArray, ParsedActivity, from_columns
from stride.activities.parsing.xmlsafe import (
    LOCAL,
    Collector,
    gc_paused,
    has_readings,
    numbers,
    parse_xml,
    plausible_times,
    run_pauses,
    valid_positions,
)

# Local names inside a <trkpt> (its children and anything under <extensions>) and the column each fills.
_FIELDS = {
    "time": "time",
    "ele": "altitude",
    "hr": "heartrate",
    "heartrate": "heartrate",
    "HeartRate": "heartrate",
    "cad": "cadence",
    "cadence": "cadence",
    "RunCadence": "cadence",
    "power": "watts",
    "PowerInWatts": "watts",
    "watts": "watts",
    "Watts": "watts",
    "atemp": "atemp",
    "temp": "atemp",
    "temperature": "atemp",
    "wtemp": "wtemp",
    "speed": "speed",
    "distance": "distance",
}

# OpenTracks (before v3.x) marked pause and resume with points at these impossible latitudes.
_PAUSE_LAT, _RESUME_LAT = 100.0, 200.0


def parse_gpx(data: bytes) -> ParsedActivity:
    """One GPX file as a ParsedActivity; ActivityFileError when it is not a recorded activity."""
    with gc_paused():
        return _parse(data)


def _parse(data: bytes) -> ParsedActivity:
    root = parse_xml(data)
    if LOCAL[root.tag] != "gpx":
        raise ActivityFileError("the file is not a GPX file")
    tracks = [part for part in root if LOCAL[part.tag] == "trk"]
    segments = [child for track in tracks for child in track if LOCAL[child.tag] == "trkseg"]
    fields = Collector(_FIELDS, sum(len(segment) for segment in segments), "trkpt")
    points: list[dict[str, str]] = []  # the attributes of each <trkpt>
    runs: list[tuple[int, int]] = []  # rows of each segment
    for segment in segments:
        first = fields.n
        if fields.read_rows(segment, points):
            runs.append((first, fields.n))
    names = [_text(child) for track in tracks for child in track if LOCAL[child.tag] == "name"]
    types = [_text(child) for track in tracks for child in track if LOCAL[child.tag] == "type"]
    file_name: str | None = None
    for part in root:
        if LOCAL[part.tag] == "metadata":
            file_name = next((_text(e) for e in part if LOCAL[e.tag] == "name"), None)
        elif LOCAL[part.tag] == "name":  # GPX 1.0 keeps the name under <gpx>
            file_name = _text(part)
    if fields.n == 0:
        raise ActivityFileError("the file has no track points")
    columns, pauses = _columns(fields, points, runs)
    activity = from_columns(
        "gpx",
        columns,
        sport=sports.from_name(next(filter(None, types), None)),
        name=next(filter(None, names), file_name),
        device_name=_clean(root.get("creator")),
        pauses=pauses,
    )
    if not has_readings(activity):
        raise ActivityFileError("the file's track points carry no positions or sensor readings")
    return activity


def _columns(
    fields: Collector, points: list[dict[str, str]], runs: list[tuple[int, int]]
) -> tuple[dict[str, FloatArray], list[tuple[float, float]]]:
    time = plausible_times(fields.time_column())
    lat = numbers(list(map(dict.get, points, repeat("lat"))), repeats=False)
    lon = numbers(list(map(dict.get, points, repeat("lon"))), repeats=False)
    pauses = _marker_pauses(lat, time)
    lat, lon = valid_positions(lat, lon)
    atemp = fields.column("atemp")
    columns = {
        "time": time,
        "lat": lat,
        "lon": lon,
        "altitude": fields.column("altitude"),
        "heartrate": fields.column("heartrate"),
        "cadence": fields.column("cadence"),
        "watts": fields.column("watts"),
        "temp": np.where(np.isfinite(atemp), atemp, fields.column("wtemp")),
        "distance": fields.column("distance"),
        "speed": fields.column("speed"),
    }
    pauses += run_pauses(time, runs)
    return columns, sorted(pauses)


def _marker_pauses(lat: FloatArray, time: FloatArray) -> list[tuple[float, float]]:
    """OpenTracks legacy markers: a pause from each lat=100 point to the next lat=200 point. The marker
    rows lose their time, so that they are dropped (they are not samples)."""
    markers = np.flatnonzero((lat == _PAUSE_LAT) | (lat == _RESUME_LAT))
    if markers.size == 0:
        return []
    pauses: list[tuple[float, float]] = []
    paused_at: float | None = None
    for row in markers:
        moment = float(time[row])
        if lat[row] == _PAUSE_LAT:
            paused_at = moment
        elif paused_at is not None and np.isfinite(paused_at) and np.isfinite(moment) and moment > paused_at:
            pauses.append((paused_at, moment))
            paused_at = None
    time[markers] = np.nan
    return pauses


def _text(element: ET.Element) -> str | None:
    return _clean(element.text)


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None
