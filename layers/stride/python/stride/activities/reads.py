"""Reads that go past the activity item: streams, the original file, and the GPX and GeoJSON exports.

Stdlib and the geojson package only: these run in API functions, which must not load numpy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import boto3
from botocore.config import Config

from stride.activities import streams_codec
from stride.activities.models import Activity
from stride.config import upload_settings
from stride.errors import NotFoundError
from stride.policy import ActivityAccess

ORIGINAL_URL_SECONDS = 300
_DATA_TYPE_MEDIA = {
    "fit": "application/vnd.ant.fit",
    "gpx": "application/gpx+xml",
    "tcx": "application/vnd.garmin.tcx+xml",
}


@cache
def _s3() -> Any:
    return boto3.client("s3", config=Config(signature_version="s3v4"))


def read_streams(activity: Activity, types: set[str] | None, s3: Any = None) -> tuple[int, dict[str, list[Any]]]:
    """(sample count, {stream type: values}) of the requested types the activity has; ({}, 0) for none."""
    if not activity.streams_key:
        return 0, {}
    body = (s3 or _s3()).get_object(Bucket=upload_settings().uploads_bucket, Key=activity.streams_key)["Body"].read()
    return streams_codec.decode(body, types)


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
