"""Segment efforts: matching one activity against the segments it passes, and reading the efforts back.

``EffortService.activity_changed`` is the whole of matching one activity (``match_segments`` calls it on
``activity.created`` and ``activity.updated``): read the activity (AP15) and its streams (S3), find candidate
segments by the H3 cells the track passes (AP50), keep those whose start and end both lie near the track
(``matching.prefilter``), read their paths (AP49), match precisely (``matching.match_all``) and mark an effort
hidden when one of its points lies in one of the owner's privacy zones (AP45). The result is then **diffed**
against the efforts already stored for the activity (AP55): new ones are written, gone ones deleted, and the
boards are told only about changes, so the same event twice writes nothing and publishes nothing new.

The boards (``stride.segments.leaderboards``) hear about an effort through two events only:
``segment.effort.recorded`` when it enters the boards (new and visible, or visible again) and
``segment.effort.removed`` when it leaves them (activity deleted or made only_me, matched away, hidden). Each
stored effort remembers what the boards were last told (``announced``): an event is published before that flag
is written, so a crash in between publishes it again (the boards apply an effort id once), never loses it.

numpy (through ``stride.segments.matching``) is imported only when an activity is matched, so the API
functions that import this module for reads stay light.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from stride import ids
from stride.errors import ErrorDetail, ForbiddenError, NotFoundError
from stride.events import publisher
from stride.events.contracts import (
    DomainEvent,
    SegmentEffortRecordedEvent,
    SegmentEffortRemovedEvent,
    SegmentEffortSnapshot,
)
from stride.observability import logger, tracer
from stride.policy import ActivityAccess, Caller, activity_access, can_moderate_effort
from stride.privacy.trim import MapPrivacy, in_zone
from stride.store.activities import ActivityRepository
from stride.store.efforts import EffortRepository, StoredEffort

if TYPE_CHECKING:
    from stride.activities.models import Activity
    from stride.segments.matching import Match, Track
    from stride.segments.models import Segment
    from stride.store.privacy import PrivacyRepository
    from stride.store.segments import SegmentRepository

Publish = Callable[[list[DomainEvent]], None]
STREAMS_FOR_MATCHING = {"time", "latlng", "distance", "moving"}
_ID_MASK = (1 << 63) - 1


def effort_id(activity_id: int, segment_id: int, pass_index: int) -> int:
    """The effort's id: the first 63 bits of blake2b("<activity>/<segment>/<pass>"), never 0. Deterministic, so a
    re-match names the same effort; not time-ordered (efforts are listed by their start, not by id)."""
    digest = hashlib.blake2b(f"{activity_id}/{segment_id}/{pass_index}".encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") & _ID_MASK) or 1


def segment_summary(segment: Segment) -> dict[str, Any]:
    """Strava's SummarySegment of a segment, as an effort carries it (stored on the effort when matched): the
    segment views' fields, without the reader-specific ``starred``."""
    from stride.segments.views import SummarySegmentView

    fields = SummarySegmentView.fields_of(segment, starred=False)
    del fields["starred"]
    return {**fields, "resource_state": 2}


@dataclass
class MatchOutcome:
    """What one run of the matcher did (for logs and metrics)."""

    candidates: int = 0
    prefiltered: int = 0
    matched: int = 0
    written: int = 0
    deleted: int = 0
    recorded: int = 0
    removed: int = 0
    skipped: str | None = None  # why the activity was not matched at all


@cache
def get_efforts() -> EffortRepository:
    return EffortRepository()


@cache
def get_activities() -> ActivityRepository:
    return ActivityRepository()


@cache
def _s3() -> Any:
    import boto3

    return boto3.client("s3")


def _not_found() -> NotFoundError:
    return NotFoundError("Record Not Found", [ErrorDetail("SegmentEffort", "id", "invalid")])


def hidden_in_zones(latlng: Sequence[Sequence[float] | None], start: int, end: int, privacy: MapPrivacy) -> bool:
    """Whether any fix of samples ``start..end`` (inclusive) lies in one of the owner's privacy zones."""
    if not privacy.zones:
        return False
    return any(p is not None and in_zone((p[0], p[1]), privacy.zones) for p in latlng[start : end + 1])


def _reason_off(effort: StoredEffort) -> str:
    return "only_me" if effort.snapshot.visibility == "only_me" else "hidden"


class EffortService:
    """Matching and the effort lifecycle. Dependencies come as arguments; the defaults talk to the cloud."""

    def __init__(
        self,
        efforts: EffortRepository | None = None,
        segments: SegmentRepository | None = None,
        activities: ActivityRepository | None = None,
        privacy: PrivacyRepository | None = None,
        s3: Any = None,
        publish: Publish | None = None,
    ) -> None:
        self.efforts = efforts or get_efforts()
        self._segments = segments
        self.activities = activities or get_activities()
        self._privacy = privacy
        self._s3 = s3
        self.publish = publish or publisher.publish

    @property
    def segments(self) -> SegmentRepository:
        if self._segments is None:
            from stride.store.segments import SegmentRepository

            self._segments = SegmentRepository()
        return self._segments

    @property
    def privacy(self) -> PrivacyRepository:
        if self._privacy is None:
            from stride.store.privacy import PrivacyRepository

            self._privacy = PrivacyRepository()
        return self._privacy

    # ---------------------------------------------------------------- events
    @tracer.capture_method(capture_response=False)
    def activity_changed(
        self, activity_id: int, *, rematch: bool = True, correlation_id: str | None = None
    ) -> MatchOutcome:
        """Bring the activity's efforts in line with the activity as stored now. ``rematch=False`` keeps the
        stored matches and only applies the activity's current visibility (a visibility-only change)."""
        stored = self.efforts.for_activity(activity_id)
        activity = self.activities.get(activity_id)
        if activity is None:  # deleted meanwhile: its activity.deleted removes the efforts (or already did)
            return self._remove(stored, "activity_deleted", correlation_id, MatchOutcome(skipped="activity gone"))
        outcome = MatchOutcome()
        if rematch:
            fresh = self._match(activity, outcome)
        else:
            fresh = [
                e.with_state(snapshot=e.snapshot.model_copy(update={"visibility": activity.visibility})) for e in stored
            ]
        return self._reconcile(stored, fresh, correlation_id, outcome)

    @tracer.capture_method(capture_response=False)
    def activity_deleted(self, activity_id: int, *, correlation_id: str | None = None) -> MatchOutcome:
        """Remove every effort of a deleted activity (the boards hear ``removed``, reason activity_deleted)."""
        return self._remove(self.efforts.for_activity(activity_id), "activity_deleted", correlation_id, MatchOutcome())

    # ---------------------------------------------------------------- matching
    def _track(self, activity: Activity) -> tuple[Track, list[Any]] | None:
        """The activity's track for matching and its latlng stream (stream indexes), or None without positions."""
        from stride.activities import streams_codec
        from stride.config import upload_settings
        from stride.segments.matching import Track

        if not activity.streams_key:
            return None
        s3 = self._s3 or _s3()
        body = s3.get_object(Bucket=upload_settings().uploads_bucket, Key=activity.streams_key)["Body"].read()
        _, streams = streams_codec.decode(body, STREAMS_FOR_MATCHING)
        latlng = streams.get("latlng") or []
        if not any(point is not None for point in latlng) or not streams.get("time"):
            return None
        if "moving" in streams:
            streams["moving"] = [bool(m) for m in streams_codec.filled(streams["moving"])]
        track = Track.from_streams(streams)  # samples without a fix are left out; Match indexes are the streams'
        return (track, latlng) if len(track) >= 2 else None

    def _match(self, activity: Activity, outcome: MatchOutcome) -> list[StoredEffort]:
        from stride.segments.cells import track_cells
        from stride.segments.matching import match_all, prefilter
        from stride.segments.models import segment_type

        summary = activity.summary
        family = segment_type(summary.sport_type)
        if family is None or summary.trainer or summary.manual:
            outcome.skipped = "no segments for this sport"
            return []
        found = self._track(activity)
        if found is None:
            outcome.skipped = "no track"
            return []
        track, latlng = found
        cells = track_cells(track.lat.tolist(), track.lng.tolist())
        candidates = [c for c in self.segments.candidates(cells) if c.activity_type == family]
        outcome.candidates = len(candidates)
        chosen = prefilter(track, [(c.segment_id, *c.start_latlng, *c.end_latlng) for c in candidates])
        outcome.prefiltered = len(chosen)
        if not chosen:
            return []
        matches = match_all(track, self.segments.paths(chosen))
        outcome.matched = len(matches)
        if not matches:
            return []
        segments = self.segments.get_many({m.segment_id for m in matches})
        privacy = self.privacy.get(activity.athlete_id)
        return [
            self._effort(activity, match, segments[match.segment_id], hidden_in_zones(latlng, match.start_index,
                                                                                      match.end_index, privacy))
            for match in matches
            if match.segment_id in segments
        ]  # fmt: skip

    @staticmethod
    def _effort(activity: Activity, match: Match, segment: Segment, privacy_hidden: bool) -> StoredEffort:
        summary = activity.summary
        offset = timedelta(seconds=float(match.start_offset))
        began = summary.start_date
        start = (began.astimezone(UTC) if began.tzinfo else began.replace(tzinfo=UTC)) + offset
        local = summary.start_date_local.replace(tzinfo=UTC) + offset
        snapshot = SegmentEffortSnapshot(
            effort_id=effort_id(activity.id, match.segment_id, match.pass_index),
            segment_id=match.segment_id,
            activity_id=activity.id,
            athlete_id=activity.athlete_id,
            sport_type=summary.sport_type,
            start_date=start,
            start_date_local=local,
            elapsed_time=round(float(match.elapsed_time), 3),
            moving_time=round(float(match.moving_time), 3),
            distance=round(float(match.distance), 2),
            start_index=int(match.start_index),
            end_index=int(match.end_index),
            visibility=activity.visibility,
            hidden=privacy_hidden,
        )
        return StoredEffort(
            snapshot=snapshot, pass_index=int(match.pass_index), segment=segment_summary(segment),
            privacy_hidden=privacy_hidden,
        )  # fmt: skip

    # ---------------------------------------------------------------- the diff
    def _reconcile(
        self, stored: list[StoredEffort], fresh: list[StoredEffort], correlation_id: str | None, outcome: MatchOutcome
    ) -> MatchOutcome:
        before = {(e.snapshot.segment_id, e.pass_index): e for e in stored}
        after: list[StoredEffort] = []
        new: list[StoredEffort] = []
        changed: set[int] = set()
        for effort in fresh:
            old = before.pop((effort.snapshot.segment_id, effort.pass_index), None)
            if old is None:
                new.append(effort)
                after.append(effort)
                continue
            merged = effort.with_state(
                flagged=old.flagged, announced=old.announced, pr_rank=old.pr_rank, kom_rank=old.kom_rank
            )
            if not merged.same_numbers(old) and self.efforts.rewrite(merged):
                changed.add(merged.effort_id)
                outcome.written += 1
            after.append(merged)
        if new:
            outcome.written += self.efforts.put_many(new)
        for effort in new:
            self.segments.add_counts(effort.snapshot.segment_id, efforts=1)
        # An effort on the boards whose numbers changed is recorded again (the boards replace it by id).
        recorded, removed = self._announce(after, changed, correlation_id)
        outcome.recorded += recorded
        outcome.removed += removed
        return self._remove(list(before.values()), "rematched", correlation_id, outcome)

    def _announce(self, efforts: list[StoredEffort], changed: set[int], correlation_id: str | None) -> tuple[int, int]:
        """Tell the boards about each effort whose place on them differs from what they were told; then note it."""
        due = [e for e in efforts if e.on_board != e.announced or (e.on_board and e.effort_id in changed)]
        events: list[DomainEvent] = [
            SegmentEffortRecordedEvent(effort=e.snapshot, correlation_id=correlation_id)
            if e.on_board
            else SegmentEffortRemovedEvent(effort=e.snapshot, reason=_reason_off(e), correlation_id=correlation_id)
            for e in due
        ]
        if events:
            self.publish(events)
        for effort in due:
            if effort.on_board != effort.announced:
                self.efforts.set_announced(effort, effort.on_board)
        recorded = sum(1 for e in due if e.on_board)
        return recorded, len(due) - recorded

    def _remove(
        self, gone: list[StoredEffort], reason: str, correlation_id: str | None, outcome: MatchOutcome
    ) -> MatchOutcome:
        """Delete efforts; those the boards hold are announced removed first (a retry announces them again)."""
        if not gone:
            return outcome
        events: list[DomainEvent] = [
            SegmentEffortRemovedEvent(effort=e.snapshot, reason=reason, correlation_id=correlation_id)
            for e in gone
            if e.announced
        ]
        if events:
            self.publish(events)
        outcome.removed += len(events)
        outcome.deleted += self.efforts.delete_many(gone)
        for effort in gone:
            self.segments.add_counts(effort.snapshot.segment_id, efforts=-1)
        return outcome

    # ---------------------------------------------------------------- moderation
    @tracer.capture_method(capture_response=False)
    def set_hidden(
        self, caller: Caller, effort_id_: int, hidden: bool, correlation_id: str | None = None
    ) -> StoredEffort:
        """A moderator hides (or shows again) a flagged effort: it leaves (or re-enters) the boards."""
        if not can_moderate_effort(caller, effort_id_):
            raise ForbiddenError.about("only moderators may hide efforts", "SegmentEffort", "hidden", "forbidden")
        stored = self.efforts.get_stored(effort_id_) if ids.is_valid(effort_id_) else None
        if stored is None:
            raise _not_found()
        if stored.flagged == hidden:
            return stored
        if not self.efforts.set_flagged(stored, hidden):
            raise _not_found()
        updated = stored.with_state(flagged=hidden)
        self._announce([updated], set(), correlation_id)
        logger.info("segment effort moderated", effort_id=effort_id_, hidden=hidden)
        return updated.with_state(announced=updated.on_board)


# ---------------------------------------------------------------- reads (API functions: no numpy)


def _visible(
    caller: Caller, effort_id_: int, efforts: EffortRepository, activities: ActivityRepository
) -> tuple[StoredEffort, Activity, ActivityAccess]:
    """The effort, its activity and the caller's access, if the caller may see it; else 404 (as the activity)."""
    from stride.social.relations import relation

    stored = efforts.get_stored(effort_id_) if ids.is_valid(effort_id_) else None
    if stored is None:
        raise _not_found()
    activity = activities.get(stored.snapshot.activity_id)
    if activity is None:
        raise _not_found()
    standing = relation(caller.athlete_id, activity.athlete_id)
    access = activity_access(caller, activity.athlete_id, activity.visibility, standing)
    if access is ActivityAccess.NONE or (stored.snapshot.hidden and access is not ActivityAccess.OWNER):
        raise _not_found()
    return stored, activity, access


@tracer.capture_method(capture_response=False)
def get_effort(
    caller: Caller,
    effort_id_: int,
    efforts: EffortRepository | None = None,
    activities: ActivityRepository | None = None,
) -> tuple[StoredEffort, Activity]:
    """An effort the caller may see: its activity is visible to them, and a hidden effort only to its owner."""
    stored, activity, _ = _visible(caller, effort_id_, efforts or get_efforts(), activities or get_activities())
    return stored, activity


@tracer.capture_method(capture_response=False)
def effort_streams(
    caller: Caller,
    effort_id_: int,
    types: set[str] | None,
    efforts: EffortRepository | None = None,
    activities: ActivityRepository | None = None,
    s3: Any = None,
) -> tuple[int, dict[str, list[Any]]]:
    """The activity's streams from the effort's first to its last sample. Others than the owner lose the samples
    the owner hides (zones, hidden start and end, measured on the whole activity) and the latlng stream when the
    map is hidden, as ``GET /activities/{id}/streams``."""
    from stride.activities import reads, streams_codec
    from stride.privacy.trim import trim_latlng

    stored, activity, _ = _visible(caller, effort_id_, efforts or get_efforts(), activities or get_activities())
    viewer = reads.viewer_map(caller, activity)
    no_map = viewer.hide_map and not viewer.full
    cut_zones = viewer.trims and not no_map
    if no_map:
        types = (set(streams_codec.STREAM_TYPES) if types is None else set(types)) - {"latlng"}
        if not types:
            return 0, {}
    wanted = None if types is None else (types | {"latlng"} if cut_zones else types)
    _, streams = reads.read_streams(activity, wanted, s3=s3)  # the owner's view: cut below, after slicing
    keep = list(range(stored.snapshot.start_index, stored.snapshot.end_index + 1))
    if cut_zones:
        filled = streams_codec.filled(streams.get("latlng") or [])
        if filled and filled[0] is not None:
            hidden = trim_latlng(filled, viewer.privacy)
            keep = [i for i in keep if i < len(hidden) and not hidden[i]]
        if types is not None and "latlng" not in types:
            streams.pop("latlng", None)
    if no_map:
        streams.pop("latlng", None)
    return len(keep), {name: [data[i] for i in keep if i < len(data)] for name, data in streams.items()}


@tracer.capture_method(capture_response=False)
def my_efforts(
    caller: Caller,
    segment_id: int,
    *,
    start_date_local: datetime | None,
    end_date_local: datetime | None,
    per_page: int,
    efforts: EffortRepository | None = None,
) -> list[StoredEffort]:
    """The caller's own efforts on a segment, newest first, optionally between two local dates (inclusive)."""
    return (efforts or get_efforts()).for_athlete_segment(
        caller.athlete_id, segment_id, after_local=start_date_local, before_local=end_date_local, limit=per_page
    )


def activity_efforts(
    activity: Activity, access: ActivityAccess, efforts: EffortRepository | None = None
) -> list[StoredEffort]:
    """The efforts DetailedActivity shows: every one to the owner, hidden ones to nobody else (AP55)."""
    found = (efforts or get_efforts()).for_activity(activity.id, consistent=False)
    if access is not ActivityAccess.OWNER:
        found = [e for e in found if not e.snapshot.hidden]
    return sorted(found, key=lambda e: (e.snapshot.start_index, e.snapshot.segment_id))
