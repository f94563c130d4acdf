"""Segment efforts (AP55-AP61): one item per pass of an activity over a segment, in the activity's partition.

``ACT#<activity>``/``EFFORT#<segment, 19 digits>#<pass, 3 digits>`` holds the effort, so an activity's efforts
are one Query and a re-match of the same activity writes the same keys. GSI1 (``SEG#<s>#ATH#<a>#EFF`` /
``<local start, 11 digits>#<effort id, 19 digits>``) lists one athlete's efforts on one segment by date. A
pointer ``EFFORT#<effort id>``/``META`` leads from an effort id to its activity. Stdlib and pynamodb only:
API functions import this module.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.expressions.update import Action

from stride.errors import ConflictError
from stride.events.contracts import SegmentEffortSnapshot
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import SegmentEffortItem, SegmentEffortPointerItem, StrideItem

MAX_LIST = 200  # per_page ceiling of GET /segment_efforts


@dataclass(frozen=True)
class StoredEffort:
    """An effort as stored: the event snapshot (``hidden`` = privacy or moderator) plus what only storage knows."""

    snapshot: SegmentEffortSnapshot
    pass_index: int
    segment: dict[str, Any] = field(default_factory=dict)  # the segment's summary when matched
    privacy_hidden: bool = False
    flagged: bool = False
    announced: bool = False  # the boards hold it (the last event published for it was ``recorded``)
    pr_rank: int | None = None
    kom_rank: int | None = None

    @property
    def effort_id(self) -> int:
        return self.snapshot.effort_id

    @property
    def on_board(self) -> bool:
        """Whether the effort belongs on the leaderboards: not only_me, not hidden."""
        return self.snapshot.visibility != "only_me" and not self.privacy_hidden and not self.flagged

    def same_numbers(self, other: StoredEffort) -> bool:
        """Whether a re-match found this very effort again (times to the millisecond, indexes, privacy)."""
        a, b = self.snapshot, other.snapshot
        return (
            round(a.elapsed_time, 3) == round(b.elapsed_time, 3)
            and round(a.moving_time, 3) == round(b.moving_time, 3)
            and round(a.distance, 2) == round(b.distance, 2)
            and (a.start_index, a.end_index, a.visibility, a.sport_type) == (b.start_index, b.end_index, b.visibility,
                                                                             b.sport_type)
            and a.start_date == b.start_date
            and self.privacy_hidden == other.privacy_hidden
            and self.segment == other.segment
        )  # fmt: skip

    def with_state(self, **changes: Any) -> StoredEffort:
        """A copy with storage fields changed; ``hidden`` on the snapshot follows privacy_hidden and flagged."""
        updated = replace(self, **changes)
        hidden = updated.privacy_hidden or updated.flagged
        if hidden != updated.snapshot.hidden:
            updated = replace(updated, snapshot=updated.snapshot.model_copy(update={"hidden": hidden}))
        return updated


def _naive_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _to_domain(item: SegmentEffortItem) -> StoredEffort:
    privacy_hidden, flagged = bool(item.privacy_hidden), bool(item.flagged)
    snapshot = SegmentEffortSnapshot(
        effort_id=int(item.effort_id),
        segment_id=int(item.segment_id),
        activity_id=int(item.activity_id),
        athlete_id=int(item.athlete_id),
        sport_type=item.sport_type,
        start_date=_naive_utc(item.start_date),
        start_date_local=_naive_utc(item.start_date_local),
        elapsed_time=float(item.elapsed_time),
        moving_time=float(item.moving_time),
        distance=float(item.distance),
        start_index=int(item.start_index),
        end_index=int(item.end_index),
        visibility=item.visibility,
        hidden=privacy_hidden or flagged,
    )
    return StoredEffort(
        snapshot=snapshot,
        pass_index=int(item.pass_index),
        segment=json.loads(item.segment) if item.segment else {},
        privacy_hidden=privacy_hidden,
        flagged=flagged,
        announced=bool(item.announced),
        pr_rank=int(item.pr_rank) if item.pr_rank is not None else None,
        kom_rank=int(item.kom_rank) if item.kom_rank is not None else None,
    )


def _local_epoch(moment: datetime) -> int:
    """Seconds of a wall-clock time read as UTC (how start_date_local is stored and filtered)."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def effort_item(effort: StoredEffort, now: datetime) -> SegmentEffortItem:
    s = effort.snapshot
    return SegmentEffortItem(
        keys.activity_pk(s.activity_id),
        keys.effort_sk(s.segment_id, effort.pass_index),
        GSI1PK=keys.athlete_segment_efforts_pk(s.segment_id, s.athlete_id),
        GSI1SK=keys.athlete_segment_efforts_sk(_local_epoch(s.start_date_local), s.effort_id),
        effort_id=s.effort_id,
        segment_id=s.segment_id,
        activity_id=s.activity_id,
        athlete_id=s.athlete_id,
        pass_index=effort.pass_index,
        sport_type=s.sport_type,
        start_date=s.start_date,
        start_date_local=s.start_date_local.replace(tzinfo=UTC),
        elapsed_time=round(s.elapsed_time, 3),
        moving_time=round(s.moving_time, 3),
        distance=round(s.distance, 2),
        start_index=s.start_index,
        end_index=s.end_index,
        visibility=s.visibility,
        privacy_hidden=effort.privacy_hidden,
        flagged=effort.flagged,
        announced=effort.announced,
        segment=json.dumps(effort.segment, separators=(",", ":")),
        pr_rank=effort.pr_rank,
        kom_rank=effort.kom_rank,
        matched_at=now,
    )


def pointer_item(effort: StoredEffort) -> SegmentEffortPointerItem:
    s = effort.snapshot
    return SegmentEffortPointerItem(
        keys.effort_pointer_pk(s.effort_id),
        keys.META,
        activity_id=s.activity_id,
        segment_id=s.segment_id,
        pass_index=effort.pass_index,
    )


class EffortRepository:
    """Reads and writes segment efforts. Each method names its access pattern (docs/access-patterns.md)."""

    # ---------------------------------------------------------------- one activity's efforts
    def for_activity(self, activity_id: int, *, consistent: bool = True) -> list[StoredEffort]:
        """AP55: Query PK=ACT#<a>, SK begins_with EFFORT# (consistent for the matcher, which diffs against it)."""
        with translated("SegmentEffort"):
            items = StrideItem.query(
                keys.activity_pk(activity_id),
                range_key_condition=StrideItem.SK.startswith(keys.EFFORT),
                consistent_read=consistent,
            )
            return [_to_domain(item) for item in items if isinstance(item, SegmentEffortItem)]

    def put_many(self, efforts: Iterable[StoredEffort]) -> int:
        """AP56: BatchWriteItem of each new effort and its pointer (25 a call; pynamodb retries unprocessed items)."""
        now = datetime.now(UTC)
        count = 0
        with translated("SegmentEffort"), StrideItem.batch_write() as batch:
            for effort in efforts:
                batch.save(effort_item(effort, now))
                batch.save(pointer_item(effort))
                count += 1
        return count

    def rewrite(self, effort: StoredEffort) -> bool:
        """AP56 for an effort a re-match found with other numbers: UpdateItem SET the matcher's fields (not the ranks
        the boards write back, not ``announced``/``flagged``), if it still exists. False when it is gone."""
        fresh = effort_item(effort, datetime.now(UTC))
        kept = {"PK", "SK", "kind", "pr_rank", "kom_rank", "announced", "flagged"}
        actions: list[Action] = [
            getattr(SegmentEffortItem, name).set(getattr(fresh, name))
            for name in SegmentEffortItem.get_attributes()
            if name not in kept and getattr(fresh, name) is not None
        ]
        return self._update(effort, actions)

    def delete_many(self, efforts: Iterable[StoredEffort]) -> int:
        """AP61: BatchWriteItem deletes of each effort and its pointer. Deleting what is gone is harmless."""
        count = 0
        with translated("SegmentEffort"), StrideItem.batch_write() as batch:
            for effort in efforts:
                s = effort.snapshot
                batch.delete(
                    SegmentEffortItem(keys.activity_pk(s.activity_id), keys.effort_sk(s.segment_id, effort.pass_index))
                )
                batch.delete(SegmentEffortPointerItem(keys.effort_pointer_pk(s.effort_id), keys.META))
                count += 1
        return count  # fmt: skip

    def _update(self, effort: StoredEffort, actions: list[Any]) -> bool:
        """UpdateItem of an effort that must still exist; False when it is gone (deleted meanwhile)."""
        s = effort.snapshot
        item = SegmentEffortItem(keys.activity_pk(s.activity_id), keys.effort_sk(s.segment_id, effort.pass_index))
        try:
            with translated("SegmentEffort"):
                item.update(actions=actions, condition=SegmentEffortItem.PK.exists())
        except ConflictError:  # the condition failed: the effort is gone
            return False
        return True

    def set_announced(self, effort: StoredEffort, announced: bool) -> bool:
        """AP60: UpdateItem SET announced, if the effort exists (after its event went out)."""
        return self._update(effort, [SegmentEffortItem.announced.set(announced)])

    def set_flagged(self, effort: StoredEffort, flagged: bool) -> bool:
        """AP60: UpdateItem SET flagged (a moderator's hide), if the effort exists."""
        return self._update(effort, [SegmentEffortItem.flagged.set(flagged)])

    def set_visibility(self, effort: StoredEffort, visibility: str) -> bool:
        """AP60: UpdateItem SET visibility (the activity's changed), if the effort exists."""
        return self._update(effort, [SegmentEffortItem.visibility.set(visibility)])

    # ---------------------------------------------------------------- by effort id
    def get_stored(self, effort_id: int) -> StoredEffort | None:
        """AP57: GetItem PK=EFFORT#<id>, SK=META (the pointer), then GetItem PK=ACT#<a>, SK=EFFORT#<s>#<pass>."""
        with translated("SegmentEffort"):
            try:
                pointer = SegmentEffortPointerItem.get(keys.effort_pointer_pk(effort_id), keys.META)
            except SegmentEffortPointerItem.DoesNotExist:
                return None
            try:
                item = SegmentEffortItem.get(
                    keys.activity_pk(int(pointer.activity_id)),
                    keys.effort_sk(int(pointer.segment_id), int(pointer.pass_index)),
                )
            except SegmentEffortItem.DoesNotExist:
                return None
        return _to_domain(item)

    def get(self, effort_id: int) -> SegmentEffortSnapshot | None:
        """AP57 for the leaderboards: the effort's snapshot, or None when it is gone."""
        stored = self.get_stored(effort_id)
        return stored.snapshot if stored else None

    def set_ranks(self, effort_id: int, *, pr_rank: int | None, kom_rank: int | None) -> None:
        """AP59: the pointer (GetItem), then UpdateItem SET pr_rank, kom_rank (REMOVE when None) if the effort still
        exists; an effort deleted meanwhile is left alone."""
        with translated("SegmentEffort"):
            try:
                pointer = SegmentEffortPointerItem.get(keys.effort_pointer_pk(effort_id), keys.META)
            except SegmentEffortPointerItem.DoesNotExist:
                return
        actions: list[Action] = [
            SegmentEffortItem.pr_rank.set(pr_rank) if pr_rank is not None else SegmentEffortItem.pr_rank.remove(),
            SegmentEffortItem.kom_rank.set(kom_rank) if kom_rank is not None else SegmentEffortItem.kom_rank.remove(),
        ]
        item = SegmentEffortItem(
            keys.activity_pk(int(pointer.activity_id)), keys.effort_sk(int(pointer.segment_id), int(pointer.pass_index))
        )
        with contextlib.suppress(ConflictError):  # the effort is gone: nothing to rank
            with translated("SegmentEffort"):
                item.update(actions=actions, condition=SegmentEffortItem.PK.exists())

    # ---------------------------------------------------------------- one athlete on one segment
    def for_athlete_segment(
        self,
        athlete_id: int,
        segment_id: int,
        *,
        after_local: datetime | None,
        before_local: datetime | None,
        limit: int,
    ) -> list[StoredEffort]:
        """AP58: Query GSI1 GSI1PK=SEG#<s>#ATH#<a>#EFF, GSI1SK between the local-date bounds, newest first,
        Limit ``limit`` (at most MAX_LIST)."""
        low = keys.athlete_segment_efforts_sk(_local_epoch(after_local) if after_local else 0, 0)
        high = keys.athlete_segment_efforts_sk(
            _local_epoch(before_local) if before_local else 99_999_999_999, 10**19 - 1
        )
        with translated("SegmentEffort"):
            items = StrideItem.gsi1.query(
                keys.athlete_segment_efforts_pk(segment_id, athlete_id),
                range_key_condition=StrideItem.GSI1SK.between(low, high),
                scan_index_forward=False,
                limit=min(limit, MAX_LIST),
                page_size=min(limit, MAX_LIST),
            )
            return [_to_domain(item) for item in items if isinstance(item, SegmentEffortItem)]
