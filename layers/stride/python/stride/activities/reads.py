"""Reads that go past the activity item: streams, the original file, and the GPX and GeoJSON exports, each
cut to what the viewer may see of the map (``ViewerMap``: the owner gets everything; others lose the points
in the owner's privacy zones and hidden start and end, or every position when the owner hid the map).

Stdlib and the geojson package only: these run in API functions, which must not load numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import boto3
from botocore.config import Config

from stride.activities import streams_codec
from stride.activities.models import Activity
from stride.config import upload_settings
from stride.errors import ForbiddenError, NotFoundError
from stride.policy import ActivityAccess, Caller, sees_full_map
from stride.privacy.maps import SharedMap, shared_map
from stride.privacy.trim import NOTHING_HIDDEN, MapPrivacy, trim_latlng
from stride.store.privacy import PrivacyRepository

ORIGINAL_URL_SECONDS = 300
_DATA_TYPE_MEDIA = {
    "fit": "application/vnd.ant.fit",
    "gpx": "application/gpx+xml",
    "tcx": "application/vnd.garmin.tcx+xml",
}


@cache
def _s3() -> Any:
    return boto3.client("s3", config=Config(signature_version="s3v4"))


@cache
def _privacy_repository() -> PrivacyRepository:
    return PrivacyRepository()


@dataclass(frozen=True)
class ViewerMap:
    """How much of one activity's map one viewer gets."""

    full: bool  # the owner: everything, untrimmed
    hide_map: bool = False  # the owner hid the map: no position at all
    privacy: MapPrivacy = NOTHING_HIDDEN  # the owner's zones and hidden start/end, cut from what is left

    @property
    def trims(self) -> bool:
        return not self.full and (self.hide_map or self.privacy.hides_anything)


OWNER_MAP = ViewerMap(full=True)


def viewer_map(caller: Caller, activity: Activity, privacy: PrivacyRepository | None = None) -> ViewerMap:
    """What ``caller`` may see of the map. The owner's settings are read (AP47) only for someone else, and
    only when the map is not hidden anyway."""
    if sees_full_map(caller, activity.athlete_id):
        return OWNER_MAP
    if activity.summary.hide_map:
        return ViewerMap(full=False, hide_map=True)
    return ViewerMap(full=False, privacy=(privacy or _privacy_repository()).get(activity.athlete_id))


def shared_of(activity: Activity, viewer: ViewerMap) -> SharedMap | None:
    """The polylines and start/end the viewer gets; ``None`` for the owner (the activity's own)."""
    if viewer.full:
        return None
    s = activity.summary
    return shared_map(
        s.summary_polyline, activity.detail.polyline, s.start_latlng, s.end_latlng, viewer.privacy, viewer.hide_map
    )


def read_streams(
    activity: Activity, types: set[str] | None, s3: Any = None, viewer: ViewerMap = OWNER_MAP
) -> tuple[int, dict[str, list[Any]]]:
    """(sample count, {stream type: values}) of the requested types the activity has; (0, {}) for none.

    For anyone but the owner, the samples whose position is hidden are removed from every stream (the latlng
    stream is read for that even when it was not asked for), so the streams stay aligned and none of them can
    be used to place the hidden part; a hidden map removes the latlng stream alone."""
    if not activity.streams_key:
        return 0, {}
    if viewer.hide_map and not viewer.full:
        wanted = None if types is None else types - {"latlng"}
        if wanted is not None and not wanted:
            return 0, {}
        size, streams = _decode(activity, wanted, s3)
        streams.pop("latlng", None)
        return size, streams
    if not viewer.trims:
        return _decode(activity, types, s3)
    size, streams = _decode(activity, None if types is None else types | {"latlng"}, s3)
    latlng = streams.get("latlng") if types is None or "latlng" in types else streams.pop("latlng", None)
    if not latlng:
        return size, streams
    hidden = _hidden_samples(latlng, viewer.privacy)
    kept = [index for index, hide in enumerate(hidden) if not hide]
    return len(kept), {name: [data[i] for i in kept if i < len(data)] for name, data in streams.items()}


def _decode(activity: Activity, types: set[str] | None, s3: Any) -> tuple[int, dict[str, list[Any]]]:
    key = activity.streams_key or ""  # the caller checked that there is one
    body = (s3 or _s3()).get_object(Bucket=upload_settings().uploads_bucket, Key=key)["Body"].read()
    return streams_codec.decode(body, types)


def _hidden_samples(latlng: list[Any], privacy: MapPrivacy) -> list[bool]:
    """The hidden mask of a latlng stream. A sample without a fix takes the previous fix (the next one at the
    start), as the streams API fills it, so a GPS gap inside a zone is hidden with the zone."""
    filled = streams_codec.filled(latlng)
    if not filled or filled[0] is None:
        return [False] * len(latlng)
    return trim_latlng(filled, privacy)


def require_map(viewer: ViewerMap) -> None:
    """Refuse a representation that is nothing but the map (GPX) when the owner hid the map."""
    if viewer.hide_map and not viewer.full:
        raise ForbiddenError.about("the owner hides this activity's map", "Activity", "map", "hidden")


def original_file_url(activity: Activity, access: ActivityAccess, object_key: str | None, s3: Any = None) -> str:
    """A short-lived link to the file as uploaded. Only the owner gets their original file."""
    if access is not ActivityAccess.OWNER or object_key is None:
        raise NotFoundError.about("this activity has no original file you can download", "Activity", "file", "invalid")
    filename = f"{activity.id}.{object_key.rsplit('.', 1)[-1] if '.' in object_key else 'bin'}"
    url: str = (s3 or _s3()).generate_presigned_url(
        "get_object",
        Params={
            "Bucket": upload_settings().uploads_bucket,
            "Key": object_key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
        },
        ExpiresIn=ORIGINAL_URL_SECONDS,
    )
    return url


def to_gpx(activity: Activity, streams: dict[str, list[Any]]) -> str:
    """A GPX 1.1 track of the activity, with Garmin's TrackPointExtension for heart rate and cadence."""
    start = activity.summary.start_date
    times = streams.get("time") or []
    latlng = streams.get("latlng") or []
    altitude = streams.get("altitude") or []
    heartrate = streams.get("heartrate") or []
    cadence = streams.get("cadence") or []
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="Stride" xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">',
        f"<metadata><time>{_iso(start)}</time></metadata>",
        f"<trk><name>{escape(activity.summary.name)}</name><type>{escape(activity.summary.sport_type)}</type><trkseg>",
    ]
    for index, position in enumerate(latlng):
        if position is None:
            continue
        parts = [f'<trkpt lat="{position[0]:.7f}" lon="{position[1]:.7f}">']
        if index < len(altitude) and altitude[index] is not None:
            parts.append(f"<ele>{altitude[index]:.1f}</ele>")
        if index < len(times):
            parts.append(f"<time>{_iso(start + timedelta(seconds=times[index]))}</time>")
        extensions = []
        if index < len(heartrate) and heartrate[index] is not None:
            extensions.append(f"<gpxtpx:hr>{heartrate[index]}</gpxtpx:hr>")
        if index < len(cadence) and cadence[index] is not None:
            extensions.append(f"<gpxtpx:cad>{cadence[index]}</gpxtpx:cad>")
        if extensions:
            parts.append("<extensions><gpxtpx:TrackPointExtension>" + "".join(extensions))
            parts.append("</gpxtpx:TrackPointExtension></extensions>")
        parts.append("</trkpt>")
        lines.append("".join(parts))
    lines.append("</trkseg></trk></gpx>")
    return "\n".join(lines)


def to_geojson(activity: Activity, streams: dict[str, list[Any]]) -> dict[str, Any]:
    """A FeatureCollection: the track as a LineString (lon, lat[, ele]) and its start and end points."""
    import geojson

    latlng = streams.get("latlng") or []
    altitude = streams.get("altitude") or []
    coordinates = []
    for index, position in enumerate(latlng):
        if position is None:
            continue
        point = [position[1], position[0]]
        if index < len(altitude) and altitude[index] is not None:
            point.append(altitude[index])
        coordinates.append(tuple(point))
    properties = {
        "activity_id": activity.id,
        "name": activity.summary.name,
        "sport_type": activity.summary.sport_type,
        "start_date": _iso(activity.summary.start_date),
        "distance": activity.summary.distance,
    }
    features = []
    if len(coordinates) >= 2:
        features.append(geojson.Feature(geometry=geojson.LineString(coordinates), properties=properties))
        features.append(geojson.Feature(geometry=geojson.Point(coordinates[0]), properties={"role": "start"}))
        features.append(geojson.Feature(geometry=geojson.Point(coordinates[-1]), properties={"role": "end"}))
    collection = geojson.FeatureCollection(features, properties=properties)
    if not collection.is_valid:
        raise ValueError("invalid GeoJSON built")  # a bug, not a user error
    return dict(collection)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
