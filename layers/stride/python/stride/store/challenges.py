"""Challenges, invitations, participations, leaderboards and trophies (AP90-AP109), through boto3.

Items (see docs/challenges.md):

* ``CHAL#<c>``/``META``: the definition (platform ones on GSI1 ``CHALS#PLATFORM``/``<end>#<c>``).
* ``CHAL#<c>``/``INVITE#<a>``: an invitation (GSI1 ``ATH#<a>#CHALINV``/``<end>#<c>``).
* ``ATH#<a>#CHAL``/``<end>#<c>``: a participation: rules copy, contributions, score, completion, ``rev``.
* ``CHAL#<c>#LB``/``<ordered score>#<athlete>``: leaderboard entries, best first.
* ``CHAL#<c>#LB#N``/``D<len>#<prefix>``: digit counters of the board ("my rank" in 4 reads).
* ``ATH#<a>#TROPHY``/``CHAL#<c>``: the trophy case.

One change to one participation is one TransactWriteItems: the participation (conditional on its revision), the
entry that moves, the counters (ADD: exactly once with the transaction) and, on join or leave, the challenge's
participant count. Flat counters named at run time are why this module speaks DynamoDB's expressions directly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from stride.challenges.models import Challenge, Participation, Trophy
from stride.challenges.rules import (
    ActivityFacts,
    Contribution,
    EffortFacts,
    Kind,
    Rules,
    Visibility,
    counter_deltas,
)
from stride.errors import ConflictError
from stride.store import keys
from stride.store.counted import CountedRepository
from stride.store.errors import translated

_BATCH_KEYS = 100
_QUERY_PAGE = 1000


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: float) -> dict[str, str]:
    return {"N": repr(value) if isinstance(value, float) and value != int(value) else str(int(value))}


def _json(value: object) -> dict[str, str]:
    return _s(json.dumps(value, separators=(",", ":"), sort_keys=True))


def _pynamo_time(text: str) -> datetime:
    """pynamodb's UTCDateTimeAttribute format."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# ---------------------------------------------------------------- item <-> domain


def challenge_item(challenge: Challenge) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": _s(keys.challenge_pk(challenge.id)),
        "SK": _s(keys.META),
        "kind": _s("challenge"),
        "v": _n(1),
        "challenge_id": _n(challenge.id),
        "name": _s(challenge.name),
        "challenge_kind": _s(challenge.kind.value),
        "visibility": _s(challenge.visibility.value),
        "creator_id": _n(challenge.creator_id),
        "start_local": _s(challenge.start_local),
        "end_local": _s(challenge.end_local),
        "timezone": _s(challenge.timezone),
        "start_epoch": _n(challenge.start_epoch),
        "end_epoch": _n(challenge.end_epoch),
        "sport_types": _json(list(challenge.sport_types)),
        "participant_count": _n(challenge.participant_count),
        "created_at": _s(_iso(challenge.created_at)),
    }
    if challenge.description:
        item["description"] = _s(challenge.description)
    if challenge.goal is not None:
        item["goal"] = _n(challenge.goal)
    if challenge.segment_id is not None:
        item["segment_id"] = _n(challenge.segment_id)
    if challenge.visibility is Visibility.PLATFORM:
        item["GSI1PK"] = _s(keys.PLATFORM_CHALLENGES)
        item["GSI1SK"] = _s(keys.challenge_by_end_sk(challenge.end_epoch, challenge.id))
    return item


def _num(item: dict[str, Any], name: str) -> float | None:
    return float(item[name]["N"]) if name in item else None


def challenge_from_item(item: dict[str, Any]) -> Challenge:
    goal = _num(item, "goal")
    segment = int(item["segment_id"]["N"]) if "segment_id" in item else None  # never through float: 19 digits
    return Challenge(
        id=int(item["challenge_id"]["N"]),
        name=item["name"]["S"],
        description=item.get("description", {}).get("S"),
        kind=Kind(item["challenge_kind"]["S"]),
        visibility=Visibility(item["visibility"]["S"]),
        creator_id=int(item["creator_id"]["N"]),
        start_local=item["start_local"]["S"],
        end_local=item["end_local"]["S"],
        timezone=item["timezone"]["S"],
        start_epoch=int(item["start_epoch"]["N"]),
        end_epoch=int(item["end_epoch"]["N"]),
        sport_types=tuple(json.loads(item["sport_types"]["S"])),
        goal=goal,
        segment_id=segment,
        participant_count=max(0, int(float(item.get("participant_count", {"N": "0"})["N"]))),
        created_at=datetime.fromisoformat(item["created_at"]["S"]),
    )


def rules_json(rules: Rules) -> dict[str, Any]:
    return {
        "kind": rules.kind.value,
        "start": rules.start_epoch,
        "end": rules.end_epoch,
        "sports": list(rules.sport_types),
        "goal": rules.goal,
        "segment": rules.segment_id,
    }


def rules_from_json(raw: dict[str, Any]) -> Rules:
    return Rules(
        Kind(raw["kind"]), int(raw["start"]), int(raw["end"]), tuple(raw["sports"]), raw["goal"], raw["segment"]
    )


def participation_item(p: Participation, rev: int) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": _s(keys.participations_pk(p.athlete_id)),
        "SK": _s(keys.challenge_by_end_sk(p.rules.end_epoch, p.challenge_id)),
        "kind": _s("challenge_participation"),
        "v": _n(1),
        "challenge_id": _n(p.challenge_id),
        "athlete_id": _n(p.athlete_id),
        "rev": _n(rev),
        "challenge_name": _s(p.challenge_name),
        "rules": _json(rules_json(p.rules)),
        "contributions": _json({k: c.row() for k, c in p.contributions.items()}),
        "seen": _json(p.seen),
        "joined_at": _s(_iso(p.joined_at or datetime.now(UTC))),
    }
    if p.score is not None:
        item["score"] = _n(p.score)
    if p.entry_sk:
        item["entry_sk"] = _s(p.entry_sk)
    if p.completed_at:
        item["completed_at"] = _s(_iso(p.completed_at))
    if p.completion_pending:
        item["completion_pending"] = {"BOOL": True}
    return item


def participation_from_item(item: dict[str, Any]) -> Participation:
    return Participation(
        challenge_id=int(item["challenge_id"]["N"]),
        athlete_id=int(item["athlete_id"]["N"]),
        rules=rules_from_json(json.loads(item["rules"]["S"])),
        rev=int(item["rev"]["N"]),
        challenge_name=item.get("challenge_name", {}).get("S", ""),
        contributions={k: Contribution.from_row(v) for k, v in json.loads(item["contributions"]["S"]).items()},
        seen={k: int(v) for k, v in json.loads(item["seen"]["S"]).items()},
        score=_num(item, "score"),
        entry_sk=item.get("entry_sk", {}).get("S"),
        joined_at=datetime.fromisoformat(item["joined_at"]["S"]),
        completed_at=datetime.fromisoformat(item["completed_at"]["S"]) if "completed_at" in item else None,
        completion_pending=bool(item.get("completion_pending", {}).get("BOOL", False)),
    )


def entry_item(challenge_id: int, athlete_id: int, sort_key: str, score: float) -> dict[str, Any]:
    return {
        "PK": _s(keys.challenge_board_pk(challenge_id)),
        "SK": _s(sort_key),
        "kind": _s("challenge_entry"),
        "v": _n(1),
        "athlete_id": _n(athlete_id),
        "score": _n(score),
    }


def counters_key(challenge_id: int, prefix: str) -> dict[str, Any]:
    return {"PK": _s(keys.challenge_counts_pk(challenge_id)), "SK": _s(keys.challenge_counts_sk(prefix))}


def ordered_from_sk(sort_key: str) -> int:
    return int(sort_key.split("#", 1)[0])


@dataclass
class ParticipationWrite:
    """Everything one change writes for one participation."""

    participation: Participation  # the new state (contributions, score, entry_sk, completion)
    before_rev: int | None  # None: a join (the participation must not exist)
    old_entry_sk: str | None
    delete: bool = False  # a leave: the participation goes
    participants_delta: int = 0  # +1 on join, -1 on leave (the challenge's META)
    notes: list[str] = field(default_factory=list)


class ChallengeRepository(CountedRepository):
    """Reads and writes challenges. ``items_read``/``items_written`` count DynamoDB items (the benchmark)."""

    resource = "Challenge"

    def _query_all(self, request: dict[str, Any], limit: int | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        with translated("Challenge"):
            while True:
                answer = self._counted(self.client.query(**request))
                found += answer.get("Items", [])
                if "LastEvaluatedKey" not in answer or (limit is not None and len(found) >= limit):
                    return found[:limit] if limit is not None else found
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    # ---------------------------------------------------------------- challenges and invitations
    def create(self, challenge: Challenge, invitees: Iterable[int]) -> None:
        """AP90: PutItem CHAL#<c>/META if absent; AP93: BatchWriteItem of the invitations (creator included)."""
        with translated("Challenge"):
            self.client.put_item(
                TableName=self.table, Item=challenge_item(challenge), ConditionExpression="attribute_not_exists(PK)"
            )
        self.items_written += 1
        invites = [
            {
                "PK": _s(keys.challenge_pk(challenge.id)),
                "SK": _s(keys.challenge_invite_sk(athlete)),
                "kind": _s("challenge_invite"),
                "v": _n(1),
                "challenge_id": _n(challenge.id),
                "athlete_id": _n(athlete),
                "GSI1PK": _s(keys.invitations_pk(athlete)),
                "GSI1SK": _s(keys.challenge_by_end_sk(challenge.end_epoch, challenge.id)),
            }
            for athlete in sorted(set(invitees))
        ]
        self.write_items(invites)

    def get(self, challenge_id: int, *, consistent: bool = False) -> Challenge | None:
        """AP91: GetItem CHAL#<c>/META."""
        with translated("Challenge"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.challenge_pk(challenge_id)), "SK": _s(keys.META)},
                    ConsistentRead=consistent,
                )
            )
        item = answer.get("Item")
        return challenge_from_item(item) if item else None

    def get_many(self, challenge_ids: Iterable[int]) -> dict[int, Challenge]:
        """AP91: BatchGetItem CHAL#<c>/META (a page of a list)."""
        wanted = sorted(set(challenge_ids))
        found: dict[int, Challenge] = {}
        for start in range(0, len(wanted), _BATCH_KEYS):
            request: dict[str, Any] = {
                self.table: {
                    "Keys": [
                        {"PK": _s(keys.challenge_pk(c)), "SK": _s(keys.META)}
                        for c in wanted[start : start + _BATCH_KEYS]
                    ]
                }
            }
            while request:
                with translated("Challenge"):
                    answer = self._counted(self.client.batch_get_item(RequestItems=request))
                for item in answer.get("Responses", {}).get(self.table, []):
                    challenge = challenge_from_item(item)
                    found[challenge.id] = challenge
                request = answer.get("UnprocessedKeys") or {}
        return found

    def is_invited(self, challenge_id: int, athlete_id: int) -> bool:
        """AP93: GetItem CHAL#<c>/INVITE#<a>."""
        with translated("Challenge"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.challenge_pk(challenge_id)), "SK": _s(keys.challenge_invite_sk(athlete_id))},
                    ProjectionExpression="PK",
                )
            )
        return "Item" in answer

    def open_platform(self, now_epoch: int, limit: int) -> list[str]:
        """AP92: Query GSI1 GSI1PK=CHALS#PLATFORM, GSI1SK >= <now>#, ascending (soonest to end first), Limit."""
        return self._by_end_gsi(keys.PLATFORM_CHALLENGES, now_epoch, limit)

    def open_invitations(self, athlete_id: int, now_epoch: int, limit: int) -> list[str]:
        """AP97: Query GSI1 GSI1PK=ATH#<a>#CHALINV, GSI1SK >= <now>#, ascending, Limit."""
        return self._by_end_gsi(keys.invitations_pk(athlete_id), now_epoch, limit)

    def _by_end_gsi(self, partition: str, now_epoch: int, limit: int) -> list[str]:
        request = {
            "TableName": self.table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK >= :floor",
            "ExpressionAttributeValues": {":pk": _s(partition), ":floor": _s(keys.challenge_end_floor(now_epoch))},
            "ProjectionExpression": "GSI1SK",
            "Limit": min(limit, _QUERY_PAGE),
        }
        return [item["GSI1SK"]["S"] for item in self._query_all(request, limit)]

    # ---------------------------------------------------------------- participations
    def participation(self, athlete_id: int, challenge_id: int, end_epoch: int) -> Participation | None:
        """AP95: GetItem ATH#<a>#CHAL/<end>#<c> (consistent: a conditional write may follow)."""
        with translated("Challenge"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={
                        "PK": _s(keys.participations_pk(athlete_id)),
                        "SK": _s(keys.challenge_by_end_sk(end_epoch, challenge_id)),
                    },
                    ConsistentRead=True,
                )
            )
        item = answer.get("Item")
        return participation_from_item(item) if item else None

    def live_participations(self, athlete_id: int, ends_after: int) -> list[Participation]:
        """AP94: Query PK=ATH#<a>#CHAL, SK >= <ends_after>#: the athlete's challenges that end after the activity
        started (and that still take events). Only this athlete's own participations are read."""
        request = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk AND SK >= :floor",
            "ExpressionAttributeValues": {
                ":pk": _s(keys.participations_pk(athlete_id)),
                ":floor": _s(keys.challenge_end_floor(ends_after)),
            },
            "ConsistentRead": True,
        }
        return [participation_from_item(item) for item in self._query_all(request)]

    def participation_page(self, athlete_id: int, now_epoch: int, *, finished: bool, limit: int) -> list[Participation]:
        """AP96: Query PK=ATH#<a>#CHAL, SK >= <now># ascending (joined, soonest to end first) or SK < <now>#
        descending (finished, latest first), Limit page*per_page."""
        condition = "PK = :pk AND SK < :now" if finished else "PK = :pk AND SK >= :now"
        request = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": {
                ":pk": _s(keys.participations_pk(athlete_id)),
                ":now": _s(keys.challenge_end_floor(now_epoch)),
            },
            "ScanIndexForward": not finished,
            "Limit": min(limit, _QUERY_PAGE),
        }
        return [participation_from_item(item) for item in self._query_all(request, limit)]

    def joined_among(self, athlete_id: int, by_end_sks: Iterable[str]) -> set[int]:
        """AP95 in bulk: BatchGetItem ATH#<a>#CHAL/<end>#<c> for a page of challenges, keys only."""
        wanted = sorted(set(by_end_sks))
        found: set[int] = set()
        for start in range(0, len(wanted), _BATCH_KEYS):
            request: dict[str, Any] = {
                self.table: {
                    "Keys": [
                        {"PK": _s(keys.participations_pk(athlete_id)), "SK": _s(sk)}
                        for sk in wanted[start : start + _BATCH_KEYS]
                    ],
                    "ProjectionExpression": "challenge_id",
                }
            }
            while request:
                with translated("Challenge"):
                    answer = self._counted(self.client.batch_get_item(RequestItems=request))
                found |= {int(i["challenge_id"]["N"]) for i in answer.get("Responses", {}).get(self.table, [])}
                request = answer.get("UnprocessedKeys") or {}
        return found

    def commit(self, write: ParticipationWrite) -> bool:
        """AP98: TransactWriteItems: the participation (Put, or Delete on leave) conditional on its revision (absent
        on join); Delete/Put of the leaderboard entry when it moves; ADD on the digit counters (at most 4 items);
        ADD participant_count on the challenge (join, leave). At most 8 items. False when the participation changed
        meanwhile (read again and retry)."""
        p = write.participation
        key = {
            "PK": _s(keys.participations_pk(p.athlete_id)),
            "SK": _s(keys.challenge_by_end_sk(p.rules.end_epoch, p.challenge_id)),
        }
        if write.before_rev is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
        else:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeNames": {"#rev": "rev"},
                "ExpressionAttributeValues": {":rev": _n(write.before_rev)},
            }
        items: list[dict[str, Any]] = []
        if write.delete:
            items.append({"Delete": {"TableName": self.table, "Key": key, **condition}})
        else:
            item = participation_item(p, (write.before_rev or 0) + 1)
            items.append({"Put": {"TableName": self.table, "Item": item, **condition}})
        board = keys.challenge_board_pk(p.challenge_id)
        new_sk = None if write.delete else p.entry_sk
        if write.old_entry_sk and write.old_entry_sk != new_sk:
            items.append({"Delete": {"TableName": self.table, "Key": {"PK": _s(board), "SK": _s(write.old_entry_sk)}}})
        if new_sk:  # always Put: the score may change inside one sort key (it is rounded there)
            items.append(
                {
                    "Put": {
                        "TableName": self.table,
                        "Item": entry_item(p.challenge_id, p.athlete_id, new_sk, p.score or 0),
                    }
                }
            )
        old_ordered = ordered_from_sk(write.old_entry_sk) if write.old_entry_sk else None
        new_ordered = ordered_from_sk(new_sk) if new_sk else None
        if old_ordered != new_ordered:
            for prefix, counters in counter_deltas(old_ordered, new_ordered).items():
                items.append({"Update": self._counters_update(p.challenge_id, prefix, counters)})
        if write.participants_delta:
            items.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": {"PK": _s(keys.challenge_pk(p.challenge_id)), "SK": _s(keys.META)},
                        "UpdateExpression": "ADD participant_count :d",
                        "ConditionExpression": "attribute_exists(PK)",
                        "ExpressionAttributeValues": {":d": _n(write.participants_delta)},
                    }
                }
            )
        try:
            with translated("Challenge"):
                self.client.transact_write_items(TransactItems=items)
        except ConflictError as exc:
            reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        self.items_written += len(items)
        return True

    def _counters_update(self, challenge_id: int, prefix: str, counters: dict[int, int]) -> dict[str, Any]:
        names = {f"#c{i}": f"c{digit:03d}" for i, digit in enumerate(counters)}
        values = {f":c{i}": _n(delta) for i, delta in enumerate(counters.values())}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
        return {
            "TableName": self.table,
            "Key": counters_key(challenge_id, prefix),
            "UpdateExpression": f"SET #kind = :kind, #v = :v ADD {adds}",
            "ExpressionAttributeNames": {**names, "#kind": "kind", "#v": "v"},
            "ExpressionAttributeValues": {**values, ":kind": _s("challenge_counts"), ":v": _n(1)},
        }

    def clear_pending(self, p: Participation) -> None:
        """AP99: UpdateItem REMOVE completion_pending once challenge.completed is on the bus (the revision stays)."""
        with translated("Challenge"):
            self.client.update_item(
                TableName=self.table,
                Key={
                    "PK": _s(keys.participations_pk(p.athlete_id)),
                    "SK": _s(keys.challenge_by_end_sk(p.rules.end_epoch, p.challenge_id)),
                },
                UpdateExpression="REMOVE completion_pending",
                ConditionExpression="attribute_exists(PK)",
            )
        self.items_written += 1

    # ---------------------------------------------------------------- leaderboard reads
    def top(self, challenge_id: int, limit: int) -> list[tuple[int, float, str]]:
        """AP100: Query PK=CHAL#<c>#LB ascending (best first), Limit ``limit``: (athlete, score, sort key)."""
        request = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": _s(keys.challenge_board_pk(challenge_id))},
            "Limit": min(limit, _QUERY_PAGE),
        }
        return [
            (int(i["athlete_id"]["N"]), float(i["score"]["N"]), i["SK"]["S"]) for i in self._query_all(request, limit)
        ]

    def counters(self, challenge_id: int, prefixes: Iterable[str]) -> dict[str, dict[int, int]]:
        """AP101: BatchGetItem of the 4 digit-counter items on one score's path."""
        request: dict[str, Any] = {self.table: {"Keys": [counters_key(challenge_id, p) for p in prefixes]}}
        found: dict[str, dict[int, int]] = {}
        while request:
            with translated("Challenge"):
                answer = self._counted(self.client.batch_get_item(RequestItems=request))
            for item in answer.get("Responses", {}).get(self.table, []):
                prefix = item["SK"]["S"].split("#", 1)[1]
                found[prefix] = {
                    int(name[1:]): int(value["N"])
                    for name, value in item.items()
                    if name.startswith("c") and len(name) == 4 and "N" in value
                }
            request = answer.get("UnprocessedKeys") or {}
        return found

    # ---------------------------------------------------------------- trophies
    def put_trophy(self, trophy: Trophy) -> bool:
        """AP103: PutItem ATH#<a>#TROPHY/CHAL#<c> if absent. False: it was already there (a duplicate event)."""
        item: dict[str, Any] = {
            "PK": _s(keys.trophies_pk(trophy.athlete_id)),
            "SK": _s(keys.challenge_sk(trophy.challenge_id)),
            "kind": _s("trophy"),
            "v": _n(1),
            "challenge_id": _n(trophy.challenge_id),
            "athlete_id": _n(trophy.athlete_id),
            "name": _s(trophy.name),
            "challenge_kind": _s(trophy.kind.value),
            "badge_key": _s(trophy.badge_key),
            "completed_at": _s(_iso(trophy.completed_at)),
        }
        if trophy.goal is not None:
            item["goal"] = _n(trophy.goal)
        try:
            with translated("Trophy"):
                self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConflictError:
            return False
        self.items_written += 1
        return True

    def trophies(self, athlete_id: int, limit: int) -> list[Trophy]:
        """AP104: Query PK=ATH#<a>#TROPHY descending (newest challenge first), Limit page*per_page."""
        request = {
            "TableName": self.table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": {":pk": _s(keys.trophies_pk(athlete_id))},
            "ScanIndexForward": False,
            "Limit": min(limit, _QUERY_PAGE),
        }
        return [
            Trophy(
                challenge_id=int(i["challenge_id"]["N"]),
                athlete_id=int(i["athlete_id"]["N"]),
                name=i["name"]["S"],
                kind=Kind(i["challenge_kind"]["S"]),
                goal=_num(i, "goal"),
                badge_key=i["badge_key"]["S"],
                completed_at=datetime.fromisoformat(i["completed_at"]["S"]),
            )
            for i in self._query_all(request, limit)
        ]

    # ---------------------------------------------------------------- what a join backfills
    def segment_exists(self, segment_id: int) -> bool:
        """AP48's key: GetItem SEG#<s>/META, keys only (a segment_time challenge names a real segment)."""
        with translated("Segment"):
            answer = self._counted(
                self.client.get_item(
                    TableName=self.table,
                    Key={"PK": _s(keys.segment_pk(segment_id)), "SK": _s(keys.META)},
                    ProjectionExpression="PK",
                )
            )
        return "Item" in answer

    def activities_between(
        self, athlete_id: int, start_epoch: int, end_epoch: int, limit: int
    ) -> list[tuple[int, ActivityFacts]]:
        """AP105 (AP13's index): Query GSI1 GSI1PK=ATH#<a>#ACT, GSI1SK BETWEEN <start> AND <end - 1>, Limit: the
        athlete's activities that started inside a window, as (activity id, facts)."""
        request = {
            "TableName": self.table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {
                ":pk": _s(keys.athlete_activities_pk(athlete_id)),
                ":lo": _s(keys.athlete_activities_sk(start_epoch, 0)),
                ":hi": _s(keys.athlete_activities_sk(end_epoch - 1, 10**19 - 1)),
            },
            "ProjectionExpression": "activity_id, summary, visibility",
            "Limit": min(limit, _QUERY_PAGE),
        }
        found: list[tuple[int, ActivityFacts]] = []
        for item in self._query_all(request, limit):
            summary = json.loads(item["summary"]["S"])
            found.append(
                (
                    int(item["activity_id"]["N"]),
                    ActivityFacts(
                        sport_type=summary["sport_type"],
                        start_date=datetime.fromisoformat(summary["start_date"]),
                        start_date_local=datetime.fromisoformat(summary["start_date_local"]),
                        visibility=item.get("visibility", {}).get("S", "everyone"),
                        distance=float(summary.get("distance") or 0),
                        moving_time=int(summary.get("moving_time") or 0),
                        total_elevation_gain=float(summary.get("total_elevation_gain") or 0),
                    ),
                )
            )
        return found

    def efforts_between(
        self, athlete_id: int, segment_id: int, start_epoch: int, end_epoch: int, limit: int
    ) -> list[tuple[int, EffortFacts]]:
        """AP106 (AP58's index): Query GSI1 GSI1PK=SEG#<s>#ATH#<a>#EFF, GSI1SK BETWEEN the window's bounds widened
        by 14 h (the sort key is the local start): the athlete's efforts on the segment, as (effort id, facts)."""
        margin = 14 * 3600
        request = {
            "TableName": self.table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk AND GSI1SK BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {
                ":pk": _s(keys.athlete_segment_efforts_pk(segment_id, athlete_id)),
                ":lo": _s(keys.athlete_segment_efforts_sk(max(0, start_epoch - margin), 0)),
                ":hi": _s(keys.athlete_segment_efforts_sk(end_epoch + margin, 10**19 - 1)),
            },
            "Limit": min(limit, _QUERY_PAGE),
        }
        found: list[tuple[int, EffortFacts]] = []
        for item in self._query_all(request, limit):
            hidden = item.get("privacy_hidden", {}).get("BOOL", False) or item.get("flagged", {}).get("BOOL", False)
            found.append(
                (
                    int(item["effort_id"]["N"]),
                    EffortFacts(
                        segment_id=segment_id,
                        sport_type=item["sport_type"]["S"],
                        start_date=_pynamo_time(item["start_date"]["S"]),
                        start_date_local=_pynamo_time(item["start_date_local"]["S"]),
                        elapsed_time=float(item["elapsed_time"]["N"]),
                        present=item["visibility"]["S"] != "only_me" and not hidden,
                    ),
                )
            )
        return found

    # ---------------------------------------------------------------- bulk writes (invitations, benchmark setup)
