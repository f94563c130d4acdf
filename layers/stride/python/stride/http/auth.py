"""The caller of an API request, from the claims API Gateway's Cognito authorizer verified."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from stride.accounts import identity_provider, service
from stride.accounts.models import Identity
from stride.errors import UnauthenticatedError
from stride.policy import Caller


def parse_groups(raw: Any) -> frozenset[str]:
    """API Gateway flattens claims to strings: a list may arrive as ``"A,B"`` or ``"[A B]"``."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list | tuple | set | frozenset):
        return frozenset(str(g) for g in raw)
    text = str(raw).strip().strip("[]")
    return frozenset(part for part in text.replace(",", " ").split() if part)


def _claims(app: APIGatewayRestResolver) -> dict[str, Any]:
    authorizer = app.current_event.request_context.authorizer
    claims = authorizer.claims if authorizer else None
    if not claims or not claims.get("sub"):
        raise UnauthenticatedError.about("no verified identity", "Athlete", "access_token", "missing")
    return dict(claims)


def _bearer_token(app: APIGatewayRestResolver) -> str:
    value = app.current_event.get_header_value("Authorization", default_value="", case_sensitive=False) or ""
    return value[7:].strip() if value[:7].lower() == "bearer " else value.strip()


def current_caller(app: APIGatewayRestResolver) -> Caller:
    """Resolve (and on first use create) the athlete behind the request's token."""
    claims = _claims(app)
    identity = Identity(
        sub=str(claims["sub"]),
        username=str(claims.get("username") or claims.get("cognito:username") or claims["sub"]),
        groups=parse_groups(claims.get("cognito:groups")),
        given_name=claims.get("given_name"),
        family_name=claims.get("family_name"),
    )
    token_use = str(claims.get("token_use", "access"))
    token = _bearer_token(app)
    return service.resolve_caller(
        identity,
        token_use,
        claims.get("scope"),
        lambda: identity_provider.user_attributes(token) if token_use == "access" and token else {},
    )
