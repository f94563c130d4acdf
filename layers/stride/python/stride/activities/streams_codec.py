"""The stored form of an activity's streams: columnar, fixed-point, delta-encoded, compressed.

Layout: ``b"STRM1\\n"``, a 4-byte little-endian header length, a JSON header, then for each column a
zlib block of little-endian int32 deltas (int64 where one does not fit; the header says which) of
``round(value * scale)``. A column with missing samples has a second zlib block: one byte per sample,
1 where the value is present (deltas cover present samples only). Deltas of fixed-point GPS, time and
distance are small and repetitive, so zlib shrinks them well (see ``make bench``). Columns decode
independently, so a request for two streams does not inflate eleven.

Encoding uses numpy (the upload processor has it loaded); decoding is stdlib only, because API
functions must not pay numpy's import time on a cold start.
"""

from __future__ import annotations

import json
import struct
import sys
import zlib
from array import array
from itertools import accumulate, compress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

MAGIC = b"STRM1\n"
# Fixed-point scale per stored column: the precision Strava's streams carry.
SCALES = {
    "time": 1,
    "lat": 10_000_000,
    "lng": 10_000_000,
    "distance": 10,
    "altitude": 10,
    "velocity_smooth": 1000,
    "heartrate": 1,
    "cadence": 1,
    "watts": 1,
    "temp": 1,
    "moving": 1,
    "grade_smooth": 10,
}
INTEGER_STREAMS = frozenset({"time", "heartrate", "cadence", "watts", "temp"})
STREAM_TYPES = (
    "time",
    "latlng",
    "distance",
    "altitude",
    "velocity_smooth",
    "heartrate",
    "cadence",
    "watts",
    "temp",
    "moving",
    "grade_smooth",
)


# array type codes of 4- and 8-byte signed integers (C int and long long on every platform Lambda runs)
_ARRAY_CODES = {4: "i", 8: "q"}


class CorruptStreamsError(ValueError):
    """A stored streams object does not decode (never the athlete's fault: an infrastructure error)."""


def encode(streams: dict[str, npt.NDArray[Any]]) -> bytes:
    """Encode Strava-typed streams (``latlng`` is n x 2) into the stored form."""
    import numpy as np

    columns: dict[str, npt.NDArray[np.float64]] = {}
    for name, values in streams.items():
        if name == "latlng":
            columns["lat"] = np.asarray(values[:, 0], dtype=np.float64)
            columns["lng"] = np.asarray(values[:, 1], dtype=np.float64)
        elif name in SCALES:
            columns[name] = np.asarray(values, dtype=np.float64)
    lengths = {len(values) for values in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"streams differ in length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    header: dict[str, Any] = {"n": n, "columns": []}
    blocks: list[bytes] = []
    for name, values in columns.items():
        present = np.isfinite(values)
        fixed = np.round(values[present] * SCALES[name]).astype(np.int64)
        deltas = np.diff(fixed, prepend=np.int64(0))
        # 4-byte deltas whenever they fit (always, short of a jump across the antimeridian): half the bytes
        # to compress. Level 1: five times faster than 6 for ~10 % more bytes (make bench, pipeline).
        width = 4 if deltas.size == 0 or int(np.abs(deltas).max()) < 2**31 else 8
        data = zlib.compress(deltas.astype(f"<i{width}").tobytes(), 1)
        mask = b"" if present.all() else zlib.compress(present.astype(np.uint8).tobytes(), 1)
        header["columns"].append({"name": name, "data": len(data), "mask": len(mask), "width": width})
        blocks += [data, mask]
    head = json.dumps(header, separators=(",", ":")).encode()
    return b"".join([MAGIC, struct.pack("<I", len(head)), head, *blocks])


def stored_types(blob: bytes) -> list[str]:
    """The Strava stream types a stored object holds."""
    names = {column["name"] for column in _header(blob)[0]["columns"]}
    return [t for t in STREAM_TYPES if (t == "latlng" and "lat" in names) or t in names]


def decode(blob: bytes, types: set[str] | None = None) -> tuple[int, dict[str, list[Any]]]:
    """Decode the requested stream types (all when None): (sample count, {type: values}).

    Missing samples are None; ``latlng`` is a list of [lat, lng] pairs; ``moving`` is booleans.
    """
    header, offset = _header(blob)
    n = int(header["n"])
    wanted_columns = (
        None
        if types is None
        else {("lat" if t == "latlng" else t) for t in types} | ({"lng"} if "latlng" in types else set())
    )
    columns: dict[str, list[Any]] = {}
    for column in header["columns"]:
        name, data_len, mask_len = column["name"], int(column["data"]), int(column["mask"])
        width = int(column.get("width", 8))
        data, mask = blob[offset : offset + data_len], blob[offset + data_len : offset + data_len + mask_len]
        offset += data_len + mask_len
        if wanted_columns is not None and name not in wanted_columns:
            continue
        columns[name] = _decode_column(name, data, mask, n, width)
    result: dict[str, list[Any]] = {}
    if "lat" in columns and "lng" in columns:
        result["latlng"] = [
            [lat, lng] if lat is not None and lng is not None else None
            for lat, lng in zip(columns.pop("lat"), columns.pop("lng"), strict=True)
        ]
    result.update(columns)
    return n, result


def _header(blob: bytes) -> tuple[dict[str, Any], int]:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 4:
        raise CorruptStreamsError("not a streams object")
    (head_len,) = struct.unpack_from("<I", blob, len(MAGIC))
    start = len(MAGIC) + 4
    try:
        header = json.loads(blob[start : start + head_len])
    except ValueError as exc:
        raise CorruptStreamsError("bad streams header") from exc
    return header, start + head_len


def _decode_column(name: str, data: bytes, mask: bytes, n: int, width: int) -> list[Any]:
    deltas = array(_ARRAY_CODES[width])
    try:
        deltas.frombytes(zlib.decompress(data))
        if sys.byteorder == "big":
            deltas.byteswap()
    except (zlib.error, ValueError) as exc:
        raise CorruptStreamsError(f"bad column {name}") from exc
    scale = SCALES.get(name, 1)
    fixed = accumulate(deltas)
    if name == "moving":
        values: list[Any] = [bool(v) for v in fixed]
    elif name in INTEGER_STREAMS or scale == 1:
        values = list(fixed)
    else:
        values = [v / scale for v in fixed]
    if not mask:
        return values
    present = zlib.decompress(mask)
    out: list[Any] = [None] * n
    positions = compress(range(n), present)
    for position, value in zip(positions, values, strict=False):
        out[position] = value
    return out


def filled(values: list[Any]) -> list[Any]:
    """Gaps (None) filled with the previous sample, and leading gaps with the first one, as Strava's streams
    carry no nulls (stravalib's models refuse them). Exports keep the gaps instead."""
    first = next((value for value in values if value is not None), None)
    if first is None or all(value is not None for value in values):
        return values
    out: list[Any] = []
    last = first
    for value in values:
        if value is not None:
            last = value
        out.append(last)
    return out
