"""Fan-out decisions with in-memory repositories: who gets an entry, what an update or a delete removes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from stride.activities.models import Activity, ActivitySummary
from stride.config import feed_settings
from stride.events.contracts import ActivitySnapshot
from stride.feed.fanout import FanOut
from stride.store import keys
from stride.store.feed import WriteReport

AUTHOR = 100
START = datetime(2026, 5, 1, 7, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _feed_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FEED_FANOUT_MAX_FOLLOWERS", "3")
    monkeypatch.setenv("FEED_ENTRY_TTL_DAYS", "60")
    feed_settings.cache_clear()
    yield
    feed_settings.cache_clear()


class FakeFeeds:
    def __init__(self, followers: list[int], muted_by: set[int] = frozenset(), fail: int = 0) -> None:  # type: ignore[assignment]
        self.followers, self.muters, self.fail = followers, set(muted_by), fail
        self.popular: set[int] = set()
        self.stored: dict[tuple[str, str], str] = {}

    def follower_count(self, athlete_id: int) -> int:
        return len(self.followers)

    def put_popular(self, athlete_id: int, count: int) -> None:
        self.popular.add(athlete_id)

    def delete_popular(self, athlete_id: int) -> None:
        self.popular.discard(athlete_id)

    def is_popular(self, athlete_id: int) -> bool:
        return athlete_id in self.popular

    def muted_by(self, athlete_id: int) -> set[int]:
        return self.muters

    def follower_ids(self, athlete_id: int) -> Iterator[list[int]]:
        yield from (self.followers[i : i + 2] for i in range(0, len(self.followers), 2))

    def put_entries(self, items: list) -> WriteReport:  # noqa: ANN001
        for item in items:
            self.stored[(item.PK, item.SK)] = item.entry
        return WriteReport(len(items), self.fail, 1)

    def delete_entries(self, entry_keys: list) -> WriteReport:  # noqa: ANN001
        for key in entry_keys:
            self.stored.pop(key, None)
        return WriteReport(len(entry_keys), 0, 1)

    def readers_of(self, activity_id: int) -> set[int]:
        return {int(pk[len(keys.FEED) :]) for pk, sk in self.stored if sk.endswith(f"{activity_id:019d}")}


class FakeActivities:
    def __init__(self, *activities: Activity) -> None:
        self.by_id = {a.id: a for a in activities}

    def get(self, activity_id: int) -> Activity | None:
        return self.by_id.get(activity_id)


def _activity(visibility: str = "everyone", minutes: int = 0, hide: bool = False, name: str = "run") -> Activity:
    start = START + timedelta(minutes=minutes)
    summary = ActivitySummary(name=name, sport_type="Run", type="Run", start_date=start, start_date_local=start,
                              hide_from_home=hide)  # fmt: skip
    return Activity(7, AUTHOR, summary, visibility, start, start)  # type: ignore[arg-type]


def _snapshot(activity: Activity) -> ActivitySnapshot:
    s = activity.summary
    return ActivitySnapshot(activity_id=activity.id, athlete_id=AUTHOR, name=s.name, sport_type=s.sport_type,
                            start_date=s.start_date, start_date_local=s.start_date_local,
                            visibility=activity.visibility, hide_from_home=s.hide_from_home)  # fmt: skip


def test_created_goes_to_the_author_and_followers_who_did_not_mute() -> None:
    # Given an author with two followers, one of whom muted them
    feeds = FakeFeeds([1, 2], muted_by={2})
    activity = _activity()
    # When the activity is created
    result = FanOut(feeds, FakeActivities(activity)).activity_created(_snapshot(activity))  # type: ignore[arg-type]
    # Then the author and the other follower get the entry, without any location in it
    assert feeds.readers_of(7) == {AUTHOR, 1} and result.written == 2 and not result.popular
    assert all('"map"' not in entry and "latlng" not in entry for entry in feeds.stored.values())


@pytest.mark.parametrize(("visibility", "hide"), [("only_me", False), ("everyone", True)])
def test_private_or_hidden_activities_are_not_fanned_out(visibility: str, hide: bool) -> None:
    # Given an only_me or hide_from_home activity
    feeds = FakeFeeds([1])
    activity = _activity(visibility, hide=hide)
    # When it is created
    FanOut(feeds, FakeActivities(activity)).activity_created(_snapshot(activity))  # type: ignore[arg-type]
    # Then no feed gets it, not even the author's
    assert feeds.stored == {}


def test_popular_author_writes_only_their_own_entry_and_is_listed() -> None:
    # Given an author with as many followers as the threshold (3)
    feeds = FakeFeeds([1, 2, 3])
    activity = _activity()
    # When the activity is created
    result = FanOut(feeds, FakeActivities(activity)).activity_created(_snapshot(activity))  # type: ignore[arg-type]
    # Then only the author's feed gets it, and the author is in POPULAR for readers to merge
    assert feeds.readers_of(7) == {AUTHOR} and result.popular and AUTHOR in feeds.popular


def test_update_to_only_me_removes_every_entry_and_a_new_start_moves_them() -> None:
    # Given a fanned-out activity
    feeds = FakeFeeds([1, 2])
    before = _activity()
    fan_out = FanOut(feeds, FakeActivities(before))  # type: ignore[arg-type]
    fan_out.activity_created(_snapshot(before))
    # When its start time and name change
    moved = _activity(minutes=30, name="renamed")
    fan_out.activities = FakeActivities(moved)  # type: ignore[assignment]
    fan_out.activity_updated(_snapshot(before), _snapshot(moved))
    # Then each feed holds one entry, at the new sort key, with the new name
    assert len(feeds.stored) == 3
    assert {sk for _, sk in feeds.stored} == {keys.feed_sk(int(moved.summary.start_date.timestamp()), 7)}
    assert all('"renamed"' in entry for entry in feeds.stored.values())
    # When it becomes only_me
    private = _activity("only_me", minutes=30)
    fan_out.activities = FakeActivities(private)  # type: ignore[assignment]
    fan_out.activity_updated(_snapshot(moved), _snapshot(private))
    # Then every entry is gone
    assert feeds.stored == {}


def test_delete_removes_entries_even_of_followers_who_muted_later() -> None:
    # Given a fanned-out activity, and a follower who muted the author afterwards
    feeds = FakeFeeds([1, 2])
    activity = _activity()
    fan_out = FanOut(feeds, FakeActivities(activity))  # type: ignore[arg-type]
    fan_out.activity_created(_snapshot(activity))
    feeds.muters = {2}
    # When the activity is deleted
    fan_out.activities = FakeActivities()  # type: ignore[assignment]
    fan_out.activity_deleted(_snapshot(activity))
    # Then no feed keeps it
    assert feeds.stored == {}


def test_a_duplicate_created_event_writes_the_same_feeds() -> None:
    # Given an activity fanned out once
    feeds = FakeFeeds([1, 2])
    activity = _activity()
    fan_out = FanOut(feeds, FakeActivities(activity))  # type: ignore[arg-type]
    fan_out.activity_created(_snapshot(activity))
    first = dict(feeds.stored)
    # When the same event comes again
    fan_out.activity_created(_snapshot(activity))
    # Then the feeds are exactly the same
    assert feeds.stored == first


def test_unprocessed_writes_are_reported_as_failures() -> None:
    # Given a table that leaves writes unprocessed after every retry
    feeds = FakeFeeds([1, 2], fail=2)
    activity = _activity()
    # When the activity is fanned out
    result = FanOut(feeds, FakeActivities(activity)).activity_created(_snapshot(activity))  # type: ignore[arg-type]
    # Then the result counts them, so the handler fails the event and EventBridge retries
    assert result.failed == 2 and result.written == 1


def test_popular_membership_has_hysteresis() -> None:
    # Given an author at the threshold (3 followers)
    feeds = FakeFeeds([1, 2, 3])
    fan_out = FanOut(feeds, FakeActivities())  # type: ignore[arg-type]
    assert fan_out.refresh_popular(AUTHOR) is True
    # When they drop to 2 (not below half of 3, rounded down: 1)
    feeds.followers = [1, 2]
    # Then they stay popular; at 0 they leave
    assert fan_out.refresh_popular(AUTHOR) is True and AUTHOR in feeds.popular
    feeds.followers = []
    assert fan_out.refresh_popular(AUTHOR) is False and AUTHOR not in feeds.popular
