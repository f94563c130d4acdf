"""The local cloud, started once per test session on free ports, and helpers to act as app users."""

from __future__ import annotations

import itertools
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from infrastructure.local_cloud.cloud import LocalCloud
from infrastructure.local_cloud.seed import create_user, sign_in
from tests.conftest import ROOT

PASSWORD = "Integration-Test-1"
POPULAR_AT = 3  # followers from which an athlete's activities are merged at read time instead of fanned out
_counter = itertools.count()


# One local cloud per test module: each module starts from empty tables. moto copies the whole table on every
# TransactWriteItems and DynamoDB calls are served one at a time, so a table grown by every earlier module
# slowed the last ones until a plain GetItem missed its function timeout.
@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCloud]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    local = LocalCloud(
        extra_templates=[ROOT / "tests" / "fixtures" / "faulty" / "template.yaml"],
        api_port=None,
        moto_port=None,
        websocket_port=None,
        retry_delays=(0.05, 0.1),
        state_dir=tmp_path_factory.mktemp("stride-state"),
        # Low enough that tests build athletes on both sides of the feed's fan-out threshold.
        parameter_overrides={"FeedFanoutMaxFollowers": str(POPULAR_AT)},
    )
    local.start()
    yield local
    local.stop()


@dataclass
class AppUser:
    username: str
    sub: str
    access_token: str
    id_token: str
    api_url: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    def get(self, path: str, **kwargs: object) -> requests.Response:
        return requests.get(
            f"{self.api_url}{path}",
            headers={**self.headers, **kwargs.pop("headers", {})},  # type: ignore[dict-item]
            timeout=30,
            **kwargs,
        )  # type: ignore[arg-type]

    def put(self, path: str, **kwargs: object) -> requests.Response:
        return requests.put(
            f"{self.api_url}{path}",
            headers={**self.headers, **kwargs.pop("headers", {})},  # type: ignore[dict-item]
            timeout=30,
            **kwargs,
        )  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> requests.Response:
        return requests.post(
            f"{self.api_url}{path}",
            headers={**self.headers, **kwargs.pop("headers", {})},  # type: ignore[dict-item]
            timeout=30,
            **kwargs,
        )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def make_user(cloud: LocalCloud):  # noqa: ANN201
    """Sign up, confirm and sign in a fresh athlete through Cognito (moto), as the mobile app does."""
    assert cloud.info is not None
    info = cloud.info
    cognito = cloud.client("cognito-idp")

    def _make(
        groups: tuple[str, ...] = ("MEMBER",), given_name: str | None = "Test", family_name: str | None = "Athlete"
    ) -> AppUser:
        username = f"user{next(_counter)}-{uuid.uuid4().hex[:6]}"
        create_user(
            cognito,
            info.user_pool_id,
            info.user_pool_client_id,
            username,
            PASSWORD,
            f"{username}@example.com",
            groups,
            given_name,
            family_name,
        )
        tokens = sign_in(cognito, info.user_pool_client_id, username, PASSWORD)
        sub = next(
            a["Value"]
            for a in cognito.admin_get_user(UserPoolId=info.user_pool_id, Username=username)["UserAttributes"]
            if a["Name"] == "sub"
        )
        return AppUser(username, sub, tokens["AccessToken"], tokens["IdToken"], info.api_url)

    return _make


@pytest.fixture
def user(make_user) -> AppUser:  # noqa: ANN001
    return make_user()
