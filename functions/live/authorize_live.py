"""REQUEST authorizer of the live WebSocket API ($connect, identity source ``?token=``): a Cognito access or ID
token verified like the REST API's authorizer (JWKS signature, expiry, issuer, client, token_use) gives an
athlete context; anything else is looked up as a live share token. Otherwise the policy denies (403)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from stride.accounts import service
from stride.accounts.models import Identity
from stride.http.auth import parse_groups
from stride.live import sharing, tokens
from stride.observability import logger, tracer


def _policy(effect: str, principal: str, arn: str, context: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": arn}],
        },
    }
    if context:
        answer["context"] = context
    return answer


def _athlete(token: str) -> dict[str, Any] | None:
    try:
        verified = tokens.verify(token)
    except tokens.TokenRejectedError as exc:
        logger.info("token refused", reason=str(exc))
        return None
    claims = verified.claims
    groups = parse_groups(claims.get("cognito:groups"))
    identity = Identity(
        sub=str(claims["sub"]),
        username=str(claims.get("username") or claims.get("cognito:username") or claims["sub"]),
        groups=groups,
        given_name=claims.get("given_name"),
        family_name=claims.get("family_name"),
    )
    caller = service.resolve_caller(identity, verified.token_use, claims.get("scope"), lambda: {})
    return {
        "kind": "athlete",
        "athlete_id": str(caller.athlete_id),
        "sub": caller.sub,
        "scopes": " ".join(sorted(caller.scopes)),
        "groups": " ".join(sorted(caller.groups)),
    }


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict, context: LambdaContext) -> dict:
    arn = event.get("methodArn", "*")
    token = str((event.get("queryStringParameters") or {}).get("token") or "")
    if tokens.looks_like_jwt(token):
        athlete = _athlete(token)
        if athlete:
            return _policy("Allow", athlete["athlete_id"], arn, athlete)
        return _policy("Deny", "anonymous", arn)
    session = sharing.resolve(token)
    if session is None:
        return _policy("Deny", "anonymous", arn)
    return _policy("Allow", f"share-{session.id}", arn, {"kind": "share", "session_id": str(session.id)})
