"""The WebSocket authorizer's token check: a Cognito JWT verified as API Gateway's Cognito authorizer does
(signature against the pool's JWKS, expiry, issuer, client id, token_use), else a live share token.

JWKS: ``https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`` in AWS; with
``AWS_ENDPOINT_URL`` set (the local cloud) ``<endpoint>/<pool>/.well-known/jwks.json``. Kept per container.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ACCEPTED_SCOPES = frozenset({"aws.cognito.signin.user.admin", "stride/read"})  # the REST API's authorizer scopes


class TokenRejectedError(Exception):
    """Not a valid Cognito token of this pool and client."""


@dataclass(frozen=True)
class Verified:
    claims: dict[str, Any]
    token_use: str


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _pool() -> str:
    return os.environ["USER_POOL_ID"]


def issuer() -> str:
    return f"https://cognito-idp.{_region()}.amazonaws.com/{_pool()}"


def jwks_url() -> str:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    return (
        f"{endpoint.rstrip('/')}/{_pool()}/.well-known/jwks.json" if endpoint else f"{issuer()}/.well-known/jwks.json"
    )


@cache
def _key_set() -> KeySet:
    with urllib.request.urlopen(jwks_url(), timeout=5) as response:  # noqa: S310 - a fixed https/loopback URL
        return KeySet.import_key_set(json.loads(response.read()))


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2


def verify(token: str) -> Verified:
    client_id = os.environ["USER_POOL_CLIENT_ID"]
    try:
        decoded = jwt.decode(token, _key_set(), algorithms=["RS256"])
    except (JoseError, ValueError) as exc:
        raise TokenRejectedError(type(exc).__name__) from exc
    claims = dict(decoded.claims)
    if claims.get("iss") != issuer():
        raise TokenRejectedError("wrong issuer")
    if float(claims.get("exp", 0)) <= time.time():
        raise TokenRejectedError("expired")
    token_use = claims.get("token_use")
    if token_use == "access":
        if claims.get("client_id") != client_id:
            raise TokenRejectedError("unknown client")
        if not set(str(claims.get("scope", "")).split()) & ACCEPTED_SCOPES:
            raise TokenRejectedError("missing scope")
    elif token_use == "id":
        if claims.get("aud") != client_id:
            raise TokenRejectedError("unknown audience")
    else:
        raise TokenRejectedError("not an access or ID token")
    return Verified(claims, str(token_use))
