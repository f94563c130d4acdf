"""Segments, their geo index and stars (AP48-AP54).

A segment is one item (``SEG#<id>``/``META``) holding what DetailedSegment shows and its path for matching
(compressed, binary). Two small index items are written in the same transaction, one per H3 resolution of the
segment's start: ``SEGCELL#<res-8 cell>`` for matching candidates and ``SEGAREA#<res-6 cell>`` for explore, so
neither reads more than the partitions of the cells it covers. Stars are a list item per athlete plus a marker
in the segment's partition (``STARBY#<athlete>``), written with the segment's ``star_count`` in one transaction.

numpy is not imported here: the path is (de)coded by ``stride.segments.geometry`` only in the methods that
need it, so API functions that never touch a path stay light.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from stride.errors import ConflictError
from stride.segments.models import ExploredSegment, Segment, SegmentIndexEntry
from stride.store import keys
from stride.store.errors import translated
from stride.store.models import (
    SegmentAreaItem,
    SegmentCellItem,
    SegmentItem,
    SegmentStarItem,
    SegmentStarMarkerItem,
    StrideItem,
)

if TYPE_CHECKING:
    from stride.segments.geometry import SegmentPath

_BATCH_KEYS = 100  # BatchGetItem's limit
_QUERY_THREADS = 16  # index partitions read at once (one Query per cell)
_CONFLICT_RETRIES = 6
MAX_STAR_DEPTH = 2_000  # deepest page*per_page of the starred list (as the other lists)
# Everything of the segment item except its path: reads that render a segment never pay for the path's bytes.
_SEGMENT_FIELDS = [
    "PK",
    "SK",
    "kind",
    "v",
    *(
        name
        for name in SegmentItem.get_attributes()
        if name not in {"PK", "SK", "kind", "v", "GSI1PK", "GSI1SK", "path"}
    ),
]


class SegmentGoneError(Exception):
    """The segment's META item is absent: nothing was written."""


def _to_domain(item: SegmentItem) -> Segment:
    return Segment(
        id=int(item.segment_id),
        name=item.name,
        activity_type="Run" if item.activity_type == "Run" else "Ride",
        athlete_id=int(item.athlete_id),
        distance=float(item.distance),
        average_grade=float(item.average_grade),
        maximum_grade=float(item.maximum_grade),
        elevation_high=None if item.elevation_high is None else float(item.elevation_high),
        elevation_low=None if item.elevation_low is None else float(item.elevation_low),
        total_elevation_gain=float(item.total_elevation_gain or 0),
        climb_category=int(item.climb_category or 0),
        start_latlng=(float(item.start_lat), float(item.start_lng)),
        end_latlng=(float(item.end_lat), float(item.end_lng)),
        polyline=item.polyline,
        summary_polyline=item.summary_polyline or item.polyline,
        city=item.city,
        state=item.state,
        country=item.country,
        private=bool(item.private),
        hazardous=bool(item.hazardous),
        effort_count=int(item.effort_count or 0),
        athlete_count=int(item.athlete_count or 0),
        star_count=int(item.star_count or 0),
        source_activity_id=None if item.source_activity_id is None else int(item.source_activity_id),
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _explored(item: SegmentAreaItem) -> ExploredSegment:
    return ExploredSegment(
        segment_id=int(item.segment_id),
        activity_type=item.activity_type,
        name=item.name,
        climb_category=int(item.climb_category or 0),
        average_grade=float(item.average_grade),
        elev_difference=float(item.elev_difference or 0),
        distance=float(item.distance),
        start_latlng=(float(item.start_lat), float(item.start_lng)),
        end_latlng=(float(item.end_lat), float(item.end_lng)),
        points=item.points,
    )


def segment_items(segment: Segment, path: SegmentPath) -> list[StrideItem]:
    """The three items ``SegmentRepository.put`` writes: the segment (with its compressed path), its match-index
    item and its explore-index item. Benchmarks seed stores with these through BatchWriteItem."""
    from stride.segments import cells
    from stride.segments.geometry import path_to_bytes

    start_lat, start_lng = segment.start_latlng
    end_lat, end_lng = segment.end_latlng
    meta = SegmentItem(
        keys.segment_pk(segment.id),
        keys.META,
        segment_id=segment.id,
        name=segment.name,
        activity_type=segment.activity_type,
        athlete_id=segment.athlete_id,
        distance=segment.distance,
        average_grade=segment.average_grade,
        maximum_grade=segment.maximum_grade,
        elevation_high=segment.elevation_high,
        elevation_low=segment.elevation_low,
        total_elevation_gain=segment.total_elevation_gain,
        climb_category=segment.climb_category,
        polyline=segment.polyline,
        summary_polyline=segment.summary_polyline,
        city=segment.city,
        state=segment.state,
        country=segment.country,
        private=segment.private,
        hazardous=segment.hazardous,
        source_activity_id=segment.source_activity_id,
        path=path_to_bytes(path),
        effort_count=segment.effort_count,
        athlete_count=segment.athlete_count,
        star_count=segment.star_count,
        created_at=segment.created_at,
        updated_at=segment.updated_at,
        start_lat=start_lat,
        start_lng=start_lng,
        end_lat=end_lat,
        end_lng=end_lng,
    )
    cell = SegmentCellItem(
        keys.segment_cell_pk(cells.match_cell(start_lat, start_lng)),
        keys.segment_sk(segment.id),
        segment_id=segment.id,
        activity_type=segment.activity_type,
        distance=segment.distance,
        start_lat=start_lat,
        start_lng=start_lng,
        end_lat=end_lat,
        end_lng=end_lng,
    )
    area = SegmentAreaItem(
        keys.segment_area_pk(cells.explore_cell(start_lat, start_lng)),
        keys.segment_sk(segment.id),
        segment_id=segment.id,
        activity_type=segment.activity_type,
        distance=segment.distance,
        name=segment.name,
        climb_category=segment.climb_category,
        average_grade=segment.average_grade,
        elev_difference=segment.elevation_difference,
        points=segment.summary_polyline,
        start_lat=start_lat,
        start_lng=start_lng,
        end_lat=end_lat,
        end_lng=end_lng,
    )
    return [meta, cell, area]


def _codes(exc: TransactWriteError) -> list[str | None]:
    return [reason.code if reason else None for reason in exc.cancellation_reasons]


class SegmentRepository:
    """Reads and writes segments, the geo index and stars. Each method names its access pattern."""

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def _conn(self) -> Connection:
        if self._connection is None:
            self._connection = Connection()
        return self._connection

    # ---------------------------------------------------------------- segments
    def put(self, segment: Segment, path: SegmentPath) -> None:
        """AP48: TransactWriteItems: Put SEG#<id>/META, SEGCELL#<res-8 cell>/SEG#<id>, SEGAREA#<res-6 cell>/SEG#<id>,
        each ``attribute_not_exists(PK)``. An id clash (1 in 4 million within a millisecond) is a ConflictError."""
        items = segment_items(segment, path)
        with translated("Segment"), TransactWrite(connection=self._conn()) as transaction:
            for item in items:
                transaction.save(item, condition=StrideItem.PK.does_not_exist())

    def get(self, segment_id: int, *, consistent: bool = False) -> Segment | None:
        """AP49: GetItem PK=SEG#<id>, SK=META, projected without the path."""
        with translated("Segment"):
            try:
                item = SegmentItem.get(
                    keys.segment_pk(segment_id),
                    keys.META,
                    consistent_read=consistent,
                    attributes_to_get=_SEGMENT_FIELDS,
                )
            except SegmentItem.DoesNotExist:
                return None
        return _to_domain(item)

    def get_many(self, segment_ids: Iterable[int]) -> dict[int, Segment]:
        """AP49 for many: BatchGetItem SEG#<id>/META (100 keys a call), projected without the path; absent ids are
        left out."""
        wanted = sorted(set(segment_ids))
        found: dict[int, Segment] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            batch = [(keys.segment_pk(i), keys.META) for i in wanted[start : start + _BATCH_KEYS]]
            with translated("Segment"):
                for item in StrideItem.batch_get(batch, attributes_to_get=_SEGMENT_FIELDS):
                    if isinstance(item, SegmentItem):
                        found[int(item.segment_id)] = _to_domain(item)
        return found

    def paths(self, segment_ids: Iterable[int]) -> dict[int, SegmentPath]:
        """AP49 for matching: BatchGetItem SEG#<id>/META projected to the path (100 keys a call)."""
        from stride.segments.geometry import path_from_bytes

        wanted = sorted(set(segment_ids))
        found: dict[int, SegmentPath] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            batch = [(keys.segment_pk(i), keys.META) for i in wanted[start : start + _BATCH_KEYS]]
            with translated("Segment"):
                for item in StrideItem.batch_get(batch, attributes_to_get=["PK", "SK", "kind", "segment_id", "path"]):
                    if isinstance(item, SegmentItem) and item.path:
                        found[int(item.segment_id)] = path_from_bytes(item.path)
        return found

    def add_counts(self, segment_id: int, *, efforts: int = 0, athletes: int = 0) -> bool:
        """AP48 (counters): UpdateItem SEG#<id>/META ADD effort_count, athlete_count, if the segment exists.
        False when it does not (nothing is written)."""
        actions: list[Action] = []
        if efforts:
            actions.append(SegmentItem.effort_count.add(efforts))
        if athletes:
            actions.append(SegmentItem.athlete_count.add(athletes))
        if not actions:
            return True
        try:
            with translated("Segment"):
                SegmentItem(keys.segment_pk(segment_id), keys.META).update(
                    actions=actions, condition=SegmentItem.PK.exists()
                )
        except ConflictError:
            return False
        return True

    # ---------------------------------------------------------------- geo index
    def _query_cells[T](self, cells: Iterable[str], read: Callable[[str], list[T]]) -> list[T]:
        wanted = sorted(set(cells))
        if not wanted:
            return []
        if len(wanted) == 1:
            return read(wanted[0])
        with ThreadPoolExecutor(min(_QUERY_THREADS, len(wanted))) as pool:
            return [entry for found in pool.map(read, wanted) for entry in found]

    def candidates(self, cells: Iterable[str]) -> list[SegmentIndexEntry]:
        """AP50: Query PK=SEGCELL#<res-8 cell> for each cell (the track's cells and their neighbours), in parallel
        threads; every item of each partition (one per segment starting in the cell)."""

        def read(cell: str) -> list[SegmentIndexEntry]:
            with translated("Segment"):
                return [
                    SegmentIndexEntry(
                        segment_id=int(item.segment_id),
                        activity_type=item.activity_type,
                        start_latlng=(float(item.start_lat), float(item.start_lng)),
                        end_latlng=(float(item.end_lat), float(item.end_lng)),
                        distance=float(item.distance),
                    )
                    for item in SegmentCellItem.query(keys.segment_cell_pk(cell))
                ]

        return self._query_cells(cells, read)

    def explore(
        self, cells: Iterable[str], activity_type: str | None = None, min_cat: int = 0, max_cat: int = 5
    ) -> list[ExploredSegment]:
        """AP51: Query PK=SEGAREA#<res-6 cell> for each cell covering the map, in parallel threads; filter
        ``activity_type`` (when given) and ``climb_category`` BETWEEN min_cat AND max_cat."""
        condition: Condition = SegmentAreaItem.climb_category.between(min_cat, max_cat)
        if activity_type is not None:
            condition &= SegmentAreaItem.activity_type == activity_type

        def read(cell: str) -> list[ExploredSegment]:
            with translated("Segment"):
                return [
                    _explored(item)
                    for item in SegmentAreaItem.query(keys.segment_area_pk(cell), filter_condition=condition)
                ]

        return self._query_cells(cells, read)

    # ---------------------------------------------------------------- stars
    def _transact(self, build: Callable[[TransactWrite], None]) -> bool:
        """Run a star transaction (the marker first, the segment's counter last). True if written; False if the
        marker's condition failed; SegmentGoneError if the segment's did. Conflicts with a concurrent transaction
        on the same segment are retried with jitter."""
        for attempt in range(_CONFLICT_RETRIES):
            try:
                with translated("Segment"), TransactWrite(connection=self._conn()) as transaction:
                    build(transaction)
                return True
            except ConflictError as exc:
                cause = exc.__cause__
                codes = _codes(cause) if isinstance(cause, TransactWriteError) else []
                if codes and codes[-1] == "ConditionalCheckFailed":
                    raise SegmentGoneError from exc
                if codes and codes[0] == "ConditionalCheckFailed":
                    return False
                if attempt == _CONFLICT_RETRIES - 1:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311 (jitter, not a secret)
        raise AssertionError("unreachable")

    def star(self, athlete_id: int, segment_id: int, now: datetime | None = None) -> bool:
        """AP52: TransactWriteItems: Put SEG#<s>/STARBY#<a> if absent, Put ATH#<a>#STARS/<ms>#SEG#<s>, Update
        SEG#<s>/META ADD star_count 1 if the segment exists. False when already starred (nothing written)."""
        moment = now or datetime.now(UTC)
        star_sk = keys.star_sk(int(moment.timestamp() * 1000), segment_id)
        marker = SegmentStarMarkerItem(
            keys.segment_pk(segment_id),
            keys.starred_by_sk(athlete_id),
            athlete_id=athlete_id,
            segment_id=segment_id,
            star_sk=star_sk,
            starred_at=moment,
        )
        listed = SegmentStarItem(
            keys.stars_pk(athlete_id), star_sk, athlete_id=athlete_id, segment_id=segment_id, starred_at=moment
        )

        def build(transaction: TransactWrite) -> None:
            transaction.save(marker, condition=SegmentStarMarkerItem.PK.does_not_exist())
            transaction.save(listed)
            transaction.update(
                SegmentItem(keys.segment_pk(segment_id), keys.META),
                actions=[SegmentItem.star_count.add(1)],
                condition=SegmentItem.PK.exists(),
            )

        return self._transact(build)

    def unstar(self, athlete_id: int, segment_id: int) -> bool:
        """AP52: consistent GetItem SEG#<s>/STARBY#<a> (where the list item is), then TransactWriteItems: Delete the
        marker if present, Delete the list item, Update SEG#<s>/META ADD star_count -1. False when not starred."""
        marker = self._marker(segment_id, athlete_id, consistent=True)
        if marker is None:
            return False

        def build(transaction: TransactWrite) -> None:
            transaction.delete(marker, condition=SegmentStarMarkerItem.PK.exists())
            transaction.delete(SegmentStarItem(keys.stars_pk(athlete_id), marker.star_sk))
            transaction.update(
                SegmentItem(keys.segment_pk(segment_id), keys.META),
                actions=[SegmentItem.star_count.add(-1)],
                condition=SegmentItem.PK.exists(),
            )

        return self._transact(build)

    def _marker(self, segment_id: int, athlete_id: int, *, consistent: bool) -> SegmentStarMarkerItem | None:
        with translated("Segment"):
            try:
                return SegmentStarMarkerItem.get(
                    keys.segment_pk(segment_id), keys.starred_by_sk(athlete_id), consistent_read=consistent
                )
            except SegmentStarMarkerItem.DoesNotExist:
                return None

    def is_starred(self, athlete_id: int, segment_id: int) -> bool:
        """AP52 (read): GetItem SEG#<s>/STARBY#<a>, strongly consistent (one small item: a star the athlete just
        made shows on the next read)."""
        return self._marker(segment_id, athlete_id, consistent=True) is not None

    def starred_among(self, athlete_id: int, segment_ids: Iterable[int]) -> set[int]:
        """AP54: BatchGetItem SEG#<s>/STARBY#<a> for each listed segment (100 keys a call, keys only): which of them
        the athlete starred."""
        wanted = sorted(set(segment_ids))
        found: set[int] = set()
        for start in range(0, len(wanted), _BATCH_KEYS):
            batch = [(keys.segment_pk(s), keys.starred_by_sk(athlete_id)) for s in wanted[start : start + _BATCH_KEYS]]
            with translated("Segment"):
                for item in StrideItem.batch_get(batch, attributes_to_get=["PK", "SK", "kind"]):
                    if isinstance(item, SegmentStarMarkerItem):
                        found.add(int(item.PK[len(keys.SEGMENT) :]))
        return found

    def starred(self, athlete_id: int, *, limit: int, offset: int = 0) -> list[int]:
        """AP53: Query PK=ATH#<a>#STARS, descending (newest star first), Limit offset+limit; the slice is kept."""
        with translated("Segment"):
            items = SegmentStarItem.query(
                keys.stars_pk(athlete_id), scan_index_forward=False, limit=offset + limit, page_size=offset + limit
            )
            return [int(item.segment_id) for item in items][offset:]
