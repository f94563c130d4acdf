"""The base of repositories that speak DynamoDB's low-level API (boto3) and count what they ask for.

Boards and counters (segment leaderboards, challenges, clubs) choose their attributes at run time and write
them in one transaction, which pynamodb's models do not express; they use the client directly. Each counts
items read and written so the benchmarks can show what a request costs in DynamoDB's units.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3

from stride.config import table_settings
from stride.store.errors import translated

BATCH_WRITE = 25  # DynamoDB's BatchWriteItem limit


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb")


def s(value: str) -> dict[str, str]:
    return {"S": value}


class CountedRepository:
    """``items_read``/``items_written`` count DynamoDB items; ``calls`` counts requests (the benchmarks read them).

    ``resource`` names what a store fault is about in the Fault answered to the client."""

    resource = "Item"

    def __init__(self, client: Any = None) -> None:
        self._client = client
        self.items_read = 0
        self.items_written = 0
        self.calls = 0

    @property
    def client(self) -> Any:
        return self._client or dynamodb_client()

    @property
    def table(self) -> str:
        return table_settings().table_name

    def _counted(self, answer: dict[str, Any]) -> dict[str, Any]:
        """Count one read answer (Query, GetItem, BatchGetItem) and hand it back."""
        self.calls += 1
        if "ScannedCount" in answer:
            self.items_read += int(answer["ScannedCount"])
        elif "Item" in answer:
            self.items_read += 1
        elif "Responses" in answer:
            self.items_read += sum(len(items) for items in answer["Responses"].values())
        return answer

    def _batch_write(self, requests: list[dict[str, Any]]) -> None:
        """BatchWriteItem, 25 requests a call, unprocessed ones sent again."""
        for start in range(0, len(requests), BATCH_WRITE):
            chunk = requests[start : start + BATCH_WRITE]
            pending: dict[str, Any] = {self.table: chunk}
            while pending:
                self.calls += 1
                with translated(self.resource):
                    answer = self.client.batch_write_item(RequestItems=pending)
                pending = answer.get("UnprocessedItems") or {}
            self.items_written += len(chunk)

    def write_items(self, items: list[dict[str, Any]]) -> None:
        """Put ``items`` (raw DynamoDB items) in batches: invitations, and the benchmarks' seeding."""
        self._batch_write([{"PutRequest": {"Item": item}} for item in items])
