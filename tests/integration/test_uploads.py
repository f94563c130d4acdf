"""Uploads through the local cloud as clients make them: multipart (requests and stravalib), presigned POST
straight to S3, then the S3 trigger; every corpus file, every bad file, duplicates, reads and exports."""

from __future__ import annotations

import gzip
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import fitdecode
import gpxpy
import pytest
import requests
from stravalib import strava_model

from infrastructure.local_cloud.cloud import LocalCloud
from tests.conftest import CORPUS
from tests.integration.conftest import AppUser
from tests.integration.test_activities import _delete, assert_fault, stravalib_client

pytestmark = pytest.mark.integration
EDGE810 = CORPUS / "fit" / "fitparse_edge810-vector-power.fit"
AMAZFIT = CORPUS / "gpx" / "sportslib_amazfit.gpx"
UNFINISHED = "Your activity is still being processed."


def data_type_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in ("fit.gz", "fit", "gpx", "tcx"):
        if name.endswith("." + suffix):
            return suffix
    return "fit"  # .fit.zip and .kml: the bytes decide, the declared type is only a hint


def upload(user: AppUser, content: bytes, data_type: str, filename: str = "file", **fields: str) -> dict:
    response = user.post(
        "/api/v3/uploads", files={"file": (filename, content)}, data={"data_type": data_type, **fields}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    strava_model.Upload.model_validate(body)
    return body


def wait_upload(user: AppUser, upload_id: int, timeout: float = 90.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = user.get(f"/api/v3/uploads/{upload_id}").json()
        if body["status"] != UNFINISHED:
            strava_model.Upload.model_validate(body)
            return body
        time.sleep(0.25)
    raise AssertionError(f"upload {upload_id} still processing after {timeout} s")


def upload_and_wait(user: AppUser, path: Path, **fields: str) -> dict:
    return wait_upload(user, upload(user, path.read_bytes(), data_type_of(path), path.name, **fields)["id"])


def raw_object_exists(cloud: LocalCloud, athlete_upload: dict, user: AppUser) -> bool:
    assert cloud.info is not None
    s3 = cloud.client("s3")
    me = user.get("/api/v3/athlete").json()["id"]
    listed = s3.list_objects_v2(Bucket=cloud.info.uploads_bucket, Prefix=f"uploads/{me}/{athlete_upload['id']}")
    return bool(listed.get("Contents"))


def session_totals(path: Path) -> dict[str, float]:
    totals = {"distance": 0.0, "timer": 0.0}
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                totals["distance"] += frame.get_value("total_distance") or 0
                totals["timer"] += frame.get_value("total_timer_time") or 0
    return totals


def test_a_fit_file_becomes_an_activity_with_streams_laps_zones_and_exports(cloud: LocalCloud, user: AppUser) -> None:
    # Given an athlete with an FTP (power zones come from it)
    assert user.put("/api/v3/athlete", json={"ftp": 250}).status_code == 200
    # When a Garmin Edge 810 ride with power is uploaded with Strava's multipart form
    done = upload_and_wait(user, EDGE810, name="Vector test", external_id="edge810-1")
    # Then the upload is ready and names its activity
    assert done["status"] == "Your activity is ready." and done["error"] is None and done["activity_id"]
    activity_path = f"/api/v3/activities/{done['activity_id']}"
    body = user.get(activity_path).json()
    detailed = strava_model.DetailedActivity.model_validate(body)
    device = session_totals(EDGE810)
    assert detailed.name == "Vector test" and detailed.external_id == "edge810-1"
    assert body["distance"] == pytest.approx(device["distance"], rel=0.01)
    assert body["moving_time"] == pytest.approx(device["timer"], rel=0.03)
    assert body["sport_type"] == "Ride" and body["device_watts"] is True and body["average_watts"] > 0
    assert body["weighted_average_watts"] >= body["average_watts"] * 0.95 and body["kilojoules"] > 0
    assert body["has_heartrate"] and body["average_heartrate"] > 60
    assert len(body["laps"]) == 8 and body["splits_metric"] and body["map"]["summary_polyline"]
    assert body["start_latlng"] and body["timezone"].startswith("(GMT")
    # Streams: equal lengths, Strava's StreamSet shape
    streams = user.get(
        f"{activity_path}/streams", params={"keys": "time,latlng,heartrate,watts", "key_by_type": "true"}
    )
    assert streams.status_code == 200, streams.text
    stream_set = streams.json()
    strava_model.StreamSet.model_validate(stream_set)
    assert set(stream_set) == {"time", "latlng", "heartrate", "watts"}
    assert len({len(s["data"]) for s in stream_set.values()}) == 1 and len(stream_set["time"]["data"]) > 4000
    listed = user.get(f"{activity_path}/streams", params={"key_by_type": "false"}).json()
    assert {s["type"] for s in listed} >= {"time", "distance", "latlng", "altitude", "moving"}
    assert_fault(user.get(f"{activity_path}/streams", params={"keys": "nonsense"}), 422)
    # Laps and zones
    laps = user.get(f"{activity_path}/laps").json()
    assert [lap["lap_index"] for lap in laps] == list(range(1, 9))
    for lap in laps:
        strava_model.Lap.model_validate(lap)
    zones = user.get(f"{activity_path}/zones").json()
    assert {z["type"] for z in zones} == {"heartrate", "power"}
    for zone in zones:
        strava_model.ActivityZone.model_validate(zone)
        assert sum(b["time"] for b in zone["distribution_buckets"]) > 0
    # Exports: GPX parses and has the track; GeoJSON is a FeatureCollection; the original is the file itself
    gpx_response = user.get(f"{activity_path}/export_gpx")
    assert gpx_response.status_code == 200 and gpx_response.headers["Content-Type"].startswith("application/gpx+xml")
    gpx = gpxpy.parse(gpx_response.text)
    assert sum(len(s.points) for t in gpx.tracks for s in t.segments) > 4000
    geo = user.get(f"{activity_path}/geojson").json()
    assert geo["type"] == "FeatureCollection" and geo["features"][0]["geometry"]["type"] == "LineString"
    original = user.get(f"{activity_path}/export_original", allow_redirects=False)
    assert original.status_code == 303
    assert requests.get(original.headers["Location"], timeout=30).content == EDGE810.read_bytes()


def test_stravalib_uploads_a_gpx_and_waits_for_the_activity(user: AppUser) -> None:
    client = stravalib_client(user)
    with AMAZFIT.open("rb") as handle:
        uploader = client.upload_activity(handle, data_type="gpx", name="Amazfit run", external_id="amazfit-1")
    activity = uploader.wait(timeout=90, poll_interval=0.5)
    assert activity.name == "Amazfit run" and activity.sport_type.root == "Run"
    assert float(activity.distance) > 1000 and activity.has_heartrate


def test_presigned_post_goes_straight_to_s3_and_is_processed(user: AppUser) -> None:
    ticket = user.post("/api/v3/uploads/presigned", json={"data_type": "fit", "name": "From the app"})
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    assert body["max_bytes"] == 26_214_400 and body["upload"]["status"] == UNFINISHED
    posted = requests.post(
        body["url"], data=body["fields"], files={"file": ("a.fit", EDGE810.read_bytes())}, timeout=60
    )
    assert posted.status_code in (200, 204), posted.text
    done = wait_upload(user, body["upload"]["id"])
    assert (
        done["activity_id"] and user.get(f"/api/v3/activities/{done['activity_id']}").json()["name"] == "From the app"
    )
    assert_fault(user.post("/api/v3/uploads/presigned", json={"data_type": "pdf"}), 422)


def test_duplicates_by_file_and_by_external_id_are_refused_naming_the_activity(user: AppUser) -> None:
    first = upload_and_wait(user, CORPUS / "gpx" / "sportslib_garmin.gpx", external_id="run-42")
    assert first["activity_id"]
    again = upload_and_wait(user, CORPUS / "gpx" / "sportslib_garmin.gpx")
    assert again["status"] == "There was an error processing your activity."
    assert again["error"] == f"duplicate of activity {first['activity_id']}"
    other_file = upload_and_wait(user, CORPUS / "gpx" / "togeojson_multitrack.gpx", external_id="run-42")
    assert other_file["error"] == f"duplicate of activity {first['activity_id']}"
    # After the first is deleted, the same file is welcome again
    assert _delete(user, f"/api/v3/activities/{first['activity_id']}").status_code == 204
    assert upload_and_wait(user, CORPUS / "gpx" / "sportslib_garmin.gpx")["activity_id"]


def _billion_laughs() -> bytes:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY l0 "ha">{entities}]>'
            '<gpx version="1.1"><trk><name>&l9;</name></trk></gpx>').encode()  # fmt: skip


HOSTILE = {
    "billion-laughs.gpx": (_billion_laughs(), "gpx"),
    "xxe.gpx": (
        b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<gpx version="1.1"><trk><name>&x;</name><trkseg><trkpt lat="1" lon="1"><time>2024-01-01T00:00:00Z</time>'
        b"</trkpt></trkseg></trk></gpx>",
        "gpx",
    ),
    "bomb.fit.gz": (gzip.compress(b"\0" * 150_000_000, 9), "fit.gz"),
    "picture.fit": (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "fit"),
    "truncated.gpx": (AMAZFIT.read_bytes()[:5000], "gpx"),
    "1901.gpx": ((CORPUS / "gpx" / "gpxpy_mojstrovka.gpx").read_bytes(), "gpx"),
    "no-points.gpx": ((CORPUS / "gpx" / "gc_metadata-only.gpx").read_bytes(), "gpx"),
    "gzip-garbage.tcx.gz": (b"\x1f\x8b\x08\x00" + b"\xff" * 50, "tcx.gz"),
}


def test_bad_files_end_in_error_with_a_readable_reason_and_the_raw_file_kept(cloud: LocalCloud, user: AppUser) -> None:
    cases = [(p.name, p.read_bytes(), data_type_of(p)) for p in sorted((CORPUS / "bad").iterdir())]
    cases += [(name, content, data_type) for name, (content, data_type) in HOSTILE.items()]
    with ThreadPoolExecutor(4) as pool:
        tickets = list(pool.map(lambda c: (c[0], upload(user, c[1], c[2], c[0])), cases))
        results = dict(pool.map(lambda t: (t[0], (t[1], wait_upload(user, t[1]["id"]))), tickets))
    # Files the manifest calls truncated-but-real keep what was recorded; everything else is an error
    # (sportslib_broken.fit's header claims no data, yet it holds a whole Zwift ride, which is recovered)
    salvaged = {
        "fitparse_nick.fit", "sportslib_broken.fit", "fitparse_elemnt-bolt-no-application-id.fit",
        "togeojson_bad.tcx", "fitparse_activity-settings-corruptheader.fit", "fitparse_activity-settings-nodata.fit",
        "fitparse_activity-unexpected-eof.fit",
    }  # fmt: skip
    for name, (ticket, done) in results.items():
        assert raw_object_exists(cloud, ticket, user), name
        if done["status"] == "Your activity is ready.":
            assert name in salvaged, f"{name} was accepted"
            continue
        assert done["status"] == "There was an error processing your activity.", name
        assert done["error"] and len(done["error"]) < 300 and "Traceback" not in done["error"], (name, done)
    for name in ("billion-laughs.gpx", "xxe.gpx"):
        assert "DTD" in results[name][1]["error"] or "entit" in results[name][1]["error"], results[name]
    assert "uncompressed" in results["bomb.fit.gz"][1]["error"]
    assert not any(r.function.endswith("ProcessUploadFunction") and not r.ok for r in cloud.reports)


def test_every_corpus_file_behaves(cloud: LocalCloud, make_user) -> None:  # noqa: ANN001
    # Each file from a fresh athlete, so duplicate detection does not mix in
    user = make_user()
    paths = [p for folder in ("fit", "gpx", "tcx", "kml") for p in sorted((CORPUS / folder).iterdir())]
    with ThreadPoolExecutor(4) as pool:
        results = dict(pool.map(lambda p: (p.name, upload_and_wait(user, p)), paths))
    not_activities = {"gc_metadata-only.gpx", "togeojson_empty_trk.gpx", "gpxpy_cerknicko-without-times.gpx",
                      "gpxpy_mojstrovka.gpx"} | {p.name for p in (CORPUS / "kml").iterdir()}  # fmt: skip
    errors = {name: r["error"] for name, r in results.items() if r["activity_id"] is None}
    unexpected = {name: error for name, error in errors.items() if name not in not_activities}
    duplicates = {n: e for n, e in unexpected.items() if e.startswith("duplicate of activity")}
    # The same ride exists as two files only where the manifest says so (the FR15 10k as FIT and TCX is
    # two files with different bytes, so both are accepted)
    assert not {k: v for k, v in unexpected.items() if k not in duplicates}, unexpected
    assert set(not_activities) <= set(errors)
    for name, result in results.items():
        if result["activity_id"]:
            activity = user.get(f"/api/v3/activities/{result['activity_id']}").json()
            strava_model.DetailedActivity.model_validate(activity)
            assert activity["elapsed_time"] >= activity["moving_time"] >= 0, name


def test_a_multipart_body_over_the_gateway_limit_gets_413(user: AppUser) -> None:
    response = user.post("/api/v3/uploads", files={"file": ("big.fit", b"\0" * (10 * 1024 * 1024 + 1))})
    assert_fault(response, 413)


def test_deleting_an_activity_removes_streams_and_tags_the_raw_file(cloud: LocalCloud, user: AppUser) -> None:
    assert cloud.info is not None
    done = upload_and_wait(user, CORPUS / "tcx" / "togeojson_tour_hr.tcx")
    s3 = cloud.client("s3")
    streams_key = f"streams/{done['activity_id']}"
    assert s3.head_object(Bucket=cloud.info.uploads_bucket, Key=streams_key)
    assert _delete(user, f"/api/v3/activities/{done['activity_id']}").status_code == 204
    assert "Contents" not in s3.list_objects_v2(Bucket=cloud.info.uploads_bucket, Prefix=streams_key)
    assert user.get(f"/api/v3/uploads/{done['id']}").json()["status"] == "The created activity has been deleted."
    me = user.get("/api/v3/athlete").json()["id"]
    raw_key = f"uploads/{me}/{done['id']}.tcx"
    tags = s3.get_object_tagging(Bucket=cloud.info.uploads_bucket, Key=raw_key)["TagSet"]
    assert {"Key": "stride-activity-deleted", "Value": "true"} in tags


def test_uploads_of_others_are_not_found(make_user) -> None:  # noqa: ANN001
    owner, other = make_user(), make_user()
    ticket = upload(owner, (CORPUS / "gpx" / "togeojson_strava.gpx").read_bytes(), "gpx")
    assert_fault(other.get(f"/api/v3/uploads/{ticket['id']}"), 404)
    assert_fault(owner.get("/api/v3/uploads/123"), 404)


def test_upload_form_errors_are_clear(user: AppUser) -> None:
    assert_fault(user.post("/api/v3/uploads", data={"data_type": "fit"}), 422)  # no file
    assert_fault(user.post("/api/v3/uploads", files={"file": ("a", b"x")}, data={"data_type": "docx"}), 422)
    assert_fault(user.post("/api/v3/uploads", files={"file": ("a.fit", b"")}, data={"data_type": "fit"}), 422)


def test_best_efforts_of_runs_are_ranked_among_the_athletes_own(make_user) -> None:  # noqa: ANN001
    user = make_user()
    # Given a first run: every best effort is a personal record
    first = upload_and_wait(user, AMAZFIT)
    first_efforts = {
        e["name"]: e for e in user.get(f"/api/v3/activities/{first['activity_id']}").json()["best_efforts"]
    }
    assert first_efforts and {e["pr_rank"] for e in first_efforts.values()} == {1}
    assert {"400m", "1k"} <= set(first_efforts)
    # When a second run is uploaded, each effort is ranked against the first one's
    second = upload_and_wait(user, CORPUS / "gpx" / "sportslib_strava-run-2017.gpx")
    body = user.get(f"/api/v3/activities/{second['activity_id']}").json()
    strava_model.DetailedActivity.model_validate(body)
    shared = [e for e in body["best_efforts"] if e["name"] in first_efforts]
    assert shared
    for effort in shared:
        expected = 1 if effort["elapsed_time"] < first_efforts[effort["name"]]["elapsed_time"] else 2
        assert effort["pr_rank"] == expected, effort
    assert body["pr_count"] == sum(1 for e in body["best_efforts"] if e["pr_rank"] == 1)
