"""Upload format detection and decompression: the bytes decide, containers are capped, archives stay simple."""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
import zlib

import pytest

from stride.activities.parsing import parse
from stride.activities.parsing.detect import DTD_MESSAGE, UNRECOGNISED, Unpacked, sniff, unpack
from stride.activities.parsing.fit import parse_fit
from stride.activities.parsing.model import ActivityFileError
from tests.conftest import CORPUS

MAX = 50_000_000
KML = "KML files are not supported; Stride accepts FIT, TCX and GPX files, optionally gzipped"
GPX = (
    b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
    b'<trkpt lat="46" lon="14"><time>2020-05-01T10:00:00Z</time></trkpt></trkseg></trk></gpx>'
)
FIT_HEADER = bytes([14, 0x10]) + struct.pack("<HI", 2100, 0) + b".FIT" + b"\0\0"


def _expected_kind(folder: str, name: str) -> str:
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".zip"):
        return "zip"
    return {"fit": "fit", "gpx": "gpx", "tcx": "tcx", "kml": "kml"}[name.rpartition(".")[2].lower()]


CORPUS_FILES = sorted(
    f"{p.parent.name}/{p.name}" for folder in ("fit", "gpx", "tcx", "kml", "bad") for p in (CORPUS / folder).iterdir()
)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_every_corpus_file_is_recognised_from_its_bytes(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    kind = _expected_kind(*name.split("/"))
    # Given a real file
    # When its first bytes are sniffed
    # Then the kind is what the file is (uppercase .FIT and every bad/*.fit still have a valid FIT header)
    assert sniff(data) == kind
    if kind == "kml":
        with pytest.raises(ActivityFileError) as caught:
            unpack(data, max_bytes=MAX)
        assert caught.value.message == KML
    else:
        unpacked = unpack(data, max_bytes=MAX)
        assert unpacked.format == ("fit" if kind in ("gzip", "zip") else kind)
        assert unpacked.containers == ({"gzip": ("gzip",), "zip": ("zip",)}.get(kind, ()))


def test_the_gzipped_and_zipped_fit_files_unpack_to_fit_files() -> None:
    gz = unpack((CORPUS / "fit/gc_14582164182.fit.gz").read_bytes(), "fit.gz", max_bytes=MAX)
    assert gz.data == gzip.decompress((CORPUS / "fit/gc_14582164182.fit.gz").read_bytes())
    assert sniff(gz.data) == "fit"
    zipped = unpack((CORPUS / "fit/gc_tacx-neo.fit.zip").read_bytes(), max_bytes=MAX)
    assert len(zipped.data) == 30630 and sniff(zipped.data) == "fit"


@pytest.mark.parametrize("name", ["fit/gc_14582164182.fit.gz", "fit/gc_tacx-neo.fit.zip"])
def test_parse_reads_compressed_fit_files_like_the_plain_ones(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    activity = parse(data, "fit.gz", max_bytes=MAX)
    plain = parse_fit(unpack(data, max_bytes=MAX).data)
    assert activity.format == "fit" and len(activity) == len(plain) > 0
    assert activity.time.tolist() == plain.time.tolist()


def test_the_bytes_win_over_the_data_type() -> None:
    # Given a GPX uploaded as "fit", and as "TCX.GZ"
    assert unpack(GPX, "fit", max_bytes=MAX) == Unpacked("gpx", GPX, ())
    assert unpack(GPX, "TCX.GZ", max_bytes=MAX).format == "gpx"
    # And a gzipped TCX uploaded as plain "gpx"
    tcx = (CORPUS / "tcx/togeojson_tour_hr.tcx").read_bytes()
    assert unpack(gzip.compress(tcx), "gpx", max_bytes=MAX) == Unpacked("tcx", tcx, ("gzip",))
    # Then parse follows the bytes too
    assert parse(GPX, "tcx", max_bytes=MAX).format == "gpx"


def test_the_data_type_decides_only_when_the_root_is_beyond_the_head() -> None:
    # Given an XML file whose prolog (a 70 KB comment) hides the root element from the sniffer
    data = b"<?xml version='1.0'?><!--" + b"x" * 70_000 + b"-->" + GPX.partition(b"?>")[2]
    assert sniff(data) == "xml"
    # Then the hint says which parser to try, and without a usable hint the file is unrecognised
    assert unpack(data, "Gpx", max_bytes=MAX).format == "gpx"
    assert parse(data, "gpx.gz", max_bytes=MAX).format == "gpx"
    for hint in (None, "kml", "pdf"):
        with pytest.raises(ActivityFileError) as caught:
            unpack(data, hint, max_bytes=MAX)
        assert caught.value.message == UNRECOGNISED


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xef\xbb\xbf<gpx>", "gpx"),
        (b'  \r\n\t<?xml version="1.0"?>\n<!-- exported -->\n<?xml-stylesheet href="x"?><gpx:gpx>', "gpx"),
        (b"<TrainingCenterDatabase xmlns='x'>", "tcx"),
        (b"<kml xmlns='http://www.opengis.net/kml/2.2'>", "kml"),
        ("\ufeff<?xml version='1.0' encoding='UTF-16'?><gpx/>".encode("utf-16-le"), "gpx"),
        ("\ufeff<TrainingCenterDatabase/>".encode("utf-16-be"), "tcx"),
        (b'<?xml version="1.0"?><!DOCTYPE gpx SYSTEM "x"><gpx/>', "dtd"),
        (b"<!DOCTYPE html><html></html>", None),
        (b"<html><body>404</body></html>", None),
        (b"<", None),
        (b"<?xml version='1.0'", "xml"),
        (b"%PDF-1.7", None),
        (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FI", None),  # too short for a FIT header
        (FIT_HEADER, "fit"),
        (bytes([12]) + FIT_HEADER[1:8] + b".FIT", "fit"),
        (bytes([13]) + FIT_HEADER[1:], None),
        (b"PK\x05\x06" + b"\0" * 18, "zip"),
    ],
)
def test_sniff(head: bytes, kind: str | None) -> None:
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"hello, world", UNRECOGNISED),
        (b"<html><body>404</body></html>", UNRECOGNISED),
        (b"{}", UNRECOGNISED),
        (b"<kml/>", KML),
        (b'<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]><gpx>&x;</gpx>', DTD_MESSAGE),
        (gzip.compress(b""), "the compressed file is empty"),
        (gzip.compress(b"plain text"), UNRECOGNISED),
        (b"x" * 101, "the file is larger than 100 bytes"),
    ],
    ids=["empty", "text", "html", "json", "kml", "dtd", "gzip-empty", "gzip-text", "too-large"],
)
def test_refused_uploads(data: bytes, message: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        parse(data, "gpx", max_bytes=100 if message.startswith("the file is larger") else MAX)
    assert caught.value.message == message


# ---------------------------------------------------------------- gzip


def test_gzip_bomb_stops_at_the_cap() -> None:
    # Given 200 MB of zeros gzipped into about 200 KB
    squeezer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * 10_000_000
    bomb = b"".join(squeezer.compress(block) for _ in range(20)) + squeezer.flush()
    assert len(bomb) < 300_000
    # When it is unpacked with a 5 MB cap (MB of 1,048,576 bytes, as the upload processor counts them)
    with pytest.raises(ActivityFileError) as caught:
        unpack(bomb, max_bytes=5 * 1_048_576)
    # Then it stops at the cap
    assert caught.value.message == "the file is larger than 5 MB when uncompressed"


def test_gzip_exactly_at_the_cap_is_fine() -> None:
    assert len(unpack(gzip.compress(GPX), max_bytes=len(GPX)).data) == len(GPX)
    with pytest.raises(ActivityFileError, match="when uncompressed"):
        unpack(gzip.compress(GPX), max_bytes=len(GPX) - 1)


def test_multi_member_gzip_and_padding() -> None:
    half = len(GPX) // 2
    data = gzip.compress(GPX[:half]) + gzip.compress(GPX[half:]) + b"\0" * 512
    assert unpack(data, max_bytes=MAX) == Unpacked("gpx", GPX, ("gzip",))
    # trailing junk after the last member is ignored: every member's CRC was checked
    assert unpack(gzip.compress(GPX) + b"junk", max_bytes=MAX).data == GPX


def test_gzip_in_gzip_is_fine_and_a_third_layer_is_not() -> None:
    twice = gzip.compress(gzip.compress(GPX))
    assert unpack(twice, max_bytes=MAX) == Unpacked("gpx", GPX, ("gzip", "gzip"))
    with pytest.raises(ActivityFileError, match="compressed more than twice over"):
        unpack(gzip.compress(twice), max_bytes=MAX)
    with pytest.raises(ActivityFileError, match="compressed more than twice over"):
        unpack(_zip(("ride.gpx.gz", gzip.compress(gzip.compress(GPX)))), max_bytes=MAX)


def test_truncated_and_corrupt_gzip() -> None:
    data = gzip.compress(GPX)
    with pytest.raises(ActivityFileError) as caught:
        unpack(data[: len(data) - 10], max_bytes=MAX)
    assert caught.value.message == "the gzip file is truncated"
    for cut in (3, 12):
        with pytest.raises(ActivityFileError, match="the gzip file is"):
            unpack(data[:cut], max_bytes=MAX)
    corrupt = bytearray(data)
    corrupt[-6] ^= 0xFF  # the CRC
    with pytest.raises(ActivityFileError) as caught:
        unpack(bytes(corrupt), max_bytes=MAX)
    assert caught.value.message == "the gzip file is corrupt"


# ---------------------------------------------------------------- zip


def _zip(*members: tuple[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_one_activity_file() -> None:
    assert unpack(_zip(("ride.gpx", GPX)), max_bytes=MAX) == Unpacked("gpx", GPX, ("zip",))
    # junk beside it (macOS resource forks, hidden files, folders) does not count
    junk = _zip(("__MACOSX/._ride.gpx", b"junk"), (".DS_Store", b"junk"), ("rides/", b""), ("rides/ride.gpx", GPX))
    assert unpack(junk, max_bytes=MAX).data == GPX
    # several files, one of them an activity file: that one
    assert unpack(_zip(("README.txt", b"hi"), ("ride.GPX", GPX)), max_bytes=MAX).data == GPX
    # a gzipped activity inside a zip is two layers: fine
    assert unpack(_zip(("ride.gpx.gz", gzip.compress(GPX))), max_bytes=MAX) == Unpacked("gpx", GPX, ("zip", "gzip"))


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (
            _zip(("a.gpx", GPX), ("b.gpx", GPX)),
            "the zip archive holds several files; upload one activity file at a time",
        ),
        (
            _zip(("a.txt", b"a"), ("b.txt", b"b")),
            "the zip archive holds several files; upload one activity file at a time",
        ),
        (_zip(), "the zip archive holds no file"),
        (_zip(("__MACOSX/._x", b"x")), "the zip archive holds no file"),
        (
            _zip(("inner.zip", _zip(("ride.gpx", GPX)))),
            "the file is an archive inside an archive; upload the activity file itself",
        ),
        (_zip(("ride.gpx", b"")), "the compressed file is empty"),
        (b"PK\x03\x04" + b"\0" * 40, "the zip archive is corrupt"),
    ],
    ids=["two-activities", "two-files", "empty", "only-junk", "nested", "empty-member", "corrupt"],
)
def test_refused_zips(archive: bytes, message: str) -> None:
    with pytest.raises(ActivityFileError) as caught:
        unpack(archive, max_bytes=MAX)
    assert caught.value.message == message


def test_zip_bomb_is_refused_by_its_declared_size() -> None:
    bomb = _zip(("ride.fit", b"\0" * 20_000_000))
    assert len(bomb) < 100_000
    with pytest.raises(ActivityFileError) as caught:
        unpack(bomb, max_bytes=1_048_576)
    assert caught.value.message == "the file is larger than 1 MB when uncompressed"


def test_zip_that_lies_about_its_size_is_refused() -> None:
    # Given a member that declares 100 bytes (in both headers) but inflates to 2 MB
    archive = bytearray(_zip(("ride.gpx", GPX + b" " * 2_000_000)))
    real = struct.pack("<I", len(GPX) + 2_000_000)
    for offset in (i for i in range(len(archive) - 4) if archive[i : i + 4] == real):
        archive[offset : offset + 4] = struct.pack("<I", 100)
    # When it is unpacked under a 1 MB cap
    with pytest.raises(ActivityFileError) as caught:
        unpack(bytes(archive), max_bytes=1_000_000)
    # Then reading stops at the declared size, and the CRC no longer matches
    assert caught.value.message == "the zip archive is corrupt"


def test_encrypted_zip_is_refused() -> None:
    archive = bytearray(_zip(("ride.gpx", GPX), method=zipfile.ZIP_STORED))
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = archive.find(signature)
        archive[start + flags_at] |= 0x1
    with pytest.raises(ActivityFileError) as caught:
        unpack(bytes(archive), max_bytes=MAX)
    assert caught.value.message == "the zip archive is password-protected"


# ---------------------------------------------------------------- fuzzing


@pytest.mark.parametrize("name", ["fit/gc_14582164182.fit.gz", "fit/gc_tacx-neo.fit.zip"])
def test_fuzzed_containers_only_ever_raise_activity_file_error(name: str) -> None:
    rng = random.Random(f"stride-{name}")
    data = (CORPUS / name).read_bytes()
    for i in range(120):
        if i % 3 == 0:
            mutant = data[: rng.randrange(len(data))]
        else:
            buf = bytearray(data)
            for _ in range(rng.randint(1, 6)):
                buf[rng.randrange(min(len(buf), 512) if i % 2 else len(buf))] = rng.randrange(256)
            mutant = bytes(buf)
        try:
            unpacked = unpack(mutant, "fit.gz", max_bytes=MAX)
        except ActivityFileError as err:
            assert err.message
        else:
            assert unpacked.format in ("fit", "gpx", "tcx")
