"""Reading the home feed: the reader's fanned-out entries merged with the popular athletes they follow.

One page costs one Query of the reader's feed partition (AP35) and one BatchGetItem of fresh data (AP36): the
activities as they are now (counters, name, visibility; a missing one was deleted and is dropped) and their
authors' map privacy. Popular athletes (AP39, not fanned out) add a BatchGetItem of the reader's edges to them
(the popular set itself is cached per warm container) and one Query of each followed one's activity list.

Both sources use the same sort order, ``(start epoch, activity id)`` descending, and the cursor carries the last
position handed out, so a page reads the same whether an author was fanned out or merged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from stride.activities.models import Activity
from stride.activities.views import SummaryActivityView
from stride.feed import cursor as cursors
from stride.feed.views import entry_view
from stride.policy import STRANGER, ActivityAccess, Caller, Relation, activity_access, require_scope, sees_full_map
from stride.privacy.maps import shared_map
from stride.privacy.trim import NOTHING_HIDDEN
from stride.store.feed import FeedRepository

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 50
POPULAR_CACHE_SECONDS = 60.0
_MERGE_QUERY_ROUNDS = 3  # pages of one popular athlete's list read to fill a page past hidden activities
# Fanned-out entries were written for followers, and merged athletes are intersected with the reader's follows.
_FOLLOWER = Relation(follows=True)


@dataclass
class _Candidate:
    start_epoch: int
    activity_id: int
    author_id: int
    activity: Activity | None = None  # known already for merged activities; read fresh for fanned-out ones


@dataclass
class FeedPage:
    entries: list[SummaryActivityView]
    next_cursor: str | None
    items_read: int  # Query items + BatchGet keys (what the benchmark reports)
    sources: dict[str, int] = field(default_factory=dict)


@dataclass
class _PopularCache:
    loaded_at: float = float("-inf")
    athletes: frozenset[int] = frozenset()


_popular_cache = _PopularCache()


def _popular(repository: FeedRepository, now: float) -> tuple[frozenset[int], int]:
    """The popular athletes, read at most once a minute per warm container (a small, slowly changing set)."""
    if now - _popular_cache.loaded_at < POPULAR_CACHE_SECONDS:
        return _popular_cache.athletes, 0
    found = repository.popular_ids()
    _popular_cache.athletes, _popular_cache.loaded_at = frozenset(found), now
    return _popular_cache.athletes, len(found)


def forget_popular() -> None:
    """Drop the cached popular set (tests and the benchmark start from a known state)."""
    _popular_cache.loaded_at = float("-inf")


def visible_in_feed(reader: Caller, activity: Activity) -> bool:
    """What the feed shows: never only_me or hide_from_home activities (they are not fanned out either), and
    otherwise whatever the policy lets a follower (or the owner) see under the activity's current visibility."""
    if activity.summary.hide_from_home or activity.visibility == "only_me":
        return False
    relation = STRANGER if activity.athlete_id == reader.athlete_id else _FOLLOWER
    return activity_access(reader, activity.athlete_id, activity.visibility, relation) is not ActivityAccess.NONE


def _start(activity: Activity) -> int:
    return int(activity.summary.start_date.timestamp())


def _merged(
    reader: Caller, repository: FeedRepository, author_id: int, before: tuple[int, int] | None, want: int
) -> tuple[list[Activity], bool, int]:
    """Up to ``want`` feed-visible activities of one popular author, newest first, strictly before the cursor.
    Hidden ones are skipped before counting, as a fan-out would never have written them.
    Answers (activities, whether the list may hold more, items read)."""
    found: list[Activity] = []
    items_read = 0
    position = before
    for _ in range(_MERGE_QUERY_ROUNDS):
        batch = repository.recent_activities(author_id, position, want)
        items_read += len(batch)
        found += [activity for activity in batch if visible_in_feed(reader, activity)]
        if len(batch) < want:
            return found[:want], False, items_read
        if len(found) >= want:
            return found[:want], True, items_read
        position = (_start(batch[-1]), batch[-1].id)
    return found, True, items_read


def read_page(
    reader: Caller,
    per_page: int = DEFAULT_PER_PAGE,
    cursor: str | None = None,
    repository: FeedRepository | None = None,
    key: bytes | None = None,
) -> FeedPage:
    """One page of ``reader``'s home feed, newest first. A tampered or foreign cursor raises
    ``MalformedRequestError``."""
    require_scope(reader, "activity:read")
    repository = repository or FeedRepository()
    key = key if key is not None else cursors.signing_key()
    me = reader.athlete_id
    position = cursors.decode(cursor, me, key) if cursor else None
    before = (position.start_epoch, position.activity_id) if position else None

    # One item past the page: whether a next page exists is then known, never an empty last page.
    want = per_page + 1
    refs, _ = repository.page(me, before, want)
    more = len(refs) > per_page
    items_read = len(refs)
    candidates = {ref.activity_id: _Candidate(ref.start_epoch, ref.activity_id, ref.author_id) for ref in refs}
    sources = {"fanned_out": len(refs), "merged": 0}

    popular, read = _popular(repository, time.monotonic())
    items_read += read
    others = sorted(popular - {me})
    if others:
        followed, read = repository.followed_unmuted(me, others)
        items_read += read
        for author_id in sorted(followed):
            activities, may_have_more, read = _merged(reader, repository, author_id, before, want)
            items_read += read
            more = more or may_have_more
            for activity in activities:
                # An activity fanned out before its author became popular is in both sources: keep one.
                if activity.id not in candidates:
                    candidates[activity.id] = _Candidate(_start(activity), activity.id, author_id, activity)
                    sources["merged"] += 1

    ordered = sorted(candidates.values(), key=lambda c: (c.start_epoch, c.activity_id), reverse=True)
    page, more = ordered[:per_page], more or len(ordered) > per_page
    fresh, privacy, read = repository.fresh(
        [c.activity_id for c in page if c.activity is None], {c.author_id for c in page if c.author_id != me}
    )
    items_read += read

    entries = []
    for candidate in page:
        current = candidate.activity or fresh.get(candidate.activity_id)
        if current is None or not visible_in_feed(reader, current):
            continue  # deleted, made private or hidden since the fan-out (its consumer removes the entry too)
        activity, shared = current, None
        if not sees_full_map(reader, activity.athlete_id):
            summary = activity.summary
            shared = shared_map(
                summary.summary_polyline,
                None,
                summary.start_latlng,
                summary.end_latlng,
                privacy.get(activity.athlete_id, NOTHING_HIDDEN),
                bool(getattr(summary, "hide_map", False)),
            )
        entries.append(entry_view(activity, shared))

    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = cursors.encode(me, cursors.Position(last.start_epoch, last.activity_id), key)
    return FeedPage(entries, next_cursor, items_read, sources)
