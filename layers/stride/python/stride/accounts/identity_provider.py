"""Cognito glue: the attributes of a signed-in user, read once when their profile is created."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from stride.observability import logger


@cache
def _client() -> Any:
    return boto3.client("cognito-idp")


def user_attributes(access_token: str) -> dict[str, str]:
    """The user's attributes (given_name, family_name, ...) by their own access token; empty if unavailable.

    GetUser is authorised by the token itself, so no IAM permission is needed. A failure here only costs
    the new profile its names, which the athlete can set later, so it is logged and not raised.
    """
    try:
        response = _client().get_user(AccessToken=access_token)
    except (ClientError, BotoCoreError) as exc:
        logger.warning("cognito user attributes unavailable", error_type=type(exc).__name__)
        return {}
    return {attr["Name"]: attr["Value"] for attr in response.get("UserAttributes", [])}
