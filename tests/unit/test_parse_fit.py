"""The FIT decoder: real files against fitdecode, every broken file, crafted files with known answers, fuzzing."""

from __future__ import annotations

import struct
import time
from pathlib import Path
from typing import Any

import fitdecode
import numpy as np
import pytest

from stride.activities.parsing import fit as fit_module
from stride.activities.parsing.fit import fit_crc, parse_fit
from stride.activities.parsing.model import ActivityFileError, ParsedActivity
from tests.conftest import CORPUS

FIT_FILES = sorted([*CORPUS.glob("fit/*.fit"), *CORPUS.glob("fit/*.FIT")])
FIT_EPOCH = 631065600
SEMICIRCLE = 180.0 / 2**31


# --- reference values from fitdecode ------------------------------------------------------------------------


def _plausible(fit_time: int, system_time_anchored: bool) -> bool:
    if fit_time < 0x10000000:
        return system_time_anchored  # system time: shifted when the file anchors it, else dropped
    unix = fit_time + FIT_EPOCH
    return 946684800 <= unix <= time.time() + 86400


def _reference(path: Path) -> dict[str, Any]:
    """Records merged per timestamp (last value wins, as from_columns does) and session totals, by fitdecode."""
    rows: dict[int, dict[str, float]] = {}
    sessions: list[dict[str, Any]] = []
    anchored = False
    with fitdecode.FitReader(
        str(path), check_crc=fitdecode.CrcCheck.DISABLED, error_handling=fitdecode.ErrorHandling.IGNORE
    ) as reader:
        try:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "activity" and frame.has_field("local_timestamp"):
                    anchored = anchored or (frame.get_raw_value("timestamp") or 0) < 0x10000000
                if frame.name == "session":
                    sessions.append({f.name: f.value for f in frame.fields})
                if frame.name != "record" or not frame.has_field("timestamp"):
                    continue
                stamp = frame.get_raw_value("timestamp")
                if stamp is None:
                    continue
                row = rows.setdefault(int(stamp), {})
                for name in ("position_lat", "position_long", "heart_rate", "distance"):
                    if not frame.has_field(name):
                        continue
                    # positions raw (semicircles); distance scaled (fitdecode expands compressed_speed_distance)
                    value = frame.get_raw_value(name) if name.startswith("position") else frame.get_value(name)
                    if value is not None:
                        row[name] = float(value)
        except fitdecode.FitError:
            pass  # the quirk files: compare what fitdecode could read
    kept = {t: row for t, row in rows.items() if _plausible(t, anchored)}
    times = sorted(kept)
    ordered = [kept[t] for t in times]
    lat = [r["position_lat"] * SEMICIRCLE for r in ordered if "position_lat" in r and "position_long" in r]
    lon = [r["position_long"] * SEMICIRCLE for r in ordered if "position_lat" in r and "position_long" in r]
    return {
        "times": np.array(times, dtype=float),
        "hr": [r["heart_rate"] for r in ordered if "heart_rate" in r],
        "distance": [r["distance"] for r in ordered if "distance" in r],
        "lat": lat,
        "lon": lon,
        "sessions": sessions,
    }


@pytest.mark.parametrize("path", FIT_FILES, ids=lambda p: p.name)
def test_corpus_file_matches_fitdecode(path: Path) -> None:
    parsed = parse_fit(path.read_bytes())
    ref = _reference(path)

    assert parsed.format == "fit"
    assert len(parsed) == len(ref["times"])
    if len(parsed):
        # same samples at the same spacing (system-time files are shifted as a whole)
        np.testing.assert_array_equal(np.diff(parsed.time), np.diff(ref["times"]))
        assert np.all(np.diff(parsed.time) > 0)
    hr = parsed.heartrate[np.isfinite(parsed.heartrate)]
    assert len(hr) == len(ref["hr"])
    assert float(hr.sum()) == pytest.approx(sum(ref["hr"]))
    distance = parsed.distance[np.isfinite(parsed.distance)]
    assert len(distance) == len(ref["distance"])
    if ref["distance"]:
        assert distance[-1] == pytest.approx(ref["distance"][-1], abs=1e-6)
    has_fix = np.isfinite(parsed.lat) & np.isfinite(parsed.lon)
    assert int(has_fix.sum()) == len(ref["lat"])
    if ref["lat"]:
        for ours, theirs in ((parsed.lat[has_fix], ref["lat"]), (parsed.lon[has_fix], ref["lon"])):
            assert ours[0] == pytest.approx(theirs[0], abs=1e-6)
            assert ours[-1] == pytest.approx(theirs[-1], abs=1e-6)

    assert len(parsed.sessions) == len(ref["sessions"])
    theirs_by_start = sorted(ref["sessions"], key=lambda s: (s.get("start_time") is None, str(s.get("start_time"))))
    for ours, theirs in zip(parsed.sessions, theirs_by_start, strict=True):
        for name in ("total_distance", "total_elapsed_time", "total_timer_time", "total_calories", "avg_heart_rate"):
            if theirs.get(name) is None:
                assert getattr(ours, name) is None
            else:
                assert getattr(ours, name) == pytest.approx(float(theirs[name]), abs=1e-6), name


# What each corpus file must give beyond the fitdecode comparison: sport, trainer, device, pauses, laps.
EXPECTED = {
    "fitparse_wahoo-elemnt-2019-02-17.fit": ("Ride", False, "Wahoo ELEMNT", 55, 1),
    "fitparse_coros-pace-2-cycling-misaligned-fields.fit": ("Ride", False, "COROS PACE 2", 5, 4),
    "fitparse_strava-android-app.fit": ("Run", False, "Strava", 0, 1),
    "fitparse_edge810-vector-power.fit": ("Ride", False, "Garmin Edge 810", 0, 8),
    "fitparse_sample-activity-indoor-trainer.fit": ("Ride", False, "Garmin Edge 800", 0, 5),
    "fitparse_sample-multiple-header-chained.fit": ("Swim", False, "Garmin Forerunner 920XT", 0, 5),
    "fitparse_20170518-191602.fit": ("Rowing", True, "Garmin vivoactive HR", 0, 8),
    "fitparse_compressed-speed-distance.fit": ("Run", False, "Garmin Forerunner 70", 1, 11),
    "fitparse_developer-types-sample.fit": ("Run", False, "Stryd", 0, 1),
    "fitparse_garmin-edge-500-activity.fit": ("Ride", False, "Garmin Edge 500", 46, 9),
    "fittrackee_apple_watch.fit": ("Ride", False, "Strava", 4, 1),
    "sportslib_kona-ironman-2018-multisport.fit": ("Swim", False, "Garmin Forerunner 935", 1, 73),
    "sportslib_suunto-uphill.fit": ("TrailRun", False, "Suunto 9 Baro", 1, 10),
    "sportslib_virtualride-2020-01-09.fit": ("VirtualRide", True, None, 0, 0),
    "gc_karoo-ride-2025.fit": ("Ride", False, "Hammerhead Karoo 2", 0, 1),
    "gc_sigma-rox11.fit": ("Ride", False, "SIGMA ROX 11.1 EVO", 0, 5),
    "gc_garmin830-stages-power.fit": ("Ride", True, "Garmin Edge 830", 0, 0),
    "gc_pool-swim-bingiwatch.fit": ("Swim", False, "Watch6,18", 2, 60),
    "gc_2012_02_05-tiny.fit": ("Ride", False, "Garmin Edge 500", 1, 1),
    "muktihari_triathlon-summary-first.fit": ("Swim", False, "Garmin Forerunner 255", 0, 11),
    "tormoder_unterminated-strings.fit": ("Ride", True, "Wahoo ELEMNT ROAM", 0, 1),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_metadata(name: str) -> None:
    sport, trainer, device, pauses, laps = EXPECTED[name]
    parsed = parse_fit((CORPUS / "fit" / name).read_bytes())
    assert (parsed.sport, parsed.trainer, parsed.device_name) == (sport, trainer, device)
    assert (len(parsed.pauses), len(parsed.laps)) == (pauses, laps)
    assert all(stop < start for stop, start in parsed.pauses)
    assert all(lap.start_time <= lap.end_time for lap in parsed.laps)


def test_multisport_sessions_in_order() -> None:
    parsed = parse_fit((CORPUS / "fit" / "sportslib_kona-ironman-2018-multisport.fit").read_bytes())
    assert [s.sport for s in parsed.sessions] == ["Swim", None, "Ride", None, "Run"]
    assert [s.sub_sport for s in parsed.sessions] == ["open_water", "generic", "generic", "generic", "generic"]
    starts = [s.start_time for s in parsed.sessions]
    assert starts == sorted(starts)
    assert parsed.time[0] <= starts[0] + 60 and parsed.time[-1] >= starts[-1]
    assert 225_000 < sum(s.total_distance or 0 for s in parsed.sessions) < 230_000  # 3.8 + 180 + 42.2 km


def test_compressed_speed_distance_file_matches_its_session() -> None:
    parsed = parse_fit((CORPUS / "fit" / "fitparse_compressed-speed-distance.fit").read_bytes())
    # the accumulated 12-bit rolling distance ends where the device's own total does
    assert np.nanmax(parsed.distance) == pytest.approx(parsed.sessions[0].total_distance, abs=0.1)
    assert np.nanmax(parsed.speed) < 6.0
    # system-time stamps anchored by the activity message's local time: the run keeps its 2012 date
    assert time.gmtime(parsed.time[0]).tm_year == 2012


# --- broken files ---------------------------------------------------------------------------------------------


BAD_ERRORS = {
    "fitparse_activity-filecrc.fit": "CRC mismatch",
    "fitparse_activity-activity-filecrc.fit": "CRC mismatch",  # the second chained file's CRC is wrong
}
# Files the athlete recorded that are recoverable: decode what is there (sample count after merging).
BAD_RECOVERED = {
    "fitparse_nick.fit": 14383,  # Sigma recording cut off: no session, stale size, no real CRC
    "fitparse_elemnt-bolt-no-application-id.fit": 132,  # valid file, odd developer_data_id
    "fitparse_activity-unexpected-eof.fit": 14,  # 3 bytes short: the cut message is dropped
    "fitparse_activity-settings-nodata.fit": 14,  # second chained file has no data: first one kept
    "fitparse_activity-settings-corruptheader.fit": 14,  # junk after a complete, CRC-checked file
    "sportslib_broken.fit": 2319,  # header still says 0 data bytes: an unfinished 38 min Zwift ride
}


def test_every_bad_fit_file_is_classified() -> None:
    assert {p.name for p in CORPUS.glob("bad/*.fit")} == set(BAD_ERRORS) | set(BAD_RECOVERED)


@pytest.mark.parametrize("name", sorted(BAD_ERRORS))
def test_bad_file_is_rejected(name: str) -> None:
    with pytest.raises(ActivityFileError, match=BAD_ERRORS[name]):
        parse_fit((CORPUS / "bad" / name).read_bytes())


@pytest.mark.parametrize("name", sorted(BAD_RECOVERED))
def test_bad_file_is_recovered(name: str) -> None:
    parsed = parse_fit((CORPUS / "bad" / name).read_bytes())
    assert len(parsed) == BAD_RECOVERED[name]
    assert parsed.has_gps
    assert np.all(np.diff(parsed.time) > 0)


def test_unfinished_zwift_recording_is_a_real_ride() -> None:
    parsed = parse_fit((CORPUS / "bad" / "sportslib_broken.fit").read_bytes())
    assert parsed.device_name == "Zwift"
    assert parsed.time[-1] - parsed.time[0] == pytest.approx(38 * 60 + 38)
    assert 100 < np.nanmean(parsed.watts) < 200 and 120 < np.nanmean(parsed.heartrate) < 190


# --- crafted files --------------------------------------------------------------------------------------------


def _crc(data: bytes) -> int:
    """The FIT CRC, bit by bit: an independent reference for the decoder's folded one."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xA001 if crc & 1 else 0)
    return crc


def fit_file(*messages: bytes, header_size: int = 14, crc: bool = True, data_size: int | None = None) -> bytes:
    body = b"".join(messages)
    header = struct.pack("<BBHI4s", header_size, 0x20, 2132, len(body) if data_size is None else data_size, b".FIT")
    if header_size == 14:
        header += struct.pack("<H", _crc(header))
    out = header + body
    return out + struct.pack("<H", _crc(out) if crc else 0)


def definition(
    local: int,
    global_num: int,
    fields: list[tuple[int, int, int]],
    *,
    big_endian: bool = False,
    dev_fields: list[tuple[int, int, int]] | None = None,
) -> bytes:
    out = bytes([0x40 | local | (0x20 if dev_fields else 0), 0, int(big_endian)])
    out += struct.pack(">H" if big_endian else "<H", global_num) + bytes([len(fields)])
    out += b"".join(bytes(f) for f in fields)
    if dev_fields:
        out += bytes([len(dev_fields)]) + b"".join(bytes(f) for f in dev_fields)
    return out


def message(local: int, payload: bytes, *, time_offset: int | None = None) -> bytes:
    header = local if time_offset is None else 0x80 | (local << 5) | time_offset
    return bytes([header]) + payload


T0 = 1_000_000_000  # FIT seconds: 2021-09-08T01:46:40Z
UINT8, SINT8, UINT16, SINT32, UINT32, BYTE = 0x02, 0x01, 0x84, 0x85, 0x86, 0x0D


def unix(fit_seconds: float) -> float:
    return fit_seconds + FIT_EPOCH


def semicircles(degrees: float) -> int:
    return round(degrees / SEMICIRCLE)


def record_file(*extra: bytes) -> bytes:
    """A record layout with most fields, two full records and one of invalid values."""
    layout = [(253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (78, 4, UINT32), (3, 1, UINT8), (4, 1, UINT8),
              (53, 1, UINT8), (7, 2, UINT16), (13, 1, SINT8), (5, 4, UINT32), (73, 4, UINT32)]  # fmt: skip
    fmt = "<IiiIBBBHbII"
    lat, lon = semicircles(45.5), semicircles(-73.25)
    lat2, lon2 = semicircles(45.6), semicircles(-73.2)
    rows = [
        struct.pack(fmt, T0, lat, lon, (120 + 500) * 5, 150, 90, 64, 250, -5, 1234, 5500),
        struct.pack(fmt, T0 + 1, lat2, lon2, (121 + 500) * 5, 151, 91, 0, 260, 20, 1300, 5600),
        struct.pack(fmt, T0 + 2, *[0x7FFFFFFF] * 2, 0xFFFFFFFF, *[0xFF] * 3, 0xFFFF, 0x7F, *[0xFFFFFFFF] * 2),
    ]
    return fit_file(definition(0, 20, layout), *(message(0, r) for r in rows), *extra)


def test_record_fields_scaling_and_invalid_values() -> None:
    parsed = parse_fit(record_file())
    np.testing.assert_array_equal(parsed.time, [unix(T0), unix(T0 + 1), unix(T0 + 2)])
    assert parsed.lat[:2] == pytest.approx([45.5, 45.6], abs=1e-6)
    assert parsed.lon[:2] == pytest.approx([-73.25, -73.2], abs=1e-6)
    assert parsed.altitude[:2] == pytest.approx([120.0, 121.0])
    assert parsed.heartrate[:2].tolist() == [150.0, 151.0]
    assert parsed.cadence[:2].tolist() == [90.5, 91.0]  # + fractional cadence / 128
    assert parsed.watts[:2].tolist() == [250.0, 260.0]
    assert parsed.temp[:2].tolist() == [-5.0, 20.0]
    assert parsed.distance[:2].tolist() == [12.34, 13.0]
    assert parsed.speed[:2].tolist() == [5.5, 5.6]
    for column in ("lat", "lon", "altitude", "heartrate", "cadence", "watts", "temp", "distance", "speed"):
        assert np.isnan(getattr(parsed, column)[2]), column


def test_altitude_and_speed_fall_back_to_the_plain_fields() -> None:
    layout = [(253, 4, UINT32), (2, 2, UINT16), (6, 2, UINT16), (78, 4, UINT32), (73, 4, UINT32)]
    rows = [
        struct.pack("<IHHII", T0, 2600, 3000, 0xFFFFFFFF, 0xFFFFFFFF),
        struct.pack("<IHHII", T0 + 1, 2600, 3000, 3000, 4000),
    ]
    parsed = parse_fit(fit_file(definition(0, 20, layout), *(message(0, r) for r in rows)))
    assert parsed.altitude.tolist() == [20.0, 100.0]
    assert parsed.speed.tolist() == [3.0, 4.0]


def test_compressed_timestamp_headers_roll_over() -> None:
    # a full timestamp with low bits 30, then 5-bit offsets 31, 1 (rolled over: +32), 1 (same second), 3
    full = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    short = definition(1, 20, [(3, 1, UINT8)])
    base = T0 - (T0 % 32) + 30
    data = fit_file(
        full, short, message(0, struct.pack("<IB", base, 100)),
        message(1, bytes([101]), time_offset=31), message(1, bytes([102]), time_offset=1),
        message(1, bytes([103]), time_offset=1), message(1, bytes([104]), time_offset=3),
    )  # fmt: skip
    parsed = parse_fit(data)
    assert (parsed.time - unix(base)).tolist() == [0.0, 1.0, 3.0, 5.0]
    assert parsed.heartrate.tolist() == [100.0, 101.0, 103.0, 104.0]  # same-second rows merged, last wins


def test_compressed_timestamp_follows_any_message_with_a_timestamp() -> None:
    event = definition(2, 21, [(253, 4, UINT32), (0, 1, 0x00), (1, 1, 0x00)])
    short = definition(1, 20, [(3, 1, UINT8)])
    base = T0 - (T0 % 32)
    data = fit_file(
        event, short, message(2, struct.pack("<IBB", base + 40, 0, 0)), message(1, bytes([99]), time_offset=12)
    )
    parsed = parse_fit(data)
    assert parsed.time.tolist() == [unix(base + 44)]


def test_compressed_timestamp_without_a_full_one_is_dropped() -> None:
    short = definition(1, 20, [(3, 1, UINT8)])
    full = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    data = fit_file(short, message(1, bytes([90]), time_offset=3), full, message(0, struct.pack("<IB", T0, 91)))
    assert parse_fit(data).heartrate.tolist() == [91.0]


def test_big_endian_definition() -> None:
    layout = [(253, 4, UINT32), (0, 4, SINT32), (1, 4, SINT32), (7, 2, UINT16)]
    payload = struct.pack(">IiiH", T0, semicircles(-33.9), semicircles(151.2), 300)
    parsed = parse_fit(fit_file(definition(0, 20, layout, big_endian=True), message(0, payload)))
    assert parsed.time.tolist() == [unix(T0)]
    assert parsed.lat[0] == pytest.approx(-33.9, abs=1e-6)
    assert parsed.lon[0] == pytest.approx(151.2, abs=1e-6)
    assert parsed.watts.tolist() == [300.0]


def test_local_type_redefined_mid_file() -> None:
    first = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    second = definition(0, 20, [(7, 2, UINT16), (253, 4, UINT32), (3, 1, UINT8)])
    data = fit_file(
        first, message(0, struct.pack("<IB", T0, 120)),
        second, message(0, struct.pack("<HIB", 200, T0 + 1, 121)),
        first, message(0, struct.pack("<IB", T0 + 2, 122)),
    )  # fmt: skip
    parsed = parse_fit(data)
    assert parsed.heartrate.tolist() == [120.0, 121.0, 122.0]
    assert np.isnan(parsed.watts[0]) and parsed.watts[1] == 200.0 and np.isnan(parsed.watts[2])


def test_developer_fields_are_skipped() -> None:
    layout = definition(3, 20, [(253, 4, UINT32), (3, 1, UINT8)], dev_fields=[(0, 4, 0), (1, 2, 0)])
    data = fit_file(
        layout,
        message(3, struct.pack("<IB", T0, 140) + b"\xde\xad\xbe\xef\x01\x02"),
        message(3, struct.pack("<IB", T0 + 1, 141) + b"\x40\x41\x42\x43\x44\x45"),  # bytes that look like headers
    )
    assert parse_fit(data).heartrate.tolist() == [140.0, 141.0]


def test_misaligned_field_is_invalid_and_the_rest_decodes() -> None:
    # distance declared uint32 but 1 byte long (the COROS quirk)
    layout = definition(0, 20, [(253, 4, UINT32), (5, 1, UINT32), (3, 1, UINT8)])
    parsed = parse_fit(fit_file(layout, message(0, struct.pack("<IBB", T0, 7, 133))))
    assert np.isnan(parsed.distance[0]) and parsed.heartrate[0] == 133.0


def test_compressed_speed_distance() -> None:
    def packed(speed_cm: int, distance_16th: int) -> bytes:
        value = speed_cm | (distance_16th % 4096) << 12
        return value.to_bytes(3, "little")

    layout = definition(0, 20, [(253, 4, UINT32), (8, 3, BYTE)])
    # distances 4000/16, then past the 4096 rollover to 4100/16 and 4200/16 (absolute)
    data = fit_file(
        layout, *(message(0, struct.pack("<I", T0 + i) + packed(s, d))
                  for i, (s, d) in enumerate([(350, 4000), (360, 4100), (370, 4200)])),
        message(0, struct.pack("<I", T0 + 3) + b"\xff\xff\xff"),
    )  # fmt: skip
    parsed = parse_fit(data)
    assert parsed.speed[:3].tolist() == [3.5, 3.6, 3.7]
    assert parsed.distance[:3].tolist() == [250.0, 256.25, 262.5]
    assert np.isnan(parsed.speed[3]) and np.isnan(parsed.distance[3])


def _event(local: int, fit_time: int, event_type: int, event: int = 0) -> bytes:
    return message(local, struct.pack("<IBB", fit_time, event, event_type))


def test_timer_events_give_pauses() -> None:
    event = definition(5, 21, [(253, 4, UINT32), (0, 1, 0x00), (1, 1, 0x00)])
    data = record_file(
        event,
        _event(5, T0, 0), _event(5, T0 + 10, 1), _event(5, T0 + 20, 0),  # stop 10 -> start 20
        _event(5, T0 + 25, 3, event=9),  # a lap marker: not the timer
        _event(5, T0 + 30, 4), _event(5, T0 + 35, 1), _event(5, T0 + 40, 0),  # stop_all 30 (stop again) -> 40
        _event(5, T0 + 50, 4),  # stopped at the end: no pause
    )  # fmt: skip
    assert parse_fit(data).pauses == [(unix(T0 + 10), unix(T0 + 20)), (unix(T0 + 30), unix(T0 + 40))]


def _session(local: int, sport: int, sub_sport: int, start: int = T0) -> bytes:
    return message(
        local, struct.pack("<IIIIBBHBB", start, 3_600_000, 3_500_000, 3_000_000, sport, sub_sport, 700, 140, 180)
    )


SESSION_LAYOUT = [(2, 4, UINT32), (7, 4, UINT32), (8, 4, UINT32), (9, 4, UINT32), (5, 1, 0x00), (6, 1, 0x00),
                  (11, 2, UINT16), (16, 1, UINT8), (17, 1, UINT8)]  # fmt: skip


@pytest.mark.parametrize(
    ("sport", "sub_sport", "expected", "trainer"),
    [
        (2, 58, "VirtualRide", True), (2, 6, "Ride", True), (2, 5, "Ride", True), (2, 8, "MountainBikeRide", False),
        (2, 46, "GravelRide", False), (2, 0, "Ride", False), (1, 3, "TrailRun", False), (1, 1, "Run", True),
        (5, 17, "Swim", False), (15, 14, "Rowing", True), (11, 0, "Walk", False), (17, 0, "Hike", False),
        (12, 0, "NordicSki", False), (21, 0, "EBikeRide", False), (10, 20, "WeightTraining", False),
        (4, 15, "Elliptical", True), (4, 14, "Rowing", True), (10, 0, "Workout", False), (0, 0, None, False),
    ],
)  # fmt: skip
def test_session_sport_mapping(sport: int, sub_sport: int, expected: str | None, trainer: bool) -> None:
    data = record_file(definition(6, 18, SESSION_LAYOUT), _session(6, sport, sub_sport))
    parsed = parse_fit(data)
    assert (parsed.sport, parsed.trainer) == (expected, trainer)
    session = parsed.sessions[0]
    assert session.sport == expected
    assert (session.start_time, session.total_elapsed_time, session.total_timer_time) == (unix(T0), 3600.0, 3500.0)
    assert (session.total_distance, session.total_calories) == (30000.0, 700.0)
    assert (session.avg_heart_rate, session.max_heart_rate, session.max_power) == (140.0, 180.0, None)


def test_sport_comes_from_the_first_non_transition_session_or_the_sport_message() -> None:
    sessions = [_session(6, 3, 0, T0), _session(6, 1, 0, T0 + 1)]  # transition, then running
    assert parse_fit(record_file(definition(6, 18, SESSION_LAYOUT), *sessions)).sport == "Run"
    sport_message = message(7, bytes([2, 6]))
    parsed = parse_fit(record_file(definition(7, 12, [(0, 1, 0x00), (1, 1, 0x00)]), sport_message))
    assert (parsed.sport, parsed.trainer, parsed.sessions) == ("Ride", True, [])


def test_laps_and_device_name() -> None:
    lap = definition(8, 19, [(253, 4, UINT32), (2, 4, UINT32), (8, 4, UINT32), (9, 4, UINT32)])
    file_id = definition(9, 0, [(1, 2, UINT16), (2, 2, UINT16)])
    data = record_file(
        lap, message(8, struct.pack("<IIII", T0 + 2, T0, 2000, 1300)),
        file_id, message(9, struct.pack("<HH", 1, 1036)),
    )  # fmt: skip
    parsed = parse_fit(data)
    assert len(parsed.laps) == 1
    lap_read = parsed.laps[0]
    assert (lap_read.start_time, lap_read.end_time) == (unix(T0), unix(T0 + 2))
    assert (lap_read.total_timer_time, lap_read.total_distance) == (2.0, 13.0)
    assert parsed.device_name == "Garmin Edge 500"


def test_device_name_from_device_info_product_name() -> None:
    file_id = definition(9, 0, [(1, 2, UINT16), (2, 2, UINT16)])
    info = definition(10, 23, [(0, 1, UINT8), (2, 2, UINT16), (27, 8, 0x07)])
    data = record_file(
        file_id, message(9, struct.pack("<HH", 32, 31)),
        info, message(10, bytes([1]) + struct.pack("<H", 1) + b"HRM\0\0\0\0\0"),  # a sensor, not the creator
        message(10, bytes([0]) + struct.pack("<H", 32) + b"BOLT 2\0\0"),
    )  # fmt: skip
    assert parse_fit(data).device_name == "Wahoo BOLT 2"


def test_chained_files_are_all_read() -> None:
    layout = definition(1, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    later = fit_file(layout, message(1, struct.pack("<IB", T0 + 100, 99)))
    parsed = parse_fit(record_file() + later + fit_file(header_size=12))
    assert parsed.time.tolist() == [unix(T0), unix(T0 + 1), unix(T0 + 2), unix(T0 + 100)]
    assert parsed.heartrate[-1] == 99.0


# --- damaged crafted files -------------------------------------------------------------------------------------


def test_not_a_fit_file() -> None:
    for data in (b"", b"hello", b"<?xml version='1.0'?><gpx></gpx>", b"\x0e\x10" + b"\0" * 12):
        with pytest.raises(ActivityFileError, match="Not a FIT file"):
            parse_fit(data)


def test_empty_file() -> None:
    with pytest.raises(ActivityFileError, match="empty"):
        parse_fit(fit_file())
    with pytest.raises(ActivityFileError, match="empty"):
        parse_fit(fit_file(header_size=12))


def test_no_usable_samples() -> None:
    layout = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    old = [message(0, struct.pack("<IB", 100 + i, 100)) for i in range(3)]  # 1989: clock never set
    future = message(0, struct.pack("<IB", 0xFFFFFFF0, 100))  # 2126
    with pytest.raises(ActivityFileError, match="no usable samples"):
        parse_fit(fit_file(layout, *old, future))


def test_session_totals_without_samples_are_an_activity() -> None:
    parsed = parse_fit(fit_file(definition(6, 18, SESSION_LAYOUT), _session(6, 1, 0)))
    assert len(parsed) == 0 and parsed.sessions[0].total_distance == 30000.0 and parsed.sport == "Run"


def test_file_crc_mismatch_is_corrupt() -> None:
    data = bytearray(record_file(definition(6, 18, SESSION_LAYOUT), _session(6, 1, 0)))
    data[40] ^= 0x01
    with pytest.raises(ActivityFileError, match="CRC mismatch"):
        parse_fit(bytes(data))


def test_zero_crc_means_not_computed() -> None:
    assert len(parse_fit(fit_file(*_records_body(), crc=False))) == 3


def test_header_crc_mismatch_is_corrupt() -> None:
    data = bytearray(record_file())
    data[12] ^= 0xFF
    with pytest.raises(ActivityFileError, match="header CRC"):
        parse_fit(bytes(data))


def _records_body() -> list[bytes]:
    layout = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    return [layout, *(message(0, struct.pack("<IB", T0 + i, 100 + i)) for i in range(3))]


def test_truncated_file_keeps_complete_messages() -> None:
    data = fit_file(*_records_body())
    for cut in (2, 3, 5):  # no CRC; then the last message cut short
        parsed = parse_fit(data[:-cut])
        assert parsed.heartrate.tolist() == [100.0, 101.0, 102.0][: 3 if cut == 2 else 2]


def test_unfinished_file_without_summary_is_kept_despite_its_stale_crc() -> None:
    # the writer put a header (size 0, to patch on close), then records, and never closed the file
    body = b"".join(_records_body())
    assert parse_fit(fit_file(data_size=0)[:14] + body).heartrate.tolist() == [100.0, 101.0, 102.0]
    stale = bytearray(fit_file(*_records_body()))
    stale[-2:] = b"\x40\x00"  # a definition header where the CRC should be (Sigma's nick.fit)
    assert len(parse_fit(bytes(stale))) == 3
    # the same damage in a file that has its session is corruption
    closed = bytearray(fit_file(*_records_body(), definition(6, 18, SESSION_LAYOUT), _session(6, 1, 0)))
    closed[-2:] = b"\x40\x00"
    with pytest.raises(ActivityFileError, match="CRC mismatch"):
        parse_fit(bytes(closed))


def test_undefined_local_message_stops_decoding_but_keeps_what_was_read() -> None:
    body = _records_body()
    data = fit_file(*body, message(7, b"\x01\x02\x03"), message(0, struct.pack("<IB", T0 + 9, 109)))
    assert parse_fit(data).heartrate.tolist() == [100.0, 101.0, 102.0]


def test_junk_after_a_complete_file_is_ignored() -> None:
    assert len(parse_fit(fit_file(*_records_body()) + b"\0" * 100 + b"junk")) == 3


def test_limits_stop_hostile_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fit_module, "MAX_DEFINITIONS", 5)
    layout = definition(0, 20, [(253, 4, UINT32), (3, 1, UINT8)])
    with pytest.raises(ActivityFileError, match="too many"):
        parse_fit(fit_file(*[layout] * 6))
    monkeypatch.setattr(fit_module, "MAX_MESSAGES", 100)
    monkeypatch.setattr(fit_module, "_WINDOW", 64)
    empty = definition(1, 20, [])
    with pytest.raises(ActivityFileError, match="too many"):
        parse_fit(fit_file(empty, b"\x01" * 500))


def test_fit_crc_matches_the_bitwise_reference() -> None:
    rng = np.random.default_rng(7)
    for size in (0, 1, 13, 4095, 4096, 32766, 32767, 32768, 70001):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        assert fit_crc(data) == _crc(data), size


# --- fuzzing ---------------------------------------------------------------------------------------------------

FUZZ_SOURCES = [
    "fit/fitparse_compressed-speed-distance.fit",
    "fit/gpsbabel_garmin-forerunner-10.fit",
    "fit/fittrackee_apple_watch.fit",
    "fit/fitparse_sample-multiple-header-chained.fit",
    "fit/tormoder_unterminated-strings.fit",
]


def _mutations(rng: np.random.Generator, data: bytes) -> list[bytes]:
    out = []
    for _ in range(25):
        out.append(data[: int(rng.integers(0, len(data)))])  # truncation
        flipped = bytearray(data)
        for at in rng.integers(0, len(data), int(rng.integers(1, 4))):  # bit flips
            flipped[at] ^= 1 << int(rng.integers(0, 8))
        out.append(bytes(flipped))
        # flips without the CRC to stop them: exercise the decoder itself
        unguarded = bytearray(flipped)
        unguarded[-2:] = b"\0\0"
        unguarded[0] = 12
        out.append(bytes(unguarded))
    out.append(rng.integers(0, 256, int(rng.integers(0, 5000)), dtype=np.uint8).tobytes())
    out.append(data[:14] + rng.integers(0, 256, len(data) - 14, dtype=np.uint8).tobytes())
    return out


def test_fuzz_only_ever_gives_an_activity_or_an_activity_file_error() -> None:
    rng = np.random.default_rng(2024)
    cases = [m for source in FUZZ_SOURCES for m in _mutations(rng, (CORPUS / source).read_bytes())]
    assert len(cases) > 300
    started = time.perf_counter()
    outcomes = {"parsed": 0, "rejected": 0}
    for case in cases:
        try:
            assert isinstance(parse_fit(case), ParsedActivity)
            outcomes["parsed"] += 1
        except ActivityFileError as error:
            assert error.message
            outcomes["rejected"] += 1
    assert time.perf_counter() - started < 20
    assert outcomes["parsed"] and outcomes["rejected"]
