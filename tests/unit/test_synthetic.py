"""The benchmark's synthetic rides are honest inputs: other decoders read them back as written."""

from __future__ import annotations

from io import BytesIO

import fitdecode
import gpxpy
import numpy as np
import pytest

from benchmarks import synthetic

N = 1_000


def _frames(data: bytes) -> list[object]:
    with fitdecode.FitReader(BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
        return list(reader)


def test_the_fit_file_decodes_with_fitdecode_with_every_record_and_a_matching_crc() -> None:
    fit = synthetic.fit_activity(N)
    frames = _frames(fit.data)
    messages = [f for f in frames if isinstance(f, fitdecode.FitDataMessage)]
    records = [m for m in messages if m.name == "record"]
    crcs = [f for f in frames if isinstance(f, fitdecode.FitCRC)]
    header = next(f for f in frames if isinstance(f, fitdecode.FitHeader))
    assert len(records) == N
    assert header.crc_matched and len(crcs) == 1 and crcs[0].matched
    assert crcs[0].crc == int.from_bytes(fit.data[-2:], "little") == synthetic.fit_crc16(fit.data[:-2])
    # one timer stop/start pair mid-way, plus the start and the final stop_all
    timer = [(m.get_value("event_type")) for m in messages if m.name == "event" and m.get_value("event") == "timer"]
    assert timer == ["start", "stop", "start", "stop_all"]
    ride = synthetic.simulate(N)
    first = records[0]
    assert first.get_value("heart_rate") == ride.heartrate[0] and first.get_value("power") == ride.power[0]
    assert first.get_value("enhanced_altitude") == pytest.approx(ride.altitude[0], abs=0.1)
    session = next(m for m in messages if m.name == "session")
    assert session.get_value("total_distance") == pytest.approx(ride.distance[-1], abs=0.01)
    assert session.get_value("total_timer_time") == pytest.approx(N - 1)


def test_the_record_blocks_are_where_the_floor_reads_them() -> None:
    fit = synthetic.fit_activity(N)
    rows = np.concatenate([np.frombuffer(fit.data, fit.record_dtype, n, offset) for offset, n in fit.record_blocks])
    ride = synthetic.simulate(N)
    assert rows.shape == (N,) and (rows["header"] == rows["header"][0]).all()
    assert (rows["timestamp"].astype(np.int64) + synthetic.FIT_EPOCH == ride.time).all()


def test_a_corrupted_byte_fails_the_crc() -> None:
    data = bytearray(synthetic.fit_activity(N).data)
    data[len(data) // 2] ^= 0x01
    with pytest.raises(fitdecode.FitCRCError):
        _frames(bytes(data))


def test_the_gpx_parses_with_gpxpy_with_every_point() -> None:
    text = synthetic.gpx_activity(N).decode()
    gpx = gpxpy.parse(text)
    points = [p for track in gpx.tracks for segment in track.segments for p in segment.points]
    assert len(points) == N and len(gpx.tracks[0].segments) == 2  # the stop starts a new segment
    ride = synthetic.simulate(N)
    assert points[0].latitude == pytest.approx(ride.lat[0], abs=1e-7)
    assert points[-1].elevation == pytest.approx(ride.altitude[-1], abs=0.05)
    power, extension = points[0].extensions
    assert power.tag.endswith("power") and int(power.text) == ride.power[0]
    assert [int(child.text) for child in extension] == [ride.heartrate[0], ride.cadence[0]]


def test_the_files_are_deterministic_and_differ_by_start() -> None:
    assert synthetic.fit_activity(N).data == synthetic.fit_activity(N).data
    assert synthetic.fit_activity(N).data != synthetic.fit_activity(N, start=synthetic.DEFAULT_START + 86_400).data
    assert synthetic.gpx_activity(N) == synthetic.gpx_activity(N)
