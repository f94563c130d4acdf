"""Athletes over HTTP through the local cloud, as the mobile app and stravalib use them."""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import uuid
from dataclasses import asdict

import pytest
import requests
from stravalib import Client, strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from tests.conftest import ROOT
from tests.integration.conftest import AppUser

pytestmark = pytest.mark.integration


def assert_fault(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    assert strava_model.Fault.model_validate(body)
    assert "Traceback" not in response.text
    return body


def test_first_use_creates_the_profile_from_cognito_attributes(user: AppUser) -> None:
    # Given a freshly signed-up athlete; When they read their profile for the first time
    first = user.get("/api/v3/athlete")
    # Then it exists, named from their Cognito attributes, and is a valid DetailedAthlete
    assert first.status_code == 200, first.text
    athlete = strava_model.DetailedAthlete.model_validate(first.json())
    assert athlete.firstname == "Test" and athlete.lastname == "Athlete"
    assert first.json()["resource_state"] == 3
    assert first.headers["X-Request-Id"]
    # And the same token maps to the same athlete next time (one identity, one profile)
    assert user.get("/api/v3/athlete").json()["id"] == athlete.id
    assert 0 < athlete.id < 2**63


def test_id_token_is_accepted_too(user: AppUser) -> None:
    by_access = user.get("/api/v3/athlete").json()
    by_id = requests.get(
        f"{user.api_url}/api/v3/athlete", headers={"Authorization": f"Bearer {user.id_token}"}, timeout=30
    )
    assert by_id.status_code == 200
    assert by_id.json()["id"] == by_access["id"]


def test_ids_are_time_ordered(make_user) -> None:  # noqa: ANN001
    first = make_user().get("/api/v3/athlete").json()["id"]
    second = make_user().get("/api/v3/athlete").json()["id"]
    assert second > first


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
def test_missing_or_malformed_tokens_get_401(cloud: LocalCloud, authorization: str | None) -> None:
    assert cloud.info is not None
    headers = {"Authorization": authorization} if authorization else {}
    body = assert_fault(requests.get(f"{cloud.info.api_url}/api/v3/athlete", headers=headers, timeout=30), 401)
    assert body["errors"][0]["field"] == "access_token"


def test_tampered_token_gets_401(user: AppUser) -> None:
    header, payload, signature = user.access_token.split(".")
    forged = ".".join([header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature])
    response = requests.get(f"{user.api_url}/api/v3/athlete", headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    assert_fault(response, 401)


def test_update_profile_with_json_and_read_it_back(user: AppUser) -> None:
    response = user.put(
        "/api/v3/athlete",
        json={
            "city": "Girona",
            "country": "ES",
            "sex": "F",
            "weight": 61.5,
            "ftp": 250,
            "measurement_preference": "feet",
        },
    )
    assert response.status_code == 200, response.text
    athlete = strava_model.DetailedAthlete.model_validate(response.json())
    assert (athlete.city, athlete.country, athlete.sex, athlete.weight, athlete.ftp) == ("Girona", "ES", "F", 61.5, 250)
    again = user.get("/api/v3/athlete").json()
    assert again["measurement_preference"] == "feet" and again["weight"] == 61.5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"weight": -3}, "weight"),
        ({"sex": "X"}, "sex"),
        ({"firstname": ""}, "firstname"),
        ({"measurement_preference": "cubits"}, "measurement_preference"),
        ({"birthdate": "2999-01-01"}, "birthdate"),
        ({"birthdate": "1850-05-05"}, "birthdate"),
        ({"birthdate": "someday"}, "birthdate"),
        ({"id": 42}, "id"),
    ],
)
def test_bad_profile_fields_get_422_naming_the_field(user: AppUser, body: dict, field: str) -> None:
    fault = assert_fault(user.put("/api/v3/athlete", json=body), 422)
    assert any(field in error["field"] for error in fault["errors"]), fault


def test_malformed_json_gets_400(user: AppUser) -> None:
    response = user.put("/api/v3/athlete", data="{not json", headers={"Content-Type": "application/json"})
    assert_fault(response, 400)


def test_stravalib_reads_and_updates_the_athlete(user: AppUser) -> None:
    # Given stravalib, Strava's reference client, pointed at the local API
    client = Client(access_token=user.access_token)
    client.protocol.server = user.api_url.removeprefix("http://")
    client.protocol.resolve_url = lambda url: (
        url
        if url.startswith("http")  # type: ignore[method-assign]
        else f"{user.api_url}/api/v3/{url.strip('/')}"
    )
    # When it reads and updates the athlete the Strava way (weight as a query parameter)
    athlete = client.get_athlete()
    updated = client.update_athlete(weight=70.25)
    zones = client.get_athlete_zones()
    # Then its models accept our answers
    assert updated.id == athlete.id
    assert updated.weight == pytest.approx(70.25)
    assert zones.heart_rate is not None and len(zones.heart_rate.zones.root) == 5


def test_the_birthdate_is_kept_and_shown_to_the_owner_only(make_user) -> None:  # noqa: ANN001
    owner, other = make_user(), make_user()
    # When the owner sets a birthdate (extension)
    response = owner.put("/api/v3/athlete", json={"birthdate": "1990-06-15"})
    # Then it is stored and shown on their own profile, never to someone else
    assert response.status_code == 200, response.text
    assert owner.get("/api/v3/athlete").json()["birthdate"] == "1990-06-15"
    seen = other.get(f"/api/v3/athletes/{response.json()['id']}").json()
    assert seen.get("birthdate") is None
    # And null removes it
    assert owner.put("/api/v3/athlete", json={"birthdate": None}).json()["birthdate"] is None


def test_another_athletes_public_profile_is_a_summary(make_user) -> None:  # noqa: ANN001
    owner, viewer = make_user(), make_user()
    owner_id = owner.put("/api/v3/athlete", json={"city": "Leeds", "weight": 80}).json()["id"]
    seen = viewer.get(f"/api/v3/athletes/{owner_id}")
    assert seen.status_code == 200
    summary = strava_model.SummaryAthlete.model_validate(seen.json())
    assert summary.city == "Leeds" and seen.json()["resource_state"] == 2
    assert seen.json()["weight"] is None  # weight is the owner's own business


def test_a_private_profile_shows_only_name_and_picture(make_user) -> None:  # noqa: ANN001
    owner, viewer, moderator = make_user(), make_user(), make_user(groups=("MEMBER", "MODERATOR"))
    owner_id = owner.put("/api/v3/athlete", json={"city": "Oslo", "private_profile": True}).json()["id"]
    seen = viewer.get(f"/api/v3/athletes/{owner_id}").json()
    assert seen["resource_state"] == 1
    assert seen["city"] is None and seen["lastname"] == "A."
    # The owner and a moderator still see the city
    assert owner.get(f"/api/v3/athletes/{owner_id}").json()["city"] == "Oslo"
    assert moderator.get(f"/api/v3/athletes/{owner_id}").json()["city"] == "Oslo"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v3/athletes/999999999", 404),
        ("/api/v3/athletes/not-a-number", 422),
        ("/api/v3/athletes/-5", 422),
        ("/api/v3/nowhere", 404),
    ],
)
def test_unknown_or_bad_ids_are_answered_clearly(user: AppUser, path: str, status: int) -> None:
    assert_fault(user.get(path), status)


def test_zones_default_custom_and_from_max_heart_rate(user: AppUser) -> None:
    default = user.get("/api/v3/athlete/zones")
    assert default.status_code == 200
    zones = strava_model.Zones.model_validate(default.json())
    assert zones.heart_rate.custom_zones is False and len(zones.heart_rate.zones.root) == 5

    custom = [
        {"min": 0, "max": 120},
        {"min": 120, "max": 140},
        {"min": 140, "max": 155},
        {"min": 155, "max": 170},
        {"min": 170, "max": -1},
    ]
    answer = user.put("/api/v3/athlete/zones", json={"heart_rate": {"custom_zones": True, "zones": custom}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["heart_rate"] == {"custom_zones": True, "zones": custom}
    assert user.get("/api/v3/athlete/zones").json()["heart_rate"]["zones"] == custom

    derived = user.put("/api/v3/athlete/zones", json={"max_heartrate": 200}).json()["heart_rate"]
    assert derived["custom_zones"] is False
    assert [z["max"] for z in derived["zones"]] == [120, 140, 160, 180, -1]


def test_power_zones_follow_ftp(user: AppUser) -> None:
    user.put("/api/v3/athlete", json={"ftp": 200})
    power = user.get("/api/v3/athlete/zones").json()["power"]["zones"]
    assert [z["max"] for z in power] == [110, 150, 180, 210, 240, 300, -1]
    # Power zones are watts, so they go far above any heart rate
    user.put("/api/v3/athlete", json={"ftp": 400})
    power = user.get("/api/v3/athlete/zones").json()["power"]["zones"]
    assert power[-1] == {"min": 600, "max": -1}


@pytest.mark.parametrize(
    "zones",
    [
        [{"min": 0, "max": 120}] * 5,
        [
            {"min": 10, "max": 120},
            {"min": 120, "max": 140},
            {"min": 140, "max": 155},
            {"min": 155, "max": 170},
            {"min": 170, "max": -1},
        ],
        [{"min": 0, "max": 120}, {"min": 120, "max": 140}],
    ],
)
def test_invalid_zones_get_422(user: AppUser, zones: list[dict]) -> None:
    assert_fault(user.put("/api/v3/athlete/zones", json={"heart_rate": {"custom_zones": True, "zones": zones}}), 422)


def test_idempotency_key_replays_the_first_answer(user: AppUser) -> None:
    key = str(uuid.uuid4())
    first = user.put("/api/v3/athlete", json={"city": "Bergen"}, headers={"Idempotency-Key": key})
    # A change in between must not show in the replay: the stored first answer comes back
    user.put("/api/v3/athlete", json={"city": "Trondheim"})
    replay = user.put("/api/v3/athlete", json={"city": "Bergen"}, headers={"Idempotency-Key": key})
    assert first.status_code == replay.status_code == 200
    assert replay.json() == first.json()
    assert user.get("/api/v3/athlete").json()["city"] == "Trondheim"
    # The same key with another body is refused
    reused = user.put("/api/v3/athlete", json={"city": "Oslo"}, headers={"Idempotency-Key": key})
    assert_fault(reused, 422)


def test_idempotency_keys_are_scoped_to_the_athlete(make_user) -> None:  # noqa: ANN001
    one, two = make_user(), make_user()
    key = str(uuid.uuid4())
    assert one.put("/api/v3/athlete", json={"city": "A"}, headers={"Idempotency-Key": key}).json()["city"] == "A"
    assert (
        two.put("/api/v3/athlete", json={"city": "A"}, headers={"Idempotency-Key": key}).json()["id"]
        != one.get("/api/v3/athlete").json()["id"]
    )


def test_oversized_request_gets_413(user: AppUser) -> None:
    body = b"x" * (10 * 1024 * 1024 + 1)
    response = user.put("/api/v3/athlete", data=body, headers={"Content-Type": "application/json"})
    assert_fault(response, 413)


def test_throttling_answers_429_with_retry_after(cloud: LocalCloud, user: AppUser) -> None:
    assert cloud.gateway is not None and cloud.gateway.throttle is not None
    bucket = cloud.gateway.throttle
    rate, burst = bucket.rate, bucket.burst
    bucket.configure(rate=0.5, burst=2)
    try:
        answers = [user.get("/api/v3/athlete/zones") for _ in range(4)]
    finally:
        bucket.configure(rate, burst)
    throttled = [a for a in answers if a.status_code == 429]
    assert throttled, [a.status_code for a in answers]
    assert throttled[0].headers["Retry-After"] == "1"
    assert_fault(throttled[0], 429)


def test_concurrent_requests_are_served(make_user) -> None:  # noqa: ANN001
    users = [make_user() for _ in range(4)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda i: users[i % 4].get("/api/v3/athlete"), range(24)))
    assert [a.status_code for a in answers] == [200] * 24
    assert len({a.json()["id"] for a in answers}) == 4


def test_every_invocation_has_a_report_and_cold_starts_show_init(cloud: LocalCloud, user: AppUser) -> None:
    user.get("/api/v3/athlete")
    reports = [r for r in cloud.reports if r.function.endswith("GetAthleteFunction")]
    assert reports and any(r.init_ms is not None and r.init_ms > 0 for r in reports)
    assert "Init Duration" in next(r for r in reports if r.init_ms).line()
    assert all(r.duration_ms > 0 for r in reports)


def test_swagger_ui_and_openapi_are_served(cloud: LocalCloud) -> None:
    assert cloud.info is not None
    page = requests.get(cloud.info.swagger_url, timeout=30)
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert requests.get(f"{cloud.info.api_url}/docs/swagger-ui-bundle.js", timeout=30).status_code == 200
    document = requests.get(f"{cloud.info.api_url}/openapi.json", timeout=60).json()
    assert "/api/v3/athlete" in document["paths"] and "put" in document["paths"]["/api/v3/athlete/zones"]


def test_local_json_has_what_clients_need(cloud: LocalCloud) -> None:
    assert cloud.info is not None
    for value in (
        cloud.info.api_url,
        cloud.info.endpoint_url,
        cloud.info.user_pool_id,
        cloud.info.user_pool_client_id,
        cloud.info.uploads_bucket,
    ):
        assert value
    # The state file a newcomer's tools read says the same as the running cloud
    assert cloud.state_dir is not None
    written = json.loads((cloud.state_dir / "local.json").read_text())
    assert written == asdict(cloud.info)
    assert {"api_url", "endpoint_url", "region", "user_pool_id", "user_pool_client_id", "uploads_bucket"} <= set(
        written
    )


def test_make_invoke_runs_one_function_on_a_sample_event(cloud: LocalCloud) -> None:
    # Given the running local cloud's state; When one function runs in-process on a file from events/
    assert cloud.state_dir is not None
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "infrastructure.invoke",
            "GetZonesFunction",
            "events/api/get_zones.json",
            "--state-dir",
            str(cloud.state_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then it answers like API Gateway's integration, with a REPORT line
    assert run.returncode == 0, run.stderr[-2000:]
    answer = json.loads(run.stdout[run.stdout.index("{\n") :])
    assert answer["statusCode"] == 200
    assert len(json.loads(answer["body"])["heart_rate"]["zones"]) == 5
    assert "Init Duration" in run.stderr


def test_operator_cli_creates_a_user_and_prints_a_working_token(
    cloud: LocalCloud, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from infrastructure import cli

    assert cloud.info is not None
    monkeypatch.setattr(cli, "_local", lambda: asdict(cloud.info))
    name = f"cli-{uuid.uuid4().hex[:6]}"
    assert cli.main(["create-user", name, "Cli-password-2026", "--group", "PREMIUM"]) == 0
    assert cli.main(["token", name, "Cli-password-2026"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    me = requests.get(f"{cloud.info.api_url}/api/v3/athlete", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert me.status_code == 200 and me.json()["premium"] is True
