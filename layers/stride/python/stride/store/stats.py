"""An athlete's activity totals (AP19-AP20): flat counters per period item, kept with ADD.

Items: ``ATH#<id>`` / ``STATS#ALL``, ``STATS#Y#<yyyy>`` and ``STATS#D#<yyyy-mm-dd>``; counters are number
attributes ``<group>_<field>`` (``run_distance``, ``ride_count``...). pynamodb has no ADD on attribute
names chosen at run time, so this module speaks DynamoDB's own expressions through boto3.
"""

from __future__ import annotations

import time
from decimal import Decimal
from functools import cache
from typing import Any

import boto3

from stride.config import table_settings
from stride.errors import ConflictError
from stride.store import keys
from stride.store.errors import translated

APPLIED_EVENT_DAYS = 7  # an event redelivered later than this is applied again (EventBridge retries 24 h)


@cache
def _client() -> Any:
    return boto3.client("dynamodb")


def _number(value: float) -> dict[str, str]:
    return {"N": str(Decimal(str(round(value, 3))))}


class StatsRepository:
    def __init__(self, client: Any = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        return self._client or _client()

    def apply(
        self, athlete_id: int, event_id: str, deltas: dict[str, dict[str, float]], maxima: dict[str, float]
    ) -> bool:
        """AP19: TransactWriteItems: mark event ``event_id`` applied (if not already) and ADD ``deltas``
        ({period SK: {counter: delta}}) and raise ``maxima`` on STATS#ALL. False if already applied."""
        table = table_settings().table_name
        pk = {"S": keys.athlete_pk(athlete_id)}
        items: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": table,
                    "Item": {
                        "PK": pk,
                        "SK": {"S": keys.stats_event_sk(event_id)},
                        "kind": {"S": "applied_event"},
                        "v": {"N": "1"},
                        "ttl": {"N": str(int(time.time()) + APPLIED_EVENT_DAYS * 86_400)},
                    },
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            }
        ]
        for sk, counters in deltas.items():
            names = {f"#c{i}": name for i, name in enumerate(counters)}
            values = {f":c{i}": _number(delta) for i, delta in enumerate(counters.values())}
            adds = ", ".join(f"#c{i} :c{i}" for i in range(len(counters)))
            items.append(
                {
                    "Update": {
                        "TableName": table,
                        "Key": {"PK": pk, "SK": {"S": sk}},
                        "UpdateExpression": f"SET #kind = :kind, #v = :v ADD {adds}",
                        "ExpressionAttributeNames": {**names, "#kind": "kind", "#v": "v"},
                        "ExpressionAttributeValues": {**values, ":kind": {"S": "stats"}, ":v": {"N": "1"}},
                    }
                }
            )
        try:
            with translated("Stats"):
                self.client.transact_write_items(TransactItems=items)
        except ConflictError as exc:
            reasons = getattr(exc.__cause__, "response", {}).get("CancellationReasons", [])
            if reasons and reasons[0].get("Code") == "ConditionalCheckFailed":
                return False
            raise
        for name, value in maxima.items():
            self._raise_max(athlete_id, name, value)
        return True

    def _raise_max(self, athlete_id: int, name: str, value: float) -> None:
        """AP19: UpdateItem STATS#ALL SET <name> = :v if it is absent or smaller."""
        try:
            with translated("Stats"):
                self.client.update_item(
                    TableName=table_settings().table_name,
                    Key={"PK": {"S": keys.athlete_pk(athlete_id)}, "SK": {"S": keys.STATS_ALL}},
                    UpdateExpression="SET #m = :v",
                    ConditionExpression="attribute_not_exists(#m) OR #m < :v",
                    ExpressionAttributeNames={"#m": name},
                    ExpressionAttributeValues={":v": _number(value)},
                )
        except ConflictError:
            pass  # the stored maximum is already larger

    def read(self, athlete_id: int, year: int, first_day: str, last_day: str) -> dict[str, dict[str, float]]:
        """AP20: BatchGetItem STATS#ALL and STATS#Y#<year>, plus Query SK between STATS#D#<first> and
        STATS#D#<last> (the last 4 weeks: at most 28 items). Returns {"all"|"ytd"|"recent": counters}."""
        table = table_settings().table_name
        pk = keys.athlete_pk(athlete_id)
        out: dict[str, dict[str, float]] = {"all": {}, "ytd": {}, "recent": {}}
        with translated("Stats"):
            got = self.client.batch_get_item(
                RequestItems={
                    table: {
                        "Keys": [
                            {"PK": {"S": pk}, "SK": {"S": keys.STATS_ALL}},
                            {"PK": {"S": pk}, "SK": {"S": keys.stats_year_sk(year)}},
                        ],
                        "ConsistentRead": True,
                    }
                }
            )
            for item in got.get("Responses", {}).get(table, []):
                out["all" if item["SK"]["S"] == keys.STATS_ALL else "ytd"] = _counters(item)
            pages = self.client.get_paginator("query").paginate(
                TableName=table,
                KeyConditionExpression="PK = :pk AND SK BETWEEN :lo AND :hi",
                ExpressionAttributeValues={
                    ":pk": {"S": pk},
                    ":lo": {"S": keys.stats_day_sk(first_day)},
                    ":hi": {"S": keys.stats_day_sk(last_day)},
                },
                ConsistentRead=True,
            )
            for page in pages:
                for item in page.get("Items", []):
                    for name, value in _counters(item).items():
                        out["recent"][name] = out["recent"].get(name, 0.0) + value
        return out


def _counters(item: dict[str, Any]) -> dict[str, float]:
    return {name: float(value["N"]) for name, value in item.items() if "N" in value and name not in {"v", "ttl"}}
