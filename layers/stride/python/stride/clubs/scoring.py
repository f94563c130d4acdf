"""The clubs consumer's use cases: keep the club feeds and weekly boards from activity events, and clean up after
a member leaves. See docs/clubs.md "The consumer".

The stored activity is the truth, never the event's snapshot: every event about an activity reads it (gone or
only_me: it counts nowhere), the athlete's memberships (by key) and what was counted of it before (``Counted``),
then sets the activity's part in each club's week. Setting a part is idempotent (the same part twice writes
nothing), so duplicates, retries and out-of-order deliveries converge on the stored state.
"""

from __future__ import annotations

from dataclasses import dataclass

from stride.clubs import rules
from stride.clubs.models import Counted, FeedEntry, WeekTotals
from stride.errors import ConflictError
from stride.store import keys
from stride.store.clubs import ClubRepository, get_repository

_RETRIES = 8


@dataclass
class Applied:
    clubs: int = 0  # clubs whose week or feed was looked at
    weeks_changed: int = 0


def set_part(
    repo: ClubRepository, club_id: int, week: str, athlete_id: int, activity_id: int, part: tuple[int, int, int] | None
) -> bool:
    """Put (or with None, take out) one activity's part in a member's week; True if the board moved. Conditional
    on the totals item's revision, so a concurrent event for the same member and week makes one of them retry."""
    for _ in range(_RETRIES):
        before = repo.week_totals(club_id, week, athlete_id)
        parts = dict(before.parts) if before else {}
        if parts.get(activity_id) == part or (part is None and activity_id not in parts):
            return False
        if part is None:
            parts.pop(activity_id)
        else:
            parts[activity_id] = part
        after = WeekTotals(club_id, week, athlete_id, before.rev if before else 0, parts)
        if repo.commit_week(before, after):
            return True
    raise ConflictError.about("the week kept changing", "ClubLeaderboard", "week", "conflict")


def _entry(activity: object) -> dict[str, object]:
    """What ClubActivity shows of an activity (the athlete's name is read at read time)."""
    summary = activity.summary  # type: ignore[attr-defined]
    return {
        "id": activity.id,  # type: ignore[attr-defined]
        "name": summary.name,
        "distance": summary.distance,
        "moving_time": summary.moving_time,
        "elapsed_time": summary.elapsed_time,
        "total_elevation_gain": summary.total_elevation_gain,
        "type": summary.type,
        "sport_type": summary.sport_type,
        "start_date": summary.start_date.isoformat(),
        "start_date_local": summary.start_date_local.isoformat(),
    }


def _digest(entry: FeedEntry) -> str:
    """A short fingerprint of what a feed entry shows (its visibility included)."""
    import hashlib
    import json

    raw = json.dumps([entry.visibility, entry.entry], sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def apply_activity(
    athlete_id: int, activity_id: int, repo: ClubRepository | None = None, activities: object = None
) -> Applied:
    """Bring every club of the athlete up to date with the stored activity (see the module's docstring).

    * counts (a member now, not only_me): its part is in the club's week of its start, and (unless hidden from
      home) it is in the club feed;
    * deleted or made only_me: its part leaves every week it was counted in, past weeks included (privacy), and
      its feed entries go;
    * still visible but the athlete left: the feed entry goes, past boards keep it.
    """
    repo = repo or get_repository()
    if activities is None:
        from stride.store.activities import ActivityRepository

        activities = ActivityRepository()
    activity = activities.get(activity_id)  # type: ignore[attr-defined]
    if activity is not None and activity.athlete_id != athlete_id:
        activity = None
    previous = repo.counted(athlete_id, activity_id) or Counted(None, {})
    gone = activity is None or activity.visibility == "only_me"
    now: dict[int, tuple[str, str]] = {}
    part = None
    entry = None
    if not gone:
        summary = activity.summary
        start = summary.start_date
        part = rules.part_of(summary.distance, summary.moving_time, summary.total_elevation_gain)
        feed_sk = "" if summary.hide_from_home else keys.feed_sk(int(start.timestamp()), activity_id)
        for membership in repo.memberships(athlete_id):
            if rules.counts(activity.visibility):
                now[membership.club_id] = (rules.week_of(start, membership.timezone), feed_sk)
        entry = FeedEntry(0, athlete_id, activity_id, activity.visibility, int(start.timestamp()), _entry(activity))
    digest = _digest(entry) if entry else None
    applied = Applied()
    feed_ops = []
    for club_id in sorted(set(previous.clubs) | set(now)):
        applied.clubs += 1
        old, new = previous.clubs.get(club_id), now.get(club_id)
        if old is not None and (new is None or old[0] != new[0]) and (gone or new is not None):
            applied.weeks_changed += set_part(repo, club_id, old[0], athlete_id, activity_id, None)
        if new is not None:
            applied.weeks_changed += set_part(repo, club_id, new[0], athlete_id, activity_id, part)
        if old is not None and old[1] and (new is None or old[1] != new[1]):
            feed_ops.append(repo.feed_delete_op(club_id, old[1]))
        unchanged = old is not None and new is not None and old[1] == new[1] and previous.digest == digest
        if new is not None and new[1] and entry is not None and not unchanged:
            feed_ops.append(repo.feed_put_op(club_id, new[1], entry))
    repo.write_feed(feed_ops)
    # A club the athlete no longer counts in keeps the week it was counted in (no feed entry), so that deleting the
    # activity or making it only_me later still takes it off that past board.
    kept = {} if gone else {c: (w, "") for c, (w, _) in previous.clubs.items() if c not in now}
    record = Counted(part, {**kept, **now}, digest if now else None)
    if record != previous and (record.clubs or previous.clubs):
        repo.put_counted(athlete_id, activity_id, record if record.clubs else None)
    return applied


def member_left(club_id: int, athlete_id: int, week: str, repo: ClubRepository | None = None) -> int:
    """A member left or was removed: their entries leave the club feed and the week's board they left in (earlier
    weeks keep their totals). Unless they are a member again by now (a quick re-join keeps everything)."""
    repo = repo or get_repository()
    if repo.member(club_id, athlete_id, consistent=True) is not None:
        return 0
    sort_keys = repo.author_feed_keys(club_id, athlete_id)
    repo.delete_feed_entries(club_id, sort_keys)
    for _ in range(_RETRIES):
        if repo.delete_week_entry(club_id, week, athlete_id):
            return len(sort_keys)
    raise ConflictError.about("the week kept changing", "ClubLeaderboard", "week", "conflict")
