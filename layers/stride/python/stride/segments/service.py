"""Creating, reading, exploring and starring segments (AP48-AP54). See docs/segments.md.

Segments are public: any signed-in athlete reads, explores and stars every segment (Strava's private segments
do not exist here, ``private`` is always false). The decisions that involve someone's data go through
``stride.policy``: a segment is made only from a stretch of the caller's own activity (an activity the caller
may not see is 404, one the caller sees but does not own is 403), and a stretch inside the creator's privacy
zones or hidden start/end is refused, since a public segment would show those places to everyone.

numpy (``stride.segments.geometry``) is loaded only by ``create_segment`` and ``segment_streams``; reads,
explore and stars stay light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from stride import ids
from stride.errors import ErrorDetail, ForbiddenError, InvalidInputError, MalformedRequestError, NotFoundError
from stride.observability import logger, tracer
from stride.policy import Caller, require_scope
from stride.segments.models import (
    MAX_DISTANCE,
    MAX_NAME_LENGTH,
    MIN_DISTANCE,
    ExploredSegment,
    Segment,
    SegmentType,
    segment_type,
)
from stride.store.segments import MAX_STAR_DEPTH, SegmentGoneError, SegmentRepository

if TYPE_CHECKING:
    from stride.activities.models import Activity
    from stride.privacy.trim import MapPrivacy

WRITE_SCOPE = "activity:write"  # creating a segment (as Strava's activity writes)
STAR_SCOPE = "profile:write"  # Strava's Star Segment needs it
EXPLORE_LIMIT = 10  # Strava's explore answers at most 10 segments
STREAM_TYPES = ("latlng", "distance", "altitude")
STRAVA_STREAM_TYPES = frozenset(
    {"time", "latlng", "distance", "altitude", "velocity_smooth", "heartrate", "cadence", "watts", "temp", "moving"}
    | {"grade_smooth"}
)
MAX_POLYLINE_LENGTH = 200_000  # characters
_RDP_RUN = 1_000  # points simplified together (see ``simplify``)
MAX_POINTS = 50_000  # points of a new segment: a 100 km run at one sample a second is about 36,000
DETAIL_TOLERANCE = 1.0  # m: the stored polyline drops only points within 1 m of the line through their neighbours
MAX_ITEM_BYTES = 350_000  # polylines and path together: the segment item must stay under DynamoDB's 400 KB
SUMMARY_TOLERANCE = 10.0  # m: the summary polyline (explore's ``points``, lists)
_EXPLORE_TYPES: dict[str, SegmentType] = {"riding": "Ride", "running": "Run"}


@dataclass(frozen=True)
class NewSegment:
    """What ``POST /segments`` asks for: a stretch of an activity, or a polyline."""

    name: str | None
    activity_id: int | None = None
    start_index: int | None = None
    end_index: int | None = None
    polyline: str | None = None
    activity_type: str | None = None
    altitude: Sequence[float | None] | None = None


@dataclass(frozen=True)
class SegmentForCaller:
    """A segment as one caller sees it (whether the caller starred it)."""

    segment: Segment
    starred: bool


@dataclass(frozen=True)
class ExploredForCaller:
    segment: ExploredSegment
    starred: bool


@cache
def get_repository() -> SegmentRepository:
    return SegmentRepository()


def _invalid(message: str, field_name: str, code: str) -> InvalidInputError:
    return InvalidInputError(message, [ErrorDetail("Segment", field_name, code)])


def _not_found() -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail("Segment", "id", "invalid")])


def _load(repo: SegmentRepository, segment_id: int, *, consistent: bool = False) -> Segment:
    segment = repo.get(segment_id, consistent=consistent) if ids.is_valid(segment_id) else None
    if segment is None:
        raise _not_found()
    return segment


# ---------------------------------------------------------------- polylines


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[int]:
    """Indexes of the points Ramer-Douglas-Peucker keeps at ``tolerance`` metres (first and last always).

    Distances are measured in a local equirectangular projection (exact enough over a segment's few km); each
    split is one vectorised pass (numpy, loaded here only). The line is simplified in runs of ``_RDP_RUN`` points
    (their ends kept), which bounds the worst case (a zigzag, where every split peels one point) to
    ``n * _RDP_RUN`` instead of ``n * n``: about 1 s for MAX_POINTS."""
    import numpy as np

    n = len(points)
    if n <= 2:
        return list(range(n))
    ll = np.asarray(points, dtype=np.float64)
    k = math.pi / 180.0 * 6_371_008.8
    x = (ll[:, 1] - ll[0, 1]) * k * math.cos(math.radians(ll[0, 0]))
    y = (ll[:, 0] - ll[0, 0]) * k
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    keep[::_RDP_RUN] = True
    stack = [(first, min(first + _RDP_RUN, n - 1)) for first in range(0, n - 1, _RDP_RUN)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        ax, ay, dx, dy = x[first], y[first], x[last] - x[first], y[last] - y[first]
        px, py = x[first + 1 : last] - ax, y[first + 1 : last] - ay
        length2 = dx * dx + dy * dy
        t = np.clip((px * dx + py * dy) / length2, 0.0, 1.0) if length2 > 0 else np.zeros_like(px)
        d2 = (px - t * dx) ** 2 + (py - t * dy) ** 2
        worst_at = int(np.argmax(d2))
        if d2[worst_at] > limit:
            split = first + 1 + worst_at
            keep[split] = True
            stack.extend(((first, split), (split, last)))
    return [int(i) for i in np.flatnonzero(keep)]


# ---------------------------------------------------------------- create


def _clean_name(name: str | None) -> str:
    cleaned = (name or "").strip()
    if not cleaned:
        raise _invalid("name must not be empty", "name", "blank")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise _invalid(f"name may be at most {MAX_NAME_LENGTH} characters", "name", "too long")
    return cleaned


@dataclass(frozen=True)
class _Stretch:
    """The points a new segment is drawn through, with where they came from."""

    points: list[tuple[float, float]]
    altitude: list[float | None] | None
    activity_type: SegmentType
    length_field: str  # the request field a too short or too long segment is blamed on
    source_activity_id: int | None = None


def _stretch_of_activity(caller: Caller, request: NewSegment, privacy: MapPrivacy) -> _Stretch:
    from stride.activities import reads, service
    from stride.activities import streams_codec as codec
    from stride.policy import ActivityAccess
    from stride.privacy.trim import hidden_mask

    if request.polyline is not None:
        raise _invalid("give either activity_id (with start_index and end_index) or polyline", "polyline", "invalid")
    for field_name in ("start_index", "end_index"):
        if getattr(request, field_name) is None:
            raise _invalid(f"{field_name} is required with activity_id", field_name, "missing")
    activity_id, start, end = request.activity_id or 0, request.start_index or 0, request.end_index or 0
    activity, access = service.get_activity(caller, activity_id)  # 404 when the caller may not see it
    if access is not ActivityAccess.OWNER:
        raise ForbiddenError.about(
            "segments are made from your own activities only", "Segment", "activity_id", "forbidden"
        )
    kind = _activity_type_of(request, activity)
    size, streams = reads.read_streams(activity, {"latlng", "altitude"})
    latlng = codec.filled(streams.get("latlng") or [])
    if not latlng or latlng[0] is None:
        raise _invalid("this activity has no GPS track", "activity_id", "no track")
    if start < 0 or start >= len(latlng):
        raise _invalid(f"start_index must be within 0..{len(latlng) - 1}", "start_index", "out of range")
    if end < 0 or end >= len(latlng):
        raise _invalid(f"end_index must be within 0..{len(latlng) - 1}", "end_index", "out of range")
    if start >= end:
        raise _invalid("start_index must be before end_index", "end_index", "invalid")
    if end - start + 1 > MAX_POINTS:
        raise _invalid(f"a segment has at most {MAX_POINTS} points", "end_index", "too many points")
    track = [(float(p[0]), float(p[1])) for p in latlng if p is not None]
    if privacy.hides_anything and any(hidden_mask(track, privacy)[start : end + 1]):
        raise _invalid(
            "this stretch passes through one of your privacy zones or your hidden start or end: a segment is public, "
            "choose a stretch outside them",
            "start_index",
            "privacy zone",
        )
    raw_altitude = streams.get("altitude") or []
    altitude = [raw_altitude[i] if i < len(raw_altitude) else None for i in range(start, end + 1)]
    logger.debug("segment stretch read", samples=size)
    return _Stretch(
        points=track[start : end + 1],
        altitude=altitude if any(a is not None for a in altitude) else None,
        activity_type=kind,
        length_field="end_index",
        source_activity_id=activity.id,
    )


def _activity_type_of(request: NewSegment, activity: Activity) -> SegmentType:
    if request.activity_type is not None:
        return _given_type(request.activity_type)
    kind = segment_type(activity.summary.sport_type)
    if kind is None:
        raise _invalid(
            "segments are made from rides and runs (walks and hikes count as runs)", "activity_id", "sport type"
        )
    return kind


def _given_type(value: str) -> SegmentType:
    if value == "Ride":
        return "Ride"
    if value == "Run":
        return "Run"
    raise _invalid("activity_type must be Ride or Run", "activity_type", "invalid")


def _stretch_of_polyline(request: NewSegment, privacy: MapPrivacy) -> _Stretch:
    from stride.privacy.trim import decode_polyline, in_zone

    text = request.polyline or ""
    if request.activity_type is None:
        raise _invalid("activity_type (Ride or Run) is required with a polyline", "activity_type", "missing")
    kind = _given_type(request.activity_type)
    if len(text) > MAX_POLYLINE_LENGTH:
        raise _invalid(f"polyline may be at most {MAX_POLYLINE_LENGTH} characters", "polyline", "too long")
    try:
        points = decode_polyline(text)
    except (UnicodeEncodeError, ValueError):
        points = []
    if len(points) < 2 or any(abs(lat) > 90 or abs(lng) > 180 for lat, lng in points):
        raise _invalid("polyline must be an encoded polyline (precision 5) of at least 2 points", "polyline", "invalid")
    if len(points) > MAX_POINTS:
        raise _invalid(f"a segment has at most {MAX_POINTS} points", "polyline", "too many points")
    altitude = list(request.altitude) if request.altitude is not None else None
    if altitude is not None and len(altitude) != len(points):
        raise _invalid(
            f"altitude must have one value per polyline point ({len(points)}), it has {len(altitude)}",
            "altitude",
            "invalid",
        )
    if privacy.zones and any(in_zone(p, privacy.zones) for p in points):
        raise _invalid(
            "this polyline passes through one of your privacy zones: a segment is public, draw it outside them",
            "polyline",
            "privacy zone",
        )
    return _Stretch(points=points, altitude=altitude, activity_type=kind, length_field="polyline")


@tracer.capture_method(capture_response=False)
def create_segment(caller: Caller, request: NewSegment, repository: SegmentRepository | None = None) -> Segment:
    """A new public segment through a stretch of the caller's activity or a polyline (422 naming the bad field)."""
    from stride.privacy.trim import encode_polyline
    from stride.segments import geometry
    from stride.store.privacy import PrivacyRepository

    require_scope(caller, WRITE_SCOPE)
    name = _clean_name(request.name)
    privacy = PrivacyRepository().get(caller.athlete_id)
    if request.activity_id is not None:
        stretch = _stretch_of_activity(caller, request, privacy)
    elif request.polyline is not None:
        stretch = _stretch_of_polyline(request, privacy)
    else:
        raise _invalid(
            "give activity_id with start_index and end_index, or polyline with activity_type", "activity_id", "missing"
        )
    lat = [p[0] for p in stretch.points]
    lng = [p[1] for p in stretch.points]
    try:
        shape = geometry.describe(lat, lng, stretch.altitude)
        path = geometry.make_path(lat, lng, stretch.altitude)
        path_bytes = len(geometry.path_to_bytes(path))
    except ValueError:
        raise _invalid("the points do not make a line (all in one place?)", stretch.length_field, "invalid") from None
    if shape.distance < MIN_DISTANCE:
        raise _invalid(
            f"a segment is at least {MIN_DISTANCE:.0f} m long, this one is {shape.distance:.0f} m",
            stretch.length_field,
            "too short",
        )
    if shape.distance > MAX_DISTANCE:
        raise _invalid(
            f"a segment is at most {MAX_DISTANCE / 1000:.0f} km long, this one is {shape.distance / 1000:.1f} km",
            stretch.length_field,
            "too long",
        )
    polyline = encode_polyline([stretch.points[i] for i in simplify(stretch.points, DETAIL_TOLERANCE)])
    summary = encode_polyline([stretch.points[i] for i in simplify(stretch.points, SUMMARY_TOLERANCE)])
    if len(polyline) + len(summary) + path_bytes > MAX_ITEM_BYTES:
        raise _invalid("this segment has too many points to store: simplify it", stretch.length_field, "too detailed")
    now = datetime.now(UTC)
    segment = Segment(
        id=ids.new_id(),
        name=name,
        activity_type=stretch.activity_type,
        athlete_id=caller.athlete_id,
        distance=shape.distance,
        average_grade=shape.average_grade,
        maximum_grade=shape.maximum_grade,
        elevation_high=shape.elevation_high,
        elevation_low=shape.elevation_low,
        total_elevation_gain=shape.total_elevation_gain,
        climb_category=shape.climb_category,
        start_latlng=shape.start_latlng,
        end_latlng=shape.end_latlng,
        polyline=polyline,
        summary_polyline=summary,
        source_activity_id=stretch.source_activity_id,
        created_at=now,
        updated_at=now,
    )
    (repository or get_repository()).put(segment, path)
    logger.info("segment created", segment_id=segment.id, distance=segment.distance, points=len(path.lat))
    return segment


# ---------------------------------------------------------------- reads


@tracer.capture_method(capture_response=False)
def get_segment(caller: Caller, segment_id: int, repository: SegmentRepository | None = None) -> SegmentForCaller:
    repo = repository or get_repository()
    segment = _load(repo, segment_id)
    return SegmentForCaller(segment, repo.is_starred(caller.athlete_id, segment_id))


def parse_bounds(bounds: str) -> tuple[float, float, float, float]:
    """``sw_lat,sw_lng,ne_lat,ne_lng`` as four finite numbers within range, south-west strictly below and left of
    north-east (400 otherwise: bounds across the antimeridian are not supported)."""

    def bad(message: str) -> MalformedRequestError:
        return MalformedRequestError(message, [ErrorDetail("Segment", "bounds", "invalid")])

    parts = bounds.split(",")
    if len(parts) != 4:
        raise bad("bounds must be four numbers: sw_lat,sw_lng,ne_lat,ne_lng")
    try:
        sw_lat, sw_lng, ne_lat, ne_lng = (float(part) for part in parts)
    except ValueError:
        raise bad("bounds must be four numbers: sw_lat,sw_lng,ne_lat,ne_lng") from None
    if not all(math.isfinite(v) for v in (sw_lat, sw_lng, ne_lat, ne_lng)):
        raise bad("bounds must be finite numbers")
    if not (-90 <= sw_lat <= 90 and -90 <= ne_lat <= 90 and -180 <= sw_lng <= 180 and -180 <= ne_lng <= 180):
        raise bad("latitudes must be within -90..90 and longitudes within -180..180")
    if not (sw_lat < ne_lat and sw_lng < ne_lng):
        raise bad("the south-west corner must be south and west of the north-east corner")
    return sw_lat, sw_lng, ne_lat, ne_lng


def explore_type(activity_type: str | None) -> SegmentType | None:
    """Strava's explore ``activity_type`` (riding, running) as a segment type; None for both."""
    if activity_type is None:
        return None
    if activity_type not in _EXPLORE_TYPES:
        raise InvalidInputError.about("activity_type must be riding or running", "Segment", "activity_type", "invalid")
    return _EXPLORE_TYPES[activity_type]


@tracer.capture_method(capture_response=False)
def explore(
    caller: Caller,
    bounds: str,
    activity_type: str | None = None,
    min_cat: int = 0,
    max_cat: int = 5,
    repository: SegmentRepository | None = None,
) -> list[ExploredForCaller]:
    """At most 10 segments starting inside the bounds: the hardest climbs first (climb category), then the longest,
    then the oldest (lowest id). Only the explore cells covering the bounds are read (AP51), then the caller's
    stars of those 10 (AP54)."""
    from stride.segments import cells

    sw_lat, sw_lng, ne_lat, ne_lng = parse_bounds(bounds)
    kind = explore_type(activity_type)
    if min_cat > max_cat:
        raise InvalidInputError.about("min_cat may not exceed max_cat", "Segment", "min_cat", "invalid")
    try:
        covering = cells.bounds_cells(sw_lat, sw_lng, ne_lat, ne_lng)
    except ValueError:
        # parse_bounds already refused malformed bounds: what is left is a map too large to read by key
        raise MalformedRequestError(
            f"the map is too large to explore: zoom in (at most about {cells.MAX_EXPLORE_CELLS * 36} km2)",
            [ErrorDetail("Segment", "bounds", "too large")],
        ) from None
    repo = repository or get_repository()
    found = [
        s
        for s in repo.explore(covering, kind, min_cat, max_cat)
        if sw_lat <= s.start_latlng[0] <= ne_lat and sw_lng <= s.start_latlng[1] <= ne_lng
    ]
    found.sort(key=lambda s: (-s.climb_category, -s.distance, s.segment_id))
    top = found[:EXPLORE_LIMIT]
    starred = repo.starred_among(caller.athlete_id, [s.segment_id for s in top])
    logger.info("segments explored", cells=len(covering), found=len(found))
    return [ExploredForCaller(s, s.segment_id in starred) for s in top]


# ---------------------------------------------------------------- stars


@tracer.capture_method(capture_response=False)
def set_starred(
    caller: Caller, segment_id: int, starred: bool, repository: SegmentRepository | None = None
) -> SegmentForCaller:
    """Star or unstar (both idempotent); the segment as it is afterwards."""
    require_scope(caller, STAR_SCOPE)
    repo = repository or get_repository()
    _load(repo, segment_id)
    try:
        changed = repo.star(caller.athlete_id, segment_id) if starred else repo.unstar(caller.athlete_id, segment_id)
    except SegmentGoneError:
        raise _not_found() from None
    if changed:
        logger.info("segment starred" if starred else "segment unstarred", segment_id=segment_id)
    return SegmentForCaller(_load(repo, segment_id, consistent=True), starred)


@tracer.capture_method(capture_response=False)
def starred_segments(
    caller: Caller, page: int, per_page: int, repository: SegmentRepository | None = None
) -> list[Segment]:
    """The caller's starred segments, the most recently starred first."""
    if page * per_page > MAX_STAR_DEPTH:
        raise InvalidInputError.about(f"page * per_page may not exceed {MAX_STAR_DEPTH}", "Segment", "page", "invalid")
    repo = repository or get_repository()
    segment_ids = repo.starred(caller.athlete_id, limit=per_page, offset=(page - 1) * per_page)
    found = repo.get_many(segment_ids)
    return [found[i] for i in segment_ids if i in found]


# ---------------------------------------------------------------- streams


def stream_types(keys: str | None) -> list[str]:
    """The requested segment stream types a segment has (all three when absent). Strava's other stream types
    (time, heartrate, ...) are left out as Strava does for a segment (stravalib asks for all eleven by default);
    a name that is no stream type at all is 422."""
    wanted = [k.strip() for k in keys.split(",") if k.strip()] if keys else list(STREAM_TYPES)
    unknown = sorted(set(wanted) - set(STREAM_TYPES) - STRAVA_STREAM_TYPES)
    if unknown:
        raise InvalidInputError.about(
            f"unknown stream types: {', '.join(unknown)} (a segment has latlng, distance, altitude)",
            "Stream",
            "keys",
            "invalid",
        )
    return [name for name in dict.fromkeys(wanted) if name in STREAM_TYPES]


@tracer.capture_method(capture_response=False)
def segment_streams(
    segment_id: int, types: list[str], repository: SegmentRepository | None = None
) -> dict[str, list[Any]]:
    """The segment's path (resampled about every 10 m) as streams; altitude only when the segment has one."""
    repo = repository or get_repository()
    if not ids.is_valid(segment_id):
        raise _not_found()
    path = repo.paths([segment_id]).get(segment_id)
    if path is None:
        raise _not_found()
    streams: dict[str, list[Any]] = {}
    for name in types:
        if name == "latlng":
            streams[name] = [
                [round(la, 6), round(lo, 6)] for la, lo in zip(path.lat.tolist(), path.lng.tolist(), strict=True)
            ]
        elif name == "distance":
            streams[name] = [round(d, 1) for d in path.distance.tolist()]
        elif name == "altitude" and path.altitude is not None:
            streams[name] = [round(a, 1) for a in path.altitude.tolist()]
    return streams
