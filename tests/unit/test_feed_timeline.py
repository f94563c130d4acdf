"""The feed's read-time merge with an in-memory repository: fanned-out and popular authors read the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stride.activities.models import Activity, ActivitySummary
from stride.feed import timeline
from stride.policy import Caller
from stride.privacy.trim import NOTHING_HIDDEN
from stride.store.feed import EntryRef

KEY = b"s" * 64
READER = 1
START = datetime(2026, 5, 1, tzinfo=UTC)


def _activity(activity_id: int, author: int, minutes: int, visibility: str = "everyone") -> Activity:
    start = START + timedelta(minutes=minutes)
    summary = ActivitySummary(name=f"a{activity_id}", sport_type="Run", type="Run", start_date=start,
                              start_date_local=start)  # fmt: skip
    return Activity(activity_id, author, summary, visibility, start, start)  # type: ignore[arg-type]


class FakeFeeds:
    """Reader 1's feed partition holds the fanned-out authors' entries; popular authors only their lists."""

    def __init__(self, activities: list[Activity], fanned_out: set[int], popular: set[int]) -> None:
        self.activities = {a.id: a for a in activities}
        self.fanned_out, self.popular = fanned_out, popular

    @staticmethod
    def _key(a: Activity) -> tuple[int, int]:
        return int(a.summary.start_date.timestamp()), a.id

    def _before(self, items: list[Activity], before: tuple[int, int] | None) -> list[Activity]:
        ordered = sorted(items, key=self._key, reverse=True)
        return [a for a in ordered if before is None or self._key(a) < before]

    def page(self, reader_id: int, before: tuple[int, int] | None, limit: int) -> tuple[list[EntryRef], bool]:
        mine = [a for a in self.activities.values() if a.athlete_id in self.fanned_out | {reader_id}]
        found = self._before(mine, before)
        # DynamoDB answers a LastEvaluatedKey whenever Limit is reached
        return [EntryRef(*self._key(a), a.athlete_id) for a in found[:limit]], len(found) >= limit

    def fresh(self, activity_ids, author_ids):  # noqa: ANN001, ANN201
        wanted = list(activity_ids)
        return {i: self.activities[i] for i in wanted}, dict.fromkeys(author_ids, NOTHING_HIDDEN), len(wanted)

    def popular_ids(self) -> dict[int, int]:
        return dict.fromkeys(self.popular, 10**6)

    def followed_unmuted(self, reader_id: int, ids: list[int]) -> tuple[set[int], int]:
        return set(ids), 2 * len(ids)

    def recent_activities(self, athlete_id: int, before: tuple[int, int] | None, limit: int) -> list[Activity]:
        return self._before([a for a in self.activities.values() if a.athlete_id == athlete_id], before)[:limit]


def _walk(feeds: FakeFeeds, per_page: int) -> list[list[int]]:
    timeline.forget_popular()
    pages, cursor = [], None
    for _ in range(50):
        page = timeline.read_page(Caller(READER, "sub"), per_page, cursor, feeds, KEY)  # type: ignore[arg-type]
        pages.append([entry.id for entry in page.entries])
        cursor = page.next_cursor
        if cursor is None:
            return pages
    raise AssertionError("no end")


@pytest.mark.parametrize("per_page", [1, 2, 3, 50])
def test_pages_are_identical_whether_authors_are_fanned_out_or_merged(per_page: int) -> None:
    # Given two authors' activities interleaved in time (equal starts break ties by id), and the reader's own
    activities = [_activity(10 + n, 2 + n % 2, minutes=n // 2 * 10) for n in range(9)] + [_activity(99, READER, 25)]
    # When the feed is read with both authors fanned out, then with both (or one) merged at read time
    fanned = _walk(FakeFeeds(activities, fanned_out={2, 3}, popular=set()), per_page)
    merged = _walk(FakeFeeds(activities, fanned_out=set(), popular={2, 3}), per_page)
    mixed = _walk(FakeFeeds(activities, fanned_out={2}, popular={3}), per_page)
    # Then every page is the same, in the same order, and nothing is repeated or lost
    assert fanned == merged == mixed
    flat = [i for page in fanned for i in page]
    assert sorted(flat) == sorted(a.id for a in activities) and len(flat) == len(set(flat))


def test_merged_author_skips_hidden_activities_before_counting_a_page() -> None:
    # Given a popular author whose newest activities are only_me or hidden from home
    hidden = _activity(30, 2, 100, "only_me")
    home_hidden = _activity(31, 2, 90)
    home_hidden.summary.hide_from_home = True
    visible = [_activity(20 + n, 2, n) for n in range(3)]
    feeds = FakeFeeds([hidden, home_hidden, *visible], fanned_out=set(), popular={2})
    # When the reader reads pages of 2
    pages = _walk(feeds, 2)
    # Then the hidden ones never appear and the pages are full, as a fan-out (which skips them) would give
    assert pages[0] == [22, 21] and [22, 21, 20] == [i for page in pages for i in page]


def test_an_activity_in_both_sources_appears_once() -> None:
    # Given an author fanned out before becoming popular: entries in the partition and the author in POPULAR
    activities = [_activity(40 + n, 2, n) for n in range(4)]
    # When the feed is read
    pages = _walk(FakeFeeds(activities, fanned_out={2}, popular={2}), 3)
    # Then each activity is listed once
    assert [i for page in pages for i in page] == [43, 42, 41, 40]


def test_a_deleted_activity_is_dropped_but_paging_continues() -> None:
    # Given a fanned-out entry whose activity is gone
    activities = [_activity(50 + n, 2, n) for n in range(4)]
    feeds = FakeFeeds(activities, fanned_out={2}, popular=set())
    original_fresh = feeds.fresh
    feeds.fresh = lambda ids, authors: (  # type: ignore[method-assign]
        {k: v for k, v in original_fresh(ids, authors)[0].items() if k != 52},
        {},
        0,
    )
    # When the feed is read in pages of 2
    pages = _walk(feeds, 2)
    # Then the deleted one is missing and the rest still come
    assert [i for page in pages for i in page] == [53, 51, 50]
