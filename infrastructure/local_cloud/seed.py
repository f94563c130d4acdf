"""Demo athletes for `make run`, and the user helpers the operator CLI shares."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from infrastructure.local_cloud.seed_challenges import seed_challenges
from infrastructure.local_cloud.seed_clubs import seed_clubs
from infrastructure.local_cloud.seed_live import seed_live

DEMO_PASSWORD = "Stride-demo-2026"
# Real device files beside the checkout (../shared/corpus); demo activities are skipped when it is absent.
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
DEMO_ACTIVITIES = (
    ("alice", "gpx/sportslib_amazfit.gpx", "gpx", "Morning run by the river"),
    ("alice", "fit/gc_10k-garmin-fr15.fit", "fit", "10k race"),
    ("bob", "fit/fitparse_edge810-vector-power.fit", "fit", "Power test ride"),
    ("bob", "fit/gc_karoo-ride-2025.fit", "fit", "Botley loop"),
)


@dataclass(frozen=True)
class DemoAthlete:
    username: str
    given_name: str
    family_name: str
    groups: tuple[str, ...]
    profile: dict[str, Any]


DEMO_ATHLETES = (
    DemoAthlete(
        "alice",
        "Alice",
        "Runner",
        ("MEMBER", "PREMIUM"),
        {"city": "Boulder", "country": "US", "sex": "F", "weight": 58.0},
    ),
    DemoAthlete("bob", "Bob", "Rider", ("MEMBER",), {"city": "Girona", "country": "ES", "sex": "M", "ftp": 280}),
    DemoAthlete(
        "carol", "Carol", "Coach", ("MEMBER", "COACH"), {"city": "Leeds", "country": "GB", "private_profile": True}
    ),
    DemoAthlete("mod", "Morgan", "Moderator", ("MEMBER", "MODERATOR"), {}),
    DemoAthlete("admin", "Ada", "Admin", ("MEMBER", "ADMIN"), {}),
)


def create_user(
    cognito: Any,
    user_pool_id: str,
    client_id: str,
    username: str,
    password: str,
    email: str,
    groups: tuple[str, ...] = ("MEMBER",),
    given_name: str | None = None,
    family_name: str | None = None,
) -> None:
    """Sign up through the app client as an app would, confirm as an operator, and add to groups."""
    attributes = [{"Name": "email", "Value": email}]
    if given_name:
        attributes.append({"Name": "given_name", "Value": given_name})
    if family_name:
        attributes.append({"Name": "family_name", "Value": family_name})
    cognito.sign_up(ClientId=client_id, Username=username, Password=password, UserAttributes=attributes)
    cognito.admin_confirm_sign_up(UserPoolId=user_pool_id, Username=username)
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=group)


def sign_in(cognito: Any, client_id: str, username: str, password: str) -> dict[str, Any]:
    result: dict[str, Any] = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": username, "PASSWORD": password}
    )["AuthenticationResult"]
    return result


def seed(cognito: Any, user_pool_id: str, client_id: str, api_url: str) -> list[dict[str, Any]]:
    """Create the demo athletes, connect them, upload their activities and react, all through the public API."""
    created = []
    headers_of: dict[str, dict[str, str]] = {}
    for demo in DEMO_ATHLETES:
        create_user(
            cognito,
            user_pool_id,
            client_id,
            demo.username,
            DEMO_PASSWORD,
            f"{demo.username}@stride.local",
            demo.groups,
            demo.given_name,
            demo.family_name,
        )
        token = sign_in(cognito, client_id, demo.username, DEMO_PASSWORD)["AccessToken"]
        headers = headers_of[demo.username] = {"Authorization": f"Bearer {token}"}
        athlete = requests.get(f"{api_url}/api/v3/athlete", headers=headers, timeout=30)
        athlete.raise_for_status()
        if demo.profile:
            updated = requests.put(f"{api_url}/api/v3/athlete", json=demo.profile, headers=headers, timeout=30)
            updated.raise_for_status()
        created.append({"username": demo.username, "athlete_id": athlete.json()["id"], "groups": list(demo.groups)})
    ids = {entry["username"]: entry["athlete_id"] for entry in created}
    # Follows first, so the uploads below fan out into the followers' feeds.
    for follower, followed in DEMO_FOLLOWS:
        response = requests.post(
            f"{api_url}/api/v3/athletes/{ids[followed]}/follow", headers=headers_of[follower], timeout=30
        )
        response.raise_for_status()
    uploads = [
        (username, upload_id)
        for username, headers in headers_of.items()
        for upload_id in _upload_demo_activities(api_url, username, headers)
    ]
    _react(api_url, headers_of, uploads)
    # Demo data of later contexts, each from its own seed module.
    seed_live(api_url, headers_of, ids)
    seed_clubs(api_url, headers_of, ids)
    seed_challenges(api_url, headers_of, ids)
    return created


# Who follows whom in the demo (carol's profile is private: alice's follow stays a request for carol to answer).
DEMO_FOLLOWS = (("alice", "bob"), ("bob", "alice"), ("mod", "alice"), ("alice", "carol"))


def _upload_demo_activities(api_url: str, username: str, headers: dict[str, str]) -> list[int]:
    """Upload the athlete's demo files the way a client does; the S3 trigger turns them into activities."""
    upload_ids = []
    for owner, relative, data_type, name in DEMO_ACTIVITIES:
        path = CORPUS / relative
        if owner != username or not path.is_file():
            continue
        response = requests.post(
            f"{api_url}/api/v3/uploads",
            files={"file": (path.name, path.read_bytes())},
            data={"data_type": data_type, "name": name},
            headers=headers,
            timeout=60,
        )
        response.raise_for_status()
        upload_ids.append(int(response.json()["id"]))
    return upload_ids


def _react(api_url: str, headers_of: dict[str, dict[str, str]], uploads: list[tuple[str, int]]) -> None:
    """Once alice's first demo activity is ready, bob gives kudos and comments on it, mentioning her."""
    alice_uploads = [upload_id for username, upload_id in uploads if username == "alice"]
    if not alice_uploads:
        return
    deadline = time.monotonic() + 120
    activity_id = None
    while activity_id is None and time.monotonic() < deadline:
        upload = requests.get(f"{api_url}/api/v3/uploads/{alice_uploads[0]}", headers=headers_of["alice"], timeout=30)
        upload.raise_for_status()
        activity_id = upload.json().get("activity_id")
        if activity_id is None:
            time.sleep(0.5)
    if activity_id is None:
        return
    bob = headers_of["bob"]
    requests.post(f"{api_url}/api/v3/activities/{activity_id}/kudos", headers=bob, timeout=30).raise_for_status()
    requests.post(
        f"{api_url}/api/v3/activities/{activity_id}/comments",
        json={"text": "Great pace @alice!"},
        headers=bob,
        timeout=30,
    ).raise_for_status()
