"""FIT activity files into columns: ``parse_fit(data)``.

Design (speed). A FIT file is a stream of messages, each a one-byte header then either a definition (the
layout of a local message type) or data laid out by the current definition of its local type. Decoding every
field of every message in Python, as general-purpose libraries do, costs microseconds per field. Here:

1. One tight pure-Python pass reads only the header byte of each message. Definitions (rare) are parsed and kept by
   their raw bytes, so a local type redefined mid-file gets its own layout while an identical re-definition
   shares one. Each data message costs a table lookup and a list append of its byte offset; fields are not
   touched. Compressed-timestamp headers are data headers too; their time offset stays in the header byte.
2. Per definition, numpy pulls only the fields Stride uses, for all its messages at once: a strided typed view
   of the whole buffer (one element per byte offset, in the definition's byte order) indexed by the messages'
   offsets plus the field offset. Invalid sentinels of the declared base type become NaN.
3. Compressed timestamps are resolved vectorised over the message sequence (each is relative to the last full
   timestamp of any message, rolling over every 32 s).
4. The file CRC (CRC-16/ARC, as in the FIT SDK) is computed without a per-byte loop: with a zero start
   value the CRC is linear in the data bits and a bit's contribution repeats every 32767 bytes (the order
   of x modulo the generator), so XOR-folding the data into 32767-byte rows leaves the CRC unchanged, and
   the CRC of the folded block is the parity of its bits under 16 precomputed masks (see ``fit_crc``).

Tolerance (nothing the athlete recorded should be lost, but corrupt data must not be imported):

- File CRC mismatch: ``ActivityFileError`` "corrupt (CRC mismatch)" — unless the chunk was never finished
  by its writer: it has no session and no activity message (devices write those when the recording is
  saved). Such a file was copied or crashed mid-recording (Sigma's nick.fit; sportslib's broken.fit whose
  header still says 0 data bytes): its declared size and "CRC" are whatever was on disk, so it is decoded
  to the end of the bytes. A CRC of 0 means "not computed" and is accepted. A 14-byte header whose own
  CRC mismatches is corrupt.
- Truncated file (fewer bytes than the header declares): every complete message is kept; the partial last
  one is dropped. There is no CRC to check.
- A data message whose local type has no definition (Strava Android app quirk): its size is unknown, so
  decoding of that chunk stops there and what was read is kept (the next chained file, when the header
  sizes are trustworthy, is still read).
- A definition whose architecture byte is neither 0 nor 1: decoding of that chunk stops there.
- Chained files (several header+data+CRC back to back) are all read; bytes after a complete file that do
  not start another FIT header are ignored (padding, junk).
- Fields whose size is not a multiple of their base type size, or of unknown base type: read as invalid.
  Array fields give their first element. Developer fields are skipped (their sizes are in the definition).
- Sample times before 2000 or later than a day from now are invalid (device clock unset, "system time"
  values): those rows are dropped. No usable sample and no session totals: ``ActivityFileError``.
- Caps on definitions and messages bound the work on hostile input; anything malformed raises only
  ``ActivityFileError``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stride.activities.parsing import fit_profile as fp
from stride.activities.parsing.model import (
    ActivityFileError,
    FileLap,
    FileSession,
    FloatArray,
    ParsedActivity,
    empty_columns,
    from_columns,
)

IntArray = npt.NDArray[np.int64]

MAX_DEFINITIONS = 100_000  # definition messages read (re-definitions included)
MAX_LAYOUTS = 4_096  # distinct definitions
MAX_MESSAGES = 3_000_000  # data messages; a day at 1 Hz with every sensor is well under 1 M
MAX_CHAINED = 256  # FIT files back to back in one upload (multisport devices write a handful)
_WINDOW = 1 << 20  # bytes scanned between two message-count checks

MIN_VALID_TIME = 946684800.0  # 2000-01-01T00:00:00Z
_SEMICIRCLE_TO_DEG = 180.0 / 2**31
_CSD_ROLLOVER = 4096  # compressed_speed_distance distance: 12 bits of 1/16 m

# Header byte -> local message slot: 0-15 for data messages (compressed-timestamp headers carry the local
# type in bits 5-6), 16 (an always-empty slot) for definition headers, so the hot loop needs one lookup.
_DEFINITION_SLOT = 16
_HEADER_SLOT = tuple(
    _DEFINITION_SLOT if h & 0xC0 == 0x40 else ((h >> 5) & 0x03 if h & 0x80 else h & 0x0F) for h in range(256)
)


class _Layout:
    """One distinct definition: where its fields are, and the offsets of the messages that use it."""

    __slots__ = ("big_endian", "fields", "global_num", "positions", "size")

    def __init__(self, global_num: int, big_endian: bool, size: int, fields: dict[int, tuple[int, int, int]]) -> None:
        self.global_num = global_num
        self.big_endian = big_endian
        self.size = size  # bytes of a data message after its header
        self.fields = fields  # field number -> (offset in message, size, base type number)
        self.positions: list[int] = []  # offset of each message's first content byte, in file order


class _Scanner:
    """The first pass: record headers and definitions only."""

    def __init__(self) -> None:
        self.layouts: dict[bytes, _Layout] = {}
        self.slots: list[tuple[Any, int] | None] = [None] * 17
        self.definitions = 0

    def new_chunk(self) -> None:
        # local message types do not carry over from one chained file to the next
        self.slots = [None] * 17

    def scan(self, data: bytes, pos: int, limit: int) -> tuple[int, str | None]:
        """Walk messages from ``pos`` while ``pos < limit``. Returns where it stopped and why (None: limit).

        The last message may run past ``limit`` (and past the data): callers drop such messages later.
        """
        slots = self.slots
        slot_of = _HEADER_SLOT
        while True:
            window = min(limit, pos + _WINDOW)
            while pos < window:
                slot = slots[slot_of[data[pos]]]
                if slot is not None:
                    append, step = slot
                    append(pos + 1)
                    pos += step
                    continue
                if data[pos] & 0xC0 != 0x40:
                    return pos, "undefined local message type"
                pos, stop = self._define(data, pos)
                if stop:
                    return pos, stop
            if pos >= limit:
                return pos, None
            if sum(len(layout.positions) for layout in self.layouts.values()) > MAX_MESSAGES:
                raise ActivityFileError("The FIT file has too many messages to be an activity")

    def _define(self, data: bytes, pos: int) -> tuple[int, str | None]:
        header = data[pos]
        n = len(data)
        if pos + 6 > n:
            return pos, "truncated definition"
        arch = data[pos + 2]
        if arch > 1:
            return pos, "corrupt definition"
        n_fields = data[pos + 5]
        end = pos + 6 + 3 * n_fields
        n_dev = 0
        if header & 0x20:  # developer fields follow the regular ones
            if end >= n:
                return pos, "truncated definition"
            n_dev = data[end]
            end += 1 + 3 * n_dev
        if end > n:
            return pos, "truncated definition"
        self.definitions += 1
        if self.definitions > MAX_DEFINITIONS:
            raise ActivityFileError("The FIT file has too many definitions to be an activity")
        # Keyed by the raw bytes (architecture to the last field): a dev/no-dev pair cannot collide, their
        # lengths differ modulo 3.
        key = data[pos + 2 : end]
        layout = self.layouts.get(key)
        if layout is None:
            if len(self.layouts) >= MAX_LAYOUTS:
                raise ActivityFileError("The FIT file has too many message definitions to be an activity")
            global_num = int.from_bytes(data[pos + 3 : pos + 5], "big" if arch else "little")
            fields: dict[int, tuple[int, int, int]] = {}
            offset = 0
            for q in range(pos + 6, pos + 6 + 3 * n_fields, 3):
                number, size = data[q], data[q + 1]
                fields.setdefault(number, (offset, size, data[q + 2] & 0x1F))
                offset += size
            dev_start = pos + 7 + 3 * n_fields
            offset += sum(data[q + 1] for q in range(dev_start, dev_start + 3 * n_dev, 3))
            layout = self.layouts[key] = _Layout(global_num, arch == 1, offset, fields)
        self.slots[header & 0x0F] = (layout.positions.append, layout.size + 1)
        return end, None


# --- CRC ---------------------------------------------------------------------------------------------------

_CRC_PERIOD = 32767  # order of x modulo x^16 + x^15 + x^2 + 1 = (x + 1)(x^15 + x + 1)
_CRC_SMALL = 4096  # below this many bytes a byte loop is quicker than building the masks


class _CrcTables:
    """Built on first use and kept for the life of the process."""

    byte_table: list[int] | None = None
    masks: npt.NDArray[np.uint64] | None = None


def _crc_byte_table() -> list[int]:
    """CRC state after feeding each byte value to a zero state (the classic 256-entry table)."""
    if _CrcTables.byte_table is None:
        table = []
        for byte in range(256):
            state = byte
            for _ in range(8):
                state = (state >> 1) ^ (0xA001 if state & 1 else 0)
            table.append(state)
        _CrcTables.byte_table = table
    return _CrcTables.byte_table


def _crc_masks() -> npt.NDArray[np.uint64]:
    """For each CRC bit j, a bit mask over a 32767-byte block: the data bits whose contribution has bit j set.

    The contribution of one data bit D bits before the end is X^D(0xA001), X being "feed one zero bit",
    a linear map: the sequence is built by doubling (X^2m from X^m as two 256-entry tables). Built once.
    """
    if _CrcTables.masks is None:
        basis = 1 << np.arange(16, dtype=np.uint32)
        images = (basis >> 1) ^ (0xA001 * (basis & 1))  # X of each basis state
        bit_of = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)
        contribution = np.array([0xA001], dtype=np.uint32)
        while contribution.size < 8 * _CRC_PERIOD:
            low = np.bitwise_xor.reduce(np.where(bit_of, images[:8], 0), axis=1)
            high = np.bitwise_xor.reduce(np.where(bit_of, images[8:], 0), axis=1)
            contribution = np.concatenate((contribution, low[contribution & 0xFF] ^ high[contribution >> 8]))
            images = low[images & 0xFF] ^ high[images >> 8]
        by_position = contribution[: 8 * _CRC_PERIOD][::-1]  # index 8 * byte + bit, from the block start
        planes = np.zeros((16, _CRC_PERIOD + 1), dtype=np.uint8)  # a leading zero byte: 8-byte words
        for j in range(16):
            planes[j, 1:] = np.packbits(((by_position >> j) & 1).astype(np.uint8), bitorder="little")
        _CrcTables.masks = planes.view(np.uint64)
    return _CrcTables.masks


def fit_crc(data: bytes) -> int:
    """CRC-16 of the FIT SDK (CRC-16/ARC: reflected 0x8005, start 0) over ``data``.

    With a zero start the CRC is linear in the data bits and a bit's contribution repeats every 32767
    bytes, so the data is XOR-folded into one 32767-byte block whose CRC is the parity of its bits under
    16 precomputed masks (popcounts): a few numpy passes for any size.
    """
    n = len(data)
    if n < _CRC_SMALL:
        table = _crc_byte_table()
        crc = 0
        for byte in data:
            crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
        return crc
    values = np.frombuffer(data, dtype=np.uint8)
    rows, rest = divmod(n, _CRC_PERIOD)
    block = np.zeros(_CRC_PERIOD + 1, dtype=np.uint8)
    if rows:
        block[1:] = np.bitwise_xor.reduce(values[rest:].reshape(rows, _CRC_PERIOD), axis=0)
    if rest:  # the first, partial row ends where every full row ends
        block[_CRC_PERIOD + 1 - rest :] ^= values[:rest]
    parity = np.bitwise_count(block.view(np.uint64) & _crc_masks()).sum(axis=1) & 1
    return int((parity << np.arange(16, dtype=np.uint64)).sum())


# --- file structure ----------------------------------------------------------------------------------------


def _header(data: bytes, pos: int) -> tuple[int, int] | None:
    """(header size, data size) of a FIT header at ``pos``, or None when there is none."""
    if len(data) - pos < 12 or data[pos + 8 : pos + 12] != b".FIT":
        return None
    size = data[pos]
    if size < 12 or pos + size > len(data):
        return None
    if size >= 14:
        stored = int.from_bytes(data[pos + 12 : pos + 14], "little")
        if stored and stored != fit_crc(data[pos : pos + 12]):
            raise ActivityFileError("The FIT file is corrupt (header CRC mismatch)")
    return size, int.from_bytes(data[pos + 4 : pos + 8], "little")


def _has_summary(scanner: _Scanner, start: int) -> bool:
    """Whether session or activity messages were read at or after ``start`` (the chunk being checked)."""
    return any(
        layout.global_num in (fp.MESG_SESSION, fp.MESG_ACTIVITY) and layout.positions and layout.positions[-1] >= start
        for layout in scanner.layouts.values()
    )


def _read_chunks(data: bytes, scanner: _Scanner) -> list[tuple[int, int]]:
    """Scan every chained FIT file; returns the (data start, data end) ranges whose messages are kept."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    total = len(data)
    if _header(data, 0) is None:
        raise ActivityFileError("Not a FIT file (no .FIT header)")
    while pos < total:
        header = _header(data, pos)
        if header is None:
            break  # after a complete file: padding or junk, not another FIT file
        if len(ranges) >= MAX_CHAINED:
            raise ActivityFileError("The FIT file has too many chained parts to be an activity")
        header_size, data_size = header
        start = pos + header_size
        declared_end = start + data_size
        scanner.new_chunk()
        stop_pos, stopped = scanner.scan(data, start, min(declared_end, total))
        if declared_end + 2 > total:  # truncated: no CRC, keep every complete message
            ranges.append((start, min(declared_end, total)))
            break
        stored = int.from_bytes(data[declared_end : declared_end + 2], "little")
        if stored == 0 or stored == fit_crc(data[pos:declared_end]):
            ranges.append((start, declared_end))
            pos = declared_end + 2
            continue
        if _has_summary(scanner, start):
            raise ActivityFileError("The FIT file is corrupt (CRC mismatch)")
        # Never finished by its writer: the size and CRC are stale, the messages go on to the end of the bytes.
        if not stopped and stop_pos < total:
            scanner.scan(data, stop_pos, total)
        ranges.append((start, total))
        break
    return ranges


# --- field extraction --------------------------------------------------------------------------------------


class _Decoder:
    """The kept messages of each layout, and typed views of the bytes to read fields from."""

    def __init__(self, data: bytes, scanner: _Scanner, ranges: list[tuple[int, int]]) -> None:
        self.data = data
        self.buf = np.frombuffer(data, dtype=np.uint8)
        self._views: dict[str, npt.NDArray[Any]] = {}
        starts = np.array([r[0] for r in ranges], dtype=np.int64)
        ends = np.array([r[1] for r in ranges], dtype=np.int64)
        self.kept: list[tuple[_Layout, IntArray]] = []
        for layout in scanner.layouts.values():
            if not layout.positions:
                continue
            pos = np.array(layout.positions, dtype=np.int64)
            # drop messages outside the kept ranges or running past their end (a truncated last message)
            chunk = np.searchsorted(starts, pos, side="right") - 1
            keep = (chunk >= 0) & (pos + layout.size <= ends[np.maximum(chunk, 0)])
            if not keep.all():
                pos = pos[keep]
            if pos.size:
                self.kept.append((layout, pos))
        self._times: tuple[IntArray, FloatArray] | None = None
        self._system_shift = 0.0
        self._times = self._resolve_compressed_timestamps()
        self._system_shift = self._system_time_shift()

    def group(self, global_num: int) -> _Group:
        return _Group(self, [(layout, pos) for layout, pos in self.kept if layout.global_num == global_num])

    def view(self, code: str) -> npt.NDArray[Any]:
        """The buffer as one ``code`` element starting at every byte offset (an unaligned strided view)."""
        view = self._views.get(code)
        if view is None:
            dtype = np.dtype(code)
            count = max(len(self.data) - dtype.itemsize + 1, 0)
            view = self._views[code] = np.ndarray(shape=(count,), dtype=dtype, buffer=self.data, strides=(1,))
        return view

    def fit_times(self, pos: IntArray, stamped: FloatArray) -> FloatArray:
        """Timestamps of the messages at ``pos`` (``stamped``: their field 253), with compressed headers resolved."""
        if self._times is None:
            return stamped
        known_pos, known_time = self._times
        if not known_pos.size:
            return np.full(pos.shape, np.nan)
        index = np.minimum(np.searchsorted(known_pos, pos), known_pos.size - 1)
        return np.where(known_pos[index] == pos, known_time[index], np.nan)

    def unix(self, fit_time: FloatArray) -> FloatArray:
        """FIT times to Unix seconds; implausible ones (unset clock, far future) -> NaN.

        Values below 0x10000000 are "system time" (seconds since the device started). When the file says how
        that maps to real time they are shifted; otherwise they are implausible like any pre-2000 time.
        """
        if self._system_shift:
            fit_time = np.where(fit_time < fp.SYSTEM_TIME_LIMIT, fit_time + self._system_shift, fit_time)
        unix = fit_time + fp.FIT_EPOCH
        valid = (unix >= MIN_VALID_TIME) & (unix <= time.time() + 86400.0)
        return np.where(valid, unix, np.nan)

    def _system_time_shift(self) -> float:
        """Seconds to add to system times: from timestamp_correlation (UTC), else from the activity message's
        local_timestamp (local wall-clock time: off by the UTC offset, but the samples keep their date)."""
        correlation = self.group(fp.MESG_TIMESTAMP_CORRELATION)
        activity = self.group(fp.MESG_ACTIVITY)
        for real, system in (
            (correlation.times(), correlation.raw(1)),  # timestamp (UTC), system_timestamp
            (activity.raw(5), activity.times()),  # local_timestamp, timestamp (system time in such files)
        ):
            usable = (real >= fp.SYSTEM_TIME_LIMIT) & (system < fp.SYSTEM_TIME_LIMIT)
            if usable.any():
                return float(real[usable][0] - system[usable][0])
        return 0.0

    def _resolve_compressed_timestamps(self) -> tuple[IntArray, FloatArray] | None:
        """Times of all messages when some use compressed-timestamp headers, else None (field 253 is enough).

        A compressed header holds the low 5 bits of the time; the rest comes from the last full timestamp
        (any message's field 253), rolling over when the 5-bit offset goes backwards.
        """
        everything = _Group(self, self.kept)
        is_compressed = self.buf[everything.pos - 1] >= 0x80
        if not is_compressed.any():
            return None
        stamp = everything.raw(fp.FIELD_TIMESTAMP)
        stamp[is_compressed] = np.nan
        keep = is_compressed | np.isfinite(stamp)
        pos, stamp, is_compressed = everything.pos[keep], stamp[keep], is_compressed[keep]  # in file order
        offset = (self.buf[pos - 1] & 0x1F).astype(np.int64)
        anchor = np.maximum.accumulate(np.where(is_compressed, -1, np.arange(pos.size)))
        has_anchor = anchor >= 0
        anchor = np.maximum(anchor, 0)
        base = np.where(has_anchor, stamp[anchor], 0.0).astype(np.int64)
        # the previous time's low 5 bits: the previous compressed offset, or the anchor's own
        previous_low = np.zeros_like(offset)
        previous_low[1:] = np.where(is_compressed[:-1], offset[:-1], base[1:] & 0x1F)
        rolled = np.cumsum(is_compressed & (offset < previous_low))
        resolved = ((base & ~0x1F) + 32 * (rolled - rolled[anchor]) + offset).astype(np.float64)
        return pos, np.where(is_compressed, np.where(has_anchor, resolved, np.nan), stamp)


class _Group:
    """The kept messages of some layouts (one global message type), as rows in file order."""

    def __init__(self, dec: _Decoder, members: list[tuple[_Layout, IntArray]]) -> None:
        self.dec = dec
        self.members = members
        if len(members) == 1:
            self.pos = members[0][1]
            self.rows = [np.arange(self.pos.size)]
        elif members:
            flat = np.concatenate([pos for _, pos in members])
            order = np.argsort(flat, kind="stable")
            rank = np.empty_like(order)
            rank[order] = np.arange(order.size)
            self.pos = flat[order]
            bounds = np.cumsum([0] + [pos.size for _, pos in members])
            self.rows = [rank[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        else:
            self.pos = np.zeros(0, dtype=np.int64)
            self.rows = []
        self.n = int(self.pos.size)

    def raw(self, number: int) -> FloatArray:
        """Field ``number`` of every row as float64; NaN where invalid, absent or unreadable (misaligned)."""
        out = np.full(self.n, np.nan)
        # one gather per distinct type: layouts differ in offsets, rarely in types
        buckets: dict[tuple[str, int | None], list[tuple[IntArray, IntArray]]] = {}
        for (layout, pos), rows in zip(self.members, self.rows, strict=True):
            spec = layout.fields.get(number)
            if spec is None:
                continue
            offset, size, base_number = spec
            base = fp.BASE_TYPES.get(base_number)
            if base is None or base.code == "S" or size < base.size or size % base.size:
                continue
            code = ((">" if layout.big_endian else "<") + base.code) if base.size > 1 else base.code
            buckets.setdefault((code, base.invalid), []).append((pos + offset, rows))
        for (code, invalid), parts in buckets.items():
            where = parts[0][0] if len(parts) == 1 else np.concatenate([p[0] for p in parts])
            rows = parts[0][1] if len(parts) == 1 else np.concatenate([p[1] for p in parts])
            values = self.dec.view(code)[where]
            got = values.astype(np.float64)
            if invalid is not None:
                got[values == invalid] = np.nan
            out[rows] = got
        return out

    def scaled(self, number: int, scale: float = 1.0, offset: float = 0.0) -> FloatArray:
        values = self.raw(number)
        if scale != 1.0:
            values /= scale
        if offset:
            values -= offset
        return values

    def times(self) -> FloatArray:
        """FIT timestamps (seconds since the FIT epoch); NaN where unknown."""
        return self.dec.fit_times(self.pos, self.raw(fp.FIELD_TIMESTAMP))

    def unix_times(self, number: int = fp.FIELD_TIMESTAMP) -> FloatArray:
        return self.dec.unix(self.times() if number == fp.FIELD_TIMESTAMP else self.raw(number))

    def raw_bytes(self, number: int, count: int) -> npt.NDArray[np.int64] | None:
        """The first ``count`` bytes of field ``number`` per row (-1 where absent); None if no layout has it."""
        out: npt.NDArray[np.int64] | None = None
        for (layout, pos), rows in zip(self.members, self.rows, strict=True):
            spec = layout.fields.get(number)
            if spec is None or spec[1] < count:
                continue
            if out is None:
                out = np.full((self.n, count), -1, dtype=np.int64)
            out[rows] = self.dec.buf[(pos + spec[0])[:, None] + np.arange(count)]
        return out

    def text(self, row: int, number: int) -> str | None:
        """A string field of one row (strings may lack their NUL terminator)."""
        p = int(self.pos[row])
        for layout, pos in self.members:
            spec = layout.fields.get(number)
            if spec is not None and p in pos:
                offset, size, _ = spec
                raw = self.dec.data[p + offset : p + offset + size].split(b"\0", 1)[0]
                return raw.decode("utf-8", errors="replace").strip() or None
        return None


# --- messages ----------------------------------------------------------------------------------------------


def _first_valid(*candidates: FloatArray) -> FloatArray:
    out = candidates[0].copy()
    for other in candidates[1:]:
        missing = np.isnan(out)
        out[missing] = other[missing]
    return out


def _records(dec: _Decoder) -> dict[str, FloatArray]:
    """The sample columns from every record message, in file order."""
    rf = fp.RecordField
    g = dec.group(fp.MESG_RECORD)
    columns = empty_columns(g.n)
    if not g.n:
        return columns
    columns["time"] = g.unix_times()
    lat = g.scaled(rf.LAT, 1.0 / _SEMICIRCLE_TO_DEG)
    lon = g.scaled(rf.LON, 1.0 / _SEMICIRCLE_TO_DEG)
    off_earth = ~((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0))
    lat[off_earth] = np.nan
    lon[off_earth] = np.nan
    columns["lat"], columns["lon"] = lat, lon
    columns["altitude"] = _first_valid(g.scaled(rf.ENHANCED_ALTITUDE, 5.0, 500.0), g.scaled(rf.ALTITUDE, 5.0, 500.0))
    columns["heartrate"] = g.raw(rf.HEART_RATE)
    columns["cadence"] = g.raw(rf.CADENCE) + np.nan_to_num(g.raw(rf.FRACTIONAL_CADENCE)) / 128.0
    columns["watts"] = g.raw(rf.POWER)
    columns["temp"] = g.raw(rf.TEMPERATURE)
    columns["distance"] = g.scaled(rf.DISTANCE, 100.0)
    columns["speed"] = _first_valid(g.scaled(rf.ENHANCED_SPEED, 1000.0), g.scaled(rf.SPEED, 1000.0))
    packed = g.raw_bytes(rf.COMPRESSED_SPEED_DISTANCE, 3)
    if packed is not None:
        # 12 bits of speed (1/100 m/s), then 12 bits of distance (1/16 m) that roll over every 256 m
        valid = (packed[:, 0] >= 0) & ~((packed[:, 0] == 0xFF) & (packed[:, 1] == 0xFF) & (packed[:, 2] == 0xFF))
        speed = np.where(valid, (packed[:, 0] | ((packed[:, 1] & 0x0F) << 8)) / 100.0, np.nan)
        rolling = ((packed[:, 1] >> 4) | (packed[:, 2] << 4))[valid]
        distance = np.full(g.n, np.nan)
        if rolling.size:
            steps = np.mod(np.diff(rolling), _CSD_ROLLOVER)
            distance[valid] = (rolling[0] + np.concatenate(([0], np.cumsum(steps)))) / 16.0
        columns["speed"] = _first_valid(columns["speed"], speed)
        columns["distance"] = _first_valid(columns["distance"], distance)
    return columns


def _pauses(dec: _Decoder) -> list[tuple[float, float]]:
    """Timer stop -> next timer start, from event messages."""
    g = dec.group(fp.MESG_EVENT)
    when = g.unix_times()
    event_type = g.raw(1)
    timer = (g.raw(0) == fp.EVENT_TIMER) & np.isfinite(when) & np.isfinite(event_type)
    order = np.lexsort((g.pos[timer], when[timer]))  # by time; ties keep file order
    pauses: list[tuple[float, float]] = []
    stopped_at: float | None = None
    for at, kind in zip(when[timer][order].tolist(), event_type[timer][order].tolist(), strict=True):
        if kind in (fp.EVENT_TYPE_STOP, fp.EVENT_TYPE_STOP_ALL):
            if stopped_at is None:
                stopped_at = at
        elif kind == fp.EVENT_TYPE_START and stopped_at is not None:
            if at > stopped_at:
                pauses.append((stopped_at, at))
            stopped_at = None
    return pauses


def _optional(value: float, scale: float = 1.0) -> float | None:
    return None if math.isnan(value) else value / scale


@dataclass(slots=True)
class _SportSays:
    """What a session or sport message says about the sport, in FIT profile names."""

    sport: str | None
    sub_sport: str | None

    @property
    def strava(self) -> str | None:
        if self.sport is None:
            return None
        sub = self.sub_sport or ""
        return (
            fp.SUB_SPORT_TO_STRAVA.get((self.sport, sub))
            or fp.SUB_SPORT_TO_STRAVA.get((None, sub))
            or fp.SPORT_TO_STRAVA.get(self.sport)
        )

    @property
    def indoor(self) -> bool:
        return self.sport in fp.INDOOR_SPORTS or self.sub_sport in fp.INDOOR_SUB_SPORTS


def _names(sport: FloatArray, sub_sport: FloatArray) -> list[_SportSays]:
    return [
        _SportSays(
            None if math.isnan(s) else fp.SPORT_NAMES.get(int(s)),
            None if math.isnan(u) else fp.SUB_SPORT_NAMES.get(int(u)),
        )
        for s, u in zip(sport.tolist(), sub_sport.tolist(), strict=True)
    ]


def _sessions(dec: _Decoder, sport_messages: list[_SportSays]) -> list[tuple[_SportSays, FileSession]]:
    """Sessions by start time (summary-first multisport files write them before their records)."""
    sf = fp.SessionField
    g = dec.group(fp.MESG_SESSION)
    start = g.unix_times(sf.START_TIME)
    says = _names(g.raw(sf.SPORT), g.raw(sf.SUB_SPORT))
    columns = {
        name: g.scaled(number, scale).tolist()
        for name, number, scale in (
            ("total_elapsed_time", sf.TOTAL_ELAPSED_TIME, 1000.0), ("total_timer_time", sf.TOTAL_TIMER_TIME, 1000.0),
            ("total_distance", sf.TOTAL_DISTANCE, 100.0), ("total_ascent", sf.TOTAL_ASCENT, 1.0),
            ("total_descent", sf.TOTAL_DESCENT, 1.0), ("total_calories", sf.TOTAL_CALORIES, 1.0),
            ("avg_heart_rate", sf.AVG_HEART_RATE, 1.0), ("max_heart_rate", sf.MAX_HEART_RATE, 1.0),
            ("avg_power", sf.AVG_POWER, 1.0), ("max_power", sf.MAX_POWER, 1.0),
        )
    }  # fmt: skip
    found: list[tuple[float, int, _SportSays, FileSession]] = []
    for row in range(g.n):
        own = says[row]
        mapped = own
        if own.sub_sport in (None, "generic"):
            # some devices leave the session's sub_sport out but state it in the sport message
            stated = next((m.sub_sport for m in sport_messages if m.sport == own.sport and m.sub_sport), None)
            mapped = _SportSays(own.sport, stated or own.sub_sport)
        session = FileSession(
            sport=mapped.strava,
            start_time=_optional(start[row]),
            sub_sport=own.sub_sport,
            **{name: _optional(values[row]) for name, values in columns.items()},
        )
        found.append((np.inf if math.isnan(start[row]) else start[row], row, mapped, session))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(mapped, session) for _, _, mapped, session in found]


def _laps(dec: _Decoder) -> list[FileLap]:
    sf = fp.SessionField
    g = dec.group(fp.MESG_LAP)
    elapsed = g.scaled(sf.TOTAL_ELAPSED_TIME, 1000.0)
    stamp = g.unix_times()
    start = _first_valid(g.unix_times(sf.START_TIME), stamp - elapsed)
    # start + elapsed first: summary-first files stamp every lap with the file's start time
    end = _first_valid(start + elapsed, np.where(stamp >= start, stamp, np.nan), start)
    timer = g.scaled(sf.TOTAL_TIMER_TIME, 1000.0).tolist()
    distance = g.scaled(sf.TOTAL_DISTANCE, 100.0).tolist()
    placed = np.flatnonzero(np.isfinite(start))  # a lap with no time cannot be placed
    placed = placed[np.lexsort((placed, start[placed]))]
    return [
        FileLap(float(start[i]), float(end[i]), _optional(distance[i]), _optional(timer[i])) for i in placed.tolist()
    ]


def _device_name(dec: _Decoder) -> str | None:
    """The recording device: the creator's product name, else a known Garmin product, else the maker."""
    file_id = dec.group(fp.MESG_FILE_ID)
    device = dec.group(fp.MESG_DEVICE_INFO)
    creator = np.flatnonzero(np.isnan(device.raw(0)) | (device.raw(0) == 0))[:1]  # device_index 0 = creator
    candidates = [(file_id, 0, 1, 2, 8)] if file_id.n else []
    if creator.size:
        candidates.append((device, int(creator[0]), 2, 4, 27))  # device_info: manufacturer, product, product_name
    manufacturer: int | None = None
    products: list[int] = []
    names: list[str] = []
    for g, row, maker_field, product_field, name_field in candidates:
        maker, product = g.raw(maker_field)[row], g.raw(product_field)[row]
        if manufacturer is None and not math.isnan(maker):
            manufacturer = int(maker)
        if not math.isnan(product):
            products.append(int(product))
        if name := g.text(row, name_field):
            names.append(name)
    maker_name = fp.MANUFACTURERS.get(manufacturer) if manufacturer is not None else None
    if names:
        if maker_name and not names[0].lower().startswith(maker_name.lower()):
            return f"{maker_name} {names[0]}"
        return names[0]
    if manufacturer == fp.MANUFACTURER_GARMIN:
        for product in products:
            if product in fp.GARMIN_PRODUCTS:
                return f"Garmin {fp.GARMIN_PRODUCTS[product]}"
    return maker_name


# --- entry point -------------------------------------------------------------------------------------------


def parse_fit(data: bytes) -> ParsedActivity:
    """Decode a FIT activity file. Raises ActivityFileError when the bytes cannot become an activity."""
    data = bytes(data)
    scanner = _Scanner()
    ranges = _read_chunks(data, scanner)
    try:
        dec = _Decoder(data, scanner, ranges)
        columns = _records(dec)
        sport_group = dec.group(fp.MESG_SPORT)
        sport_messages = _names(sport_group.raw(0), sport_group.raw(1))
        sessions = _sessions(dec, sport_messages)
        laps = _laps(dec)
        pauses = _pauses(dec)
        device_name = _device_name(dec)
    except (IndexError, ValueError, OverflowError) as error:  # defensive: every read is bounds-checked above
        raise ActivityFileError("The FIT file could not be decoded") from error

    if not np.isfinite(columns["time"]).any() and not any(
        s.total_elapsed_time or s.total_timer_time or s.total_distance for _, s in sessions
    ):
        if not dec.kept:
            raise ActivityFileError("The FIT file is empty (no data messages)")
        raise ActivityFileError("The FIT file has no usable samples (no record with a valid time)")

    said = [says for says, _ in sessions] + sport_messages  # the first non-transition session decides
    return from_columns(
        "fit",
        columns,
        sport=next((says.strava for says in said if says.strava), None),
        device_name=device_name,
        trainer=any(says.indoor for says in said),
        pauses=pauses,
        laps=laps,
        sessions=[session for _, session in sessions],
    )
