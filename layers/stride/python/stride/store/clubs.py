"""Clubs, memberships, join requests, the club feed, weekly boards and group events (AP110-AP129), through boto3.

Membership is two items written in one transaction with the club's ``member_count`` (ADD): the club's side
(``CLUB#<c>#MEMBERS``/``ATH#<a>``, GSI1 ``CLUB#<c>#ADMINS`` when admin) and the athlete's (``ATH#<a>#CLUBS``/
``CLUB#<c>``, carrying the club's time zone for the consumer). A weekly board is one totals item per member and
week (the source of truth), one ranking entry per metric, and bucket counters per ranking, all changed in one
transaction conditional on the totals item's revision. See docs/clubs.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from stride.clubs import rules
from stride.clubs.models import (
    Club,
    Counted,
    FeedEntry,
    GroupEvent,
    JoinRequest,
    Member,
    Membership,
    RankEntry,
    WeekTotals,
)
from stride.errors import ConflictError
from stride.store import keys
from stride.store.counted import CountedRepository
from stride.store.errors import translated

_BATCH_KEYS = 100
FEED_TTL_DAYS = 90


def _s(value: str) -> dict[str, str]:
    return {"S": value}


def _n(value: float) -> dict[str, str]:
    return {"N": str(int(value)) if float(value).is_integer() else str(value)}


def _time(value: datetime) -> dict[str, str]:
    return _s(value.astimezone(UTC).isoformat())


def _parse_time(item: dict[str, Any], name: str) -> datetime:
    return datetime.fromisoformat(item[name]["S"])


def _opt(item: dict[str, Any], name: str) -> str | None:
    return item[name]["S"] if name in item and "S" in item[name] else None


def _num(item: dict[str, Any], name: str, default: int = 0) -> int:
    return int(item[name]["N"]) if name in item and "N" in item[name] else default


def _cancelled_first(exc: ConflictError) -> bool:
    """Whether a cancelled transaction failed on its first item's condition (the item the caller guarded)."""
    reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _club_item(club: Club) -> dict[str, Any]:
    item: dict[str, Any] = {
        "PK": _s(keys.club_pk(club.id)),
        "SK": _s(keys.META),
        "kind": _s("club"),
        "v": _n(1),
        "club_id": _n(club.id),
        "name": _s(club.name),
        "sport_type": _s(club.sport_type),
        "activity_types": _s(json.dumps(club.activity_types)),
        "private": {"BOOL": club.private},
        "timezone": _s(club.timezone),
        "owner_id": _n(club.owner_id),
        "member_count": _n(club.member_count),
        "created_at": _time(club.created_at),
        "updated_at": _time(club.updated_at),
    }
    for name in ("description", "city", "state", "country", "url"):
        value = getattr(club, name)
        if value is not None:
            item[name] = _s(value)
    return item


def _club_from_item(item: dict[str, Any]) -> Club:
    return Club(
        id=_num(item, "club_id"),
        name=item["name"]["S"],
        sport_type=item["sport_type"]["S"],
        timezone=item["timezone"]["S"],
        owner_id=_num(item, "owner_id"),
        created_at=_parse_time(item, "created_at"),
        updated_at=_parse_time(item, "updated_at"),
        description=_opt(item, "description"),
        activity_types=json.loads(_opt(item, "activity_types") or "[]"),
        city=_opt(item, "city"),
        state=_opt(item, "state"),
        country=_opt(item, "country"),
        url=_opt(item, "url"),
        private=bool(item.get("private", {}).get("BOOL", False)),
        member_count=_num(item, "member_count"),
    )


def _member_from_item(item: dict[str, Any]) -> Member:
    return Member(_num(item, "club_id"), _num(item, "athlete_id"), item["role"]["S"], _parse_time(item, "joined_at"))


def _event_from_json(event_id: int, club_id: int, raw: str, joined: int) -> GroupEvent:
    data = json.loads(raw)
    return GroupEvent(
        id=event_id,
        club_id=club_id,
        organizer_id=int(data["organizer_id"]),
        title=data["title"],
        start_date=datetime.fromisoformat(data["start_date"]),
        timezone=data["timezone"],
        created_at=datetime.fromisoformat(data["created_at"]),
        description=data.get("description"),
        sport_type=data.get("sport_type", "Ride"),
        address=data.get("address"),
        start_latlng=data.get("start_latlng") or [],
        route_id=data.get("route_id"),
        segment_id=data.get("segment_id"),
        polyline=data.get("polyline"),
        joined_count=joined,
    )


def _event_json(event: GroupEvent) -> str:
    return json.dumps(
        {
            "organizer_id": event.organizer_id,
            "title": event.title,
            "start_date": event.start_date.astimezone(UTC).isoformat(),
            "timezone": event.timezone,
            "created_at": event.created_at.astimezone(UTC).isoformat(),
            "description": event.description,
            "sport_type": event.sport_type,
            "address": event.address,
            "start_latlng": event.start_latlng,
            "route_id": event.route_id,
            "segment_id": event.segment_id,
            "polyline": event.polyline,
        },
        separators=(",", ":"),
    )


class ClubRepository(CountedRepository):
    """Every club item. ``items_read``/``items_written`` count what this repository asked of DynamoDB (benchmarks)."""

    resource = "Club"

    def _transact(self, items: list[dict[str, Any]]) -> None:
        self.calls += 1
        self.items_written += len(items)
        self.client.transact_write_items(TransactItems=items)

    def _key(self, pk: str, sk: str) -> dict[str, Any]:
        return {"PK": _s(pk), "SK": _s(sk)}

    def _get(self, pk: str, sk: str, *, consistent: bool = False) -> dict[str, Any] | None:
        with translated("Club"):
            answer = self._counted(
                self.client.get_item(TableName=self.table, Key=self._key(pk, sk), ConsistentRead=consistent)
            )
        return answer.get("Item")

    def _batch_get(self, key_list: list[tuple[str, str]], projection: str | None = None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        unique = list(dict.fromkeys(key_list))
        for start in range(0, len(unique), _BATCH_KEYS):
            request: dict[str, Any] = {
                self.table: {"Keys": [self._key(pk, sk) for pk, sk in unique[start : start + _BATCH_KEYS]]}
            }
            if projection:
                request[self.table]["ProjectionExpression"] = projection
            while request:
                with translated("Club"):
                    answer = self._counted(self.client.batch_get_item(RequestItems=request))
                found += answer.get("Responses", {}).get(self.table, [])
                request = answer.get("UnprocessedKeys") or {}
        return found

    def _query(self, *, limit: int | None = None, **request: Any) -> list[dict[str, Any]]:
        """Every page of a Query, up to ``limit`` items."""
        request = {"TableName": self.table, **request}
        found: list[dict[str, Any]] = []
        with translated("Club"):
            while True:
                if limit is not None:
                    request["Limit"] = min(limit - len(found), 1000)
                answer = self._counted(self.client.query(**request))
                found += answer.get("Items", [])
                if "LastEvaluatedKey" not in answer or (limit is not None and len(found) >= limit):
                    return found
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    # ---------------------------------------------------------------- clubs: AP110, AP114
    def create(self, club: Club, joined_at: datetime) -> None:
        """AP110: TransactWriteItems: the club (if new), the owner's member item (GSI1: admins) and membership."""
        club.member_count = 1
        items = [
            {
                "Put": {
                    "TableName": self.table,
                    "Item": _club_item(club),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            *self._member_puts(club, club.owner_id, "owner", joined_at),
        ]
        with translated("Club"):
            self._transact(items)

    def get(self, club_id: int) -> Club | None:
        """AP110: GetItem PK=CLUB#<c>, SK=META."""
        item = self._get(keys.club_pk(club_id), keys.META)
        return _club_from_item(item) if item else None

    def get_many(self, club_ids: Iterable[int]) -> dict[int, Club]:
        """AP110: BatchGetItem of CLUB#<c>/META."""
        found = self._batch_get([(keys.club_pk(c), keys.META) for c in club_ids])
        return {club.id: club for club in map(_club_from_item, found)}

    def update(self, club: Club) -> None:
        """AP114: PutItem of CLUB#<c>/META on condition that the owner is still the one read (fields of the
        admin's edit; ``member_count`` is preserved by re-reading it in the update expression)."""
        fields = {
            "name": _s(club.name),
            "sport_type": _s(club.sport_type),
            "activity_types": _s(json.dumps(club.activity_types)),
            "private": {"BOOL": club.private},
            "timezone": _s(club.timezone),
            "updated_at": _time(club.updated_at),
        }
        removed = []
        for name in ("description", "city", "state", "country", "url"):
            value = getattr(club, name)
            if value is None:
                removed.append(name)
            else:
                fields[name] = _s(value)
        names = {f"#f{i}": name for i, name in enumerate(fields)}
        values = {f":f{i}": value for i, value in enumerate(fields.values())}
        expression = "SET " + ", ".join(f"#f{i} = :f{i}" for i in range(len(fields)))
        if removed:
            names |= {f"#r{i}": name for i, name in enumerate(removed)}
            expression += " REMOVE " + ", ".join(f"#r{i}" for i in range(len(removed)))
        with translated("Club"):
            self.client.update_item(
                TableName=self.table,
                Key=self._key(keys.club_pk(club.id), keys.META),
                UpdateExpression=expression,
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )

    # ---------------------------------------------------------------- members: AP111-AP113, AP116
    def _member_puts(self, club: Club, athlete_id: int, role: str, joined_at: datetime) -> list[dict[str, Any]]:
        member: dict[str, Any] = {
            "PK": _s(keys.club_members_pk(club.id)),
            "SK": _s(keys.athlete_sk(athlete_id)),
            "kind": _s("club_member"),
            "v": _n(1),
            "club_id": _n(club.id),
            "athlete_id": _n(athlete_id),
            "role": _s(role),
            "joined_at": _time(joined_at),
        }
        if role in ("owner", "admin"):
            member["GSI1PK"] = _s(keys.club_admins_pk(club.id))
            member["GSI1SK"] = _s(keys.athlete_sk(athlete_id))
        mirror = {
            "PK": _s(keys.athlete_clubs_pk(athlete_id)),
            "SK": _s(keys.club_sk(club.id)),
            "kind": _s("club_membership"),
            "v": _n(1),
            "club_id": _n(club.id),
            "athlete_id": _n(athlete_id),
            "role": _s(role),
            "timezone": _s(club.timezone),
            "joined_at": _time(joined_at),
        }
        condition = "attribute_not_exists(PK)"
        return [
            {"Put": {"TableName": self.table, "Item": member, "ConditionExpression": condition}},
            {"Put": {"TableName": self.table, "Item": mirror}},
        ]

    def member(self, club_id: int, athlete_id: int, *, consistent: bool = False) -> Member | None:
        """AP111: GetItem PK=CLUB#<c>#MEMBERS, SK=ATH#<a>."""
        item = self._get(keys.club_members_pk(club_id), keys.athlete_sk(athlete_id), consistent=consistent)
        return _member_from_item(item) if item else None

    def members_of(self, club_id: int, athlete_ids: Iterable[int]) -> set[int]:
        """AP111: BatchGetItem of member items: which of ``athlete_ids`` are members."""
        found = self._batch_get(
            [(keys.club_members_pk(club_id), keys.athlete_sk(a)) for a in athlete_ids], projection="athlete_id"
        )
        return {_num(item, "athlete_id") for item in found}

    def members(self, club_id: int, *, limit: int) -> list[Member]:
        """AP111: Query PK=CLUB#<c>#MEMBERS (athlete-id order), Limit ``limit``."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_members_pk(club_id))},
            limit=limit,
        )
        return [_member_from_item(item) for item in items]

    def admins(self, club_id: int, *, limit: int) -> list[Member]:
        """AP112: Query GSI1 GSI1PK=CLUB#<c>#ADMINS (a sparse index: admins and the owner only)."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_admins_pk(club_id))},
            limit=limit,
        )
        return [_member_from_item(item) for item in items]

    def memberships(self, athlete_id: int, *, limit: int | None = None) -> list[Membership]:
        """AP113: Query PK=ATH#<a>#CLUBS (club-id order): the athlete's clubs with their time zones."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.athlete_clubs_pk(athlete_id))},
            limit=limit,
        )
        return [
            Membership(
                _num(i, "club_id"),
                _num(i, "athlete_id"),
                i["role"]["S"],
                i["timezone"]["S"],
                _parse_time(i, "joined_at"),
            )
            for i in items
        ]

    def add_member(self, club: Club, athlete_id: int, joined_at: datetime, *, from_request: bool) -> bool:
        """AP116: TransactWriteItems: member item (if not a member yet), membership, ADD member_count 1, and the
        join request deleted (it must still exist when approving). False if already a member or, when approving,
        the request is gone."""
        items = [
            *self._member_puts(club, athlete_id, "member", joined_at),
            self._add_count(club.id, 1),
        ]
        if from_request:
            items.append(
                {
                    "Delete": {
                        "TableName": self.table,
                        "Key": self._key(keys.club_requests_pk(club.id), keys.athlete_sk(athlete_id)),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                }
            )
        try:
            with translated("Club"):
                self._transact(items)
        except ConflictError as exc:
            reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                return False
            raise
        return True

    def _add_count(self, club_id: int, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": self._key(keys.club_pk(club_id), keys.META),
                "UpdateExpression": "ADD member_count :d",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": {":d": _n(delta)},
            }
        }

    def remove_member(self, club_id: int, athlete_id: int, role: str) -> bool:
        """AP116: TransactWriteItems: member item deleted (if its role is still ``role``), membership deleted,
        ADD member_count -1. False if the member was gone or changed meanwhile."""
        items = [
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": self._key(keys.club_members_pk(club_id), keys.athlete_sk(athlete_id)),
                    "ConditionExpression": "#role = :role",
                    "ExpressionAttributeNames": {"#role": "role"},
                    "ExpressionAttributeValues": {":role": _s(role)},
                }
            },
            {
                "Delete": {
                    "TableName": self.table,
                    "Key": self._key(keys.athlete_clubs_pk(athlete_id), keys.club_sk(club_id)),
                }
            },
            self._add_count(club_id, -1),
        ]
        try:
            with translated("Club"):
                self._transact(items)
        except ConflictError as exc:
            if _cancelled_first(exc):
                return False
            raise
        return True

    def set_roles(self, club: Club, changes: list[tuple[int, str, str]], new_owner: int | None = None) -> bool:
        """AP116: TransactWriteItems: each (athlete, role before, role after) member item updated on condition of
        its role (GSI1 set for admins, removed otherwise), the membership mirror's role, and the club's owner when
        ownership moves. False when a member changed meanwhile."""
        items: list[dict[str, Any]] = []
        for athlete_id, before, after in changes:
            admin = after in ("owner", "admin")
            update = (
                "SET #role = :after, GSI1PK = :gpk, GSI1SK = :gsk"
                if admin
                else "SET #role = :after REMOVE GSI1PK, GSI1SK"
            )
            values = {":after": _s(after), ":before": _s(before)}
            if admin:
                values |= {":gpk": _s(keys.club_admins_pk(club.id)), ":gsk": _s(keys.athlete_sk(athlete_id))}
            items.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": self._key(keys.club_members_pk(club.id), keys.athlete_sk(athlete_id)),
                        "UpdateExpression": update,
                        "ConditionExpression": "#role = :before",
                        "ExpressionAttributeNames": {"#role": "role"},
                        "ExpressionAttributeValues": values,
                    }
                }
            )
            items.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": self._key(keys.athlete_clubs_pk(athlete_id), keys.club_sk(club.id)),
                        "UpdateExpression": "SET #role = :after",
                        "ExpressionAttributeNames": {"#role": "role"},
                        "ExpressionAttributeValues": {":after": _s(after)},
                    }
                }
            )
        if new_owner is not None:
            items.append(
                {
                    "Update": {
                        "TableName": self.table,
                        "Key": self._key(keys.club_pk(club.id), keys.META),
                        "UpdateExpression": "SET owner_id = :o",
                        "ConditionExpression": "owner_id = :old",
                        "ExpressionAttributeValues": {":o": _n(new_owner), ":old": _n(club.owner_id)},
                    }
                }
            )
        try:
            with translated("Club"):
                self._transact(items)
        except ConflictError as exc:
            reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
            if any(r.get("Code") == "ConditionalCheckFailed" for r in reasons):
                return False
            raise
        return True

    # ---------------------------------------------------------------- join requests (AP115)
    def put_request(self, club_id: int, athlete_id: int, requested_at: datetime) -> bool:
        """AP115: PutItem CLUB#<c>#REQUESTS/ATH#<a> if absent. False when already requested."""
        item = {
            "PK": _s(keys.club_requests_pk(club_id)),
            "SK": _s(keys.athlete_sk(athlete_id)),
            "kind": _s("club_join_request"),
            "v": _n(1),
            "club_id": _n(club_id),
            "athlete_id": _n(athlete_id),
            "requested_at": _time(requested_at),
        }
        try:
            with translated("Club"):
                self.client.put_item(TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(PK)")
        except ConflictError:
            return False
        return True

    def request(self, club_id: int, athlete_id: int) -> JoinRequest | None:
        """AP115: GetItem CLUB#<c>#REQUESTS/ATH#<a> (DetailedClub's membership "pending")."""
        item = self._get(keys.club_requests_pk(club_id), keys.athlete_sk(athlete_id))
        return JoinRequest(club_id, athlete_id, _parse_time(item, "requested_at")) if item else None

    def requests(self, club_id: int, *, limit: int) -> list[JoinRequest]:
        """AP115: Query PK=CLUB#<c>#REQUESTS, Limit ``limit``."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_requests_pk(club_id))},
            limit=limit,
        )
        return [JoinRequest(club_id, _num(i, "athlete_id"), _parse_time(i, "requested_at")) for i in items]

    def delete_request(self, club_id: int, athlete_id: int) -> bool:
        """AP115: DeleteItem CLUB#<c>#REQUESTS/ATH#<a> if it exists. False when there was none."""
        try:
            with translated("Club"):
                self.client.delete_item(
                    TableName=self.table,
                    Key=self._key(keys.club_requests_pk(club_id), keys.athlete_sk(athlete_id)),
                    ConditionExpression="attribute_exists(PK)",
                )
        except ConflictError:
            return False
        return True

    # ---------------------------------------------------------------- the club feed (AP117, AP118)
    def feed(self, club_id: int, *, limit: int, before_sk: str | None = None) -> list[FeedEntry]:
        """AP117: Query PK=CLUB#<c>#FEED, descending (newest first), SK < ``before_sk`` when paging."""
        condition, values = "PK = :pk", {":pk": _s(keys.club_feed_pk(club_id))}
        if before_sk:
            condition += " AND SK < :before"
            values[":before"] = _s(before_sk)
        items = self._query(
            KeyConditionExpression=condition, ExpressionAttributeValues=values, ScanIndexForward=False, limit=limit
        )
        return [
            FeedEntry(
                club_id,
                _num(i, "athlete_id"),
                _num(i, "activity_id"),
                i["visibility"]["S"],
                int(i["SK"]["S"].split("#", 1)[0]),
                json.loads(i["entry"]["S"]),
            )
            for i in items
        ]

    def feed_put_op(self, club_id: int, feed_sk: str, entry: FeedEntry) -> dict[str, Any]:
        ttl = entry.start_epoch + FEED_TTL_DAYS * 86400
        return {
            "Put": {
                "TableName": self.table,
                "Item": {
                    "PK": _s(keys.club_feed_pk(club_id)),
                    "SK": _s(feed_sk),
                    "GSI1PK": _s(keys.club_feed_author_pk(club_id, entry.athlete_id)),
                    "GSI1SK": _s(feed_sk),
                    "kind": _s("club_feed_entry"),
                    "v": _n(1),
                    "club_id": _n(club_id),
                    "athlete_id": _n(entry.athlete_id),
                    "activity_id": _n(entry.activity_id),
                    "visibility": _s(entry.visibility),
                    "entry": _s(json.dumps(entry.entry, separators=(",", ":"))),
                    "ttl": _n(ttl),
                },
            }
        }

    def feed_delete_op(self, club_id: int, feed_sk: str) -> dict[str, Any]:
        return {"Delete": {"TableName": self.table, "Key": self._key(keys.club_feed_pk(club_id), feed_sk)}}

    def write_feed(self, ops: list[dict[str, Any]]) -> None:
        """AP117: the feed entries of one activity (PutItem/DeleteItem each; keys are deterministic, so a retry
        rewrites the same items)."""
        for op in ops:
            self.calls += 1
            self.items_written += 1
            with translated("Club"):
                if "Put" in op:
                    self.client.put_item(TableName=self.table, Item=op["Put"]["Item"])
                else:
                    self.client.delete_item(TableName=self.table, Key=op["Delete"]["Key"])

    def author_feed_keys(self, club_id: int, athlete_id: int) -> list[str]:
        """AP118: Query GSI1 GSI1PK=CLUB#<c>#FEED#ATH#<a>, keys only: one member's entries in the club feed."""
        items = self._query(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_feed_author_pk(club_id, athlete_id))},
            ProjectionExpression="SK",
        )
        return [item["SK"]["S"] for item in items]

    def delete_feed_entries(self, club_id: int, sort_keys: list[str]) -> None:
        """AP118: BatchWriteItem deletes of feed entries (25 a call)."""
        requests = [{"DeleteRequest": {"Key": self._key(keys.club_feed_pk(club_id), sk)}} for sk in sort_keys]
        self._batch_write(requests)

    # ---------------------------------------------------------------- what the consumer counted (AP119)
    def counted(self, athlete_id: int, activity_id: int) -> Counted | None:
        """AP119: GetItem PK=ATH#<a>, SK=CLUBACT#<activity> (consistent: the consumer writes it last)."""
        item = self._get(keys.athlete_pk(athlete_id), keys.club_contribution_sk(activity_id), consistent=True)
        if not item:
            return None
        data = json.loads(item["counted"]["S"])
        part = tuple(data["c"]) if data.get("c") else None
        clubs = {int(c): (w, f) for c, (w, f) in data.get("clubs", {}).items()}
        return Counted(part, clubs, data.get("d"))

    def put_counted(self, athlete_id: int, activity_id: int, counted: Counted | None) -> None:
        """AP119: PutItem (or DeleteItem when nothing is counted any more) of ATH#<a>/CLUBACT#<activity>."""
        key = self._key(keys.athlete_pk(athlete_id), keys.club_contribution_sk(activity_id))
        self.calls += 1
        self.items_written += 1
        with translated("Club"):
            if counted is None or not counted.clubs:
                self.client.delete_item(TableName=self.table, Key=key)
                return
            data = {
                "c": list(counted.part) if counted.part else None,
                "clubs": {str(c): list(v) for c, v in counted.clubs.items()},
                "d": counted.digest,
            }
            self.client.put_item(
                TableName=self.table,
                Item={
                    **key,
                    "kind": _s("club_contribution"),
                    "v": _n(1),
                    "activity_id": _n(activity_id),
                    "counted": _s(json.dumps(data, separators=(",", ":"))),
                },
            )

    # ---------------------------------------------------------------- weekly boards (AP120-AP123)
    def week_totals(self, club_id: int, week: str, athlete_id: int, *, consistent: bool = True) -> WeekTotals | None:
        """AP120: GetItem PK=CLUB#<c>#WK#<week>, SK=ATH#<a>."""
        item = self._get(keys.club_week_pk(club_id, week), keys.athlete_sk(athlete_id), consistent=consistent)
        if not item:
            return None
        parts = {int(k): tuple(v) for k, v in json.loads(item["parts"]["S"]).items()}
        return WeekTotals(club_id, week, athlete_id, _num(item, "rev"), parts)

    def week_totals_many(self, club_id: int, week: str, athlete_ids: Iterable[int]) -> dict[int, dict[str, int]]:
        """AP120: BatchGetItem of the members' totals items of one week, projected to the four totals."""
        found = self._batch_get(
            [(keys.club_week_pk(club_id, week), keys.athlete_sk(a)) for a in athlete_ids],
            projection="athlete_id, distance, moving_time, elevation, activities",
        )
        return {_num(i, "athlete_id"): {m: _num(i, m) for m in rules.METRICS} for i in found}

    def commit_week(self, before: WeekTotals | None, after: WeekTotals) -> bool:
        """AP128: TransactWriteItems: the totals item (Put, or Delete when no activity is left) on condition
        of the revision read, Delete/Put of each ranking entry that moves, ADD on the bucket counters. At most
        1 + 4 x 2 + 8 = 17 items. False when the totals item changed meanwhile (read again)."""
        old = before.totals() if before and before.parts else None
        new = after.totals() if after.parts else None
        moves = rules.moves(old, new)
        items = [self._totals_op(before, after, new)]
        for move in moves:
            rank_pk = keys.club_rank_pk(after.club_id, after.week, move.metric)
            if move.old is not None:
                key = self._key(rank_pk, keys.club_rank_sk(move.old, after.athlete_id))
                items.append({"Delete": {"TableName": self.table, "Key": key}})
            if move.new is not None:
                items.append(
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": self.rank_item(after.club_id, after.week, move.metric, move.new, after.athlete_id),
                        }
                    }
                )
        for (metric, bucket), counters in rules.count_deltas(moves).items():
            items.append({"Update": self._count_update(after.club_id, after.week, metric, bucket, counters)})
        try:
            with translated("Club"):
                self._transact(items)
        except ConflictError as exc:
            if _cancelled_first(exc):
                return False
            raise
        return True

    def _totals_op(self, before: WeekTotals | None, after: WeekTotals, new: dict[str, int] | None) -> dict[str, Any]:
        key = self._key(keys.club_week_pk(after.club_id, after.week), keys.athlete_sk(after.athlete_id))
        if before is None:
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(PK)"}
        else:
            condition = {
                "ConditionExpression": "#rev = :rev",
                "ExpressionAttributeNames": {"#rev": "rev"},
                "ExpressionAttributeValues": {":rev": _n(before.rev)},
            }
        if new is None:
            return {"Delete": {"TableName": self.table, "Key": key, **condition}}
        return {
            "Put": {
                "TableName": self.table,
                "Item": self.totals_item(after, (before.rev if before else 0) + 1),
                **condition,
            }
        }

    def totals_item(self, totals: WeekTotals, rev: int) -> dict[str, Any]:
        summed = totals.totals()
        return {
            "PK": _s(keys.club_week_pk(totals.club_id, totals.week)),
            "SK": _s(keys.athlete_sk(totals.athlete_id)),
            "kind": _s("club_week_totals"),
            "v": _n(1),
            "athlete_id": _n(totals.athlete_id),
            "rev": _n(rev),
            **{name: _n(value) for name, value in summed.items()},
            "parts": _s(json.dumps({str(k): list(v) for k, v in sorted(totals.parts.items())}, separators=(",", ":"))),
        }

    def rank_item(self, club_id: int, week: str, metric: str, value: int, athlete_id: int) -> dict[str, Any]:
        return {
            "PK": _s(keys.club_rank_pk(club_id, week, metric)),
            "SK": _s(keys.club_rank_sk(value, athlete_id)),
            "kind": _s("club_rank"),
            "v": _n(1),
            "athlete_id": _n(athlete_id),
            "value": _n(value),
        }

    def _count_update(
        self, club_id: int, week: str, metric: str, bucket: int, counters: dict[str, int]
    ) -> dict[str, Any]:
        names = {f"#c{i}": name for i, name in enumerate(counters)}
        values = {f":c{i}": _n(delta) for i, delta in enumerate(counters.values())}
        adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
        return {
            "TableName": self.table,
            "Key": self._key(keys.club_counts_pk(club_id, week, metric), keys.club_coarse_sk(bucket)),
            "UpdateExpression": f"SET #kind = :kind, #v = :v ADD {adds}",
            "ExpressionAttributeNames": {**names, "#kind": "kind", "#v": "v"},
            "ExpressionAttributeValues": {**values, ":kind": _s("club_count"), ":v": _n(1)},
        }

    def count_item(self, club_id: int, week: str, metric: str, bucket: int, counters: dict[str, int]) -> dict[str, Any]:
        """A whole counter item (benchmark seeding writes the counts the consumer would have ADDed)."""
        return {
            "PK": _s(keys.club_counts_pk(club_id, week, metric)),
            "SK": _s(keys.club_coarse_sk(bucket)),
            "kind": _s("club_count"),
            "v": _n(1),
            **{name: _n(value) for name, value in counters.items()},
        }

    def top(self, club_id: int, week: str, metric: str, limit: int) -> list[RankEntry]:
        """AP121: Query PK=CLUB#<c>#WK#<week>#<metric>, descending (highest first), Limit ``limit``."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_rank_pk(club_id, week, metric))},
            ScanIndexForward=False,
            limit=limit,
        )
        return [RankEntry(_num(i, "athlete_id"), _num(i, "value")) for i in items]

    def coarse_counts(self, club_id: int, week: str, metric: str) -> list[rules.CoarseCounts]:
        """AP122: Query PK=CLUB#<c>#WK#<week>#<metric>#N: one small item per coarse bucket that has entries."""
        items = self._query(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": _s(keys.club_counts_pk(club_id, week, metric))},
        )
        return [
            rules.CoarseCounts(
                int(i["SK"]["S"][len(keys.CLUB_COARSE) :]),
                _num(i, "n"),
                {int(name[1:]): int(v["N"]) for name, v in i.items() if name.startswith("f") and "N" in v},
            )
            for i in items
        ]

    def ahead_in_fine(self, club_id: int, week: str, metric: str, value: int) -> int:
        """AP123: Query PK=CLUB#<c>#WK#<week>#<metric>, SK BETWEEN <value + 1># AND <top of my fine bucket>#~,
        keys only: entries of my fine bucket above my value (none to read when a fine bucket is one unit wide)."""
        top = rules.fine_top(metric, value)
        if top <= value:
            return 0
        items = self._query(
            KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": _s(keys.club_rank_pk(club_id, week, metric)),
                ":lo": _s(keys.club_rank_floor(value + 1)),
                ":hi": _s(keys.club_rank_floor(top) + "~"),
            },
            ProjectionExpression="SK",
        )
        return len(items)

    def delete_week_entry(self, club_id: int, week: str, athlete_id: int) -> bool:
        """AP120 + AP128: a leaving member's totals, ranking entries and counts of one week, in one transaction."""
        before = self.week_totals(club_id, week, athlete_id)
        if before is None:
            return True
        return self.commit_week(before, WeekTotals(club_id, week, athlete_id, before.rev, {}))

    # ---------------------------------------------------------------- group events (AP124-AP127)
    def create_event(self, event: GroupEvent) -> None:
        """AP124: TransactWriteItems: GEVENT#<e>/META and its copy in the club's list CLUB#<c>#EVENTS/<start>#<e>."""
        raw = _event_json(event)
        start = int(event.start_date.timestamp())
        meta = {
            "PK": _s(keys.group_event_pk(event.id)),
            "SK": _s(keys.META),
            "kind": _s("group_event"),
            "v": _n(1),
            "event_id": _n(event.id),
            "club_id": _n(event.club_id),
            "event": _s(raw),
            "joined_count": _n(0),
        }
        listed = {
            "PK": _s(keys.club_events_pk(event.club_id)),
            "SK": _s(keys.club_event_sk(start, event.id)),
            "kind": _s("club_event"),
            "v": _n(1),
            "event_id": _n(event.id),
            "club_id": _n(event.club_id),
            "event": _s(raw),
        }
        with translated("GroupEvent"):
            self._transact(
                [
                    {"Put": {"TableName": self.table, "Item": meta, "ConditionExpression": "attribute_not_exists(PK)"}},
                    {"Put": {"TableName": self.table, "Item": listed}},
                ]
            )

    def event(self, event_id: int) -> GroupEvent | None:
        """AP126: GetItem PK=GEVENT#<e>, SK=META."""
        item = self._get(keys.group_event_pk(event_id), keys.META)
        if not item:
            return None
        return _event_from_json(event_id, _num(item, "club_id"), item["event"]["S"], _num(item, "joined_count"))

    def upcoming_ids(self, club_id: int, after: datetime, *, limit: int) -> list[int]:
        """AP125: Query PK=CLUB#<c>#EVENTS, SK >= <now>, ascending (soonest first), Limit ``limit``."""
        items = self._query(
            KeyConditionExpression="PK = :pk AND SK >= :now",
            ExpressionAttributeValues={
                ":pk": _s(keys.club_events_pk(club_id)),
                ":now": _s(f"{int(after.timestamp()):011d}#"),
            },
            ProjectionExpression="event_id",
            limit=limit,
        )
        return [_num(i, "event_id") for i in items]

    def events(self, event_ids: list[int]) -> list[GroupEvent]:
        """AP126: BatchGetItem of GEVENT#<e>/META (live joined counts), in the order asked."""
        found = {
            _num(i, "event_id"): _event_from_json(
                _num(i, "event_id"), _num(i, "club_id"), i["event"]["S"], _num(i, "joined_count")
            )
            for i in self._batch_get([(keys.group_event_pk(e), keys.META) for e in event_ids])
        }
        return [found[e] for e in event_ids if e in found]

    def rsvps(self, event_ids: list[int], athlete_id: int) -> set[int]:
        """AP127: BatchGetItem of GEVENT#<e>/RSVP#<a>: the events the athlete joined."""
        found = self._batch_get(
            [(keys.group_event_pk(e), keys.rsvp_sk(athlete_id)) for e in event_ids], projection="PK"
        )
        return {int(i["PK"]["S"][len(keys.GROUP_EVENT) :]) for i in found}

    def set_rsvp(self, event_id: int, athlete_id: int, joined: bool, at: datetime) -> bool:
        """AP127: TransactWriteItems: Put RSVP#<a> if absent (or Delete if present) and ADD joined_count +-1.
        False when nothing changed (already joined, or not joined)."""
        key = self._key(keys.group_event_pk(event_id), keys.rsvp_sk(athlete_id))
        if joined:
            first: dict[str, Any] = {
                "Put": {
                    "TableName": self.table,
                    "Item": {
                        **key,
                        "kind": _s("group_event_rsvp"),
                        "v": _n(1),
                        "athlete_id": _n(athlete_id),
                        "joined_at": _time(at),
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        else:
            first = {"Delete": {"TableName": self.table, "Key": key, "ConditionExpression": "attribute_exists(PK)"}}
        count = {
            "Update": {
                "TableName": self.table,
                "Key": self._key(keys.group_event_pk(event_id), keys.META),
                "UpdateExpression": "ADD joined_count :d",
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeValues": {":d": _n(1 if joined else -1)},
            }
        }
        try:
            with translated("GroupEvent"):
                self._transact([first, count])
        except ConflictError as exc:
            if _cancelled_first(exc):
                return False
            raise
        return True


_repository: ClubRepository | None = None


def get_repository() -> ClubRepository:
    global _repository  # noqa: PLW0603 - built once per warm container
    if _repository is None:
        _repository = ClubRepository()
    return _repository
