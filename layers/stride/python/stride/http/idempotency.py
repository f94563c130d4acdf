"""``Idempotency-Key`` for writes: the same key from the same athlete replays the first answer for 24 hours.

Powertools idempotency stores records in the single table (partition ``IDEMPOTENCY#<function>``). The key is
scoped to the caller, method and path; the request's body and query are the payload fingerprint, so reusing a
key for a different request is refused (422). Answers of 5xx, 409 and 429 are not kept: the retry runs again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.config import table_settings
from stride.store import keys

HEADER = "idempotency-key"
MAX_KEY_LENGTH = 255
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOT_KEPT = frozenset({409, 429})


class _AnswerNotKept(Exception):  # noqa: N818 - control flow, never escapes this module
    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__("answer not kept")
        self.response = response


def idempotency_key(event: dict[str, Any]) -> str | None:
    if str(event.get("httpMethod", "")).upper() not in WRITE_METHODS:
        return None
    for name, value in (event.get("headers") or {}).items():
        if name.lower() == HEADER and value:
            return str(value)
    return None


@cache
def _config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="fingerprint",
        expires_after_seconds=86_400,
        raise_on_no_idempotency_key=True,
    )


@cache
def _run_once() -> Callable[..., dict[str, Any]]:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
    persistence = DynamoDBPersistenceLayer(
        table_name=table_settings().table_name,
        key_attr="PK",
        sort_key_attr="SK",
        expiry_attr="ttl",
        static_pk_value=keys.idempotency_pk(function_name),
    )

    @idempotent_function(data_keyword_argument="request", persistence_store=persistence, config=_config())
    def run(request: dict[str, Any], resolve: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        response = resolve()
        status = int(response.get("statusCode", 500))
        if status >= 500 or status in _NOT_KEPT:
            raise _AnswerNotKept(response)
        return response

    return run


def resolve_once(
    event: dict[str, Any], context: LambdaContext, key: str, resolve: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``resolve`` once per (caller, method, path, key); later calls get the stored answer."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    fingerprint = hashlib.sha256(
        repr((event.get("body"), sorted((event.get("queryStringParameters") or {}).items()))).encode()
    ).hexdigest()
    request = {
        "key": f"{claims.get('sub', '')}|{event.get('httpMethod')}|{event.get('path')}|{key}",
        "fingerprint": fingerprint,
    }
    _config().register_lambda_context(context)
    try:
        return _run_once()(request=request, resolve=resolve)
    except _AnswerNotKept as not_kept:
        return not_kept.response
