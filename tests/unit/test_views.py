"""API views of the accounts context match Strava's models (stravalib's generated pydantic classes)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from stravalib import strava_model

from stride.accounts.models import Athlete, HeartRateZones
from stride.accounts.views import AthleteUpdateRequest, AthleteView, ZonesView
from stride.accounts.zones import default_heart_rate_zones, power_zones, validate_custom_zones
from stride.policy import ProfileDetail

PICTURE = "https://media.example/avatars/1/2?X-Amz-Signature=abc"
STRIDE_EXTENSIONS = {"username", "private_profile", "birthdate"}


def athlete(**changes: Any) -> Athlete:
    values: dict[str, Any] = {
        "id": 123_456_789,
        "username": "mara",
        "firstname": "Mara",
        "lastname": "Xavier",
        "created_at": datetime(2025, 3, 1, 8, 30, tzinfo=UTC),
        "updated_at": datetime(2025, 6, 2, 9, 0, tzinfo=UTC),
        "city": "Grenoble",
        "state": "Isère",
        "country": "France",
        "sex": "F",
        "weight": 58.5,
        "ftp": 240,
        "measurement_preference": "meters",
        "private_profile": True,
        "premium": True,
        "follower_count": 12,
        "friend_count": 30,
    }
    return Athlete(**{**values, **changes})


def test_detail_view_is_a_strava_detailed_athlete() -> None:
    # Given an athlete seen at DETAIL
    view = AthleteView.from_domain(athlete(), ProfileDetail.DETAIL, PICTURE)
    # When the JSON is read by stravalib's DetailedAthlete
    payload = view.model_dump(mode="json")
    strava = strava_model.DetailedAthlete.model_validate(payload)
    # Then every detailed field comes through, and nothing beyond Strava's fields but Stride's extensions
    assert strava.resource_state == 3
    assert (strava.id, strava.firstname, strava.lastname, strava.city) == (123_456_789, "Mara", "Xavier", "Grenoble")
    assert (strava.weight, strava.ftp, strava.measurement_preference) == (58.5, 240, "meters")
    assert (strava.follower_count, strava.friend_count, strava.premium, strava.summit) == (12, 30, True, True)
    assert strava.created_at == datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    assert strava.profile == strava.profile_medium == PICTURE
    assert (strava.clubs, strava.bikes, strava.shoes) == ([], [], [])
    assert payload["private_profile"] is True
    assert set(payload) - set(strava_model.DetailedAthlete.model_fields) == STRIDE_EXTENSIONS


def test_summary_view_is_a_strava_summary_athlete_without_private_fields() -> None:
    # Given an athlete seen at SUMMARY
    view = AthleteView.from_domain(athlete(), ProfileDetail.SUMMARY, PICTURE)
    # When the JSON is read by stravalib's SummaryAthlete
    payload = view.model_dump(mode="json")
    strava = strava_model.SummaryAthlete.model_validate(payload)
    # Then the summary fields are there and the detailed ones (weight, ftp, counts, privacy) are not
    assert strava.resource_state == 2
    assert (strava.firstname, strava.lastname, strava.city, strava.sex) == ("Mara", "Xavier", "Grenoble", "F")
    present = {name for name, value in payload.items() if value is not None}
    assert present.isdisjoint(
        {
            "weight",
            "ftp",
            "follower_count",
            "friend_count",
            "measurement_preference",
            "clubs",
            "bikes",
            "shoes",
            "private_profile",
        }
    )
    assert present - set(strava_model.SummaryAthlete.model_fields) <= STRIDE_EXTENSIONS


def test_meta_view_hides_location_and_shows_last_initial() -> None:
    # Given a private athlete seen by someone else (META)
    view = AthleteView.from_domain(athlete(), ProfileDetail.META, PICTURE)
    # When the JSON is read by stravalib
    payload = view.model_dump(mode="json")
    strava = strava_model.SummaryAthlete.model_validate(payload)
    # Then only the id, first name, last initial and picture remain
    assert strava.resource_state == 1
    assert (strava.firstname, strava.lastname) == ("Mara", "X.")
    assert strava.profile == PICTURE
    present = {name for name, value in payload.items() if value is not None}
    assert present == {"id", "resource_state", "firstname", "lastname", "profile", "profile_medium"}
    assert strava.city is None and strava.state is None and strava.country is None


def test_meta_view_without_last_name() -> None:
    # Given a private athlete with no last name
    # When seen at META
    view = AthleteView.from_domain(athlete(lastname=""), ProfileDetail.META, None)
    # Then the last name is empty rather than a lone "."
    assert view.lastname == ""
    assert view.profile is None


def test_zones_view_is_a_strava_zones() -> None:
    # Given default heart-rate zones and power zones from an FTP
    view = ZonesView.from_domain(default_heart_rate_zones(), power_zones(200))
    # When the JSON is read by stravalib's Zones
    strava = strava_model.Zones.model_validate(view.model_dump(mode="json"))
    # Then both zone sets come through with Strava's open last zone
    assert strava.heart_rate is not None and strava.power is not None
    assert strava.heart_rate.custom_zones is False
    assert [z.max for z in strava.heart_rate.zones.root] == [114, 133, 152, 171, -1]
    assert len(strava.power.zones.root) == 7


@pytest.mark.parametrize("ftp", [201, 250, 2500])
def test_zones_view_holds_power_zones_above_300_watts(ftp: int) -> None:
    # Given an FTP the profile accepts (AthleteUpdateRequest allows up to 2500 W) whose top zones pass 300 W
    zones = power_zones(ftp)
    # When the zones view is built (what GET /athlete/zones returns)
    view = ZonesView.from_domain(default_heart_rate_zones(), zones)
    # Then the power zones come through unchanged (watts are not bounded like heart rates)
    assert view.power is not None
    assert [(z.min, z.max) for z in view.power.zones] == [(z.min, z.max) for z in zones]


def test_zones_view_without_power() -> None:
    # Given custom heart-rate zones and no FTP
    custom = validate_custom_zones([(0, 100), (100, 130), (130, 150), (150, 170), (170, -1)])
    view = ZonesView.from_domain(HeartRateZones(True, None, custom), power_zones(None))
    # When the JSON is read by stravalib's Zones
    strava = strava_model.Zones.model_validate(view.model_dump(mode="json"))
    # Then the zones are custom and power is absent
    assert strava.heart_rate is not None and strava.heart_rate.custom_zones is True
    assert strava.power is None


def test_update_request_accepts_known_fields() -> None:
    # Given a body with known fields, padded with spaces
    # When it is validated
    request = AthleteUpdateRequest.model_validate({"firstname": "  Mara ", "weight": 58.5, "sex": "F"})
    # Then the values are kept, trimmed
    assert (request.firstname, request.weight, request.sex) == ("Mara", 58.5, "F")


def test_update_request_rejects_unknown_fields() -> None:
    # Given a body with a field an athlete may not set
    # When it is validated
    # Then it is refused, naming the field
    with pytest.raises(ValidationError) as raised:
        AthleteUpdateRequest.model_validate({"premium": True})
    assert raised.value.errors()[0]["type"] == "extra_forbidden"
    assert raised.value.errors()[0]["loc"] == ("premium",)


@pytest.mark.parametrize("weight", [0, -1, -0.1, 501])
def test_update_request_rejects_impossible_weight(weight: float) -> None:
    # Given a weight of zero, negative or over 500 kg
    # When it is validated
    # Then it is refused
    with pytest.raises(ValidationError) as raised:
        AthleteUpdateRequest.model_validate({"weight": weight})
    assert raised.value.errors()[0]["loc"] == ("weight",)
