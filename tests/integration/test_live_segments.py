"""Live segments through the local cloud: an athlete who starred a segment (and has a PR on it from an upload)
rides it live; the consumer tells the athlete's own WebSocket connection when the segment starts and finishes,
with the time against the PR. The ride is tests/segment_ground.py's road, so the true segment time is known."""

from __future__ import annotations

import time
import uuid

import pytest

from infrastructure.local_cloud.cloud import LocalCloud
from stride.privacy.trim import encode_polyline
from tests import segment_ground as ground
from tests.integration.conftest import AppUser
from tests.integration.test_live import ask, delete, me, post, receive, socket, start, wait_for
from tests.integration.test_segment_matching import upload_ride

pytestmark = pytest.mark.integration

SPEED = 34.0  # m/s: the whole segment (3.4 km) fits the 2 minutes of point times the points route accepts
BATCH = 15


def test_a_starred_segment_is_announced_live_with_the_time_against_the_pr(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    alice: AppUser = make_user(given_name="Alice", family_name="Segments")
    # Given a segment alice starred and a PR on it from an uploaded ride at 8 m/s
    lat, lng, altitude = ground.segment_points()
    created = alice.post(
        "/api/v3/segments",
        json={"name": f"Live climb {uuid.uuid4().hex[:6]}", "activity_type": "Ride", "altitude": altitude,
              "polyline": encode_polyline(list(zip(lat, lng, strict=True)))},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    segment = created.json()
    assert alice.put(f"/api/v3/segments/{segment['id']}/starred", json={"starred": True}).status_code == 200
    upload_ride(alice, ground.ride_once(), "PR ride")
    pr = ground.ride_once().efforts[0].elapsed

    def on_board() -> dict | None:
        entries = alice.get(f"/api/v3/segments/{segment['id']}/leaderboard").json()["entries"]
        return entries[0] if entries and entries[0]["athlete_id"] == me(alice) else None

    assert wait_for(on_board)["elapsed_time"] == pytest.approx(pr, abs=1.5)
    # When alice rides it live at 34 m/s, her phone connected to her own session
    ride = ground.ride([ground.Leg(ground.SEGMENT_START - 100, ground.SEGMENT_END + 100, SPEED)])
    truth = ride.efforts[0].elapsed
    session = start(alice, name="Live climb")
    sid, t0 = session["id"], time.time() - 58
    samples = [
        {"time": round(t0 + t, 3), "lat": la, "lng": ln, "altitude": al}
        for t, la, ln, al in zip(ride.time, ride.lat, ride.lng, ride.altitude, strict=True)
    ]
    try:
        with socket(cloud, alice.access_token) as phone:
            assert ask(phone, {"action": "subscribe", "session_id": sid})["type"] == "subscribed"
            for first in range(0, len(samples), BATCH):
                assert post(alice, sid, samples[first : first + BATCH]).status_code == 202
            started = receive(phone, "segment")
            finished = receive(phone, "segment")
        # Then the start, then the finish with the time (to the sample), the PR and the difference
        assert started["phase"] == "started" and started["segment_id"] == segment["id"]
        assert finished["phase"] == "finished" and finished["name"] == segment["name"]
        assert finished["elapsed_time"] == pytest.approx(truth, abs=2.0)
        assert finished["pr_elapsed_time"] == pytest.approx(pr, abs=1.5)
        assert finished["delta"] == pytest.approx(finished["elapsed_time"] - finished["pr_elapsed_time"], abs=0.11)
        assert finished["delta"] < -300
    finally:
        delete(alice, f"/api/v3/live/sessions/{sid}")
