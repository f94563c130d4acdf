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


@cache
def dynamodb_client() -> Any:
    return boto3.client("dynamodb")


def s(value: str) -> dict[str, str]:
    return {"S": value}


class CountedRepository:
    """``items_read``/``items_written`` count DynamoDB items; ``calls`` counts requests (the benchmarks read them)."""

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
