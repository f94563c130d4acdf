"""Verify Cognito tokens like API Gateway's Cognito authorizer: signature (pool JWKS), expiry, issuer, client."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet


class TokenRejected(Exception):  # noqa: N818
    """The token is missing, malformed, forged, expired, or for another pool or client."""


@dataclass
class Verified:
    claims: dict[str, Any]
    token_use: str


class CognitoVerifier:
    def __init__(self, endpoint_url: str, region: str, user_pool_id: str, client_ids: set[str]) -> None:
        self.jwks_url = f"{endpoint_url}/{user_pool_id}/.well-known/jwks.json"
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.client_ids = client_ids
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def _key_set(self) -> KeySet:
        with self._lock:
            if self._keys is None:
                response = requests.get(self.jwks_url, timeout=5)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            return self._keys

    def verify(self, authorization: str | None, required_scopes: list[str]) -> Verified:
        if not authorization:
            raise TokenRejected("no Authorization header")
        token = authorization.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            decoded = jwt.decode(token, self._key_set(), algorithms=["RS256"])
        except (JoseError, ValueError) as exc:
            raise TokenRejected(f"bad token: {type(exc).__name__}") from exc
        claims = dict(decoded.claims)
        if claims.get("iss") != self.issuer:
            raise TokenRejected("wrong issuer")
        if float(claims.get("exp", 0)) <= time.time():
            raise TokenRejected("expired")
        token_use = claims.get("token_use")
        if token_use == "access":
            if claims.get("client_id") not in self.client_ids:
                raise TokenRejected("unknown client")
            granted = set(str(claims.get("scope", "")).split())
            if required_scopes and not granted & set(required_scopes):
                raise TokenRejected("missing scope")
        elif token_use == "id":
            # Local convenience (documented): API Gateway would want an access token on a method with scopes.
            if claims.get("aud") not in self.client_ids:
                raise TokenRejected("unknown audience")
        else:
            raise TokenRejected("not a Cognito access or ID token")
        return Verified(claims, str(token_use))


def claims_for_lambda(claims: dict[str, Any]) -> dict[str, str]:
    """API Gateway hands claims to the function as strings; lists become comma-separated."""
    flat: dict[str, str] = {}
    for name, value in claims.items():
        if isinstance(value, list | tuple):
            flat[name] = ",".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat
