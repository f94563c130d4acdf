"""The sample events of the live functions (events/kinesis, events/websocket) are what the handlers read."""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.data_classes import KinesisStreamEvent

from stride.live.ingest import decode
from stride.live.track import Point
from stride.live.watchers import principal_from
from tests.conftest import ROOT

EVENTS = ROOT / "events"


def test_kinesis_samples_decode_to_points_and_finish_records() -> None:
    kinds = []
    for name in ("live_points.json", "live_finish.json"):
        event = KinesisStreamEvent(json.loads((EVENTS / "kinesis" / name).read_text()))
        for record in event.records:
            message = decode(record.kinesis.data_as_bytes())
            assert str(message["session_id"]) == record.kinesis.partition_key
            kinds.append(message["kind"])
            for raw in message.get("points", []):
                assert Point.from_json(raw).time_ms == round(raw["time"] * 1000)
    assert kinds == ["points", "points", "finish"]


def test_websocket_samples_carry_the_authorizer_context() -> None:
    event = json.loads((EVENTS / "websocket" / "subscribe.json").read_text())
    principal = principal_from(event["requestContext"]["authorizer"])
    assert principal.caller is not None and principal.caller.athlete_id == 386976901859970917
    assert "activity:read" in principal.caller.scopes and "MEMBER" in principal.caller.groups
    assert json.loads(event["body"])["action"] == "subscribe"
    share = principal_from({"kind": "share", "session_id": "42", "principalId": "share-42"})
    assert share.caller is None and share.share_session_id == 42
    authorizer = json.loads((EVENTS / "websocket" / "connect_authorizer.json").read_text())
    assert authorizer["type"] == "REQUEST" and "token" in authorizer["queryStringParameters"]
