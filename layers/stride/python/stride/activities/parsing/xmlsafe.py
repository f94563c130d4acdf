"""Untrusted XML (GPX, TCX) into an ElementTree, safely and fast, and element text into numbers and times.

Safety: activity files never need a DTD, so any document that declares one (``<!DOCTYPE``) or an entity
(``<!ENTITY``) is refused before parsing. That one check rules out billion laughs, quadratic blowup,
external entities (XXE, ``file:///etc/passwd``) and parameter entities, whatever the parser would do with
them. Without a DTD the only entities are the five predefined ones and character references; expat
refuses any other reference as undefined. ElementTree fetches nothing and expands no XInclude. The scan
runs on the raw bytes, which covers UTF-8 and every other encoding expat accepts (expat only takes
ASCII-compatible 8-bit encodings), and on the decoded text for UTF-16, the one exception.

Speed: the C ElementTree builds the whole tree in one call (measured on a 30 MB, 100k-point GPX: about
0.9 s, against 2 s for ``iterparse`` and 0.7 s for pyexpat with just a start handler and no tree). The
cyclic garbage collector is paused from parse to the tree's release (``gc_paused``): a million new elements
would otherwise start hundreds of collections that find nothing, then one more pass over them all (together
a third of the time). The tree holds no cycles; its elements go by reference counting.

Values: parsers collect element text in lists and convert each column once. Numbers go through a memo
(heart rate, cadence and power repeat a few hundred distinct strings), times through numpy's ISO parser
when every string has the same ``Z`` or ``+hh:mm`` suffix, and otherwise through ``datetime.fromisoformat``
one by one. Text that is not a number or a time becomes NaN, never an exception. The column clean-ups both
XML formats apply (plausible times, valid positions, pauses between segments) live here too.
"""

from __future__ import annotations

import gc
import math
import re
import time as clock
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from xml.parsers import expat

import numpy as np

from stride.activities.parsing.detect import DTD_MESSAGE, is_utf16
from stride.activities.parsing.model import ActivityFileError, FloatArray, ParsedActivity

# Earliest plausible sample: anything before is a receiver sentinel (1901, 1970), not a recording.
EARLIEST = 946_684_800.0  # 2000-01-01T00:00:00Z
FUTURE_SLACK = 86_400.0  # a device clock may run ahead a little; a day ahead is a wrong clock

_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def refuse_dtd(data: bytes) -> None:
    """Raise ActivityFileError when the document declares a DTD or an entity anywhere, in any encoding."""
    if b"<!" in data and any(marker in data for marker in _DTD_MARKERS):  # (most files have no "<!" at all)
        raise ActivityFileError(DTD_MESSAGE)
    codec = is_utf16(data)
    if codec is not None:
        text = data[: len(data) // 2 * 2].decode(codec, errors="replace")
        if any(marker.decode() in text for marker in _DTD_MARKERS):
            raise ActivityFileError(DTD_MESSAGE)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: for the life of a parsed tree (see the module docstring)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def parse_xml(data: bytes) -> ET.Element:
    """The root element of an untrusted XML document. Malformed or hostile input raises ActivityFileError.

    Callers walk the tree and drop it inside ``gc_paused()``, so the collector never visits its elements.
    """
    refuse_dtd(data)
    parser = ET.XMLParser()
    try:
        with gc_paused():
            parser.feed(data)
            return parser.close()
    except ET.ParseError as err:
        line, column = err.position
        reason = expat.ErrorString(err.code) or "syntax error"
        raise ActivityFileError(f"the file is not valid XML: {reason} at line {line}, column {column}") from None
    except (LookupError, ValueError):  # from expat's unknown-encoding handler: no such codec, or multi-byte
        raise ActivityFileError("the file declares a text encoding Stride cannot read") from None


class LocalNames(dict[str, str]):
    """``{namespace}name`` to ``name``, worked out once per distinct tag (GPX 1.0, 1.1 and extensions mix
    namespaces freely, so parsers match local names only). Kept across files, so bounded: a hostile file
    with a million namespaces must not make a warm container keep them."""

    def __missing__(self, tag: str) -> str:
        if len(self) >= 4096:
            self.clear()
        local = self[tag] = tag.rpartition("}")[2]
        return local


LOCAL = LocalNames()


# What ``Collector`` gives for the element that opens a row (compared by identity, never filled).
NEW_ROW: list[str | None] = []


class Collector:
    """Rows of text columns read from the elements of a tree, one row per ``row_tag`` element.

    ``lookup[element.tag]`` is the list of the column that tag feeds, ``NEW_ROW`` for the row tag, or None;
    ``resolve`` fills it on a tag's first sight. It is keyed by the full tag, so the walk costs one lookup in
    a plain dict per element (the interpreter's fastest subscript) however the file prefixes its namespaces.
    ``size`` is an upper bound on the number of rows. When a row states a column twice, the later element
    wins.
    """

    def __init__(self, column_of_local_name: Mapping[str, str], size: int, row_tag: str) -> None:
        self._column_of = column_of_local_name
        self._size = size
        self._row_tag = row_tag
        self.lookup: dict[str, list[str | None] | None] = {}
        self.texts: dict[str, list[str | None]] = {}
        self.n = 0  # rows read so far

    def resolve(self, tag: str) -> list[str | None] | None:
        """What ``tag`` feeds, worked out from its local name and remembered in ``lookup``."""
        local = LOCAL[tag]
        column = self._column_of.get(local)
        texts = None if column is None else self.texts.get(column)
        if column is not None and texts is None:
            texts = self.texts[column] = [None] * self._size
        self.lookup[tag] = texts = NEW_ROW if local == self._row_tag else texts
        return texts

    def __getitem__(self, tag: str) -> list[str | None] | None:
        try:
            return self.lookup[tag]
        except KeyError:
            return self.resolve(tag)

    def read_rows(self, parent: ET.Element, attributes: list[dict[str, str]] | None = None) -> int:
        """Read the row elements among ``parent``'s children into the next rows, appending each one's
        attributes to ``attributes`` if given. Returns the number of rows read."""
        first = self.n
        marked = 0 if attributes is None else len(attributes)
        fast = len(parent) > 0 and self[parent[0].tag] is NEW_ROW
        # (findall with a plain tag runs in C: a cheap check that every child is a row element)
        if fast and len(parent.findall(parent[0].tag)) == len(parent):
            try:
                self._rows_only(parent, attributes)
                fast = self.n - first == len(parent)
            except IndexError:
                fast = False
            if not fast:
                # rows nested in rows (invalid, yet possible): forget them and go again row by row
                for texts in self.texts.values():
                    texts[first:] = [None] * (len(texts) - first)
                if attributes is not None:
                    del attributes[marked:]
                self.n = first
                self._mixed(parent, attributes)
        else:
            self._mixed(parent, attributes)
        return self.n - first

    def _rows_only(self, parent: ET.Element, attributes: list[dict[str, str]] | None) -> None:
        # The hot loop, for a parent holding nothing but rows (as every writer makes them): one pass over
        # all its descendants, one dict lookup each. A row element opens a row, and what follows until the
        # next one is inside it.
        lookup = self.lookup
        n = self.n - 1
        for element in parent.iter():
            try:
                texts = lookup[element.tag]
            except KeyError:
                texts = self.resolve(element.tag)
            if texts is None:
                continue
            if texts is NEW_ROW:
                n += 1
                if attributes is not None:
                    attributes.append(element.attrib)
            else:
                texts[n] = element.text
        self.n = n + 1

    def _mixed(self, parent: ET.Element, attributes: list[dict[str, str]] | None) -> None:
        # Other elements beside the rows (GPX segment <extensions>, stray tags) or rows nested in rows: walk
        # each row's own subtree in document order, so that nothing outside it is taken for part of it.
        n = self.n
        for row in parent:
            if self[row.tag] is not NEW_ROW:
                continue
            if attributes is not None:
                attributes.append(row.attrib)
            stack = list(reversed(row))
            while stack:
                element = stack.pop()
                texts = self[element.tag]
                if texts is NEW_ROW:
                    continue  # a row inside a row is not part of it
                if texts is not None:
                    texts[n] = element.text
                stack.extend(reversed(element))
            n += 1
        self.n = n

    def column(self, name: str) -> FloatArray:
        """Column ``name`` as floats, NaN where absent or not a number."""
        texts = self.texts.get(name)
        return np.full(self.n, np.nan) if texts is None else numbers(texts[: self.n])

    def time_column(self) -> FloatArray:
        """The ``time`` column as Unix seconds, NaN where absent or not a time."""
        texts = self.texts.get("time")
        return np.full(self.n, np.nan) if texts is None else iso_times(texts[: self.n])


class _FloatMemo(dict[str | None, float]):
    def __missing__(self, text: str | None) -> float:
        value = self[text] = float(text)  # type: ignore[arg-type]  # unreachable for None (seeded)
        return value


def number(text: str | None) -> float:
    """One element text as a finite float, else NaN."""
    if text is None:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def numbers(texts: list[str | None], *, repeats: bool = True) -> FloatArray:
    """Element texts as floats; NaN for missing, unreadable, infinite or NaN text.

    ``repeats``: the texts repeat (sensor readings): parse each distinct text once. Coordinates rarely
    repeat, and for them numpy's own conversion is faster than the memo.
    """
    try:
        if repeats:
            memo = _FloatMemo({None: math.nan})
            values = np.fromiter(map(memo.__getitem__, texts), dtype=np.float64, count=len(texts))
        else:
            values = np.array(texts, dtype=np.float64)
    except (ValueError, TypeError):
        # some text is not a number: convert one by one (rare, so the slow path is fine)
        values = np.fromiter(map(number, texts), dtype=np.float64, count=len(texts))
    values[~np.isfinite(values)] = np.nan
    return values


_OFFSET = re.compile(r"[+-](\d\d):(\d\d)")


def iso_time(text: str | None) -> float:
    """One ISO 8601 date-time as Unix seconds; no zone means UTC (GPX and TCX times are UTC); NaN if not a time."""
    if not text:
        return math.nan
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.timestamp()
    except (ValueError, OverflowError):
        return math.nan


def iso_times(texts: list[str | None]) -> FloatArray:
    """ISO 8601 date-times as Unix seconds (float64, sub-second kept), NaN where a text is not a time.

    Fast path: every text is ``YYYY-MM-DDThh:mm[:ss[.f...]]`` with the same ``Z`` or ``±hh:mm`` suffix
    (a device writes one format): strip the suffix and let numpy parse all of them in C. Anything else
    (mixed suffixes, spaces, no zone, junk) goes through ``datetime.fromisoformat`` one text at a time.
    """
    if not texts:
        return np.empty(0)
    first = next(filter(None, texts), "")
    if first.endswith("Z"):
        suffix, shift = "Z", 0
    elif (match := _OFFSET.fullmatch(first[-6:])) is not None:
        suffix = first[-6:]
        shift = (int(match[1]) * 3600 + int(match[2]) * 60) * (1 if suffix[0] == "+" else -1)
    else:
        suffix = ""
    if suffix:
        cut = len(suffix)
        try:
            # "T" at [10] keeps numpy from reading "now", "today" or a bare year; "?" makes it refuse the
            # rest (the slow path then reads them); a missing time is NaT
            bodies = [t[:-cut] if t and t[-cut:] == suffix and t[10:11] == "T" else "?" if t else "NaT" for t in texts]
            with warnings.catch_warnings():
                # numpy parses a zone it finds ("...+01:00Z") with a warning: let the slow path do that
                warnings.simplefilter("error")
                stamps = np.array(bodies, dtype="datetime64[us]")
        except (ValueError, TypeError, Warning):
            pass
        else:
            seconds = stamps.astype(np.int64) / 1e6 - shift
            seconds[np.isnat(stamps)] = np.nan
            return seconds
    return np.fromiter(map(iso_time, texts), dtype=np.float64, count=len(texts))


# Shared by the GPX and TCX parsers: cleaning columns once they are numbers.


def valid_positions(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Both coordinates NaN where either is missing, out of range, or the pair is (0, 0)."""
    bad = ~((np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)) | ((lat == 0.0) & (lon == 0.0))
    if bad.any():
        lat = np.where(bad, np.nan, lat)
        lon = np.where(bad, np.nan, lon)
    return lat, lon


def plausible(moment: float) -> bool:
    """A time a recording can have: from 2000-01-01 to a day from now (False for NaN)."""
    return EARLIEST <= moment <= clock.time() + FUTURE_SLACK


def plausible_times(time: FloatArray) -> FloatArray:
    """Times outside [2000-01-01, now + 1 day] become NaN. Refuses a file without times, or with times on
    fewer than half its points (a route with a few timed points is not a recording), or with none plausible."""
    finite = np.isfinite(time)
    timed = int(finite.sum())
    if timed == 0:
        raise ActivityFileError("the file's points have no timestamps")
    if timed * 2 < time.size:
        raise ActivityFileError("most of the file's points have no timestamps, so it is a route, not an activity")
    bad = finite & ((time < EARLIEST) | (time > clock.time() + FUTURE_SLACK))
    if bad.any():
        if int(bad.sum()) == timed:
            raise ActivityFileError(
                "the file's timestamps are not plausible (all before the year 2000 or in the future)"
            )
        time = np.where(bad, np.nan, time)
    return time


def run_pauses(time: FloatArray, runs: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """A pause from the end of each run of rows to the start of the next, when the next starts later.

    ``runs`` are (first row, row after the last) of consecutive runs (segments, tracks) in file order.
    """
    pauses: list[tuple[float, float]] = []
    previous_end: float | None = None
    for first, stop in runs:
        chunk = time[first:stop]
        chunk = chunk[np.isfinite(chunk)]
        if chunk.size == 0:
            continue
        start, end = float(chunk.min()), float(chunk.max())
        if previous_end is not None and start > previous_end:
            pauses.append((previous_end, start))
        previous_end = end if previous_end is None else max(previous_end, end)
    return pauses


def has_readings(activity: ParsedActivity) -> bool:
    """Some row has a position or a sensor value (rows with only a time say nothing)."""
    columns = ("lat", "altitude", "heartrate", "cadence", "watts", "temp", "distance", "speed")
    return any(bool(np.isfinite(getattr(activity, column)).any()) for column in columns)
