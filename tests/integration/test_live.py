"""Live tracking through the local cloud, as clients: REST on loopback, points through the real Kinesis stream
and consumer, watchers on real WebSockets (websockets.sync.client), the finish through the S3 upload trigger."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from infrastructure.local_cloud.cloud import LocalCloud
from stride.privacy.trim import distance
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault

pytestmark = pytest.mark.integration

DEADLINE_S = 60.0
STEP_DEG = 5.0 / 111_195  # 5 m north per second: a 18 km/h ride
START = (46.5000, 6.6000)


def wait_for[T](probe: Callable[[], T | None], deadline: float = DEADLINE_S) -> T:
    end = time.monotonic() + deadline
    while True:
        value = probe()
        if value:
            return value
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def me(user: AppUser) -> int:
    response = user.get("/api/v3/athlete")
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def points(t0: float, first: int, last: int, origin: tuple[float, float] = START) -> list[dict[str, Any]]:
    """1 Hz points ``first``..``last`` (inclusive) of a straight ride north from ``origin``."""
    return [
        {"time": round(t0 + i, 3), "lat": origin[0] + i * STEP_DEG, "lng": origin[1], "altitude": 400.0 + i,
         "heartrate": 120 + i % 10}
        for i in range(first, last + 1)
    ]  # fmt: skip


def start(user: AppUser, **body: Any) -> dict[str, Any]:
    response = user.post("/api/v3/live/sessions", json={"sport_type": "Ride", **body})
    assert response.status_code == 201, response.text
    return response.json()


def post(user: AppUser, session_id: int, batch: list[dict[str, Any]], **extra: Any) -> requests.Response:
    return user.post(f"/api/v3/live/sessions/{session_id}/points", json={"points": batch, **extra})


def state_with(user: AppUser, session_id: int, count: int) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        body = user.get(f"/api/v3/live/sessions/{session_id}").json()
        return body if body["state"]["point_count"] == count else None

    return wait_for(probe)


def delete(user: AppUser, path: str) -> requests.Response:
    return requests.delete(f"{user.api_url}{path}", headers=user.headers, timeout=30)


def follow(reader: AppUser, author: AppUser) -> None:
    response = reader.post(f"/api/v3/athletes/{me(author)}/follow")
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "following"


@contextmanager
def socket(cloud: LocalCloud, token: str) -> Iterator[ClientConnection]:
    assert cloud.info is not None and cloud.info.websocket_url
    with connect(f"{cloud.info.websocket_url}?token={token}", proxy=None, open_timeout=30) as ws:
        yield ws


def ask(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    ws.send(json.dumps(message))
    return dict(json.loads(ws.recv(timeout=30)))


def receive(ws: ClientConnection, kind: str, deadline: float = DEADLINE_S) -> dict[str, Any]:
    """The next pushed message of ``kind`` (others are skipped)."""
    end = time.monotonic() + deadline
    while True:
        message = json.loads(ws.recv(timeout=max(0.1, end - time.monotonic())))
        if message["type"] == kind:
            return dict(message)


def track_length(track: list[list[float]]) -> float:
    return sum(distance((a[0], a[1]), (b[0], b[1])) for a, b in zip(track, track[1:], strict=False))


@pytest.fixture(scope="module")
def alice(make_user) -> AppUser:  # noqa: ANN001
    return make_user(given_name="Alice", family_name="Live")


@pytest.fixture(scope="module")
def bob(make_user, alice: AppUser) -> AppUser:  # noqa: ANN001
    user = make_user(given_name="Bob", family_name="Watcher")
    follow(user, alice)
    return user


@pytest.fixture(scope="module")
def carol(make_user) -> AppUser:  # noqa: ANN001
    return make_user(given_name="Carol", family_name="Stranger")


# ---------------------------------------------------------------- sessions, merging, faults
def test_batches_late_twice_and_out_of_order_merge_into_one_track(alice: AppUser, carol: AppUser) -> None:
    # Given a live ride of alice (a second start while it is live is a conflict)
    session = start(alice, name="Morning live")
    assert session["status"] == "live" and session["state"]["point_count"] == 0
    assert_fault(alice.post("/api/v3/live/sessions", json={"sport_type": "Run"}), 409)
    sid, t0 = session["id"], time.time() - 55
    try:
        # When batches arrive in order, then one late, one twice, and one overlapping the others
        for batch in (points(t0, 0, 9), points(t0, 20, 29), points(t0, 10, 19), points(t0, 0, 9), points(t0, 5, 24)):
            response = post(alice, sid, batch, battery=80)
            assert response.status_code == 202, response.text
            assert response.json() == {"session_id": sid, "accepted": len(batch)}
        # Then the state and the track hold each of the 30 points once, in time order
        body = state_with(alice, sid, 30)
        times = body["track"]["time"]
        assert times == sorted(times) and len(set(times)) == 30
        assert times[0] == pytest.approx(round(t0, 3)) and times[-1] == pytest.approx(round(t0 + 29, 3))
        state = body["state"]
        assert state["distance"] == pytest.approx(track_length(body["track"]["latlng"]), abs=0.5)
        assert state["distance"] == pytest.approx(29 * 5.0, rel=0.01)
        assert state["moving_time"] == 29 and state["elapsed_time"] == 29
        assert state["average_speed"] == pytest.approx(5.0, rel=0.01)
        assert state["pace"] == pytest.approx(200.0, rel=0.01)
        assert state["battery"] == 80 and state["heartrate"] == 120 + 29 % 10
        assert state["position"]["lat"] == pytest.approx(START[0] + 29 * STEP_DEG)
        # And a stranger sees nothing of it (404), nor may post to it
        assert_fault(carol.get(f"/api/v3/live/sessions/{sid}"), 404)
        assert_fault(post(carol, sid, points(t0, 30, 31)), 404)
    finally:
        assert delete(alice, f"/api/v3/live/sessions/{sid}").status_code == 204


@pytest.mark.parametrize(
    ("body", "status", "field_name"),
    [
        ({"points": []}, 422, "points"),
        ({"points": [{"time": 1, "lat": 91, "lng": 0}]}, 422, "points.0.lat"),
        ({"points": [{"time": 1, "lat": 0}]}, 422, "points.0.lng"),
        ({"points": [{"time": 0, "lat": 0, "lng": 0}] * 601}, 422, "points"),
        ({"points": [{"time": 1_000_000, "lat": 1, "lng": 1}]}, 422, "points[0].time"),
        ({"points": [{"time": "soon", "lat": 1, "lng": 1}]}, 422, "points.0.time"),
        ({"points": [{"time": 1, "lat": 1, "lng": 1}], "battery": 101}, 422, "battery"),
    ],
)
def test_bad_points_are_faults_naming_the_field(alice: AppUser, body: dict, status: int, field_name: str) -> None:
    session = start(alice)
    try:
        fault = assert_fault(alice.post(f"/api/v3/live/sessions/{session['id']}/points", json=body), status)
        assert field_name in {e["field"] for e in fault["errors"]}, fault
    finally:
        delete(alice, f"/api/v3/live/sessions/{session['id']}")


def test_malformed_and_unknown_are_400_and_404(alice: AppUser) -> None:
    response = alice.post(
        "/api/v3/live/sessions/1/points", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert_fault(response, 400)
    assert_fault(post(alice, 123456789, points(time.time(), 0, 1)), 404)
    assert_fault(alice.post("/api/v3/live/sessions", json={"sport_type": "Quidditch"}), 422)
    assert_fault(alice.get("/api/v3/live/sessions/abc"), 422)


# ---------------------------------------------------------------- watchers over WebSocket
def test_a_follower_watches_points_in_order_and_a_stranger_is_refused(
    cloud: LocalCloud, alice: AppUser, bob: AppUser, carol: AppUser
) -> None:
    session = start(alice)
    sid, t0 = session["id"], time.time() - 40
    try:
        with socket(cloud, bob.access_token) as watcher, socket(cloud, carol.id_token) as stranger:
            assert ask(watcher, {"action": "subscribe", "session_id": sid}) == {"type": "subscribed", "session_id": sid}
            refused = ask(stranger, {"action": "subscribe", "session_id": sid})
            assert refused["type"] == "error"
            # When alice posts three batches
            for first in (0, 5, 10):
                assert post(alice, sid, points(t0, first, first + 4)).status_code == 202
            # Then bob receives every point, in order, with the state
            seen: list[float] = []
            while len(seen) < 15:
                message = receive(watcher, "points")
                assert message["session_id"] == sid and message["athlete_id"] == me(alice)
                seen += [p["time"] for p in message["points"]]
            assert seen == [round(t0 + i, 3) for i in range(15)]
            assert message["state"]["point_count"] == 15
            # And after unsubscribing, bob gets no more points (a subscription to "following" still brings them)
            assert ask(watcher, {"action": "unsubscribe", "session_id": sid}) == {
                "type": "unsubscribed",
                "session_id": sid,
            }
            assert ask(watcher, {"action": "subscribe", "following": True}) == {"type": "subscribed", "following": True}
            assert post(alice, sid, points(t0, 15, 16)).status_code == 202
            assert [p["time"] for p in receive(watcher, "points")["points"]] == [round(t0 + 15, 3), round(t0 + 16, 3)]
            assert ask(watcher, {"action": "unsubscribe", "following": True})["type"] == "unsubscribed"
            # And bob sees alice live in "following"; carol does not
            live = bob.get("/api/v3/live/following").json()
            assert [s["id"] for s in live] == [sid] and live[0]["state"]["position"] is not None
            assert live[0]["state"]["point_count"] == 17
            assert carol.get("/api/v3/live/following").json() == []
        # And a forged or missing token is refused at the handshake
        for token in ("not-a-token", bob.access_token[:-4] + "AAAA"):
            with pytest.raises(InvalidStatus) as refused_handshake:
                with socket(cloud, token):
                    pass
            assert refused_handshake.value.response.status_code in (401, 403)
    finally:
        delete(alice, f"/api/v3/live/sessions/{sid}")


def test_a_safety_link_works_then_dies_when_revoked(cloud: LocalCloud, alice: AppUser) -> None:
    session = start(alice, audience="only_me")
    sid = session["id"]
    try:
        made = alice.post(f"/api/v3/live/sessions/{sid}/share", json={"expires_in": 600})
        assert made.status_code == 201, made.text
        link = made.json()
        assert len(link["token"]) >= 43 and link["url"] == f"/api/v3/live/shared/{link['token']}"
        assert post(alice, sid, points(time.time() - 20, 0, 4)).status_code == 202
        # Then the link reads the session without an account, and watches it over a WebSocket (its session only)
        shared = requests.get(f"{alice.api_url}{link['url']}", timeout=30)
        assert shared.status_code == 200, shared.text
        assert shared.json()["id"] == sid and shared.json()["athlete"]["firstname"] == "Alice"
        with socket(cloud, link["token"]) as ws:
            assert ask(ws, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
            assert ask(ws, {"action": "subscribe", "following": True})["type"] == "error"
            assert post(alice, sid, points(time.time() - 10, 0, 2)).status_code == 202
            assert receive(ws, "points")["session_id"] == sid
        # When alice revokes it
        assert delete(alice, f"/api/v3/live/sessions/{sid}/share/{link['id']}").status_code == 204
        # Then REST and WebSocket refuse it
        assert_fault(requests.get(f"{alice.api_url}{link['url']}", timeout=30), 404)
        with pytest.raises(InvalidStatus):
            with socket(cloud, link["token"]):
                pass
        assert_fault(delete(alice, f"/api/v3/live/sessions/{sid}/share/{link['id']}"), 404)
    finally:
        delete(alice, f"/api/v3/live/sessions/{sid}")


def test_cheers_reach_the_athletes_device_and_notifications(
    cloud: LocalCloud, alice: AppUser, bob: AppUser, carol: AppUser
) -> None:
    session = start(alice)
    sid = session["id"]
    try:
        with socket(cloud, alice.access_token) as device:
            assert ask(device, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
            cheer = bob.post(f"/api/v3/live/sessions/{sid}/cheers", json={"text": "Allez Alice!"})
            assert cheer.status_code == 201, cheer.text
            pushed = receive(device, "cheer")
            assert pushed["text"] == "Allez Alice!" and pushed["athlete"]["firstname"] == "Bob"
            assert pushed["id"] == cheer.json()["id"]
            # And a cheer sent over bob's own WebSocket arrives the same way
            with socket(cloud, bob.id_token) as watcher:
                answer = ask(watcher, {"action": "cheer", "session_id": sid, "text": "Go go go"})
                assert answer["type"] == "cheered" and answer["session_id"] == sid
                assert ask(watcher, {"action": "cheer", "session_id": sid, "text": ""})["type"] == "error"
            assert receive(device, "cheer")["text"] == "Go go go"
        assert_fault(carol.post(f"/api/v3/live/sessions/{sid}/cheers", json={"text": "hi"}), 404)
        assert_fault(alice.post(f"/api/v3/live/sessions/{sid}/cheers", json={"text": "me"}), 422)
        assert_fault(bob.post(f"/api/v3/live/sessions/{sid}/cheers", json={"text": "x" * 141}), 422)

        def cheer_notification() -> dict[str, Any] | None:
            listed = alice.get("/api/v3/notifications").json()["notifications"]
            found = [n for n in listed if n["type"] == "cheer" and n["actor"]["id"] == me(bob)]
            return found[0] if found else None

        assert wait_for(cheer_notification)
    finally:
        delete(alice, f"/api/v3/live/sessions/{sid}")


def test_a_privacy_zone_hides_live_points_from_watchers(cloud: LocalCloud, alice: AppUser, bob: AppUser) -> None:
    zone_centre = (START[0] + 5 * STEP_DEG, START[1])  # 200 m zone: points 0..45 m from it hidden
    response = alice.put(
        "/api/v3/athlete/privacy",
        json={"zones": [{"lat": zone_centre[0], "lng": zone_centre[1], "radius": 200}], "hide_start_end": 0},
    )
    assert response.status_code == 200, response.text
    session = start(alice)
    sid, t0 = session["id"], time.time() - 59
    try:
        batch = [{**p, "lat": START[0] + i * 4 * STEP_DEG} for i, p in enumerate(points(t0, 0, 24))]  # 20 m/s
        with socket(cloud, bob.access_token) as watcher:
            assert ask(watcher, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
            assert post(alice, sid, batch).status_code == 202
            pushed = receive(watcher, "points")
        owner = state_with(alice, sid, 25)
        seen_by_bob = bob.get(f"/api/v3/live/sessions/{sid}").json()
        inside = [p for p in batch if distance((p["lat"], p["lng"]), zone_centre) <= 202]
        assert inside and len(owner["track"]["time"]) == 25
        assert len(seen_by_bob["track"]["time"]) == 25 - len(inside)
        for lat, lng in seen_by_bob["track"]["latlng"] + [[p["lat"], p["lng"]] for p in pushed["points"]]:
            assert distance((lat, lng), zone_centre) > 200
        assert seen_by_bob["state"]["position"] == owner["state"]["position"]  # the newest point is outside
        # And while the athlete is inside the zone, others get no position at all
        back_home = {**batch[-1], "time": batch[-1]["time"] + 1, "lat": zone_centre[0], "lng": zone_centre[1]}
        assert post(alice, sid, [back_home]).status_code == 202
        assert state_with(alice, sid, 26)["state"]["position"]["lat"] == pytest.approx(zone_centre[0])
        assert bob.get(f"/api/v3/live/sessions/{sid}").json()["state"]["position"] is None
        assert [s["state"]["position"] for s in bob.get("/api/v3/live/following").json() if s["id"] == sid] == [None]
    finally:
        delete(alice, f"/api/v3/live/sessions/{sid}")
        alice.put("/api/v3/athlete/privacy", json={"zones": [], "hide_start_end": 0})


# ---------------------------------------------------------------- finish, discard, groups
def test_finish_makes_an_activity_in_a_followers_feed(cloud: LocalCloud, alice: AppUser, bob: AppUser) -> None:
    session = start(alice, name="Live to feed")
    sid, t0 = session["id"], time.time() - 58
    assert post(alice, sid, points(t0, 0, 49)).status_code == 202
    state = state_with(alice, sid, 50)["state"]
    with socket(cloud, bob.access_token) as watcher:
        assert ask(watcher, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
        finished = alice.post(f"/api/v3/live/sessions/{sid}/finish")
        assert finished.status_code == 202, finished.text
        assert finished.json()["status"] == "finished" and finished.json()["upload_id"]
        assert receive(watcher, "status")["status"] == "finished"
    upload_id = finished.json()["upload_id"]
    assert_fault(post(alice, sid, points(t0, 50, 51)), 409)
    assert_fault(alice.post(f"/api/v3/live/sessions/{sid}/finish"), 409)

    def ready() -> dict[str, Any] | None:
        upload = alice.get(f"/api/v3/uploads/{upload_id}").json()
        assert upload.get("error") in (None, ""), upload
        return upload if upload.get("activity_id") else None

    activity_id = wait_for(ready)["activity_id"]
    activity = alice.get(f"/api/v3/activities/{activity_id}").json()
    assert activity["name"] == "Live to feed" and activity["sport_type"] == "Ride"
    assert activity["distance"] == pytest.approx(state["distance"], rel=0.02)

    def in_feed() -> dict[str, Any] | None:
        entries = bob.get("/api/v3/feed").json()
        entries = entries.get("entries", entries) if isinstance(entries, dict) else entries
        return next((e for e in entries if json.dumps(e).find(str(activity_id)) >= 0), None)

    assert wait_for(in_feed)
    assert alice.get(f"/api/v3/live/sessions/{sid}").json()["activity_id"] == activity_id
    # And a new session may start now
    again = start(alice)
    delete(alice, f"/api/v3/live/sessions/{again['id']}")


def test_discard_removes_the_session_for_watchers(cloud: LocalCloud, alice: AppUser, bob: AppUser) -> None:
    session = start(alice)
    sid = session["id"]
    assert post(alice, sid, points(time.time() - 30, 0, 4)).status_code == 202
    state_with(alice, sid, 5)
    with socket(cloud, bob.access_token) as watcher:
        assert ask(watcher, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
        assert delete(alice, f"/api/v3/live/sessions/{sid}").status_code == 204
        assert receive(watcher, "status")["status"] == "discarded"
    assert_fault(bob.get(f"/api/v3/live/sessions/{sid}"), 404)
    assert alice.get(f"/api/v3/live/sessions/{sid}").json()["status"] == "discarded"
    assert_fault(post(alice, sid, points(time.time() - 5, 0, 1)), 409)
    assert cloud.info is not None
    listed = cloud.client("s3").list_objects_v2(Bucket=cloud.info.uploads_bucket, Prefix=f"live/{sid}/")
    assert not listed.get("Contents")


def test_a_group_shows_members_and_gaps(cloud: LocalCloud, alice: AppUser, bob: AppUser, carol: AppUser) -> None:
    follow(alice, bob)
    group = alice.post("/api/v3/live/groups", json={"name": "Saturday ride", "athlete_ids": [me(bob)]})
    assert group.status_code == 201, group.text
    gid = group.json()["id"]
    a, b = start(alice), start(bob)
    t0 = time.time() - 50
    try:
        for user, session in ((alice, a), (bob, b)):
            joined = user.post(f"/api/v3/live/groups/{gid}/sessions", json={"session_id": session["id"]})
            assert joined.status_code == 200, joined.text
        assert_fault(carol.get(f"/api/v3/live/groups/{gid}"), 404)
        with socket(cloud, bob.access_token) as watcher:
            assert ask(watcher, {"action": "subscribe", "group_id": gid})["type"] == "subscribed"
            assert post(alice, a["id"], points(t0, 0, 40)).status_code == 202  # 200 m
            assert post(bob, b["id"], points(t0, 0, 20)).status_code == 202  # 100 m
            state_with(alice, a["id"], 41)
            state_with(bob, b["id"], 21)
            pushed = receive(watcher, "group")
            assert pushed["group_id"] == gid
        members = alice.get(f"/api/v3/live/groups/{gid}").json()["members"]
        assert [m["athlete_id"] for m in members] == [me(alice), me(bob)]
        assert members[0]["gap_distance"] == 0
        assert members[1]["gap_distance"] == pytest.approx(100.0, rel=0.02)
        assert members[1]["gap_time"] == pytest.approx(20.0, rel=0.05)
    finally:
        delete(alice, f"/api/v3/live/sessions/{a['id']}")
        delete(bob, f"/api/v3/live/sessions/{b['id']}")


# ---------------------------------------------------------------- the stream: redelivery, poison records
def put_record(cloud: LocalCloud, session_id: int, message: dict[str, Any] | bytes) -> None:
    """A record straight onto LiveTracksStream, as Kinesis redelivers one (or a broken producer writes it)."""
    assert cloud.info is not None
    data = message if isinstance(message, bytes) else json.dumps(message).encode()
    cloud.client("kinesis").put_record(
        StreamName=cloud.info.live_tracks_stream, Data=data, PartitionKey=str(session_id)
    )


def test_redelivered_records_change_nothing_and_a_finish_makes_one_upload(cloud: LocalCloud, alice: AppUser) -> None:
    session = start(alice, name="Twice")
    sid, t0, athlete = session["id"], time.time() - 50, me(alice)
    batch = points(t0, 0, 19)
    assert post(alice, sid, batch, battery=50).status_code == 202
    before = state_with(alice, sid, 20)
    assert alice.post(f"/api/v3/live/sessions/{sid}/pause").json()["status"] == "paused"
    assert alice.post(f"/api/v3/live/sessions/{sid}/resume").json()["status"] == "live"
    # When the same points come again through the stream (a redelivered record)
    put_record(cloud, sid, {"kind": "points", "session_id": sid, "athlete_id": athlete, "battery": 50,
                            "points": batch})  # fmt: skip
    finished = alice.post(f"/api/v3/live/sessions/{sid}/finish").json()
    # And the finish record is delivered twice
    put_record(cloud, sid, {"kind": "finish", "session_id": sid, "athlete_id": athlete,
                            "upload_id": finished["upload_id"]})  # fmt: skip

    def ready() -> dict[str, Any] | None:
        upload = alice.get(f"/api/v3/uploads/{finished['upload_id']}").json()
        return upload if upload.get("activity_id") else None

    activity_id = wait_for(ready)["activity_id"]
    # Then the track and the state are the same, and one activity was made from one raw file
    after = alice.get(f"/api/v3/live/sessions/{sid}").json()
    assert after["state"] | {"last_seen": None} == before["state"] | {"last_seen": None}
    assert after["track"] == before["track"]
    assert cloud.info is not None
    key = f"uploads/{athlete}/{finished['upload_id']}.gpx"
    raw = cloud.client("s3").list_object_versions(Bucket=cloud.info.uploads_bucket, Prefix=key)
    assert [v["Key"] for v in raw.get("Versions", [])] == [key]
    listed = alice.get("/api/v3/athlete/activities", params={"per_page": 50}).json()
    assert [a["id"] for a in listed if a["name"] == "Twice"] == [activity_id]


def test_a_record_that_cannot_be_read_goes_to_the_dead_letter_queue(cloud: LocalCloud) -> None:
    assert cloud.info is not None
    sqs = cloud.client("sqs")
    dlq = cloud.state.physical["LiveTracksDLQ"]
    put_record(cloud, 42, b"\x00 not json")

    def dead_lettered() -> list[dict[str, Any]] | None:
        return sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1).get("Messages")

    message = json.loads(wait_for(dead_lettered)[0]["Body"])
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["KinesisBatchInfo"]["batchSize"] == 1


def test_the_demo_seed_puts_an_athlete_live(make_user) -> None:  # noqa: ANN001
    from infrastructure.local_cloud.seed_live import seed_live

    demo = make_user(given_name="Demo", family_name="Live")
    session_id = seed_live(demo.api_url, {"alice": demo.headers}, {})
    assert session_id is not None
    assert state_with(demo, session_id, 55)["state"]["distance"] > 300
    delete(demo, f"/api/v3/live/sessions/{session_id}")
