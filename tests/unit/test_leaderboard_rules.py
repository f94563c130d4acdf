"""Pure leaderboard rules (stride.segments.leaderboards): boards of an effort, periods, classes, moves, buckets,
ranks from bucket counts, PR ranks, Local Legend."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from stride.segments import leaderboards as lb
from stride.segments.leaderboards import BoardEffort, BoardMove, MinuteCounts
from stride.store import keys

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def effort(
    effort_id: int, elapsed_ms: int, local: str = "2026-12-03T07:00:00Z", sex: str | None = "M", wt: str | None = None
) -> BoardEffort:
    start = int(datetime.fromisoformat(local.replace("Z", "+00:00")).timestamp())
    return BoardEffort(effort_id, effort_id * 10, elapsed_ms, elapsed_ms - 500, start, local, sex, wt)


@pytest.mark.parametrize(
    ("kg", "expected"),
    [
        (None, None),
        (0, None),
        (40, "0_54"),
        (54.9, "0_54"),
        (55, "55_64"),
        (75, "75_84"),
        (114.9, "105_114"),
        (150, "115_plus"),
    ],
)
def test_weight_class_is_stravas_kilogram_class(kg: float | None, expected: str | None) -> None:
    assert lb.weight_class(kg) == expected


@pytest.mark.parametrize(
    ("born", "expected"),
    [
        (date(2010, 1, 1), "0_19"),
        (date(2006, 12, 3), "20_24"),
        (date(2006, 12, 4), "0_19"),
        (date(1991, 12, 3), "35_44"),
    ],
)
def test_age_group_counts_birthdays(born: date, expected: str) -> None:
    assert lb.age_group(born, TODAY) == expected
    assert lb.age_group(date(1940, 5, 5), TODAY) == "75_plus"


def test_period_boards_of_a_local_date_and_their_ends() -> None:
    # Given Thursday 3 December 2026 (ISO week 49)
    boards = lb.period_boards(TODAY)
    # Then it is on its year, month, ISO week and day boards, each ending on the period's last day
    assert boards == {
        "Y2026": date(2026, 12, 31),
        "M2026-12": date(2026, 12, 31),
        "W2026-49": date(2026, 12, 6),
        "D2026-12-03": TODAY,
    }
    assert {board: lb.period_end(board) for board in boards} == boards
    # And the week of 1 January 2027 is ISO week 53 of 2026
    assert "W2026-53" in lb.period_boards(date(2027, 1, 1))
    assert lb.period_end("W2026-53") == date(2027, 1, 3)
    # And the boards that never end have no end (a weight board is not a week)
    assert [lb.period_end(b) for b in ("ALL", "SEX#M", "WT#75_84", "WT#0_54")] == [None] * 4


def test_date_range_reads_the_period_holding_today() -> None:
    assert [lb.date_range_board(r, TODAY) for r in lb.DATE_RANGES] == ["D2026-12-03", "W2026-49", "M2026-12", "Y2026"]


def test_boards_of_an_effort() -> None:
    assert lb.boards_of(effort(1, 60_000, sex="F", wt="55_64")) == [
        "ALL",
        "SEX#F",
        "WT#55_64",
        "Y2026",
        "M2026-12",
        "W2026-49",
        "D2026-12-03",
    ]
    assert lb.boards_of(effort(1, 60_000, sex=None))[:2] == ["ALL", "Y2026"]


def test_best_per_board_ties_go_to_the_earlier_effort_and_old_periods_are_not_live() -> None:
    # Given two equal times (the older one first) and a slower effort today, and one from last year
    old = effort(1, 300_000, "2026-11-02T07:00:00Z")
    same = effort(2, 300_000, "2026-12-01T07:00:00Z")
    today = effort(3, 310_000)
    last_year = effort(4, 200_000, "2025-06-01T07:00:00Z")
    best = lb.best_per_board([today, same, old, last_year], TODAY)
    # Then overall is last year's, this year's the earlier of the tie, today's board today's effort
    assert best["ALL"] == last_year and best["Y2026"] == old and best["M2026-12"] == same
    assert best["D2026-12-03"] == today
    # And last year's period boards are no longer written
    assert not any(board.startswith(("Y2025", "M2025", "D2025")) for board in best)


def test_board_moves_and_bucket_deltas() -> None:
    # Given an athlete whose overall best improves within the same minute and whose day board is new
    slow, fast = effort(1, 65_400, "2026-11-02T07:00:00Z"), effort(2, 61_250)
    before = lb.best_per_board([slow], TODAY)
    after = lb.best_per_board([slow, fast], TODAY)
    moves, kept = lb.board_moves(before, after, TODAY)
    assert kept == after
    assert {m.board: (m.old, m.new) for m in moves} == {
        "ALL": (slow, fast),
        "SEX#M": (slow, fast),
        "Y2026": (slow, fast),
        "M2026-12": (None, fast),
        "W2026-49": (None, fast),
        "D2026-12-03": (None, fast),
    }
    deltas = lb.count_deltas([BoardMove("ALL", slow, fast)])
    # Then the minute item's total is unchanged (so it is left out), one second moves down, one up
    assert deltas == {
        ("ALL", "M", 1): {"c05": -1, "c01": 1},
        ("ALL", "S", 65): {"h40": -1},
        ("ALL", "S", 61): {"h25": 1},
    }
    # And applying the same state again moves nothing
    assert lb.board_moves(after, after, TODAY)[0] == []


def test_rank_from_counts_matches_sorting() -> None:
    # Given 3,000 athletes' entries with many ties at the hundredth of a second
    rng = random.Random(3)
    entries = [(rng.randrange(200_000, 500_000, 37), rng.randrange(10**9, 2 * 10**9), a) for a in range(3000)]
    moves = [
        BoardMove("ALL", None, BoardEffort(a, a, ms, ms, start, "2026-12-03T07:00:00Z")) for ms, start, a in entries
    ]
    deltas = lb.count_deltas(moves)
    minutes: dict[int, MinuteCounts] = {}
    for (_, level, bucket), counters in deltas.items():
        if level == "M":
            per_second = {int(c[1:]): d for c, d in counters.items() if c != "n"}
            minutes[bucket] = MinuteCounts(bucket, counters["n"], per_second)
    ordered = sorted(keys.board_sk(ms, start, a) for ms, start, a in entries)
    for ms, start, a in rng.sample(entries, 200):
        sort_key = keys.board_sk(ms, start, a)
        second = deltas.get(("ALL", "S", lb.second_of(ms)), {})
        per_hundredth = {int(c[1:]): d for c, d in second.items()}
        floor = keys.board_sk_floor(lb.hundredth_of(ms) * 10)
        ahead = sum(1 for k in ordered if floor <= k < sort_key)
        # Then the rank from the counts is the position in the sorted board
        assert lb.rank_from_counts(ms, minutes.values(), per_hundredth, ahead) == ordered.index(sort_key) + 1


def test_pr_rank_and_prune() -> None:
    efforts = [effort(n, 300_000 + n * 1000) for n in range(1, 6)]
    assert [lb.pr_rank(efforts, n) for n in range(1, 6)] == [1, 2, 3, None, None]
    # Given more efforts than are kept, the fastest and the recent ones stay
    many = [effort(n, 300_000 + n, (NOW - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")) for n in range(1, 1201)]
    kept = lb.prune(many, NOW)
    assert len(kept) == lb.MAX_KEPT and kept == sorted(kept, key=lambda e: e.order)
    assert {e.effort_id for e in kept} >= set(range(1, 400))


def test_local_legend_is_certain_once_the_next_stored_count_cannot_win() -> None:
    day = 86_400
    now_s = int(NOW.timestamp())
    # Given candidates read in descending stored count; the first's efforts have aged out
    stale = lb.LegendCandidate(1, 9, [now_s - 100 * day] * 8 + [now_s - 5 * day])
    regular = lb.LegendCandidate(2, 4, [now_s - d * day for d in (1, 2, 3, 4)])
    newer = lb.LegendCandidate(3, 4, [now_s - d * day for d in (0, 2, 3, 89)])
    small = lb.LegendCandidate(4, 2, [now_s, now_s])
    # Then the one with most efforts in 90 days wins, the latest last effort breaks the tie
    assert lb.pick_legend([stale, regular, newer, small], NOW, complete=True) == ((3, 4), True)
    # And the answer is certain before reading the 2-count candidate, but not while a 9 might still count
    assert lb.pick_legend([stale, regular, newer], NOW, complete=False)[1] is False
    assert lb.pick_legend([regular, newer, small], NOW, complete=False) == ((3, 4), True)
    assert lb.legend_starts([effort(1, 1, "2026-09-01T00:00:00Z"), effort(2, 1, "2026-12-01T00:00:00Z")], NOW) == [
        int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())
    ]


def test_board_keys_sort_fastest_then_earlier() -> None:
    assert keys.board_pk(7, "SEX#F") == "SEG#7#LB#SEX#F"
    assert keys.board_counts_pk(7, "ALL") == "SEG#7#LB#ALL#N"
    assert keys.board_sk(61_250, 1_700_000_000, 42) == "0000061250#01700000000#0000000000000000042"
    assert keys.board_sk(999, 5, 1) < keys.board_sk(1000, 1, 1) < keys.board_sk(1000, 2, 0)
    assert keys.board_sk_floor(61_200) <= keys.board_sk(61_250, 0, 0)
    assert keys.segment_bests_sk(12) == "SEGPR#0000000000000000012"
    assert keys.legend_sk(3, 9) == "000003#0000000000000000009"


def test_best_effort_names_are_the_activities_distances() -> None:
    from stride.activities.metrics.best_efforts import DISTANCES
    from stride.segments.records import BEST_EFFORT_NAMES

    assert tuple(name for name, _ in DISTANCES) == BEST_EFFORT_NAMES


def test_sample_sqs_batch_carries_effort_events() -> None:
    import json

    from stride.events.contracts import CONTRACTS
    from tests.conftest import load_event

    # Given the sample batch of the leaderboard consumer (sam local invoke -e events/sqs/leaderboard_batch.json)
    bodies = [json.loads(record["body"]) for record in load_event("sqs/leaderboard_batch.json")["Records"]]
    # Then each message is an EventBridge event whose detail matches its contract
    assert [body["detail-type"] for body in bodies] == ["segment.effort.recorded", "segment.effort.removed"]
    for body in bodies:
        CONTRACTS[body["detail-type"]].model_validate(body["detail"])
