"""The stored streams format: lossless at its fixed-point precision, missing samples kept, columns apart."""

import numpy as np
import pytest

from stride.activities import streams_codec


def _streams(n: int = 500) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(7)
    hr = 120 + rng.integers(0, 40, n).astype(float)
    hr[10:20] = np.nan
    return {
        "time": np.arange(n, dtype=float),
        "latlng": np.c_[46.05 + np.cumsum(rng.normal(0, 1e-5, n)), 14.5 + np.cumsum(rng.normal(0, 1e-5, n))],
        "distance": np.cumsum(rng.uniform(2, 4, n)),
        "altitude": 300 + np.cumsum(rng.normal(0, 0.2, n)),
        "heartrate": hr,
        "moving": rng.uniform(size=n) > 0.1,
        "grade_smooth": rng.normal(0, 3, n),
    }


def test_round_trip_at_stored_precision() -> None:
    # Given streams with a gap in heart rate
    streams = _streams()
    # When they are encoded and decoded
    n, decoded = streams_codec.decode(streams_codec.encode(streams))
    # Then every value comes back to its fixed-point precision, gaps as None
    assert n == 500
    assert decoded["time"] == list(range(500))
    assert decoded["heartrate"][10:20] == [None] * 10 and decoded["heartrate"][0] == streams["heartrate"][0]
    assert np.allclose(np.array(decoded["latlng"]), streams["latlng"], atol=1e-7)
    assert np.allclose(decoded["distance"], streams["distance"], atol=0.05)
    assert np.allclose(decoded["altitude"], streams["altitude"], atol=0.05)
    assert decoded["moving"] == streams["moving"].tolist()
    assert streams_codec.stored_types(streams_codec.encode(streams)) == [
        "time", "latlng", "distance", "altitude", "heartrate", "moving", "grade_smooth"
    ]  # fmt: skip


def test_only_requested_types_are_decoded() -> None:
    blob = streams_codec.encode(_streams())
    _, decoded = streams_codec.decode(blob, {"latlng", "time"})
    assert set(decoded) == {"latlng", "time"}


def test_it_is_smaller_than_the_raw_numbers() -> None:
    streams = _streams(10_000)
    raw = sum(v.nbytes for v in streams.values())
    assert len(streams_codec.encode(streams)) < raw / 3


def test_corrupt_objects_are_reported() -> None:
    with pytest.raises(streams_codec.CorruptStreamsError):
        streams_codec.decode(b"not streams")
    blob = bytearray(streams_codec.encode(_streams()))
    blob[-40:] = b"\0" * 40
    with pytest.raises(streams_codec.CorruptStreamsError):
        streams_codec.decode(bytes(blob))


def test_streams_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        streams_codec.encode({"time": np.arange(3.0), "heartrate": np.arange(4.0)})


def test_a_jump_across_the_antimeridian_still_round_trips() -> None:
    # Given longitudes whose fixed-point delta does not fit 4 bytes
    streams = {"time": np.arange(3.0), "latlng": np.array([[0.0, -179.9], [0.0, 179.9], [0.0, -179.9]])}
    # Then the column is stored with 8-byte deltas and comes back exactly
    _, decoded = streams_codec.decode(streams_codec.encode(streams))
    assert decoded["latlng"] == [[0.0, -179.9], [0.0, 179.9], [0.0, -179.9]]
