"""Segment matching through the local cloud: a segment made with the API, synthetic rides (tests/segment_ground.py)
uploaded as GPX, the upload pipeline's activity.created, MatchSegmentsFunction, and the effort reads.

Matching runs asynchronously, so every check of its effect polls with a deadline. The boards' events are caught by
a probe: an EventBridge rule on the bus with an SQS target, made for this module.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from stride.events.contracts import ActivityCreatedEvent, ActivitySnapshot
from stride.privacy.trim import encode_polyline
from tests import segment_ground as ground
from tests.integration.conftest import AppUser
from tests.integration.test_activities import assert_fault
from tests.integration.test_uploads import upload, wait_upload

pytestmark = pytest.mark.integration
DEADLINE_S = 60.0
MATCHER = "MatchSegmentsFunction"


# ---------------------------------------------------------------- helpers


def wait_for(check: Callable[[], Any], timeout: float = DEADLINE_S, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never held")
        time.sleep(0.25)


def athlete_id(user: AppUser) -> int:
    return int(user.get("/api/v3/athlete").json()["id"])


def matcher_runs(cloud: LocalCloud) -> list[Any]:
    assert cloud.state is not None
    name = cloud.state.functions[MATCHER].function_name
    return [r for r in cloud.reports if r.function == name]


def upload_ride(user: AppUser, ride: ground.Ride, name: str) -> int:
    """Upload the ride as GPX through POST /api/v3/uploads and wait for its activity; its id."""
    sent = upload(user, ground.to_gpx(ride, name), "gpx", f"{name}.gpx", name=name)
    done = wait_upload(user, sent["id"])
    assert done["error"] is None, done
    return int(done["activity_id"])


def stored_efforts(cloud: LocalCloud, activity_id: int) -> list[dict[str, Any]]:
    """The effort items of the activity's partition, straight from the table (what the matcher wrote)."""
    assert cloud.info is not None
    answer = cloud.client("dynamodb").query(
        TableName=cloud.info.table_name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :effort)",
        ExpressionAttributeValues={":pk": {"S": f"ACT#{activity_id}"}, ":effort": {"S": "EFFORT#"}},
        ConsistentRead=True,
    )
    return answer["Items"]


def efforts_on(cloud: LocalCloud, activity_id: int, segment_id: int) -> list[dict[str, Any]]:
    return [item for item in stored_efforts(cloud, activity_id) if int(item["segment_id"]["N"]) == segment_id]


def wait_efforts(cloud: LocalCloud, activity_id: int, segment_id: int, count: int) -> list[dict[str, Any]]:
    return wait_for(
        lambda: (found := efforts_on(cloud, activity_id, segment_id)) and len(found) >= count and found,
        what=f"{count} effort(s) of activity {activity_id}",
    )


def wait_matched(cloud: LocalCloud, mark: int, runs: int = 1) -> None:
    """Wait until the matcher has finished ``runs`` more invocations since ``mark``; all of them succeeded."""
    wait_for(lambda: len(matcher_runs(cloud)) >= mark + runs, what=f"{runs} matcher run(s)")
    assert all(report.ok for report in matcher_runs(cloud)[mark:]), "a matcher run failed"


def activity_efforts(user: AppUser, activity_id: int, segment_id: int) -> list[dict[str, Any]]:
    response = user.get(f"/api/v3/activities/{activity_id}")
    assert response.status_code == 200, response.text
    detailed = strava_model.DetailedActivity.model_validate(response.json())
    assert detailed.segment_efforts is not None
    return [e for e in response.json()["segment_efforts"] if e["segment"]["id"] == segment_id]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def segment(make_user) -> dict[str, Any]:  # noqa: ANN001
    """The test ground's segment, made through the API by its own athlete."""
    creator = make_user()
    lat, lng, altitude = ground.segment_points()
    response = creator.post(
        "/api/v3/segments",
        json={
            "name": f"Ground climb {uuid.uuid4().hex[:6]}",
            "polyline": encode_polyline(list(zip(lat, lng, strict=True))),
            "activity_type": "Ride",
            "altitude": altitude,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def probe(cloud: LocalCloud) -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Every segment.effort.* event on the bus from now on; the returned function drains and accumulates them."""
    assert cloud.info is not None
    sqs, events = cloud.client("sqs"), cloud.client("events")
    name = f"effort-probe-{uuid.uuid4().hex[:8]}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name=name,
        EventBusName=cloud.info.event_bus_name,
        EventPattern=json.dumps({"source": ["stride.segments"]}),
    )
    events.put_targets(Rule=name, EventBusName=cloud.info.event_bus_name, Targets=[{"Id": "probe", "Arn": arn}])
    seen: list[dict[str, Any]] = []

    def drain() -> list[dict[str, Any]]:
        while True:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return list(seen)
            for message in messages:
                seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    yield drain
    events.remove_targets(Rule=name, EventBusName=cloud.info.event_bus_name, Ids=["probe"])
    events.delete_rule(Name=name, EventBusName=cloud.info.event_bus_name)


def events_of(
    drain: Callable[[], list[dict[str, Any]]], activity_id: int, segment_id: int
) -> list[tuple[str, str | None]]:
    """(detail-type, reason) of every event about the activity's efforts on the segment, in arrival order (other
    tests' segments may lie on the same ground)."""
    return [
        (event["detail-type"], event["detail"].get("reason"))
        for event in drain()
        if event["detail"]["effort"]["activity_id"] == activity_id
        and event["detail"]["effort"]["segment_id"] == segment_id
    ]


def wait_events(
    drain: Callable[[], list[dict[str, Any]]], activity_id: int, segment_id: int, count: int
) -> list[tuple[str, str | None]]:
    """``events_of`` once at least ``count`` of them have arrived."""
    return wait_for(  # type: ignore[no-any-return]
        lambda: (found := events_of(drain, activity_id, segment_id)) and len(found) >= count and found,
        what=f"{count} effort events",
    )


# ---------------------------------------------------------------- tests


def test_a_ride_over_the_segment_once_makes_one_effort_with_the_true_times(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    # Given an athlete and a ride that passes the segment once
    rider = make_user()
    ride = ground.ride_once()
    truth = ride.efforts[0]
    # When the ride is uploaded as GPX
    activity_id = upload_ride(rider, ride, "once")
    # Then the matcher stores one effort with the constructed times (within 1 s)
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    assert abs(float(item["elapsed_time"]["N"]) - truth.elapsed) < 1.0
    assert abs(float(item["moving_time"]["N"]) - truth.moving_time) < 1.0
    assert item["SK"]["S"] == f"EFFORT#{segment['id']:019d}#000"
    assert item["GSI1PK"]["S"] == f"SEG#{segment['id']}#ATH#{athlete_id(rider)}#EFF"
    # And the activity shows it as Strava's DetailedSegmentEffort
    (effort,) = activity_efforts(rider, activity_id, segment["id"])
    strava_model.DetailedSegmentEffort.model_validate(effort)
    assert abs(effort["elapsed_time"] - truth.elapsed) <= 1.0
    assert effort["name"] == segment["name"] and effort["activity"]["id"] == activity_id
    assert effort["hidden"] is False
    # And once the boards have ranked it (their write-back), its ranks and Strava's achievements show
    ranked = wait_for(
        lambda: [e for e in activity_efforts(rider, activity_id, segment["id"]) if e["pr_rank"] is not None],
        what="ranks written back",
    )
    effort = ranked[0]
    assert effort["pr_rank"] == 1  # the rider's first effort on the segment is their best
    assert {"type_id": 3, "type": "pr", "rank": 1} in effort["achievements"]
    if effort["kom_rank"] is not None:
        assert {"type_id": 2, "type": "overall", "rank": effort["kom_rank"]} in effort["achievements"]
    strava_model.DetailedSegmentEffort.model_validate(effort)
    started = ground.START_TIME + timedelta(seconds=truth.start)
    assert abs((strava_model.DetailedSegmentEffort.model_validate(effort).start_date - started).total_seconds()) < 1
    # And it reads by id, in the athlete's effort list for the segment, and as streams sliced to the effort
    by_id = rider.get(f"/api/v3/segment_efforts/{effort['id']}")
    assert by_id.status_code == 200, by_id.text
    assert by_id.json() == effort
    listed = rider.get("/api/v3/segment_efforts", params={"segment_id": segment["id"]})
    assert listed.status_code == 200, listed.text
    assert [e["id"] for e in listed.json()] == [effort["id"]]
    streams = rider.get(f"/api/v3/segment_efforts/{effort['id']}/streams", params={"keys": "time,latlng"})
    assert streams.status_code == 200, streams.text
    body = streams.json()
    assert len(body["time"]["data"]) == effort["end_index"] - effort["start_index"] + 1
    assert body["time"]["data"][0] <= truth.start <= body["time"]["data"][1]
    # And the boards heard of it once
    assert wait_for(lambda: events_of(probe, activity_id, segment["id"])) == [("segment.effort.recorded", None)]


def test_a_ride_over_the_segment_twice_makes_two_efforts(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],  # noqa: ANN001
) -> None:
    # Given a ride along the road, back (the segment in reverse), and along it again, slower
    rider = make_user()
    ride = ground.ride_twice()
    assert len(ride.efforts) == 2
    # When it is uploaded
    activity_id = upload_ride(rider, ride, "twice")
    # Then it holds two efforts, passes 0 and 1, each within 1 s of the truth
    items = sorted(wait_efforts(cloud, activity_id, segment["id"], 2), key=lambda item: item["SK"]["S"])
    assert [item["SK"]["S"][-3:] for item in items] == ["000", "001"]
    for item, truth in zip(items, ride.efforts, strict=True):
        assert abs(float(item["elapsed_time"]["N"]) - truth.elapsed) < 1.0
    efforts = activity_efforts(rider, activity_id, segment["id"])
    assert len(efforts) == 2 and len({e["id"] for e in efforts}) == 2
    # And the list of the athlete's efforts on the segment is newest first, bounded by local dates
    listed = rider.get("/api/v3/segment_efforts", params={"segment_id": segment["id"]}).json()
    assert [e["id"] for e in listed] == [e["id"] for e in sorted(efforts, key=lambda e: e["start_date"], reverse=True)]
    first, second = sorted(efforts, key=lambda e: e["start_date_local"])
    since_second = rider.get(
        "/api/v3/segment_efforts", params={"segment_id": segment["id"], "start_date_local": second["start_date_local"]}
    )
    assert since_second.status_code == 200, since_second.text
    assert [e["id"] for e in since_second.json()] == [second["id"]]
    until_first = rider.get(
        "/api/v3/segment_efforts", params={"segment_id": segment["id"], "end_date_local": first["start_date_local"]}
    )
    assert [e["id"] for e in until_first.json()] == [first["id"]]
    newest = rider.get("/api/v3/segment_efforts", params={"segment_id": segment["id"], "per_page": 1}).json()
    assert [e["id"] for e in newest] == [second["id"]]


def test_reverse_and_shortcut_rides_make_no_effort(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],  # noqa: ANN001
) -> None:
    # Given rides the wrong way along the road, and along a chord that skips the middle of the segment
    rider = make_user()
    mark = len(matcher_runs(cloud))
    # When both are uploaded and matched
    reverse = upload_ride(rider, ground.ride_reverse(), "reverse")
    shortcut = upload_ride(rider, ground.ride_shortcut(start_date=ground.START_TIME + timedelta(hours=3)), "shortcut")
    wait_matched(cloud, mark, runs=2)
    # Then neither has an effort on the segment
    assert efforts_on(cloud, reverse, segment["id"]) == []
    assert efforts_on(cloud, shortcut, segment["id"]) == []
    assert activity_efforts(rider, reverse, segment["id"]) == []


def test_a_duplicate_activity_created_event_writes_and_publishes_nothing_new(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    assert cloud.info is not None
    # Given a matched activity whose effort the boards heard of
    rider = make_user()
    activity_id = upload_ride(rider, ground.ride_once(), "duplicate")
    wait_efforts(cloud, activity_id, segment["id"], 1)
    wait_for(lambda: events_of(probe, activity_id, segment["id"]))
    # (the matcher marks the effort announced just after publishing: the first run is over once it is marked)
    (before,) = wait_for(
        lambda: [e for e in efforts_on(cloud, activity_id, segment["id"]) if e["announced"]["BOOL"]],
        what="the effort marked announced",
    )
    activity = rider.get(f"/api/v3/activities/{activity_id}").json()
    # When the same activity.created is delivered twice more
    event = ActivityCreatedEvent(
        activity=ActivitySnapshot(
            activity_id=activity_id,
            athlete_id=athlete_id(rider),
            name=activity["name"],
            sport_type=activity["sport_type"],
            start_date=activity["start_date"],
            start_date_local=activity["start_date_local"],
            visibility=activity["visibility"],
            has_streams=True,
        )
    )
    mark = len(matcher_runs(cloud))
    for _ in range(2):
        cloud.client("events").put_events(
            Entries=[
                {
                    "Source": ActivityCreatedEvent.source,
                    "DetailType": ActivityCreatedEvent.detail_type,
                    "Detail": event.model_dump_json(),
                    "EventBusName": cloud.info.event_bus_name,
                }
            ]
        )
    wait_matched(cloud, mark, runs=2)
    # Then the effort item is the very one written first (never rewritten), and no event went out again
    (after,) = efforts_on(cloud, activity_id, segment["id"])
    ranks = {"pr_rank", "kom_rank"}  # written back by the boards meanwhile, not by the matcher
    assert {k: v for k, v in after.items() if k not in ranks} == {k: v for k, v in before.items() if k not in ranks}
    time.sleep(1.0)
    assert events_of(probe, activity_id, segment["id"]) == [("segment.effort.recorded", None)]


def test_deleting_the_activity_removes_its_efforts(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    assert cloud.info is not None
    # Given a matched activity
    rider = make_user()
    activity_id = upload_ride(rider, ground.ride_once(), "deleted")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    effort_id = int(item["effort_id"]["N"])
    wait_for(lambda: events_of(probe, activity_id, segment["id"]))
    # When the athlete deletes it
    response = requests.delete(f"{rider.api_url}/api/v3/activities/{activity_id}", headers=rider.headers, timeout=30)
    assert response.status_code == 204, response.text
    # Then its efforts and their pointers are gone, the boards hear removed (activity_deleted), reads are 404
    wait_for(lambda: not stored_efforts(cloud, activity_id), what="efforts deleted")
    pointer = cloud.client("dynamodb").get_item(
        TableName=cloud.info.table_name, Key={"PK": {"S": f"EFFORT#{effort_id}"}, "SK": {"S": "META"}}
    )
    assert "Item" not in pointer
    assert wait_events(probe, activity_id, segment["id"], 2) == [
        ("segment.effort.recorded", None),
        ("segment.effort.removed", "activity_deleted"),
    ]
    assert_fault(rider.get(f"/api/v3/segment_efforts/{effort_id}"), 404)
    assert rider.get("/api/v3/segment_efforts", params={"segment_id": segment["id"]}).json() == []


def test_only_me_takes_efforts_off_the_boards_and_back(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    # Given a matched activity and a stranger who can see it
    rider, stranger = make_user(), make_user()
    activity_id = upload_ride(rider, ground.ride_once(), "only me")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    effort_id = int(item["effort_id"]["N"])
    assert stranger.get(f"/api/v3/segment_efforts/{effort_id}").status_code == 200
    # When the owner makes the activity only_me
    assert rider.put(f"/api/v3/activities/{activity_id}", json={"visibility": "only_me"}).status_code == 200
    # Then the boards hear removed (only_me); the owner still sees the effort, the stranger does not
    assert ("segment.effort.removed", "only_me") in wait_events(probe, activity_id, segment["id"], 2)
    assert rider.get(f"/api/v3/segment_efforts/{effort_id}").status_code == 200
    assert_fault(stranger.get(f"/api/v3/segment_efforts/{effort_id}"), 404)
    (kept,) = efforts_on(cloud, activity_id, segment["id"])
    assert kept["visibility"]["S"] == "only_me" and kept["announced"]["BOOL"] is False
    # When it is made visible to everyone again
    assert rider.put(f"/api/v3/activities/{activity_id}", json={"visibility": "everyone"}).status_code == 200
    # Then the effort is recorded again, without a new match
    wait_for(lambda: len(events_of(probe, activity_id, segment["id"])) >= 3, what="recorded again")
    assert events_of(probe, activity_id, segment["id"]) == [
        ("segment.effort.recorded", None),
        ("segment.effort.removed", "only_me"),
        ("segment.effort.recorded", None),
    ]
    assert stranger.get(f"/api/v3/segment_efforts/{effort_id}").status_code == 200


def test_changing_the_sport_rematches_the_activity(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    # Given a matched ride
    rider = make_user()
    activity_id = upload_ride(rider, ground.ride_once(), "sport")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    wait_for(lambda: events_of(probe, activity_id, segment["id"]))
    # When the athlete says it was a run (Run segments only: the Ride segment no longer applies)
    assert rider.put(f"/api/v3/activities/{activity_id}", json={"sport_type": "Run"}).status_code == 200
    # Then the effort is matched away: deleted, and the boards hear removed (rematched)
    wait_for(lambda: not efforts_on(cloud, activity_id, segment["id"]), what="effort matched away")
    assert wait_events(probe, activity_id, segment["id"], 2) == [
        ("segment.effort.recorded", None),
        ("segment.effort.removed", "rematched"),
    ]
    assert_fault(rider.get(f"/api/v3/segment_efforts/{item['effort_id']['N']}"), 404)
    # When it is a ride again, the same effort (same id) comes back
    assert rider.put(f"/api/v3/activities/{activity_id}", json={"sport_type": "Ride"}).status_code == 200
    (again,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    assert again["effort_id"] == item["effort_id"]


def test_an_effort_through_a_privacy_zone_is_hidden_from_others(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    # Given an athlete with a privacy zone on the segment's first straight
    rider, stranger = make_user(), make_user()
    x, y, _, _ = ground.road_xy(ground.SEGMENT_START + 300.0)
    lat, lng = ground.to_latlng(x, y)
    zone = {"lat": float(lat), "lng": float(lng), "radius": 200}
    assert rider.put("/api/v3/athlete/privacy", json={"zones": [zone], "hide_start_end": 0}).status_code == 200
    # When a ride through the zone is uploaded
    activity_id = upload_ride(rider, ground.ride_once(), "zone")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    effort_id = int(item["effort_id"]["N"])
    # Then the owner sees the effort, marked hidden; others do not see it at all
    (mine,) = activity_efforts(rider, activity_id, segment["id"])
    assert mine["hidden"] is True and mine["id"] == effort_id
    assert rider.get(f"/api/v3/segment_efforts/{effort_id}").status_code == 200
    assert activity_efforts(stranger, activity_id, segment["id"]) == []
    assert_fault(stranger.get(f"/api/v3/segment_efforts/{effort_id}"), 404)
    assert_fault(stranger.get(f"/api/v3/segment_efforts/{effort_id}/streams"), 404)
    # And it never reached the boards
    time.sleep(1.0)
    assert events_of(probe, activity_id, segment["id"]) == []


def test_effort_streams_are_cut_for_others_as_the_activity_streams(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],  # noqa: ANN001
) -> None:
    # Given an athlete who hides the first and last 400 m of every activity, and a ride that starts 100 m before
    # the segment (so its first 300 m are hidden from others)
    rider, stranger = make_user(), make_user()
    assert rider.put("/api/v3/athlete/privacy", json={"zones": [], "hide_start_end": 400}).status_code == 200
    ride = ground.ride([ground.Leg(ground.SEGMENT_START - 100.0, ground.ROAD_LENGTH, ground.SPEED)])
    activity_id = upload_ride(rider, ride, "hidden start")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    effort_id = int(item["effort_id"]["N"])
    path = f"/api/v3/segment_efforts/{effort_id}/streams"
    # When the owner and a stranger read the effort's streams
    mine = rider.get(path, params={"keys": "time,latlng,distance"}).json()
    theirs = stranger.get(path, params={"keys": "time,latlng,distance"}).json()
    # Then the owner gets every sample of the effort; the stranger the same samples as in the activity's streams
    assert len(mine["time"]["data"]) == int(item["end_index"]["N"]) - int(item["start_index"]["N"]) + 1
    activity_times = set(stranger.get(f"/api/v3/activities/{activity_id}/streams", params={"keys": "time"}).json()
                         ["time"]["data"])  # fmt: skip
    assert theirs["time"]["data"] == [t for t in mine["time"]["data"] if t in activity_times]
    assert 0 < len(theirs["time"]["data"]) < len(mine["time"]["data"])
    assert len(theirs["latlng"]["data"]) == len(theirs["time"]["data"]) == len(theirs["distance"]["data"])
    # And the effort itself is visible to the stranger (nothing of it lies in a privacy zone)
    assert stranger.get(f"/api/v3/segment_efforts/{effort_id}").json()["hidden"] is False


def test_a_moderator_hides_a_flagged_effort(
    cloud: LocalCloud,
    make_user,
    segment: dict[str, Any],
    probe,  # noqa: ANN001
) -> None:
    # Given a matched effort, a moderator and another athlete
    rider, moderator, member = make_user(), make_user(groups=("MEMBER", "MODERATOR")), make_user()
    activity_id = upload_ride(rider, ground.ride_once(), "flagged")
    (item,) = wait_efforts(cloud, activity_id, segment["id"], 1)
    effort_id = int(item["effort_id"]["N"])
    path = f"/api/v3/segment_efforts/{effort_id}/hidden"
    # When a member tries to hide it: 403; a bad body: 422; an unknown effort: 404
    assert_fault(member.put(path, json={"hidden": True}), 403)
    assert_fault(moderator.put(path, json={"hidden": "maybe"}), 422)
    assert_fault(moderator.put("/api/v3/segment_efforts/12345/hidden", json={"hidden": True}), 404)
    # When the moderator hides it
    response = moderator.put(path, json={"hidden": True})
    assert response.status_code == 200, response.text
    assert response.json()["hidden"] is True
    # Then the boards hear removed (hidden); others get 404; the owner still sees it, hidden
    assert ("segment.effort.removed", "hidden") in wait_events(probe, activity_id, segment["id"], 2)
    assert_fault(member.get(f"/api/v3/segment_efforts/{effort_id}"), 404)
    assert rider.get(f"/api/v3/segment_efforts/{effort_id}").json()["hidden"] is True
    # And hiding it again changes nothing; showing it records it again
    assert moderator.put(path, json={"hidden": True}).status_code == 200
    assert moderator.put(path, json={"hidden": False}).json()["hidden"] is False
    wait_for(lambda: len(events_of(probe, activity_id, segment["id"])) >= 3, what="recorded again")
    assert [kind for kind, _ in events_of(probe, activity_id, segment["id"])] == [
        "segment.effort.recorded",
        "segment.effort.removed",
        "segment.effort.recorded",
    ]
    assert member.get(f"/api/v3/segment_efforts/{effort_id}").status_code == 200


def test_bad_effort_requests_get_faults(user: AppUser) -> None:
    # Given any athlete; When the effort routes get malformed input; Then 422 or 404 Faults, never a 500
    assert_fault(user.get("/api/v3/segment_efforts"), 422)
    assert_fault(user.get("/api/v3/segment_efforts", params={"segment_id": "x"}), 422)
    assert_fault(user.get("/api/v3/segment_efforts", params={"segment_id": 1, "per_page": 500}), 422)
    assert_fault(user.get("/api/v3/segment_efforts", params={"segment_id": 1, "start_date_local": "soon"}), 422)
    assert_fault(user.get("/api/v3/segment_efforts/abc"), 422)
    assert_fault(user.get("/api/v3/segment_efforts/999999"), 404)
    assert_fault(user.get("/api/v3/segment_efforts/999999/streams", params={"keys": "bogus"}), 422)
    assert user.get("/api/v3/segment_efforts", params={"segment_id": 1}).json() == []
