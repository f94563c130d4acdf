"""The clubs consumer's rules (stride.clubs.scoring) against an in-memory repository: duplicates write nothing,
edits re-score and move weeks, only_me and deletes take the part out everywhere, leaving keeps past weeks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from stride.activities.models import Activity, ActivitySummary
from stride.clubs import scoring
from stride.clubs.models import Counted, Membership, WeekTotals

ATHLETE, ACTIVITY = 11, 99
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # a Thursday, week 2026-W49


@dataclass
class Repo:
    """What scoring uses of ClubRepository, in memory; ``writes`` counts every write."""

    clubs: dict[int, str] = field(default_factory=dict)  # club -> time zone of the athlete's memberships
    weeks: dict[tuple[int, str], WeekTotals] = field(default_factory=dict)
    feed: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    record: Counted | None = None
    writes: int = 0

    def memberships(self, athlete_id: int, *, limit: int | None = None) -> list[Membership]:
        return [Membership(c, athlete_id, "member", tz, NOW) for c, tz in sorted(self.clubs.items())]

    def counted(self, athlete_id: int, activity_id: int) -> Counted | None:
        return self.record

    def put_counted(self, athlete_id: int, activity_id: int, counted: Counted | None) -> None:
        self.writes += 1
        self.record = counted

    def week_totals(self, club_id: int, week: str, athlete_id: int) -> WeekTotals | None:
        return self.weeks.get((club_id, week))

    def commit_week(self, before: WeekTotals | None, after: WeekTotals) -> bool:
        self.writes += 1
        if after.parts:
            self.weeks[(after.club_id, after.week)] = replace(after, rev=after.rev + 1)
        else:
            self.weeks.pop((after.club_id, after.week), None)
        return True

    def feed_put_op(self, club_id: int, feed_sk: str, entry: Any) -> dict[str, Any]:
        return {"put": (club_id, feed_sk, entry.entry)}

    def feed_delete_op(self, club_id: int, feed_sk: str) -> dict[str, Any]:
        return {"delete": (club_id, feed_sk)}

    def write_feed(self, ops: list[dict[str, Any]]) -> None:
        for op in ops:
            self.writes += 1
            if "put" in op:
                club, sk, entry = op["put"]
                self.feed[(club, sk)] = entry
            else:
                self.feed.pop(op["delete"], None)

    def distance(self, club_id: int, week: str) -> int:
        totals = self.weeks.get((club_id, week))
        return totals.totals()["distance"] if totals else 0


@dataclass
class Activities:
    stored: Activity | None = None

    def get(self, activity_id: int) -> Activity | None:
        return self.stored


def activity(
    start: datetime = NOW, visibility: str = "everyone", name: str = "Ride", distance: float = 20_000
) -> Activity:
    summary = ActivitySummary(
        name=name,
        sport_type="Ride",
        type="Ride",
        start_date=start,
        start_date_local=start,
        distance=distance,
        moving_time=3600,
        elapsed_time=3700,
        total_elevation_gain=120.0,
    )
    return Activity(ACTIVITY, ATHLETE, summary, visibility, NOW, NOW)  # type: ignore[arg-type]


def apply(repo: Repo, stored: Activity | None) -> scoring.Applied:
    return scoring.apply_activity(ATHLETE, ACTIVITY, repo, Activities(stored))  # type: ignore[arg-type]


def test_created_counts_in_every_club_in_the_week_of_its_start_and_a_duplicate_writes_nothing() -> None:
    repo = Repo(clubs={1: "UTC", 2: "Pacific/Auckland"})
    late_sunday = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # Sunday in UTC, already Monday in Auckland
    applied = apply(repo, activity(start=late_sunday))
    assert applied.weeks_changed == 2
    assert repo.distance(1, "2026-W49") == 20_000 and repo.distance(2, "2026-W50") == 20_000
    assert len(repo.feed) == 2
    writes = repo.writes
    assert apply(repo, activity(start=late_sunday)).weeks_changed == 0
    assert repo.writes == writes


def test_edits_rescore_move_weeks_and_rewrite_the_feed() -> None:
    repo = Repo(clubs={1: "UTC"})
    apply(repo, activity())
    apply(repo, activity(name="Renamed"))
    assert [e["name"] for e in repo.feed.values()] == ["Renamed"]
    moved = activity(start=NOW - timedelta(days=7), name="Renamed")
    apply(repo, moved)
    assert repo.distance(1, "2026-W49") == 0 and repo.distance(1, "2026-W48") == 20_000
    assert len(repo.feed) == 1


def test_only_me_and_delete_take_the_part_out_and_muted_stays_off_the_feed() -> None:
    repo = Repo(clubs={1: "UTC"})
    apply(repo, activity())
    apply(repo, activity(visibility="only_me"))
    assert repo.distance(1, "2026-W49") == 0 and repo.feed == {} and repo.record is None
    muted = activity()
    muted.summary.hide_from_home = True
    apply(repo, muted)
    assert repo.distance(1, "2026-W49") == 20_000 and repo.feed == {}
    apply(repo, None)
    assert repo.weeks == {} and repo.record is None


def test_after_leaving_past_weeks_keep_the_part_until_it_is_deleted() -> None:
    repo = Repo(clubs={1: "UTC"})
    apply(repo, activity(start=NOW - timedelta(days=7)))
    repo.clubs = {}  # the athlete left (club.member.left took this week's entry and the feed entries)
    apply(repo, activity(start=NOW - timedelta(days=7), distance=99_000))
    assert repo.distance(1, "2026-W48") == 20_000  # history is kept, an edit after leaving changes nothing
    assert repo.feed == {}
    apply(repo, None)  # deleted later: it leaves the past board too
    assert repo.distance(1, "2026-W48") == 0 and repo.record is None


def test_an_athlete_in_no_club_writes_nothing() -> None:
    repo = Repo()
    apply(repo, activity())
    assert repo.writes == 0
