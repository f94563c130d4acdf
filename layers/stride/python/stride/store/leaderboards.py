"""Segment leaderboards, titles, Local Legend and segment PRs (AP63-AP72), through boto3.

Items (see docs/segments.md "Efforts, boards and privacy"):

* ``ATH#<a>``/``SEGPR#<segment>``: the athlete's bests item on a segment: their efforts (the source of truth),
  the entry they hold on each board, their 3 fastest, their Local Legend key; ``rev`` is an optimistic lock.
* ``SEG#<s>#LB#<board>``/``<elapsed ms>#<start>#<athlete>``: one athlete's best on one board (top N = one Query).
* ``SEG#<s>#LB#<board>#N``/``M<minute>`` and ``S<second>``: bucket counts of a board ("my rank" without reading
  the entries ahead).
* ``SEG#<s>#LB``/``TITLES``: KOM, QOM, overall holders and the boards' revision.
* ``SEG#<s>#LL``/``<count>#<athlete>``: Local Legend candidates.

One effort event is one TransactWriteItems: the bests item (conditional on the revision read), the board entries
that change, the bucket counters (ADD, so exactly once with the transaction), the titles' revision and the Local
Legend item. Flat counters named at run time are why this module speaks DynamoDB's expressions through boto3.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from stride.errors import ConflictError
from stride.segments.leaderboards import BoardEffort, BoardMove, MinuteCounts, count_deltas, expires_at
from stride.store import keys
from stride.store.counted import CountedRepository
from stride.store.errors import translated

_BATCH_KEYS = 100  # BatchGetItem's limit
_QUERY_PAGE = 1000


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: int) -> dict[str, str]:
    return {"N": str(int(value))}


@dataclass
class Bests:
    """An athlete's bests item on a segment, as read."""

    segment_id: int
    athlete_id: int
    rev: int
    efforts: list[BoardEffort]
    boards: dict[str, BoardEffort]
    legend: str | None = None
    seen: dict[int, int] = field(default_factory=dict)  # effort id -> time of the last event applied (epoch ms)


@dataclass(frozen=True)
class BoardEntry:
    athlete_id: int
    effort: BoardEffort
    sort_key: str


@dataclass
class LegendChange:
    old_sk: str | None
    new_sk: str | None
    starts: list[int] = field(default_factory=list)
    ttl: int | None = None


@dataclass
class BestsChange:
    """Everything one effort event changes for one athlete on one segment."""

    segment_id: int
    athlete_id: int
    before_rev: int | None  # None: there was no bests item
    efforts: list[BoardEffort]  # empty: the bests item is deleted
    boards: dict[str, BoardEffort]
    moves: list[BoardMove]
    legend: LegendChange
    touches_titles: bool
    seen: dict[int, int] = field(default_factory=dict)


def _rows(efforts: Iterable[BoardEffort]) -> str:
    return json.dumps([e.row() for e in efforts], separators=(",", ":"))


def _boards_json(boards: dict[str, BoardEffort]) -> str:
    return json.dumps({board: e.row() for board, e in sorted(boards.items())}, separators=(",", ":"))


def _parse_boards(raw: str | None) -> dict[str, BoardEffort]:
    return {board: BoardEffort.from_row(row) for board, row in json.loads(raw or "{}").items()}


def entry_item(segment_id: int, board: str, athlete_id: int, effort: BoardEffort) -> dict[str, Any]:
    """The board entry item of one athlete's best on one board (as ``commit`` puts it; benchmarks seed with it)."""
    item: dict[str, Any] = {
        "PK": _s(keys.board_pk(segment_id, board)),
        "SK": _s(keys.board_sk(effort.elapsed_ms, effort.start, athlete_id)),
        "kind": _s("board_entry"),
        "v": _n(1),
        "athlete_id": _n(athlete_id),
        "effort_id": _n(effort.effort_id),
        "activity_id": _n(effort.activity_id),
        "elapsed_ms": _n(effort.elapsed_ms),
        "moving_ms": _n(effort.moving_ms),
        "start": _n(effort.start),
        "local": _s(effort.local),
    }
    ttl = expires_at(board)
    if ttl is not None:
        item["ttl"] = _n(ttl)
    return item


def bests_item(
    segment_id: int,
    athlete_id: int,
    rev: int,
    efforts: list[BoardEffort],
    boards: dict[str, BoardEffort],
    legend: str | None,
    seen: dict[int, int] | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": _s(keys.athlete_pk(athlete_id)),
        "SK": _s(keys.segment_bests_sk(segment_id)),
        "kind": _s("segment_bests"),
        "v": _n(1),
        "segment_id": _n(segment_id),
        "athlete_id": _n(athlete_id),
        "rev": _n(rev),
        "efforts": _s(_rows(efforts)),
        "boards": _s(_boards_json(boards)),
        "prs": _s(_rows(sorted(efforts, key=lambda e: e.order)[:3])),
    }
    if legend:
        item["legend"] = _s(legend)
    if seen:
        item["seen"] = _s(json.dumps({str(k): v for k, v in sorted(seen.items())}, separators=(",", ":")))
    return item


def count_item_key(segment_id: int, board: str, level: str, bucket: int) -> dict[str, Any]:
    sk = keys.board_minute_sk(bucket) if level == "M" else keys.board_second_sk(bucket)
    return {"PK": _s(keys.board_counts_pk(segment_id, board)), "SK": _s(sk)}


def _entry_from_item(item: dict[str, Any]) -> BoardEntry:
    effort = BoardEffort(
        effort_id=int(item["effort_id"]["N"]),
        activity_id=int(item["activity_id"]["N"]),
        elapsed_ms=int(item["elapsed_ms"]["N"]),
        moving_ms=int(item["moving_ms"]["N"]),
        start=int(item["start"]["N"]),
        local=item["local"]["S"],
    )
    return BoardEntry(int(item["athlete_id"]["N"]), effort, item["SK"]["S"])


class LeaderboardRepository(CountedRepository):
    """Reads and writes the boards. ``items_read`` counts the items DynamoDB read for this repository (the bench)."""

    resource = "Leaderboard"

    # ---------------------------------------------------------------- the bests item
    def bests(self, segment_id: int, athlete_id: int) -> Bests | None:
        """AP63: GetItem PK=ATH#<a>, SK=SEGPR#<segment> (consistent: the write that follows is conditional on it)."""
        with translated("Leaderboard"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.athlete_pk(athlete_id)), "SK": _s(keys.segment_bests_sk(segment_id))},
                    ConsistentRead=True,
                )
            )
        item = answer.get("Item")
        if not item:
            return None
        return Bests(
            segment_id=segment_id,
            athlete_id=athlete_id,
            rev=int(item["rev"]["N"]),
            efforts=[BoardEffort.from_row(row) for row in json.loads(item["efforts"]["S"])],
            boards=_parse_boards(item["boards"]["S"]),
            legend=item.get("legend", {}).get("S"),
            seen={int(k): int(v) for k, v in json.loads(item.get("seen", {}).get("S", "{}")).items()},
        )

    def commit(self, change: BestsChange) -> bool:
        """AP64: TransactWriteItems: the bests item (Put, or Delete when no effort is left) on condition that its
        revision is the one read; Delete/Put of the board entries that move; ADD on the bucket counters; ADD rev on
        the titles item when a sex or overall board moved; Delete/Put of the Local Legend item. At most
        1 + 7 boards x 6 + 1 + 2 = 46 items. False when the bests item changed meanwhile (read again and retry)."""
        items = [self._bests_op(change), *self._move_ops(change)]
        for (board, level, bucket), counters in count_deltas(change.moves).items():
            items.append({"Update": self._count_update(change.segment_id, board, level, bucket, counters)})
        if change.touches_titles:
            items.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": {"PK": _s(keys.titles_pk(change.segment_id)), "SK": _s(keys.TITLES)},
                        "UpdateExpression": "SET #kind = :kind, #v = :v ADD #rev :one",
                        "ExpressionAttributeNames": {"#kind": "kind", "#v": "v", "#rev": "rev"},
                        "ExpressionAttributeValues": {":kind": _s("board_titles"), ":v": _n(1), ":one": _n(1)},
                    }
                }
            )
        items += self._legend_ops(change)
        try:
            with translated("Leaderboard"):
                self.client.transact_write_items(TransactItems=items)
        except ConflictError as exc:
            reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        return True

    def _bests_op(self, change: BestsChange) -> dict[str, Any]:
        key = {"PK": _s(keys.athlete_pk(change.athlete_id)), "SK": _s(keys.segment_bests_sk(change.segment_id))}
        if change.before_rev is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
        else:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeNames": {"#rev": "rev"},
                "ExpressionAttributeValues": {":rev": _n(change.before_rev)},
            }
        if not change.efforts and not change.seen:
            return {"Delete": {"TableName": self.table, "Key": key, **condition}}
        item = bests_item(
            change.segment_id,
            change.athlete_id,
            (change.before_rev or 0) + 1,
            change.efforts,
            change.boards,
            change.legend.new_sk,
            change.seen,
        )
        return {"Put": {"TableName": self.table, "Item": item, **condition}}

    def _move_ops(self, change: BestsChange) -> list[dict[str, Any]]:
        ops: list[dict[str, Any]] = []
        for move in change.moves:
            same_key = move.old is not None and move.new is not None and move.old.order[:2] == move.new.order[:2]
            if move.old is not None and not same_key:  # one transaction may not touch an item twice: Put replaces
                old_sk = keys.board_sk(move.old.elapsed_ms, move.old.start, change.athlete_id)
                board_key = {"PK": _s(keys.board_pk(change.segment_id, move.board)), "SK": _s(old_sk)}
                ops.append({"Delete": {"TableName": self.table, "Key": board_key}})
            if move.new is not None:
                item = entry_item(change.segment_id, move.board, change.athlete_id, move.new)
                ops.append({"Put": {"TableName": self.table, "Item": item}})
        return ops

    def _legend_ops(self, change: BestsChange) -> list[dict[str, Any]]:
        legend, ops = change.legend, []
        if legend.old_sk and legend.old_sk != legend.new_sk:
            legend_key = {"PK": _s(keys.legend_pk(change.segment_id)), "SK": _s(legend.old_sk)}
            ops.append({"Delete": {"TableName": self.table, "Key": legend_key}})
        if legend.new_sk:
            item: dict[str, Any] = {
                "PK": _s(keys.legend_pk(change.segment_id)),
                "SK": _s(legend.new_sk),
                "kind": _s("board_legend"),
                "v": _n(1),
                "athlete_id": _n(change.athlete_id),
                "starts": _s(json.dumps(legend.starts)),
            }
            if legend.ttl is not None:
                item["ttl"] = _n(legend.ttl)
            ops.append({"Put": {"TableName": self.table, "Item": item}})
        return ops

    def _count_update(
        self, segment_id: int, board: str, level: str, bucket: int, counters: dict[str, int]
    ) -> dict[str, Any]:
        names = {f"#c{i}": name for i, name in enumerate(counters)}
        values = {f":c{i}": _n(delta) for i, delta in enumerate(counters.values())}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
        sets = "SET #kind = :kind, #v = :v"
        ttl = expires_at(board)
        if ttl is not None:
            sets += ", #ttl = :ttl"
            names["#ttl"] = "ttl"
            values[":ttl"] = _n(ttl)
        return {
            "TableName": self.table,
            "Key": count_item_key(segment_id, board, level, bucket),
            "UpdateExpression": f"{sets} ADD {adds}",
            "ExpressionAttributeNames": {**names, "#kind": "kind", "#v": "v"},
            "ExpressionAttributeValues": {**values, ":kind": _s("board_count"), ":v": _n(1)},
        }

    # ---------------------------------------------------------------- board reads
    def top(self, segment_id: int, board: str, limit: int, *, consistent: bool = False) -> list[BoardEntry]:
        """AP65: Query PK=SEG#<s>#LB#<board>, ascending (fastest first), Limit ``limit``."""
        with translated("Leaderboard"):
            answer = self._counted(
                self.client.query(
                    TableName=self.table,
                    KeyConditionExpression="PK = :pk",
                    ExpressionAttributeValues={":pk": _s(keys.board_pk(segment_id, board))},
                    Limit=limit,
                    ConsistentRead=consistent,
                )
            )
        return [_entry_from_item(item) for item in answer.get("Items", [])]

    def minute_counts(self, segment_id: int, board: str) -> list[MinuteCounts]:
        """AP66: Query PK=SEG#<s>#LB#<board>#N, SK begins_with M: one small item per minute of elapsed time that has
        entries (bounded by the spread of times, not by the number of entries)."""
        found: list[MinuteCounts] = []
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :m)",
            "ExpressionAttributeValues": {":pk": _s(keys.board_counts_pk(segment_id, board)), ":m": _s("M")},
        }
        with translated("Leaderboard"):
            while True:
                answer = self._counted(self.client.query(**request))
                for item in answer.get("Items", []):
                    per_second = {
                        int(name[1:]): int(value["N"])
                        for name, value in item.items()
                        if name.startswith("c") and len(name) == 3 and "N" in value
                    }
                    minute = int(item["SK"]["S"][len(keys.BOARD_MINUTE) :])
                    found.append(MinuteCounts(minute, int(item.get("n", {"N": "0"})["N"]), per_second))
                if "LastEvaluatedKey" not in answer:
                    return found
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def hundredth_counts(self, segment_id: int, board: str, second: int) -> dict[int, int]:
        """AP66: GetItem PK=SEG#<s>#LB#<board>#N, SK=S<second>: entries per hundredth of that second."""
        with translated("Leaderboard"):
            answer = self._counted(
                self.client.get_item(TableName=self.table, Key=count_item_key(segment_id, board, "S", second))
            )
        item = answer.get("Item") or {}
        return {int(name[1:]): int(value["N"]) for name, value in item.items() if name.startswith("h") and "N" in value}

    def ahead_in_slice(self, segment_id: int, board: str, floor_ms: int, sort_key: str) -> int:
        """AP66: Query PK=SEG#<s>#LB#<board>, SK BETWEEN <floor ms># AND <my sort key>, keys only: the entries of my
        hundredth of a second that sort before mine."""
        with translated("Leaderboard"):
            answer = self._counted(
                self.client.query(
                    TableName=self.table,
                    KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
                    ExpressionAttributeValues={
                        ":pk": _s(keys.board_pk(segment_id, board)),
                        ":lo": _s(keys.board_sk_floor(floor_ms)),
                        ":hi": _s(sort_key),
                    },
                    ProjectionExpression="SK",
                )
            )
        return sum(1 for item in answer.get("Items", []) if item["SK"]["S"] < sort_key)

    # ---------------------------------------------------------------- titles
    def titles(self, segment_id: int, *, consistent: bool = False) -> tuple[int, dict[str, Any]]:
        """AP67: GetItem PK=SEG#<s>#LB, SK=TITLES: the revision and the titles (JSON)."""
        with translated("Leaderboard"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.titles_pk(segment_id)), "SK": _s(keys.TITLES)},
                    ConsistentRead=consistent,
                )
            )
        item = answer.get("Item") or {}
        rev = int(item.get("rev", {"N": "0"})["N"])
        return rev, json.loads(item["titles"]["S"]) if "titles" in item else {}

    def put_titles(self, segment_id: int, rev: int, titles: dict[str, Any]) -> bool:
        """AP67: UpdateItem SET titles if the boards' revision is still ``rev`` (no board moved since the tops were
        read); False otherwise (read again)."""
        try:
            with translated("Leaderboard"):
                self.client.update_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.titles_pk(segment_id)), "SK": _s(keys.TITLES)},
                    UpdateExpression="SET #t = :t, #kind = :kind, #v = :v",
                    ConditionExpression="(attribute_not_exists(#rev) AND :rev = :zero) OR #rev = :rev",
                    ExpressionAttributeNames={"#t": "titles", "#rev": "rev", "#kind": "kind", "#v": "v"},
                    ExpressionAttributeValues={
                        ":t": _s(json.dumps(titles, separators=(",", ":"))),
                        ":rev": _n(rev),
                        ":zero": _n(0),
                        ":kind": _s("board_titles"),
                        ":v": _n(1),
                    },
                )
        except ConflictError:
            return False
        return True

    # ---------------------------------------------------------------- Local Legend
    def legend_candidates(
        self, segment_id: int, limit: int, start_key: dict[str, Any] | None = None
    ) -> tuple[list[tuple[int, int, list[int]]], dict[str, Any] | None]:
        """AP68: Query PK=SEG#<s>#LL, descending (most efforts first), Limit ``limit``: (athlete, stored count,
        starts) and the key to read on from."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": _s(keys.legend_pk(segment_id))},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        if start_key:
            request["ExclusiveStartKey"] = start_key
        with translated("Leaderboard"):
            answer = self._counted(self.client.query(**request))
        found = [
            (int(item["athlete_id"]["N"]), int(item["SK"]["S"].split("#", 1)[0]), json.loads(item["starts"]["S"]))
            for item in answer.get("Items", [])
        ]
        return found, answer.get("LastEvaluatedKey")

    # ---------------------------------------------------------------- many athletes
    def board_entries_of(self, segment_id: int, athlete_ids: Iterable[int]) -> dict[int, dict[str, BoardEffort]]:
        """AP69: BatchGetItem ATH#<a>/SEGPR#<segment> for each athlete (100 keys a call), projected to the board
        entries (never the effort list)."""
        wanted = sorted(set(athlete_ids))
        found: dict[int, dict[str, BoardEffort]] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            request: dict[str, Any] = {
                self.table: {
                    "Keys": [
                        {"PK": _s(keys.athlete_pk(a)), "SK": _s(keys.segment_bests_sk(segment_id))}
                        for a in wanted[start : start + _BATCH_KEYS]
                    ],
                    "ProjectionExpression": "athlete_id, boards",
                }
            }
            while request:
                with translated("Leaderboard"):
                    answer = self._counted(self.client.batch_get_item(RequestItems=request))
                for item in answer.get("Responses", {}).get(self.table, []):
                    found[int(item["athlete_id"]["N"])] = _parse_boards(item["boards"]["S"])
                request = answer.get("UnprocessedKeys") or {}
        return found

    def athlete_bests(self, athlete_id: int, *, limit: int, offset: int = 0) -> list[tuple[int, list[BoardEffort]]]:
        """AP71: Query PK=ATH#<a>, SK begins_with SEGPR#, ascending (segment-id order), Limit offset+limit, projected
        to the segment and the 3 fastest efforts: (segment id, PRs fastest first)."""
        depth = offset + limit
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :p)",
            "ExpressionAttributeValues": {":pk": _s(keys.athlete_pk(athlete_id)), ":p": _s(keys.SEGMENT_BESTS)},
            "ProjectionExpression": "segment_id, prs",
            "Limit": min(depth, _QUERY_PAGE),
        }
        found: list[tuple[int, list[BoardEffort]]] = []
        with translated("Leaderboard"):
            while len(found) < depth:
                answer = self._counted(self.client.query(**request))
                for item in answer.get("Items", []):
                    rows = json.loads(item["prs"]["S"])
                    if rows:  # an item left with no effort only remembers removals (``seen``)
                        found.append((int(item["segment_id"]["N"]), [BoardEffort.from_row(r) for r in rows]))
                if "LastEvaluatedKey" not in answer:
                    break
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        return found[offset:depth]

    # ---------------------------------------------------------------- bulk writes of the benchmark
