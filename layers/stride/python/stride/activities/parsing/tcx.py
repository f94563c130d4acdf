"""Garmin Training Center (TCX) activities into columns: ``parse_tcx(data)``.

Choices:

* Every ``<Activity>`` of the file (under ``<Activities>``, or in a ``<MultiSportSession>``) goes into one
  activity with all their trackpoints; each becomes a FileSession with its ``Sport`` mapped through
  ``sports.from_name`` and the sums of its laps' totals. The activity's ``sport`` is the sessions' sport
  when they agree, else None (a multisport file: the upload falls back to the athlete's choice). A file
  without activities (courses, workouts) is refused: "the file has no track points".
* Trackpoints: ``Time``, ``Position``, ``AltitudeMeters``, ``DistanceMeters``, ``HeartRateBpm/Value``,
  ``Cadence``, and the ActivityExtension ``TPX`` values ``Speed``, ``Watts`` and ``RunCadence`` (used where
  there is no ``Cadence``), matched by local name in any namespace. Timestamps out of order are sorted,
  and trackpoints sharing a second are merged (``from_columns``); time rules are GPX's (``xmlsafe``).
* Positions at (0, 0) are "no fix" (Fitbit and others write them): NaN, as are unreadable or out-of-range
  ones. A trackpoint without a position keeps its time and sensors (indoor and pool files have none).
* Pauses: Garmin and Polar start a new ``<Track>`` after every timer stop, so a gap between two Tracks of
  one Lap is a pause, as is a gap between two Activities. A new Lap also opens a new Track, with a gap of
  one sample interval while the timer ran, so a gap between laps is not a pause.
* Laps: a FileLap per ``<Lap>`` from its ``StartTime``, ``TotalTimeSeconds`` and ``DistanceMeters``. Its end
  is the start plus the timer time, or the lap's last trackpoint when later (the timer time leaves out
  pauses inside the lap). A lap without a plausible StartTime starts at its first trackpoint, or is left
  out when it has none.
* ``device_name``: the first Activity's ``<Creator><Name>``, without the "(Unit ID ...)" serial number.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

from stride.activities.parsing import sports
from stride.activities.parsing.model import (
    ActivityFileError,
    FileLap,
    FileSession,
    FloatArray,
    ParsedActivity,
    from_columns,
)
from stride.activities.parsing.xmlsafe import (
    LOCAL,
    Collector,
    gc_paused,
    has_readings,
    iso_time,
    number,
    parse_xml,
    plausible,
    plausible_times,
    run_pauses,
    valid_positions,
)

# Local names inside a <Trackpoint> and the column each fills.
_FIELDS = {
    "Time": "time",
    "LatitudeDegrees": "lat",
    "LongitudeDegrees": "lon",
    "AltitudeMeters": "altitude",
    "DistanceMeters": "distance",
    "Value": "heartrate",  # only HeartRateBpm has a <Value> inside a trackpoint
    "Cadence": "cadence",
    "RunCadence": "run_cadence",
    "Speed": "speed",
    "Watts": "watts",
}

# Elements that hold activities: <Activities>, and a multisport session's legs.
_CONTAINERS = frozenset({"Activities", "MultiSportSession", "FirstSport", "NextSport"})
_UNIT_ID = re.compile(r"\s*\(Unit ID[^)]*\)\s*$", re.IGNORECASE)


@dataclass(slots=True)
class _Lap:
    element: ET.Element
    first: int  # rows of its trackpoints
    stop: int
    tracks: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class _Activity:
    element: ET.Element
    laps: list[_Lap] = field(default_factory=list)


def parse_tcx(data: bytes) -> ParsedActivity:
    """One TCX file as a ParsedActivity; ActivityFileError when it holds no recorded activity."""
    with gc_paused():
        return _parse(data)


def _parse(data: bytes) -> ParsedActivity:
    root = parse_xml(data)
    if LOCAL[root.tag] != "TrainingCenterDatabase":
        raise ActivityFileError("the file is not a TCX file")
    elements = _find_activities(root)
    tracks = [
        track
        for activity in elements
        for lap in activity
        if LOCAL[lap.tag] == "Lap"
        for track in lap
        if LOCAL[track.tag] == "Track"
    ]
    fields = Collector(_FIELDS, sum(len(track) for track in tracks), "Trackpoint")
    activities = [_read_activity(element, fields) for element in elements]
    if fields.n == 0:
        raise ActivityFileError("the file has no track points")
    time = plausible_times(fields.time_column())
    lat, lon = valid_positions(fields.column("lat"), fields.column("lon"))
    cadence = fields.column("cadence")
    columns = {
        "time": time,
        "lat": lat,
        "lon": lon,
        "altitude": fields.column("altitude"),
        "heartrate": fields.column("heartrate"),
        "cadence": np.where(np.isfinite(cadence), cadence, fields.column("run_cadence")),
        "watts": fields.column("watts"),
        "distance": fields.column("distance"),
        "speed": fields.column("speed"),
    }
    sessions = [_session(activity, time) for activity in activities]
    known = {session.sport for session in sessions} - {None}
    parsed = from_columns(
        "tcx",
        columns,
        sport=known.pop() if len(known) == 1 else None,
        device_name=next(filter(None, (_creator(activity.element) for activity in activities)), None),
        pauses=_pauses(activities, time),
        laps=[lap for activity in activities for lap in _laps(activity, time)],
        sessions=sessions,
    )
    if not has_readings(parsed):
        raise ActivityFileError("the file's track points carry no positions or sensor readings")
    return parsed


def _find_activities(root: ET.Element) -> list[ET.Element]:
    """Every <Activity> in document order, in <Activities> and multisport sessions (a stack, not recursion:
    the nesting is the file's to choose)."""
    found: list[ET.Element] = []
    stack = [iter(root)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif LOCAL[child.tag] == "Activity":
            found.append(child)
        elif LOCAL[child.tag] in _CONTAINERS:
            stack.append(iter(child))
    return found


def _read_activity(element: ET.Element, fields: Collector) -> _Activity:
    activity = _Activity(element)
    for lap_element in element:
        if LOCAL[lap_element.tag] != "Lap":
            continue
        lap = _Lap(lap_element, fields.n, fields.n)
        for track in lap_element:
            if LOCAL[track.tag] == "Track":
                first = fields.n
                if fields.read_rows(track):
                    lap.tracks.append((first, fields.n))
        lap.stop = fields.n
        activity.laps.append(lap)
    return activity


def _pauses(activities: list[_Activity], time: FloatArray) -> list[tuple[float, float]]:
    pauses = [pause for activity in activities for lap in activity.laps for pause in run_pauses(time, lap.tracks)]
    spans = [(activity.laps[0].first, activity.laps[-1].stop) for activity in activities if activity.laps]
    pauses += run_pauses(time, spans)
    return sorted(pauses)


def _child_number(element: ET.Element, name: str) -> float | None:
    """The number in the child ``name`` (or in its ``<Value>``, for heart rates), None when absent."""
    for child in element:
        if LOCAL[child.tag] == name:
            text = child.text if len(child) == 0 else next((v.text for v in child if LOCAL[v.tag] == "Value"), None)
            value = number(text)
            return None if np.isnan(value) or value < 0 else value  # lap totals are never negative
    return None


def _laps(activity: _Activity, time: FloatArray) -> list[FileLap]:
    laps: list[FileLap] = []
    for lap in activity.laps:
        own = time[lap.first : lap.stop]
        own = own[np.isfinite(own)]
        start = iso_time(lap.element.get("StartTime"))
        if not plausible(start):
            if own.size == 0:
                continue
            start = float(own.min())
        timer = _child_number(lap.element, "TotalTimeSeconds")
        end = start + (timer or 0.0)  # timer time is never negative (``_child_number``)
        if own.size:
            end = max(end, float(own.max()))
        laps.append(
            FileLap(
                start_time=start,
                end_time=end,
                total_distance=_child_number(lap.element, "DistanceMeters"),
                total_timer_time=timer,
            )
        )
    return laps


def _session(activity: _Activity, time: FloatArray) -> FileSession:
    laps = [lap.element for lap in activity.laps]
    timers = [_child_number(lap, "TotalTimeSeconds") for lap in laps]
    average_hr = [_child_number(lap, "AverageHeartRateBpm") for lap in laps]
    max_hr = [hr for hr in (_child_number(lap, "MaximumHeartRateBpm") for lap in laps) if hr is not None]
    start = iso_time(next((e.text for e in activity.element if LOCAL[e.tag] == "Id"), None))
    if not plausible(start):
        rows = [time[lap.first : lap.stop] for lap in activity.laps]
        stamps = np.concatenate(rows) if rows else np.empty(0)
        stamps = stamps[np.isfinite(stamps)]
        start = float(stamps.min()) if stamps.size else np.nan
    return FileSession(
        sport=sports.from_name(activity.element.get("Sport")),
        start_time=start if plausible(start) else None,
        total_timer_time=_total(timers),
        total_distance=_total([_child_number(lap, "DistanceMeters") for lap in laps]),
        total_calories=_total([_child_number(lap, "Calories") for lap in laps]),
        avg_heart_rate=_weighted(average_hr, timers),
        max_heart_rate=max(max_hr) if max_hr else None,
    )


def _total(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return float(sum(present)) if present else None


def _weighted(values: list[float | None], weights: list[float | None]) -> float | None:
    """Mean of the laps' values weighted by their timer time; None unless every lap states both."""
    pairs = [(v, w) for v, w in zip(values, weights, strict=True) if v is not None and w is not None and w > 0]
    if not pairs or len(pairs) != len(values):
        return None
    return sum(v * w for v, w in pairs) / sum(w for _, w in pairs)


def _creator(activity: ET.Element) -> str | None:
    for child in activity:
        if LOCAL[child.tag] == "Creator":
            name = next((e.text for e in child if LOCAL[e.tag] == "Name"), None)
            name = _UNIT_ID.sub("", (name or "").strip())
            return name or None
    return None
