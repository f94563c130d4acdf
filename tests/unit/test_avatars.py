"""Profile pictures are recognised by their first bytes, never by name or declared type."""

import pytest

from stride.accounts.avatars import sniff_image_type

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
WEBP = b"RIFF\x24\x08\x00\x00WEBPVP8 "


@pytest.mark.parametrize(
    ("head", "content_type"),
    [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp"), (b"\xff\xd8\xff", "image/jpeg")],
    ids=["jpeg", "png", "webp", "jpeg-magic-only"],
)
def test_sniff_recognises_accepted_formats(head: bytes, content_type: str) -> None:
    # Given the first 16 bytes of an accepted picture
    # When they are sniffed
    sniffed = sniff_image_type(head)
    # Then the format is recognised
    assert sniffed == content_type


@pytest.mark.parametrize(
    "head",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg">',
        b'<?xml version="1.0"?><svg',
        b"hello, this is text",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x00",
        b"RIFF\x24\x08\x00\x00WAVEfmt ",
        b"%PDF-1.7\n",
        b"\x89PNG",
        b"",
    ],
    ids=["svg", "xml-svg", "text", "gif", "riff-wave", "pdf", "truncated-png", "empty"],
)
def test_sniff_rejects_other_content(head: bytes) -> None:
    # Given bytes that are not a JPEG, PNG or WebP
    # When they are sniffed
    # Then nothing is recognised
    assert sniff_image_type(head) is None


def test_webp_needs_the_marker_at_offset_8() -> None:
    # Given WEBP at the start instead of after the RIFF header
    # When sniffed
    # Then it is not taken for a WebP
    assert sniff_image_type(b"WEBPRIFF\x00\x00\x00\x00") is None
