"""The feed's page token: a position in one reader's feed, HMAC-SHA256 signed and bound to that reader.

Format: ``base64url(payload JSON) + "." + base64url(HMAC-SHA256(key, "feed.v1." + payload part))``. The payload
holds the reader id and the sort-key position of the last entry handed out (start epoch, activity id). A token
that was altered, signed with another key or minted for another reader is refused (``MalformedRequestError``,
answered 400), so a client can neither forge positions nor replay someone else's token.

The key is a Secrets Manager secret (env ``FEED_CURSOR_SECRET_ARN``), read once per cold start and cached.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, Field

from stride.config import ConfigurationError, _load
from stride.errors import ErrorDetail, MalformedRequestError

_DOMAIN = b"feed.v1."  # separates these signatures from any other use of the same key
MAX_TOKEN_CHARS = 512


class FeedCursorSettings(BaseModel):
    feed_cursor_secret_arn: str = Field(min_length=1)


@dataclass(frozen=True, order=True)
class Position:
    """Where the next page starts: strictly before (older than) this entry, in (start, activity id) order."""

    start_epoch: int
    activity_id: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, payload_part: str) -> bytes:
    return hmac.new(key, _DOMAIN + payload_part.encode("ascii"), hashlib.sha256).digest()


def encode(reader_id: int, position: Position, key: bytes) -> str:
    payload = json.dumps({"r": reader_id, "s": position.start_epoch, "a": position.activity_id}, separators=(",", ":"))
    payload_part = _b64(payload.encode())
    return f"{payload_part}.{_b64(_signature(key, payload_part))}"


def _invalid() -> MalformedRequestError:
    return MalformedRequestError("the cursor is not valid for this feed", [ErrorDetail("Feed", "cursor", "invalid")])


def decode(token: str, reader_id: int, key: bytes) -> Position:
    """The position a token holds, if this key signed it for this reader; else ``MalformedRequestError``."""
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
        raise _invalid()
    payload_part, signature_part = token.split(".")
    try:
        signature = _unb64(signature_part)
        payload: Any = json.loads(_unb64(payload_part))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _invalid() from exc
    # Constant-time comparison first: nothing of an unsigned payload is trusted, not even its shape.
    if not hmac.compare_digest(signature, _signature(key, payload_part)):
        raise _invalid()
    fields = [payload.get(name) for name in ("r", "s", "a")] if isinstance(payload, dict) else []
    values = [value for value in fields if type(value) is int and value >= 0]
    if len(values) != 3:
        raise _invalid()
    if values[0] != reader_id:  # a token of another reader, even a genuine one
        raise _invalid()
    return Position(values[1], values[2])


@cache
def _secrets_client() -> Any:
    import boto3

    return boto3.client("secretsmanager")


@cache
def signing_key() -> bytes:
    """The HMAC key: fetched from Secrets Manager on the first call of a cold start, then cached."""
    arn = _load(FeedCursorSettings).feed_cursor_secret_arn
    secret = _secrets_client().get_secret_value(SecretId=arn).get("SecretString")
    if not secret or len(secret) < 32:
        raise ConfigurationError("the feed cursor secret is missing or shorter than 32 characters")
    return str(secret).encode()
