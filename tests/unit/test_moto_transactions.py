"""The local cloud's moto patch: a cancelled transaction leaves every item as it was, a committed one writes all."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from infrastructure.local_cloud.moto_server import TOUCHED_ITEM_TRANSACTIONS


@pytest.fixture
def table() -> Iterator[object]:
    with mock_aws():
        TOUCHED_ITEM_TRANSACTIONS.install()
        try:
            client = boto3.client("dynamodb", region_name="us-east-1")
            client.create_table(
                TableName="t",
                KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                AttributeDefinitions=[
                    {"AttributeName": "PK", "AttributeType": "S"},
                    {"AttributeName": "SK", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
            )
            client.put_item(TableName="t", Item={"PK": {"S": "a"}, "SK": {"S": "1"}, "n": {"N": "1"}})
            yield client
        finally:
            TOUCHED_ITEM_TRANSACTIONS.remove()


def _items(client: object) -> list[dict[str, object]]:
    return sorted(client.scan(TableName="t")["Items"], key=lambda i: (i["PK"]["S"], i["SK"]["S"]))  # type: ignore[attr-defined]


def test_a_cancelled_transaction_changes_nothing(table: object) -> None:
    before = _items(table)
    with pytest.raises(ClientError) as cancelled:
        table.transact_write_items(  # type: ignore[attr-defined]
            TransactItems=[
                {"Put": {"TableName": "t", "Item": {"PK": {"S": "b"}, "SK": {"S": "1"}}}},
                {
                    "Update": {
                        "TableName": "t",
                        "Key": {"PK": {"S": "a"}, "SK": {"S": "1"}},
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "Put": {
                        "TableName": "t",
                        "Item": {"PK": {"S": "a"}, "SK": {"S": "2"}},
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                },
            ]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert _items(table) == before


def test_a_committed_transaction_writes_every_item(table: object) -> None:
    table.transact_write_items(  # type: ignore[attr-defined]
        TransactItems=[
            {"Put": {"TableName": "t", "Item": {"PK": {"S": "b"}, "SK": {"S": "1"}}}},
            {"Delete": {"TableName": "t", "Key": {"PK": {"S": "a"}, "SK": {"S": "1"}}}},
        ]
    )
    assert [(i["PK"]["S"], i["SK"]["S"]) for i in _items(table)] == [("b", "1")]  # type: ignore[index]
