"""Pure rules of the activities context: visibility, default names, stats contributions, upload keys."""

from datetime import UTC, datetime

import pytest

from stride.activities import stats, uploads
from stride.activities.processing import default_name
from stride.events.contracts import ActivitySnapshot
from stride.policy import ActivityAccess, Caller, activity_access, can_list_private_activities
from stride.store import keys

OWNER, OTHER = Caller(1, "s1"), Caller(2, "s2")
MODERATOR = Caller(3, "s3", frozenset({"MODERATOR"}))


@pytest.mark.parametrize(
    ("viewer", "visibility", "expected"),
    [
        (OWNER, "only_me", ActivityAccess.OWNER),
        (OTHER, "everyone", ActivityAccess.VIEW),
        (OTHER, "followers_only", ActivityAccess.NONE),  # a stranger: followers see it (test_policy_cedar.py)
        (OTHER, "only_me", ActivityAccess.NONE),
        (MODERATOR, "only_me", ActivityAccess.VIEW),
        (Caller(2, "s2", scopes=frozenset({"read"})), "everyone", ActivityAccess.NONE),
    ],
)
def test_activity_visibility(viewer: Caller, visibility: str, expected: ActivityAccess) -> None:
    assert activity_access(viewer, 1, visibility) is expected


def test_private_activities_in_lists_need_read_all() -> None:
    assert can_list_private_activities(OWNER, 1)
    assert not can_list_private_activities(Caller(1, "s1", scopes=frozenset({"activity:read"})), 1)
    assert not can_list_private_activities(OTHER, 1)


@pytest.mark.parametrize(
    ("sport", "hour", "name"),
    [("Run", 7, "Morning Run"), ("Ride", 13, "Afternoon Ride"), ("VirtualRide", 19, "Evening Ride"),
     ("TrailRun", 23, "Night Run"), ("Yoga", 4, "Night Activity")],
)  # fmt: skip
def test_default_names_follow_the_local_hour(sport: str, hour: int, name: str) -> None:
    assert default_name(sport, datetime(2026, 1, 1, hour, tzinfo=UTC)) == name


def _snapshot(**fields: object) -> ActivitySnapshot:
    base = {
        "activity_id": 9, "athlete_id": 1, "name": "x", "sport_type": "Run", "visibility": "everyone",
        "start_date": datetime(2026, 11, 20, 7, tzinfo=UTC), "start_date_local": datetime(2026, 11, 20, 8, tzinfo=UTC),
        "distance": 5000.0, "moving_time": 1500, "elapsed_time": 1600, "total_elevation_gain": 20.0,
    }  # fmt: skip
    return ActivitySnapshot.model_validate({**base, **fields})


class RecordingStats:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def apply(self, athlete_id: int, event_id: str, deltas: dict, maxima: dict) -> bool:
        self.calls.append((athlete_id, event_id, deltas, maxima))
        return True


def test_a_created_run_adds_to_all_year_and_day() -> None:
    repo = RecordingStats()
    stats.apply_event("e1", 1, None, _snapshot(), repository=repo)  # type: ignore[arg-type]
    _, _, deltas, maxima = repo.calls[0]
    assert set(deltas) == {keys.STATS_ALL, "STATS#Y#2026", "STATS#D#2026-11-20"}
    assert deltas[keys.STATS_ALL]["run_count"] == 1 and deltas[keys.STATS_ALL]["run_distance"] == 5000
    assert maxima == {}


def test_an_edit_moves_the_contribution_and_a_private_activity_counts_nothing() -> None:
    repo = RecordingStats()
    stats.apply_event("e2", 1, _snapshot(), _snapshot(sport_type="Ride"), repository=repo)  # type: ignore[arg-type]
    _, _, deltas, maxima = repo.calls[0]
    assert deltas[keys.STATS_ALL]["run_count"] == -1 and deltas[keys.STATS_ALL]["ride_count"] == 1
    assert maxima["biggest_ride_distance"] == 5000
    # An edit that changes nothing counted (a rename) writes nothing
    assert not stats.apply_event("e3", 1, _snapshot(), _snapshot(name="y"), repository=repo)  # type: ignore[arg-type]
    assert not stats.apply_event("e4", 1, None, _snapshot(visibility="only_me"), repository=repo)  # type: ignore[arg-type]
    assert len(repo.calls) == 1


def test_upload_object_keys_round_trip_and_reject_others() -> None:
    key = uploads.object_key(12, 34, "fit.gz")
    assert key == "uploads/12/34.fit.gz"
    assert uploads.parse_object_key(key) == (12, 34)
    assert uploads.parse_object_key("uploads/12/../34.fit") is None
    assert uploads.parse_object_key("avatars/12/34") is None


@pytest.mark.parametrize("value", ["FIT", ".gpx", "tcx.gz", " fit.gz "])
def test_data_types_are_normalised(value: str) -> None:
    assert uploads.normalise_data_type(value) in uploads.DATA_TYPES


def test_unknown_data_types_are_refused() -> None:
    from stride.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        uploads.normalise_data_type("kml")


def test_sport_types_are_read_in_stravas_spelling_whatever_the_case() -> None:
    from stride.activities.sports import canonical

    assert canonical("ride") == "Ride" and canonical(" TrailRun ") == "TrailRun"
    assert canonical("Jetski") is None and canonical(None) is None
    assert uploads.normalise_sport_type("virtualride") == "VirtualRide"
    from stride.errors import InvalidInputError

    with pytest.raises(InvalidInputError):
        uploads.normalise_sport_type("Jetski")


def test_s3_keys_are_url_decoded() -> None:
    from aws_lambda_powertools.utilities.data_classes import S3Event

    from stride.s3_events import object_keys
    from tests.conftest import load_event

    event = load_event("s3/upload_created.json")
    event["Records"][0]["s3"]["object"]["key"] = "uploads%2F7%2F11.fit+gz"
    assert object_keys(S3Event(event)) == [("stride-local-uploads-123456789012", "uploads/7/11.fit gz")]
