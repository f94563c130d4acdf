"""Challenge rules without I/O: windows across time zones, sport filters, streak math, re-scoring on edit,
idempotency of facts, leaderboard digits and ranks, badges."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from stride.challenges import rules as R
from stride.challenges.badges import draw, goal_text
from stride.challenges.models import Challenge
from stride.errors import InvalidInputError

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SPORTS = frozenset({"Run", "Ride", "TrailRun", "Swim"})


def facts(start: datetime, *, sport: str = "Run", distance: float = 5000.0, visibility: str = "everyone",
          local: datetime | None = None) -> R.ActivityFacts:  # fmt: skip
    return R.ActivityFacts(sport, start, (local or start).replace(tzinfo=None), visibility, distance, 1500, 42.0)


def rules_for(kind: R.Kind, window: R.Window, sports: tuple[str, ...] = (), goal: float | None = None) -> R.Rules:
    return R.Rules(kind, window.start_epoch, window.end_epoch, sports, goal)


# ---------------------------------------------------------------- windows


def test_a_date_window_covers_whole_local_days_in_its_time_zone() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "Pacific/Auckland", NOW)
    # Auckland is UTC+13 in December: the window starts the day before in UTC and ends on Dec 31 at 11:00 UTC
    assert window.start == datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 12, 31, 11, 0, tzinfo=UTC)
    assert window.contains(datetime(2026, 11, 30, 11, 0, tzinfo=UTC))
    assert not window.contains(datetime(2026, 11, 30, 10, 59, 59, tzinfo=UTC))
    assert not window.contains(datetime(2026, 12, 31, 11, 0, tzinfo=UTC))


def test_the_same_instant_is_in_one_zone_window_and_not_in_another() -> None:
    instant = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Dec 1 in Paris (04:00), still Nov 30 in New York (22:00)
    paris = R.parse_window("2026-12-01", "2026-12-07", "Europe/Paris", NOW)
    new_york = R.parse_window("2026-12-01", "2026-12-07", "America/New_York", NOW)
    assert paris.contains(instant) and not new_york.contains(instant)


def test_a_datetime_end_is_exclusive_and_a_dst_change_is_honoured() -> None:
    window = R.parse_window("2027-03-27T00:00", "2027-03-29T00:00", "Europe/Paris", NOW)
    assert window.end - window.start == timedelta(hours=47)  # clocks go forward on March 28


@pytest.mark.parametrize(
    ("start", "end", "zone", "field"),
    [
        ("2026-12-10", "2026-12-01", "UTC", "end_date_local"),
        ("2026-11-01", "2026-11-30", "UTC", "end_date_local"),  # already over
        ("2026-12-01", "2028-12-01", "UTC", "end_date_local"),  # too long
        ("2026-12-01", "2026-12-31", "Mars/Olympus", "timezone"),
        ("yesterday", "2026-12-31", "UTC", "start_date_local"),
        ("2026-12-01T00:00+02:00", "2026-12-31", "UTC", "start_date_local"),
    ],
)
def test_bad_windows_name_their_field(start: str, end: str, zone: str, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        R.parse_window(start, end, zone, NOW)
    assert caught.value.details[0].field == field


# ---------------------------------------------------------------- definitions


@pytest.mark.parametrize(
    ("kind", "goal", "segment", "sports", "field"),
    [
        (R.Kind.STREAK, None, None, [], "goal"),
        (R.Kind.STREAK, 2.5, None, [], "goal"),
        (R.Kind.DISTANCE, -1, None, [], "goal"),
        (R.Kind.DISTANCE, 10**9, None, [], "goal"),
        (R.Kind.SEGMENT_TIME, 300, None, [], "segment_id"),
        (R.Kind.DISTANCE, 1000, 5, [], "segment_id"),
        (R.Kind.DISTANCE, 1000, None, ["Jetski"], "sport_types"),
    ],
)
def test_bad_definitions_name_their_field(
    kind: R.Kind, goal: float | None, segment: int | None, sports: list[str], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        R.check_definition(kind, goal, segment, sports, SPORTS)
    assert caught.value.details[0].field == field


def test_sport_filter_is_sorted_and_deduplicated() -> None:
    assert R.check_definition(R.Kind.DISTANCE, None, None, ["Run", "Ride", "Run"], SPORTS) == ("Ride", "Run")


# ---------------------------------------------------------------- contributions


def test_what_counts_window_sport_and_only_me() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "UTC", NOW)
    runs = rules_for(R.Kind.DISTANCE, window, ("Run", "TrailRun"))
    inside = datetime(2026, 12, 2, 8, tzinfo=UTC)
    assert R.activity_contribution(runs, facts(inside)) == R.Contribution(5000.0, "2026-12-02")
    assert R.activity_contribution(runs, facts(inside, sport="Ride")) is None
    assert R.activity_contribution(runs, facts(inside, visibility="only_me")) is None
    assert R.activity_contribution(runs, facts(inside, visibility="followers_only")) is not None
    assert R.activity_contribution(runs, facts(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))) is None
    assert R.activity_contribution(rules_for(R.Kind.DISTANCE, window), facts(inside, sport="Swim")) is not None


def test_each_kind_scores_in_its_unit() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "UTC", NOW)
    days = [datetime(2026, 12, d, 8, tzinfo=UTC) for d in (2, 3, 5)]
    distances = [4000.0, 10000.0, 6000.0]
    expected = {
        R.Kind.DISTANCE: 20000.0,
        R.Kind.MOVING_TIME: 4500.0,
        R.Kind.ELEVATION: 126.0,
        R.Kind.ACTIVITY_COUNT: 3.0,
        R.Kind.LONGEST_ACTIVITY: 10000.0,
        R.Kind.STREAK: 2.0,
    }
    for kind, value in expected.items():
        rules = rules_for(kind, window)
        contributions = {
            f"a{i}": c
            for i, (day, distance) in enumerate(zip(days, distances, strict=True))
            if (c := R.activity_contribution(rules, facts(day, distance=distance))) is not None
        }
        assert R.score(kind, contributions) == value, kind


def test_streak_math() -> None:
    assert R.longest_streak([]) == 0
    assert R.longest_streak(["2026-12-01"]) == 1
    assert R.longest_streak(["2026-12-01", "2026-12-01", "2026-12-02"]) == 2  # two on one day count once
    assert R.longest_streak(["2026-12-31", "2027-01-01", "2027-01-02", "2027-01-04"]) == 3  # across a year
    assert R.longest_streak(["2028-02-28", "2028-02-29", "2028-03-01"]) == 3  # leap day


def test_streak_days_are_the_activity_local_days() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "UTC", NOW)
    rules = rules_for(R.Kind.STREAK, window, goal=2)
    # 23:30 UTC on Dec 2 is Dec 3 for an athlete in Tokyo: local days decide
    late = facts(datetime(2026, 12, 2, 23, 30, tzinfo=UTC), local=datetime(2026, 12, 3, 8, 30))
    early = facts(datetime(2026, 12, 2, 1, 0, tzinfo=UTC), local=datetime(2026, 12, 2, 10, 0))
    found = {"a1": R.activity_contribution(rules, early), "a2": R.activity_contribution(rules, late)}
    assert R.score(R.Kind.STREAK, {k: v for k, v in found.items() if v}) == 2


def test_segment_time_takes_the_fastest_present_effort_on_its_segment() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "UTC", NOW)
    rules = R.Rules(R.Kind.SEGMENT_TIME, window.start_epoch, window.end_epoch, (), 300, 7)
    at = datetime(2026, 12, 4, 9, tzinfo=UTC)

    def effort(segment: int, elapsed: float, present: bool = True) -> R.EffortFacts:
        return R.EffortFacts(segment, "Ride", at, at.replace(tzinfo=None), elapsed, present)

    assert R.effort_contribution(rules, effort(8, 200)) is None
    assert R.effort_contribution(rules, effort(7, 200, present=False)) is None
    found = {"e1": R.effort_contribution(rules, effort(7, 320.5)), "e2": R.effort_contribution(rules, effort(7, 290))}
    best = R.score(R.Kind.SEGMENT_TIME, {k: v for k, v in found.items() if v})
    assert best == 290 and R.goal_reached(rules, best) and R.progress_ratio(rules, best) == 1.0
    assert not R.goal_reached(rules, 320.5)
    assert R.activity_contribution(rules, facts(at)) is None  # activities never count for segment_time


# ---------------------------------------------------------------- applying facts


def test_an_edit_replaces_the_contribution_and_a_duplicate_or_late_fact_changes_nothing() -> None:
    window = R.parse_window("2026-12-01", "2026-12-31", "UTC", NOW)
    rules = rules_for(R.Kind.DISTANCE, window, ("Run",))
    inside = datetime(2026, 12, 2, 8, tzinfo=UTC)
    created = R.apply_change({}, {}, R.Change("a1", R.activity_contribution(rules, facts(inside)), 1000))
    assert created.changed and R.score(rules.kind, created.contributions) == 5000
    again = R.apply_change(created.contributions, created.seen, R.Change("a1", R.Contribution(5000, "x"), 1000))
    assert again.stale and not again.changed
    # Edited into another sport: the old contribution goes out
    edited = R.apply_change(created.contributions, created.seen, R.Change("a1", None, 2000))
    assert edited.changed and R.score(rules.kind, edited.contributions) is None
    # A late copy of the creation loses to the newer edit
    late = R.apply_change(edited.contributions, edited.seen, R.Change("a1", R.Contribution(5000, "d"), 1500))
    assert late.stale and late.contributions == {}


# ---------------------------------------------------------------- leaderboard digits


def test_ordered_scores_put_the_best_first_for_every_kind() -> None:
    assert R.ordered_score(R.Kind.DISTANCE, 10_000) < R.ordered_score(R.Kind.DISTANCE, 9_000)
    assert R.ordered_score(R.Kind.SEGMENT_TIME, 290.0) < R.ordered_score(R.Kind.SEGMENT_TIME, 291.0)
    assert R.board_score(R.Kind.SEGMENT_TIME, 290.1234) == 290_123


def test_ranks_from_counters_match_a_sort_of_every_score() -> None:
    rng = random.Random(8)
    scores = [rng.choice([rng.randrange(0, 2_000_000), rng.randrange(0, 50)]) for _ in range(2000)]
    counters: dict[str, dict[int, int]] = {}
    for value in scores:
        for prefix, delta in R.counter_deltas(None, R.ordered_score(R.Kind.DISTANCE, value)).items():
            for digit, n in delta.items():
                counters.setdefault(prefix, {}).setdefault(digit, 0)
                counters[prefix][digit] += n
    # Moving one entry keeps the counters right (old path -1, new path +1)
    moved_from, moved_to = scores[0], scores[0] + 123_456
    for prefix, delta in R.counter_deltas(
        R.ordered_score(R.Kind.DISTANCE, moved_from), R.ordered_score(R.Kind.DISTANCE, moved_to)
    ).items():
        for digit, n in delta.items():
            counters.setdefault(prefix, {}).setdefault(digit, 0)
            counters[prefix][digit] += n
    scores[0] = moved_to
    for value in rng.sample(scores, 50):
        expected = 1 + sum(1 for other in scores if other > value)
        assert 1 + R.ahead_from_counters(R.ordered_score(R.Kind.DISTANCE, value), counters) == expected
    assert sum(counters[""].values()) == len(scores)


def test_counter_deltas_touch_each_item_once_and_drop_zeros() -> None:
    same = R.ordered_score(R.Kind.DISTANCE, 500)
    assert R.counter_deltas(same, same) == {}
    old, new = R.ordered_score(R.Kind.DISTANCE, 500), R.ordered_score(R.Kind.DISTANCE, 501)
    assert (old, new) == (999_999_999_499, 999_999_999_498)
    # Only the deepest item differs: one update on it, -1 on the old digit and +1 on the new one
    assert R.counter_deltas(old, new) == {"999999999": {499: -1, 498: 1}}
    assert R.counter_deltas(None, new) == {"": {999: 1}, "999": {999: 1}, "999999": {999: 1}, "999999999": {498: 1}}


def test_competition_ranks_share_ties_across_pages() -> None:
    assert R.competition_ranks(0, 1, [1, 2, 2, 3]) == [1, 2, 2, 4]
    # A second page whose first entry ties with the last of the first page
    assert R.competition_ranks(3, 3, [5, 6, 6]) == [3, 5, 5]


# ---------------------------------------------------------------- badges


def test_the_badge_is_an_svg_with_the_name_kind_and_goal_escaped() -> None:
    challenge = Challenge(
        1, "Run <Dec> & more, a long name that wraps over lines", None, R.Kind.DISTANCE, R.Visibility.PLATFORM, 2,
        "2026-12-01", "2026-12-31", "UTC", 0, 1, (), 100_000, None, 0, NOW,
    )  # fmt: skip
    svg = draw(challenge).decode()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "&lt;Dec&gt; &amp;" in svg and "100 km" in svg and "DISTANCE" in svg
    assert goal_text(R.Kind.SEGMENT_TIME, 305) == "5:05" and goal_text(R.Kind.STREAK, 7) == "7 days"
