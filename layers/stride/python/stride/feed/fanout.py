"""Fan-out on write: keep every reader's feed partition in step with activities and the social graph.

Every write here is deterministic (an entry's key and content follow from the activity and the reader), so a
duplicate or retried event leaves the same feed: the consumer is idempotent without a ledger. Athletes with at
least ``feed_fanout_max_followers`` followers are *popular*: only their own feed gets the entry, and readers
merge their activities at read time (``stride.feed.timeline``). The ``POPULAR`` partition is kept from follow
events and from the fan-out itself; an athlete leaves it only below half the threshold (hysteresis), so one
follow more or less does not flip the feed between the two paths.
"""

from __future__ import annotations

from dataclasses import dataclass

from stride.activities.models import Activity
from stride.config import feed_settings
from stride.errors import DependencyUnavailableError, ErrorDetail
from stride.events.contracts import ActivitySnapshot
from stride.feed.views import entry_json
from stride.store.activities import ActivityRepository
from stride.store.feed import FeedRepository, Key, WriteReport, feed_entry_item, feed_entry_key


@dataclass(frozen=True)
class FanOutResult:
    readers: int = 0  # feeds the event touched
    written: int = 0
    deleted: int = 0
    failed: int = 0  # writes still unprocessed after every retry
    popular: bool = False

    def plus(self, report: WriteReport, *, deleting: bool) -> FanOutResult:
        return FanOutResult(
            self.readers,
            self.written + (0 if deleting else report.requested - report.failed),
            self.deleted + (report.requested - report.failed if deleting else 0),
            self.failed + report.failed,
            self.popular,
        )


class FeedWriteError(DependencyUnavailableError):
    """Some feed writes were still unprocessed after every retry: the event must be delivered again."""

    @classmethod
    def of(cls, result: FanOutResult) -> FeedWriteError:
        return cls(f"{result.failed} feed writes failed", [ErrorDetail("Feed", "entries", "unavailable")])


def fans_out(visibility: str, hide_from_home: bool) -> bool:
    return visibility != "only_me" and not hide_from_home


def _start(activity: ActivitySnapshot | Activity) -> int:
    start = activity.start_date if isinstance(activity, ActivitySnapshot) else activity.summary.start_date
    return int(start.timestamp())


class FanOut:
    def __init__(self, feeds: FeedRepository | None = None, activities: ActivityRepository | None = None) -> None:
        self.feeds = feeds or FeedRepository()
        self.activities = activities or ActivityRepository()

    # ---------------------------------------------------------------- who reads an author
    def _popular(self, author_id: int) -> bool:
        """Decided from the profile's follower count now (the POPULAR item may lag behind follow events)."""
        count = self.feeds.follower_count(author_id) or 0
        if count >= feed_settings().feed_fanout_max_followers:
            self.feeds.put_popular(author_id, count)
            return True
        return self.feeds.is_popular(author_id)  # in the hysteresis band: stays merged at read time

    def _readers(self, author_id: int, *, skip_muted: bool) -> list[int]:
        """The author and every follower (less those who muted the author, for writes)."""
        muted = self.feeds.muted_by(author_id) if skip_muted else set()
        readers = [author_id]
        for page in self.feeds.follower_ids(author_id):
            readers += [reader for reader in page if reader not in muted]
        return readers

    # ---------------------------------------------------------------- activity events
    def _put(self, activity: Activity, readers: list[int], result: FanOutResult) -> FanOutResult:
        entry, start, ttl_days = entry_json(activity), _start(activity), feed_settings().feed_entry_ttl_days
        items = [feed_entry_item(r, activity.athlete_id, activity.id, start, entry, ttl_days) for r in readers]
        return result.plus(self.feeds.put_entries(items), deleting=False)

    def _delete(self, keys_: list[Key], result: FanOutResult) -> FanOutResult:
        return result.plus(self.feeds.delete_entries(keys_), deleting=True)

    def activity_created(self, snapshot: ActivitySnapshot) -> FanOutResult:
        """Write the entry into the author's feed and, unless the author is popular, every follower's."""
        if not fans_out(snapshot.visibility, snapshot.hide_from_home):
            return FanOutResult()
        activity = self.activities.get(snapshot.activity_id)
        if activity is None or not fans_out(activity.visibility, activity.summary.hide_from_home):
            return FanOutResult()  # deleted or hidden since: its own event removes or skips it
        popular = self._popular(activity.athlete_id)
        readers = [activity.athlete_id] if popular else self._readers(activity.athlete_id, skip_muted=True)
        return self._put(activity, readers, FanOutResult(readers=len(readers), popular=popular))

    def activity_updated(self, before: ActivitySnapshot, after: ActivitySnapshot) -> FanOutResult:
        """Rewrite the entries from the activity as it is now, or remove them if it is hidden now. A changed
        start time moves the entry, so the old sort key is deleted too."""
        activity = self.activities.get(after.activity_id)
        visible = activity is not None and fans_out(activity.visibility, activity.summary.hide_from_home)
        popular = self._popular(after.athlete_id)
        # Deletes go to every follower (an entry may predate a mute or the author becoming popular).
        everyone = [after.athlete_id] if popular else self._readers(after.athlete_id, skip_muted=False)
        result = FanOutResult(readers=len(everyone), popular=popular)
        stale = {_start(before)} | ({_start(after)} if not visible else set())
        if activity is not None and visible:
            stale.discard(_start(activity))
            muted = set() if popular else self.feeds.muted_by(after.athlete_id)
            readers = [reader for reader in everyone if reader == after.athlete_id or reader not in muted]
            result = self._put(activity, readers, result)
        stale_keys = [feed_entry_key(reader, start, after.activity_id) for start in stale for reader in everyone]
        return self._delete(stale_keys, result) if stale_keys else result

    def activity_deleted(self, before: ActivitySnapshot) -> FanOutResult:
        """Remove the entry from the author's feed and every follower's."""
        popular = self._popular(before.athlete_id)
        readers = [before.athlete_id] if popular else self._readers(before.athlete_id, skip_muted=False)
        keys_ = [feed_entry_key(reader, _start(before), before.activity_id) for reader in readers]
        return self._delete(keys_, FanOutResult(readers=len(readers), popular=popular))

    # ---------------------------------------------------------------- social events
    def remove_author(self, reader_id: int, author_id: int) -> FanOutResult:
        """Unfollow, block and mute: the author's entries leave the reader's feed (AP37, then batch deletes)."""
        return self._delete(self.feeds.author_entry_keys(reader_id, author_id), FanOutResult(readers=1))

    def refresh_popular(self, athlete_id: int) -> bool:
        """Follow and unfollow events: enter POPULAR at the threshold, leave it below half of it."""
        count = self.feeds.follower_count(athlete_id) or 0
        threshold = feed_settings().feed_fanout_max_followers
        if count >= threshold:
            self.feeds.put_popular(athlete_id, count)
            return True
        if count < threshold // 2:
            self.feeds.delete_popular(athlete_id)
            return False
        return self.feeds.is_popular(athlete_id)
