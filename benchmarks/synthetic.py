"""Synthetic activity files for the pipeline benchmark: one simulated ride, written as FIT and as GPX 1.1.

The ride (``simulate``): 1 Hz samples at about 8 m/s with slow speed variation, one hill (slower and harder
up, coasting down) on gentle rolling terrain, a slowly wandering heading, GPS noise (a few metres,
correlated over seconds as receivers are), barometric altitude noise, heart rate lagging power, a cadence
that drops to 0 when coasting, and a 5-minute stop half-way (the timer is stopped: no samples). Everything
comes from one seeded generator, so a given (n, seed, start) always gives the same bytes.

FIT (``fit_activity``): what a bike computer writes. A 14-byte header with its CRC, then file_id, a timer
start event, the record messages (one definition, fixed-size: timestamp, position, altitude and
enhanced_altitude, heart rate, cadence, distance, speed, power), an auto-lap message every 10 km written
where it happens, a timer stop/start event pair at the stop, a final stop_all event, the last lap, a session
with the ride's totals and an activity message; then the file CRC (CRC-16 as the FIT SDK defines it: the
reflected 0x8005 polynomial, zero start, over the header and the data). The encoder is written here from
the format description (record headers, definition messages, base types, the global profile numbers).
``SyntheticFit.record_blocks`` gives the byte ranges of the runs of consecutive record messages, so the
benchmark's decode floor can read them with one ``np.frombuffer`` each.

GPX (``gpx_activity``): GPX 1.1 as Garmin devices and Strava exports write it: ``trkpt`` with ``ele``,
``time``, ``<power>`` and the Garmin TrackPointExtension ``hr`` and ``cad``; a new ``trkseg`` after the stop.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SIZES = (1_000, 10_000, 100_000)
DEFAULT_SEED = 20240601
DEFAULT_START = 1_717_225_200  # 2024-06-01T07:00:00Z
START_LAT, START_LON = 45.8992, 6.1294  # Annecy: a real place, so the timezone lookup has work to do
PAUSE_S = 300  # the stop half-way, timer stopped
AUTO_LAP_M = 10_000.0

# ---------------------------------------------------------------------------------------------- the ride

EARTH_RADIUS_M = 6_371_000.0
MASS_KG, CRR, CDA, RHO, DRIVETRAIN = 80.0, 0.004, 0.32, 1.2, 0.97
G = 9.81


@dataclass(frozen=True)
class Ride:
    """One simulated ride as the device recorded it, one row per second of timer time."""

    time: IntArray  # Unix seconds
    lat: FloatArray  # degrees, with GPS noise
    lon: FloatArray
    altitude: FloatArray  # metres, barometric (noisy)
    true_altitude: FloatArray  # metres, the road (for the device's ascent totals)
    heartrate: IntArray
    cadence: IntArray
    distance: FloatArray  # metres, cumulative (wheel sensor)
    speed: FloatArray  # m/s (wheel sensor)
    power: IntArray  # W
    pause_index: int  # first sample after the stop; the timer was stopped from time[i - 1] to time[i]
    lap_ends: tuple[int, ...]  # index of the last sample of each lap (the last one is n - 1)

    def __len__(self) -> int:
        return int(self.time.shape[0])


def _smooth_noise(rng: np.random.Generator, n: int, sd: float, correlation: float) -> FloatArray:
    """AR(1) noise with stationary standard deviation ``sd`` (each sample keeps ``correlation`` of the last)."""
    shocks = rng.normal(0.0, sd * np.sqrt(1.0 - correlation**2), n)
    shocks[0] = rng.normal(0.0, sd)
    # x[i] = c x[i-1] + e[i], solved in blocks so that it stays vectorised (c**k underflows gracefully)
    out = np.empty(n)
    block = 256
    powers = correlation ** np.arange(block)
    carry = 0.0
    for first in range(0, n, block):
        e = shocks[first : first + block]
        k = e.shape[0]
        # x[first + j] = c^(j+1) carry + sum_{i<=j} c^(j-i) e[i]
        scaled = e / powers[:k]
        out[first : first + k] = powers[:k] * np.cumsum(scaled) + carry * powers[:k] * correlation
        carry = out[first + k - 1]
    return out


def _hill(distance: FloatArray, total: float) -> FloatArray:
    """The road's altitude: one hill centred at 35 % of the ride on rolling terrain (at most ~6 % grade)."""
    sigma = max(800.0, 0.08 * total)
    height = min(400.0, 0.1 * sigma)
    rolling = 8.0 * np.sin(2 * np.pi * distance / 3_000.0) + 3.0 * np.sin(2 * np.pi * distance / 1_100.0)
    return 300.0 + height * np.exp(-0.5 * ((distance - 0.35 * total) / sigma) ** 2) + rolling


def _lag(values: FloatArray, seconds: float) -> FloatArray:
    """First-order lag (heart rate following effort), as an exponential moving average."""
    alpha = 1.0 / seconds
    kernel = alpha * (1 - alpha) ** np.arange(int(seconds * 6))
    kernel /= kernel.sum()
    padded = np.concatenate((np.full(kernel.size - 1, values[0]), values))
    return np.convolve(padded, kernel, mode="valid")


@cache
def simulate(n: int, seed: int = DEFAULT_SEED, start: int = DEFAULT_START) -> Ride:
    """A plausible ``n``-second ride (see the module docstring). Cached: the arrays must not be modified."""
    if n < 4:
        raise ValueError("a ride needs at least 4 samples")
    rng = np.random.default_rng(seed)
    pause_index = n // 2
    time = start + np.arange(n, dtype=np.int64)
    time[pause_index:] += PAUSE_S
    moved = np.ones(n)  # seconds of riding before each sample
    moved[0] = 0.0

    base_speed = 8.0 + _smooth_noise(rng, n, 0.8, 0.985)
    planned = np.cumsum(base_speed * moved)
    total = float(planned[-1])
    grade = np.gradient(_hill(planned, total), planned)
    speed = np.clip(base_speed - 30.0 * grade, 2.5, 16.0)  # 5 % costs 1.5 m/s, descents run faster
    distance = np.cumsum(speed * moved)
    true_altitude = _hill(distance, total)
    grade = np.gradient(true_altitude, distance)

    # power from the speed on the road: rolling resistance, air, gravity; coasting where it goes negative
    accel = np.gradient(speed)
    resist = MASS_KG * G * (CRR + grade) + 0.5 * RHO * CDA * speed**2 + MASS_KG * 0.5 * accel
    watts = np.clip(resist * speed / DRIVETRAIN + rng.normal(0.0, 12.0, n), 0.0, None)
    watts[watts < 25.0] = 0.0
    power = np.rint(watts).astype(np.int64)
    cadence = np.where(power > 0, np.rint(86.0 + 4.0 * (speed - 8.0) / 8.0 + rng.normal(0.0, 3.0, n)), 0)
    cadence = np.clip(cadence, 0, 140).astype(np.int64)
    drift = 6.0 * np.arange(n) / n  # cardiac drift over the ride
    heart = 100.0 + 0.2 * _lag(watts, 30.0) + drift + _smooth_noise(rng, n, 1.5, 0.9)
    heartrate = np.clip(np.rint(heart), 60, 200).astype(np.int64)

    # track: heading wanders a few degrees a second; positions integrate the distance ridden
    heading = np.deg2rad(40.0) + np.cumsum(_smooth_noise(rng, n, np.deg2rad(1.2), 0.97))
    step = np.diff(distance, prepend=0.0)
    north = np.cumsum(step * np.cos(heading))
    east = np.cumsum(step * np.sin(heading))
    gps_north = north + _smooth_noise(rng, n, 2.5, 0.95)
    gps_east = east + _smooth_noise(rng, n, 2.5, 0.95)
    lat = START_LAT + np.rad2deg(gps_north / EARTH_RADIUS_M)
    lon = START_LON + np.rad2deg(gps_east / (EARTH_RADIUS_M * np.cos(np.deg2rad(lat))))
    altitude = true_altitude + _smooth_noise(rng, n, 0.4, 0.98)

    laps_done = np.floor(distance / AUTO_LAP_M)
    lap_ends = [int(i) - 1 for i in np.flatnonzero(np.diff(laps_done) > 0) + 1 if 0 < int(i) - 1 < n - 1]
    return Ride(
        time=time,
        lat=lat,
        lon=lon,
        altitude=altitude,
        true_altitude=true_altitude,
        heartrate=heartrate,
        cadence=cadence,
        distance=distance,
        speed=np.clip(speed + rng.normal(0.0, 0.05, n), 0.0, None),
        power=power,
        pause_index=pause_index,
        lap_ends=(*lap_ends, n - 1),
    )


# ------------------------------------------------------------------------------------------------ FIT

FIT_EPOCH = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds
SEMICIRCLES_PER_DEGREE = 2**31 / 180.0
PROTOCOL_VERSION = 0x20  # 2.0
PROFILE_VERSION = 2_132  # 21.32
HEADER_SIZE = 14


@dataclass(frozen=True)
class _Base:
    code: int  # the base type byte of a field definition
    fmt: str  # struct format, little-endian
    numpy: str  # the same as a numpy type
    invalid: int


_BASE = {
    "enum": _Base(0x00, "<B", "u1", 0xFF),
    "uint8": _Base(0x02, "<B", "u1", 0xFF),
    "uint16": _Base(0x84, "<H", "<u2", 0xFFFF),
    "sint32": _Base(0x85, "<i", "<i4", 0x7FFFFFFF),
    "uint32": _Base(0x86, "<I", "<u4", 0xFFFFFFFF),
    "uint32z": _Base(0x8C, "<I", "<u4", 0x00000000),
}

# Global message numbers and the local types this writer gives them.
MESG_FILE_ID, MESG_SESSION, MESG_LAP, MESG_RECORD, MESG_EVENT, MESG_ACTIVITY = 0, 18, 19, 20, 21, 34
_LOCAL = {MESG_FILE_ID: 0, MESG_EVENT: 1, MESG_RECORD: 2, MESG_LAP: 3, MESG_SESSION: 4, MESG_ACTIVITY: 5}
EVENT_TIMER, EVENT_SESSION, EVENT_LAP, EVENT_ACTIVITY = 0, 8, 9, 26
EVENT_TYPE_START, EVENT_TYPE_STOP, EVENT_TYPE_STOP_ALL = 0, 1, 4
SPORT_CYCLING, SUB_SPORT_ROAD = 2, 7
LAP_TRIGGER_DISTANCE, LAP_TRIGGER_SESSION_END = 2, 7
MANUFACTURER_DEVELOPMENT = 255
TIMESTAMP = 253
MESSAGE_INDEX = 254

# The record message: (field number, name, base type). Its numpy layout (with the header byte) is RECORD_DTYPE.
RECORD_FIELDS: tuple[tuple[int, str, str], ...] = (
    (TIMESTAMP, "timestamp", "uint32"),
    (0, "position_lat", "sint32"),
    (1, "position_long", "sint32"),
    (2, "altitude", "uint16"),  # (m + 500) * 5
    (78, "enhanced_altitude", "uint32"),  # (m + 500) * 5
    (3, "heart_rate", "uint8"),
    (4, "cadence", "uint8"),
    (5, "distance", "uint32"),  # m * 100
    (6, "speed", "uint16"),  # m/s * 1000
    (7, "power", "uint16"),
)
RECORD_DTYPE = np.dtype([("header", "u1"), *((name, _BASE[kind].numpy) for _, name, kind in RECORD_FIELDS)])


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def fit_crc16(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """CRC-16 of the FIT SDK (reflected polynomial 0x8005, i.e. CRC-16/ARC), continuing from ``crc``."""
    table = _CRC_TABLE
    for byte in bytes(data):
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


@dataclass
class SyntheticFit:
    data: bytes
    records: int
    record_blocks: list[tuple[int, int]] = field(default_factory=list)  # (file offset, record count)
    record_dtype: np.dtype[np.void] = RECORD_DTYPE


class _FitWriter:
    """Messages into the data section; a local type is (re)defined whenever its layout changes."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.layouts: dict[int, tuple[int, tuple[tuple[int, str], ...]]] = {}

    def _emit(self, chunk: bytes) -> None:
        self.parts.append(chunk)
        self.size += len(chunk)

    def define(self, global_num: int, layout: tuple[tuple[int, str], ...]) -> int:
        local = _LOCAL[global_num]
        if self.layouts.get(local) != (global_num, layout):
            fields = b"".join(
                struct.pack("<BBB", num, struct.calcsize(_BASE[kind].fmt), _BASE[kind].code) for num, kind in layout
            )
            # header (definition, local type), reserved, architecture 0 (little-endian), global number, fields
            self._emit(struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(layout)) + fields)
            self.layouts[local] = (global_num, layout)
        return local

    def message(self, global_num: int, values: Sequence[tuple[int, str, float | int | None]]) -> None:
        local = self.define(global_num, tuple((num, kind) for num, kind, _ in values))
        body = b"".join(
            struct.pack(_BASE[kind].fmt, _BASE[kind].invalid if value is None else round(value))
            for _, kind, value in values
        )
        self._emit(bytes([local]) + body)

    def records(self, rows: npt.NDArray[np.void]) -> tuple[int, int]:
        """A run of record messages, already laid out; returns (offset in the data section, count)."""
        self.define(MESG_RECORD, tuple((num, kind) for num, _, kind in RECORD_FIELDS))
        offset = self.size
        self._emit(rows.tobytes())
        return offset, int(rows.shape[0])

    def file(self) -> bytes:
        data = b"".join(self.parts)
        header = struct.pack("<BBHI4s", HEADER_SIZE, PROTOCOL_VERSION, PROFILE_VERSION, len(data), b".FIT")
        header += struct.pack("<H", fit_crc16(header))
        crc = fit_crc16(data, fit_crc16(header))
        return header + data + struct.pack("<H", crc)


def _fit_time(unix: float) -> int:
    return int(unix) - FIT_EPOCH


def _semicircles(degrees: float | FloatArray) -> npt.NDArray[np.int64]:
    return np.rint(np.asarray(degrees) * SEMICIRCLES_PER_DEGREE).astype(np.int64)


def _record_rows(ride: Ride) -> npt.NDArray[np.void]:
    rows = np.zeros(len(ride), dtype=RECORD_DTYPE)
    rows["header"] = _LOCAL[MESG_RECORD]
    rows["timestamp"] = ride.time - FIT_EPOCH
    rows["position_lat"] = _semicircles(ride.lat)
    rows["position_long"] = _semicircles(ride.lon)
    scaled_altitude = np.rint((ride.altitude + 500.0) * 5.0)
    rows["altitude"] = scaled_altitude
    rows["enhanced_altitude"] = scaled_altitude
    rows["heart_rate"] = ride.heartrate
    rows["cadence"] = ride.cadence
    rows["distance"] = np.rint(ride.distance * 100.0)
    rows["speed"] = np.rint(ride.speed * 1000.0)
    rows["power"] = ride.power
    return rows


@dataclass(frozen=True)
class Totals:
    """What a device sums up for a lap or a session, over samples ``first..last`` (inclusive)."""

    start_time: int
    end_time: int
    elapsed_s: float
    timer_s: float
    distance_m: float
    ascent_m: float
    descent_m: float
    avg_speed: float
    max_speed: float
    avg_hr: float
    max_hr: float
    avg_cadence: float
    max_cadence: float
    avg_power: float
    max_power: float
    kcal: float
    start_lat: float
    start_lon: float
    end_lat: float
    end_lon: float


def totals(ride: Ride, first: int, last: int, start_time: int | None = None) -> Totals:
    start = int(ride.time[first]) if start_time is None else start_time
    end = int(ride.time[last])
    elapsed = float(end - start)
    paused = PAUSE_S if start < ride.time[ride.pause_index] and end >= ride.time[ride.pause_index] else 0
    timer = elapsed - paused
    span = slice(first, last + 1)
    climb = np.diff(ride.true_altitude[span])
    cadence = ride.cadence[span]
    distance = float(ride.distance[last] - (ride.distance[first - 1] if first > 0 else ride.distance[0]))
    return Totals(
        start_time=start,
        end_time=end,
        elapsed_s=elapsed,
        timer_s=timer,
        distance_m=distance,
        ascent_m=float(climb[climb > 0].sum()),
        descent_m=float(-climb[climb < 0].sum()),
        avg_speed=distance / timer if timer > 0 else 0.0,
        max_speed=float(ride.speed[span].max()),
        avg_hr=float(ride.heartrate[span].mean()),
        max_hr=float(ride.heartrate[span].max()),
        avg_cadence=float(cadence[cadence > 0].mean()) if (cadence > 0).any() else 0.0,
        max_cadence=float(cadence.max()),
        avg_power=float(ride.power[span].mean()),
        max_power=float(ride.power[span].max()),
        kcal=float(ride.power[span].sum()) / 1000.0,  # cycling: 1 kJ of work is about 1 kcal burned
        start_lat=float(ride.lat[first]),
        start_lon=float(ride.lon[first]),
        end_lat=float(ride.lat[last]),
        end_lon=float(ride.lon[last]),
    )


def _lap_values(totals_: Totals, index: int, trigger: int) -> list[tuple[int, str, float | int | None]]:
    return [
        (TIMESTAMP, "uint32", _fit_time(totals_.end_time)),
        (MESSAGE_INDEX, "uint16", index),
        (0, "enum", EVENT_LAP),
        (1, "enum", EVENT_TYPE_STOP),
        (2, "uint32", _fit_time(totals_.start_time)),
        (3, "sint32", int(_semicircles(totals_.start_lat))),
        (4, "sint32", int(_semicircles(totals_.start_lon))),
        (5, "sint32", int(_semicircles(totals_.end_lat))),
        (6, "sint32", int(_semicircles(totals_.end_lon))),
        (7, "uint32", totals_.elapsed_s * 1000),
        (8, "uint32", totals_.timer_s * 1000),
        (9, "uint32", totals_.distance_m * 100),
        (11, "uint16", totals_.kcal),
        (13, "uint16", totals_.avg_speed * 1000),
        (14, "uint16", totals_.max_speed * 1000),
        (15, "uint8", totals_.avg_hr),
        (16, "uint8", totals_.max_hr),
        (17, "uint8", totals_.avg_cadence),
        (18, "uint8", totals_.max_cadence),
        (19, "uint16", totals_.avg_power),
        (20, "uint16", totals_.max_power),
        (21, "uint16", totals_.ascent_m),
        (22, "uint16", totals_.descent_m),
        (24, "enum", trigger),
        (25, "enum", SPORT_CYCLING),
    ]


def _session_values(whole: Totals, laps: int) -> list[tuple[int, str, float | int | None]]:
    return [
        (TIMESTAMP, "uint32", _fit_time(whole.end_time)),
        (MESSAGE_INDEX, "uint16", 0),
        (0, "enum", EVENT_SESSION),
        (1, "enum", EVENT_TYPE_STOP),
        (2, "uint32", _fit_time(whole.start_time)),
        (3, "sint32", int(_semicircles(whole.start_lat))),
        (4, "sint32", int(_semicircles(whole.start_lon))),
        (5, "enum", SPORT_CYCLING),
        (6, "enum", SUB_SPORT_ROAD),
        (7, "uint32", whole.elapsed_s * 1000),
        (8, "uint32", whole.timer_s * 1000),
        (9, "uint32", whole.distance_m * 100),
        (11, "uint16", whole.kcal),
        (14, "uint16", whole.avg_speed * 1000),
        (15, "uint16", whole.max_speed * 1000),
        (16, "uint8", whole.avg_hr),
        (17, "uint8", whole.max_hr),
        (18, "uint8", whole.avg_cadence),
        (19, "uint8", whole.max_cadence),
        (20, "uint16", whole.avg_power),
        (21, "uint16", whole.max_power),
        (22, "uint16", whole.ascent_m),
        (23, "uint16", whole.descent_m),
        (25, "uint16", 0),  # first_lap_index
        (26, "uint16", laps),  # num_laps
        (28, "enum", 0),  # trigger: activity_end
    ]


def _event(writer: _FitWriter, when: int, event: int, event_type: int) -> None:
    writer.message(
        MESG_EVENT,
        [(TIMESTAMP, "uint32", _fit_time(when)), (0, "enum", event), (1, "enum", event_type), (4, "uint8", 0)],
    )


def fit_activity(n: int, seed: int = DEFAULT_SEED, start: int = DEFAULT_START) -> SyntheticFit:
    """The ride of ``n`` samples as a FIT activity file (see the module docstring for the message order)."""
    ride = simulate(n, seed, start)
    rows = _record_rows(ride)
    writer = _FitWriter()
    writer.message(
        MESG_FILE_ID,
        [
            (0, "enum", 4),  # type: activity
            (1, "uint16", MANUFACTURER_DEVELOPMENT),
            (2, "uint16", 1),  # product
            (3, "uint32z", 3_141_592),  # serial number
            (4, "uint32", _fit_time(int(ride.time[0]))),  # time_created
        ],
    )
    _event(writer, int(ride.time[0]), EVENT_TIMER, EVENT_TYPE_START)
    blocks: list[tuple[int, int]] = []
    lap_start, lap_first = int(ride.time[0]), 0
    boundaries = sorted({*ride.lap_ends, ride.pause_index - 1})
    first = 0
    for last in boundaries:
        blocks.append(writer.records(rows[first : last + 1]))
        first = last + 1
        if last == ride.pause_index - 1:
            _event(writer, int(ride.time[last]), EVENT_TIMER, EVENT_TYPE_STOP)
            _event(writer, int(ride.time[last + 1]), EVENT_TIMER, EVENT_TYPE_START)
        if last in ride.lap_ends:
            index = ride.lap_ends.index(last)
            if last == n - 1:
                _event(writer, int(ride.time[last]), EVENT_TIMER, EVENT_TYPE_STOP_ALL)
            trigger = LAP_TRIGGER_SESSION_END if last == n - 1 else LAP_TRIGGER_DISTANCE
            writer.message(MESG_LAP, _lap_values(totals(ride, lap_first, last, lap_start), index, trigger))
            lap_start, lap_first = int(ride.time[last]), last + 1
    whole = totals(ride, 0, n - 1)
    writer.message(MESG_SESSION, _session_values(whole, len(ride.lap_ends)))
    writer.message(
        MESG_ACTIVITY,
        [
            (TIMESTAMP, "uint32", _fit_time(whole.end_time)),
            (0, "uint32", whole.timer_s * 1000),
            (1, "uint16", 1),  # num_sessions
            (2, "enum", 0),  # type: manual
            (3, "enum", EVENT_ACTIVITY),
            (4, "enum", EVENT_TYPE_STOP),
            (5, "uint32", _fit_time(whole.end_time) + 7_200),  # local time: CEST
        ],
    )
    data = writer.file()
    return SyntheticFit(
        data=data,
        records=n,
        record_blocks=[(HEADER_SIZE + offset, count) for offset, count in blocks if count],
    )


# ------------------------------------------------------------------------------------------------ GPX

GPX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<gpx version="1.1" creator="Stride synthetic ride" xmlns="http://www.topografix.com/GPX/1/1"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
    ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd'
    " http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
    ' http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd">\n'
)
TRKPT = (
    '<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>{ele:.1f}</ele><time>{time}Z</time><extensions>'
    "<power>{power}</power><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>{cad}</gpxtpx:cad>"
    "</gpxtpx:TrackPointExtension></extensions></trkpt>\n"
)


def gpx_activity(n: int, seed: int = DEFAULT_SEED, start: int = DEFAULT_START) -> bytes:
    """The ride of ``n`` samples as GPX 1.1 (UTF-8 bytes); the stop splits the track into two segments."""
    ride = simulate(n, seed, start)
    times = np.datetime_as_string(ride.time.astype("datetime64[s]"), unit="s")
    points = [
        TRKPT.format(lat=lat, lon=lon, ele=ele, time=time, power=power, hr=hr, cad=cad)
        for lat, lon, ele, time, power, hr, cad in zip(
            ride.lat.tolist(),
            ride.lon.tolist(),
            ride.altitude.tolist(),
            times.tolist(),
            ride.power.tolist(),
            ride.heartrate.tolist(),
            ride.cadence.tolist(),
            strict=True,
        )
    ]
    first = str(times[0])
    parts = [
        GPX_HEAD,
        f"<metadata><time>{first}Z</time></metadata>\n",
        "<trk><name>Synthetic ride</name><type>cycling</type>\n<trkseg>\n",
        *points[: ride.pause_index],
        "</trkseg>\n<trkseg>\n",
        *points[ride.pause_index :],
        "</trkseg>\n</trk>\n</gpx>\n",
    ]
    return "".join(parts).encode()
