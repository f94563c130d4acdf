"""Heart-rate and power zones: pure functions with known answers."""

import pytest

from stride.accounts.models import ZoneRange
from stride.accounts.zones import (
    default_heart_rate_zones,
    power_zones,
    validate_custom_zones,
    zones_from_max_heartrate,
)
from stride.errors import InvalidInputError

GOOD_ZONES = [(0, 115), (115, 152), (152, 171), (171, 190), (190, -1)]


def test_zones_from_max_heartrate_200() -> None:
    # Given a max heart rate of 200
    # When the five zones are derived
    zones = zones_from_max_heartrate(200)
    # Then the upper bounds are 60/70/80/90 % and the last zone is open, each starting where the last ended
    assert [z.max for z in zones] == [120, 140, 160, 180, -1]
    assert [z.min for z in zones] == [0, 120, 140, 160, 180]


def test_default_zones_use_190() -> None:
    # Given no max heart rate
    # When the default zones are made
    zones = default_heart_rate_zones()
    # Then they are not custom and come from 190 bpm
    assert zones.custom_zones is False
    assert zones.zones == zones_from_max_heartrate(190)


@pytest.mark.parametrize("max_heartrate", [100, 250])
def test_zones_from_max_heartrate_accepts_the_bounds(max_heartrate: int) -> None:
    # Given a max heart rate at the edge of the accepted range
    # When the zones are derived
    zones = zones_from_max_heartrate(max_heartrate)
    # Then there are five
    assert len(zones) == 5


@pytest.mark.parametrize("max_heartrate", [99, 251, 0, -5])
def test_zones_from_max_heartrate_rejects_out_of_range(max_heartrate: int) -> None:
    # Given an impossible max heart rate
    # When the zones are derived
    # Then the input is refused, naming the field
    with pytest.raises(InvalidInputError) as raised:
        zones_from_max_heartrate(max_heartrate)
    assert raised.value.details[0].field == "max_heartrate"


def test_validate_custom_zones_accepts_five_contiguous_zones() -> None:
    # Given five contiguous zones from 0, the last open
    # When they are validated
    zones = validate_custom_zones(GOOD_ZONES)
    # Then they come back as zone ranges, unchanged
    assert zones == [ZoneRange(lo, hi) for lo, hi in GOOD_ZONES]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        (GOOD_ZONES[:4], "exactly five"),
        ([*GOOD_ZONES, (200, -1)], "exactly five"),
        ([], "exactly five"),
        ([(10, 115), *GOOD_ZONES[1:]], "start at 0"),
        ([*GOOD_ZONES[:4], (190, 220)], "open-ended"),
        ([(0, 115), (120, 152), (152, 171), (171, 190), (190, -1)], "contiguous"),  # gap
        ([(0, 115), (110, 152), (152, 171), (171, 190), (190, -1)], "contiguous"),  # overlap
        ([(0, 115), (115, 100), (100, 171), (171, 190), (190, -1)], "contiguous"),  # decreasing
        ([(0, 115), (115, 115), (115, 171), (171, 190), (190, -1)], "contiguous"),  # empty zone
    ],
    ids=["four", "six", "none", "first-min", "last-max", "gap", "overlap", "decreasing", "empty"],
)
def test_validate_custom_zones_rejects(ranges: list[tuple[int, int]], message: str) -> None:
    # Given zones that break one rule
    # When they are validated
    # Then they are refused with a message about that rule
    with pytest.raises(InvalidInputError, match=message) as raised:
        validate_custom_zones(ranges)
    assert raised.value.details[0].resource == "Zones"


def test_power_zones_from_ftp_200() -> None:
    # Given an FTP of 200 W
    # When Coggan's zones are derived
    zones = power_zones(200)
    # Then the seven upper bounds are 55/75/90/105/120/150 % and open
    assert [z.max for z in zones] == [110, 150, 180, 210, 240, 300, -1]
    assert [z.min for z in zones] == [0, 110, 150, 180, 210, 240, 300]


@pytest.mark.parametrize("ftp", [None, 0])
def test_power_zones_without_ftp(ftp: int | None) -> None:
    # Given no FTP
    # When power zones are asked for
    # Then there are none
    assert power_zones(ftp) == []
