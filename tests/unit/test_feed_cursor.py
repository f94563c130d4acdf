"""The feed cursor: a signed position bound to one reader; anything altered, foreign or re-signed is refused."""

from __future__ import annotations

import base64
import json

import pytest

from stride.errors import MalformedRequestError
from stride.feed import cursor
from stride.feed.cursor import Position

KEY = b"k" * 64
READER = 1234567890123


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_round_trip_gives_the_position_back() -> None:
    # Given a position in a reader's feed
    position = Position(1_700_000_000, 7_123_456_789_012_345_678)
    # When it is encoded and decoded for the same reader with the same key
    token = cursor.encode(READER, position, KEY)
    # Then the same position comes back, and the token is URL-safe text
    assert cursor.decode(token, READER, KEY) == position
    assert all(c.isalnum() or c in "-_." for c in token)


def test_a_token_of_another_reader_is_refused() -> None:
    # Given a genuine token minted for one reader
    token = cursor.encode(READER, Position(1, 2), KEY)
    # When another reader presents it
    # Then it is refused as malformed (answered 400)
    with pytest.raises(MalformedRequestError):
        cursor.decode(token, READER + 1, KEY)


def test_a_token_signed_with_another_key_is_refused() -> None:
    # Given a token signed with some other key
    token = cursor.encode(READER, Position(1, 2), b"x" * 64)
    # When it is decoded with ours
    # Then it is refused
    with pytest.raises(MalformedRequestError):
        cursor.decode(token, READER, KEY)


def test_an_altered_payload_is_refused() -> None:
    # Given a genuine token whose payload is swapped for a forged position, signature kept
    token = cursor.encode(READER, Position(1_700_000_000, 5), KEY)
    _, signature = token.split(".")
    forged = _b64(json.dumps({"r": READER, "s": 1_800_000_000, "a": 5}, separators=(",", ":")).encode())
    # When it is decoded
    # Then it is refused
    with pytest.raises(MalformedRequestError):
        cursor.decode(f"{forged}.{signature}", READER, KEY)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one signature character flipped
        lambda t: t.replace(".", ""),  # no separator
        lambda t: t + ".x",  # two separators
        lambda t: "",  # empty
        lambda t: "!!!.???",  # not base64url
        lambda t: t.split(".")[0] + "." + t.split(".")[0],  # payload where the signature belongs
        lambda t: "A" * 600,  # too long
    ],
)
def test_mangled_tokens_are_refused(mangle) -> None:  # noqa: ANN001
    # Given a genuine token, mangled
    token = mangle(cursor.encode(READER, Position(1_700_000_000, 5), KEY))
    # When it is decoded
    # Then it is refused
    with pytest.raises(MalformedRequestError):
        cursor.decode(token, READER, KEY)


def test_a_signed_payload_of_the_wrong_shape_is_refused() -> None:
    # Given a payload signed with our key but not a position (e.g. a negative or missing field)
    for payload in ({"r": READER, "s": -1, "a": 5}, {"r": READER, "s": 1}, [1, 2, 3], {"r": READER, "s": 1.5, "a": 2}):
        part = _b64(json.dumps(payload).encode())
        token = f"{part}.{_b64(cursor._signature(KEY, part))}"
        # When it is decoded
        # Then it is refused
        with pytest.raises(MalformedRequestError):
            cursor.decode(token, READER, KEY)


def test_the_fault_names_the_cursor_field() -> None:
    # Given a bad token
    # When it is decoded
    with pytest.raises(MalformedRequestError) as caught:
        cursor.decode("nope.nope", READER, KEY)
    # Then the Fault's error names the Feed's cursor
    detail = caught.value.details[0]
    assert (detail.resource, detail.field, detail.code) == ("Feed", "cursor", "invalid")
