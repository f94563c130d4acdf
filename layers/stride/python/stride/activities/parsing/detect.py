"""What an uploaded file is, from its bytes, and its payload once decompressed: ``unpack(data, data_type)``.

Choices:

* The bytes decide. FIT: header size 12 or 14 and ".FIT" at offset 8. gzip: 1f 8b. zip: "PK\\x03\\x04"
  (or an empty archive's "PK\\x05\\x06"). XML: after an optional byte-order mark (UTF-8 or UTF-16),
  whitespace, the XML declaration, comments and processing instructions, the root element's local name:
  ``gpx``, ``TrainingCenterDatabase`` (TCX) or ``kml`` (refused: KML is not an activity format Strava
  takes). A DOCTYPE in the prolog is refused at once (see ``xmlsafe``).
* ``data_type`` (Strava's ``fit``, ``fit.gz``, ``tcx``, ``tcx.gz``, ``gpx``, ``gpx.gz``, any case) is a hint
  only. Athletes upload ``.gpx`` files that are really TCX, gzip twice, or name a plain file ``.gz``; when
  the bytes say otherwise, the bytes win. The hint is used only when the bytes cannot say: an XML document
  whose root element is not within the first 64 KiB.
* Containers are opened with a cap of ``max_bytes`` on what they expand to, checked while decompressing,
  so a gzip or zip bomb stops at the cap. gzip: any number of members (concatenated gzip files are one
  stream); NUL padding or anything else after the last member is ignored (the members' CRCs have been
  checked). zip: exactly one activity file (junk such as ``__MACOSX/`` and hidden files is ignored; when
  several files remain, the one with an activity extension, if it is the only one); its declared and its
  actual size are both checked, encrypted members are refused. At most two layers in all, at most one
  of them a zip: a ``.fit.gz`` inside a zip, or a gzip of a ``.fit.gz``, is fine; an archive inside an
  archive is refused.

This module imports no XML code (``is_utf16`` and the DTD message live here for ``xmlsafe`` to share), so that
a FIT upload never loads it.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stride.activities.parsing.model import ActivityFileError

if TYPE_CHECKING:
    import zipfile

UNRECOGNISED = "unrecognised file type; Stride accepts FIT, TCX and GPX files, optionally gzipped"
DATA_TYPES = frozenset({"fit", "fit.gz", "tcx", "tcx.gz", "gpx", "gpx.gz"})
DTD_MESSAGE = "the file declares a DTD or entities, which activity files never need"

_HEAD = 64 * 1024  # how far into an XML file its root element is looked for
_MAX_LAYERS = 2
_ROOTS = {"gpx": "gpx", "TrainingCenterDatabase": "tcx", "kml": "kml"}
_NAME = re.compile(r"[^\s/>]+")
_ACTIVITY_NAME = re.compile(r"\.(fit|tcx|gpx)(\.gz)?$", re.IGNORECASE)
_UTF16_STARTS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}


@dataclass(frozen=True, slots=True)
class Unpacked:
    """An upload's activity file: its format (``fit``, ``gpx`` or ``tcx``), its bytes once decompressed,
    and the containers it came in, outermost first (``("gzip",)``, ``("zip",)``, ...)."""

    format: str
    data: bytes
    containers: tuple[str, ...] = ()


def is_utf16(data: bytes) -> str | None:
    """The codec for a UTF-16 document (by BOM or by its first ``<``), or None when it is not UTF-16."""
    return _UTF16_STARTS.get(data[:2])


def sniff(data: bytes) -> str | None:
    """The kind of ``data`` from its first bytes: ``fit``, ``gzip``, ``zip``, ``gpx``, ``tcx``, ``kml``,
    ``dtd`` (XML with a DOCTYPE), ``xml`` (XML whose root was not found in the head), or None."""
    if len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT":
        return "fit"
    if data[:2] == b"\x1f\x8b":
        return "gzip"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    return _sniff_xml(data)


def _sniff_xml(data: bytes) -> str | None:
    head = data[:_HEAD]
    codec = is_utf16(head)
    if codec is not None:
        text = head[: len(head) // 2 * 2].decode(codec, errors="replace").removeprefix("\ufeff")
    else:
        # latin-1 never fails, and the names looked for are ASCII in every encoding expat reads
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if text.startswith("<?", position):
            close = "?>"
        elif text.startswith("<!--", position):
            close = "-->"
        elif text.startswith("<!DOCTYPE", position):
            # refused whatever it declares; a web page is just not an activity file
            name = _NAME.match(text[position + 9 : position + 80].lstrip(" \t\r\n"))
            return None if name is not None and name.group().lower() == "html" else "dtd"
        elif text.startswith("<", position) and not text.startswith("<!", position):
            name = _NAME.match(text, position + 1)
            return None if name is None else _ROOTS.get(name.group().rpartition(":")[2])
        else:
            return None
        end = text.find(close, position)
        if end < 0:
            return "xml"  # the prolog runs on past the head
        position = end + len(close)


def unpack(data: bytes, data_type: str | None = None, *, max_bytes: int) -> Unpacked:
    """The activity file in an upload, decompressed and identified; ActivityFileError when there is none."""
    if not data:
        raise ActivityFileError("the file is empty")
    if len(data) > max_bytes:
        raise ActivityFileError(f"the file is larger than {_size(max_bytes)}")
    containers: list[str] = []
    while (kind := sniff(data)) in ("gzip", "zip"):
        if kind == "zip" and "zip" in containers:
            raise ActivityFileError("the file is an archive inside an archive; upload the activity file itself")
        if len(containers) == _MAX_LAYERS:
            raise ActivityFileError("the file is compressed more than twice over; upload the activity file itself")
        data = _gunzip(data, max_bytes) if kind == "gzip" else _unzip(data, max_bytes)
        containers.append(kind)
        if not data:
            raise ActivityFileError("the compressed file is empty")
    if kind == "xml":
        kind = _hint(data_type)
    if kind in ("fit", "gpx", "tcx"):
        return Unpacked(kind, data, tuple(containers))
    if kind == "kml":
        raise ActivityFileError(
            "KML files are not supported; Stride accepts FIT, TCX and GPX files, optionally gzipped"
        )
    if kind == "dtd":
        raise ActivityFileError(DTD_MESSAGE)
    raise ActivityFileError(UNRECOGNISED)


def _hint(data_type: str | None) -> str | None:
    hint = (data_type or "").strip().lower()
    return hint.removesuffix(".gz") if hint in DATA_TYPES else None


def _size(size: int) -> str:
    """A byte count as the athlete reads it: MB of 1,048,576 bytes (as the upload processor says them)."""
    return f"{size / 1_048_576:.4g} MB" if size >= 1_048_576 else f"{size} bytes"


def _too_large(max_bytes: int) -> ActivityFileError:
    return ActivityFileError(f"the file is larger than {_size(max_bytes)} when uncompressed")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Every member of a gzip stream, stopping with an error as soon as the output passes ``max_bytes``."""
    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while rest[:2] == b"\x1f\x8b":
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing: header, CRC and size checked
            pending = rest
            while not inflater.eof:
                # max_length bounds each step's output, so a bomb never expands past the cap in memory
                chunk = inflater.decompress(pending, max_bytes - total + 1)
                total += len(chunk)
                if total > max_bytes:
                    raise _too_large(max_bytes)
                if not chunk and len(inflater.unconsumed_tail) == len(pending):
                    raise ActivityFileError("the gzip file is truncated")
                out.append(chunk)
                pending = inflater.unconsumed_tail
            rest = inflater.unused_data.lstrip(b"\0")
    except zlib.error:
        raise ActivityFileError("the gzip file is corrupt") from None
    return b"".join(out)


def _unzip(data: bytes, max_bytes: int) -> bytes:
    """The one activity file in a zip archive, at most ``max_bytes`` long once inflated."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            member = _the_member(archive)
            if member.flag_bits & 0x1:
                raise ActivityFileError("the zip archive is password-protected")
            if member.file_size > max_bytes:
                raise _too_large(max_bytes)
            with archive.open(member) as stream:
                # reads stop at the declared size, and the CRC check then catches a member that lied
                payload = stream.read(max_bytes + 1)
    except (ActivityFileError, MemoryError):
        raise
    except NotImplementedError:
        raise ActivityFileError("the zip archive uses a compression method Stride cannot read") from None
    except Exception:  # zipfile raises many kinds (BadZipFile, zlib/lzma/bz2 errors, EOFError, ValueError)
        raise ActivityFileError("the zip archive is corrupt") from None
    if len(payload) > max_bytes:
        raise _too_large(max_bytes)
    return payload


def _the_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    files = [info for info in archive.infolist() if not info.is_dir() and not _is_junk(info.filename)]
    if len(files) > 1:
        files = [info for info in files if _ACTIVITY_NAME.search(info.filename)] or files
    if not files:
        raise ActivityFileError("the zip archive holds no file")
    if len(files) > 1:
        raise ActivityFileError("the zip archive holds several files; upload one activity file at a time")
    return files[0]


def _is_junk(name: str) -> bool:
    """macOS resource forks and hidden files that archivers add beside the real file."""
    return name.startswith("__MACOSX/") or name.rpartition("/")[2].startswith(".")
