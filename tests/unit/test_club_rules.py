"""Pure club rules: weeks in a club's time zone (DST, year ends, far zones), parts, bucket counts and ranks."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from stride.clubs import rules


@pytest.mark.parametrize(
    ("moment", "timezone", "week"),
    [
        # Sunday 23:30 in Helsinki is still the week that ends that Sunday, though UTC is the same day 21:30
        (datetime(2026, 12, 6, 21, 30, tzinfo=UTC), "Europe/Helsinki", "2026-W49"),
        # ... and 22:30 UTC is Monday 00:30 in Helsinki: the next week
        (datetime(2026, 12, 6, 22, 30, tzinfo=UTC), "Europe/Helsinki", "2026-W50"),
        # Monday 03:00 UTC is still Sunday evening in Denver
        (datetime(2026, 12, 7, 3, 0, tzinfo=UTC), "America/Denver", "2026-W49"),
        # Auckland (UTC+13 in December) turns the week 13 hours before UTC does
        (datetime(2026, 12, 6, 11, 0, tzinfo=UTC), "Pacific/Auckland", "2026-W50"),
        (datetime(2026, 12, 6, 10, 59, tzinfo=UTC), "Pacific/Auckland", "2026-W49"),
        # ISO years: 2026-12-31 (Thursday) is 2026-W53; 2027-01-03 (Sunday) is still 2026-W53
        (datetime(2027, 1, 3, 12, 0, tzinfo=UTC), "UTC", "2026-W53"),
        (datetime(2027, 1, 4, 0, 0, tzinfo=UTC), "UTC", "2027-W01"),
        # 2024-12-30 (Monday) belongs to 2025-W01
        (datetime(2024, 12, 30, 8, 0, tzinfo=UTC), "UTC", "2025-W01"),
        # a naive moment is read as UTC
        (datetime(2026, 12, 7, 0, 0), "UTC", "2026-W50"),
    ],
)
def test_week_of_is_the_iso_week_on_the_clubs_wall_clock(moment: datetime, timezone: str, week: str) -> None:
    assert rules.week_of(moment, timezone) == week


def test_week_bounds_follow_dst_changes() -> None:
    # The week of the spring change in Europe (Sunday 2026-03-29): Monday 00:00 is UTC+1, the next Monday UTC+2,
    # so that week is 167 hours long; the week of the autumn change is 169.
    start, end = rules.week_bounds("2026-W13", "Europe/Berlin")
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=167)
    start, end = rules.week_bounds("2026-W43", "Europe/Berlin")
    assert end - start == timedelta(hours=169)
    # New York changes on 2026-03-08 (a Sunday, inside W10)
    start, end = rules.week_bounds("2026-W10", "America/New_York")
    assert start == datetime(2026, 3, 2, 5, 0, tzinfo=UTC) and end == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)


def test_every_instant_of_a_week_maps_back_to_that_week() -> None:
    rng = random.Random(7)
    for timezone in ("Europe/Berlin", "America/Los_Angeles", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC"):
        for _ in range(200):
            moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 365 * 86400))
            week = rules.week_of(moment, timezone)
            start, end = rules.week_bounds(week, timezone)
            assert start <= moment < end, (timezone, moment, week)


@pytest.mark.parametrize("text", ["2026-W00", "2026-W54", "2025-W53", "2026-49", "2026-W4", "", "abcd-W01", "0000-W01"])
def test_parse_week_refuses_what_is_not_an_iso_week(text: str) -> None:
    with pytest.raises(rules.RuleError) as caught:
        rules.parse_week(text)
    assert caught.value.field == "week"


def test_parse_week_accepts_week_53_in_long_years() -> None:
    assert rules.parse_week("2026-W53") == "2026-W53"
    assert rules.parse_week("2020-W53") == "2020-W53"


def test_unknown_time_zones_are_refused() -> None:
    for name in ("Mars/Olympus", "", "../etc/passwd", "+02:00"):
        with pytest.raises(rules.RuleError):
            rules.zone(name)
    assert str(rules.zone("Europe/Helsinki")) == "Europe/Helsinki"


def test_an_activity_counts_unless_only_me() -> None:
    assert rules.counts("everyone") and rules.counts("followers_only")
    assert not rules.counts("only_me")


def test_parts_are_integer_units_and_totals_add_them() -> None:
    assert rules.part_of(10_000.4, 3600, 123.46) == (10_000, 3600, 1235)
    assert rules.part_of(-3, -1, -2) == (0, 0, 0)
    assert rules.totals([(1000, 60, 10), (500, 30, 5)]) == {
        "distance": 1500,
        "moving_time": 90,
        "elevation": 15,
        "activities": 2,
    }
    assert rules.totals([]) == {"distance": 0, "moving_time": 0, "elevation": 0, "activities": 0}


def test_moves_name_only_the_rankings_that_change() -> None:
    before = {"distance": 1000, "moving_time": 60, "elevation": 0, "activities": 1}
    after = {"distance": 3000, "moving_time": 60, "elevation": 20, "activities": 2}
    assert rules.moves(before, after) == [
        rules.Move("distance", 1000, 3000),
        rules.Move("elevation", None, 20),  # a zero total is no entry
        rules.Move("activities", 1, 2),
    ]
    assert [m.new for m in rules.moves(after, None)] == [None] * 4
    assert rules.moves(after, after) == []


def test_count_deltas_merge_per_item_and_drop_what_cancels() -> None:
    # distance 1,050 m -> 1,120 m: same coarse bucket (0), fine 10 -> 11
    deltas = rules.count_deltas([rules.Move("distance", 1050, 1120)])
    assert deltas == {("distance", 0): {"f10": -1, "f11": 1}}
    # across coarse buckets: 9,990 m -> 10,010 m
    deltas = rules.count_deltas([rules.Move("distance", 9990, 10_010)])
    assert deltas == {("distance", 0): {"n": -1, "f99": -1}, ("distance", 1): {"n": 1, "f00": 1}}
    # same fine bucket: nothing to count
    assert rules.count_deltas([rules.Move("distance", 1010, 1090)]) == {}


def _counts(metric: str, values: list[int]) -> list[rules.CoarseCounts]:
    deltas = rules.count_deltas([rules.Move(metric, None, v) for v in values])
    return [
        rules.CoarseCounts(bucket, counters.get("n", 0), {int(k[1:]): v for k, v in counters.items() if k != "n"})
        for (m, bucket), counters in deltas.items()
        if m == metric
    ]


@pytest.mark.parametrize("metric", rules.METRICS)
def test_rank_from_counts_equals_the_competition_rank_of_the_sorted_board(metric: str) -> None:
    rng = random.Random(11)
    scale = {"distance": 200_000, "moving_time": 40_000, "elevation": 30_000, "activities": 30}[metric]
    values = [rng.randrange(1, scale) for _ in range(2000)] + [500, 500, 500]
    coarse = _counts(metric, values)
    ordered = sorted(values, reverse=True)
    ranks = dict(zip(ordered, rules.competition_ranks(ordered), strict=True))  # first rank of each value
    for value in rng.sample(values, 100) + [max(values), min(values), 500]:
        top = rules.fine_top(metric, value)
        ahead = sum(1 for v in values if value < v <= top)  # what the keys-only Query counts
        assert (
            rules.rank_from_counts(metric, value, coarse, ahead) == ranks[value] == 1 + sum(v > value for v in values)
        )


def test_competition_ranks_share_ties() -> None:
    assert rules.competition_ranks([9, 7, 7, 5, 5, 5, 1]) == [1, 2, 2, 4, 4, 4, 7]
    assert rules.competition_ranks([7, 7, 3], offset_rank=21) == [21, 21, 23]
    assert rules.competition_ranks([]) == []


def test_group_events_start_in_the_coming_year_and_local_times_convert() -> None:
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    rules.check_event_start(now + timedelta(days=2), now)
    for bad in (now - timedelta(minutes=1), now + timedelta(days=400)):
        with pytest.raises(rules.RuleError):
            rules.check_event_start(bad, now)
    with pytest.raises(rules.RuleError):
        rules.check_event_start(datetime(2026, 12, 5, 8, 0), now)
    assert rules.local_to_utc(datetime(2026, 12, 5, 8, 0), "Europe/Helsinki") == datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    assert rules.local_to_utc(datetime(2026, 7, 5, 8, 0), "Europe/Helsinki") == datetime(2026, 7, 5, 5, 0, tzinfo=UTC)
