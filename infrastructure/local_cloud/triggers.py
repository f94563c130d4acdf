"""Asynchronous triggers as in AWS: S3 notifications and EventBridge rules invoke their functions through SQS
queues moto fills (moto cannot invoke Lambda without Docker); Kinesis mappings poll the stream; SQS event source
mappings poll their queue and invoke the function synchronously with batches, as Lambda's pollers do.

Asynchronous invocation follows Lambda's rules: on a function error the event is retried
``MaximumRetryAttempts`` times (AWS waits about 1 and 2 minutes; locally the waits are ``retry_delays``), then
sent to the function's dead-letter queue with Lambda's message attributes, where it can be replayed.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from infrastructure.local_cloud.provisioner import Delivery, QueueMapping, StreamMapping
from infrastructure.local_cloud.runtime import FunctionPool, InvokeResult

log = logging.getLogger("stride.local_cloud")


class AsyncInvoker:
    """Lambda's asynchronous invocation: retries, then the dead-letter queue."""

    def __init__(self, sqs: Any, queue_url_for_arn: Callable[[str], str], retry_delays: tuple[float, ...]) -> None:
        self.sqs = sqs
        self.queue_url_for_arn = queue_url_for_arn
        self.retry_delays = retry_delays

    def invoke(self, pool: FunctionPool, event: Any) -> InvokeResult:
        request_id = str(uuid.uuid4())
        attempts = 1 + pool.spec.async_retries
        result = InvokeResult(False, None)
        for attempt in range(attempts):
            result = pool.invoke(event, request_id)
            if result.ok:
                return result
            if attempt + 1 < attempts:
                time.sleep(self.retry_delays[min(attempt, len(self.retry_delays) - 1)])
        error = result.payload or {}
        if pool.spec.dead_letter_arn:
            self.sqs.send_message(
                QueueUrl=self.queue_url_for_arn(pool.spec.dead_letter_arn),
                MessageBody=json.dumps(event),
                MessageAttributes={
                    "RequestID": {"DataType": "String", "StringValue": request_id},
                    "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                    "ErrorMessage": {
                        "DataType": "String",
                        "StringValue": str(error.get("errorMessage", "error"))[:1000] or "error",
                    },
                },
            )
            log.warning("%s failed %d times; event sent to its dead-letter queue", pool.spec.function_name, attempts)
        else:
            log.error(
                "%s failed %d times and has no dead-letter queue: event dropped", pool.spec.function_name, attempts
            )
        return result


class QueueDelivery:
    """Long-polls one delivery queue and hands each message to the function asynchronously."""

    def __init__(
        self,
        delivery: Delivery,
        pool: FunctionPool,
        sqs: Any,
        invoker: AsyncInvoker,
        executor: ThreadPoolExecutor,
        stop: threading.Event,
    ) -> None:
        self.delivery, self.pool, self.sqs, self.invoker = delivery, pool, sqs, invoker
        self.executor, self.stop = executor, stop

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.sqs.receive_message(
                    QueueUrl=self.delivery.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
                )
            except Exception:  # moto going away at shutdown
                if self.stop.is_set():
                    return
                log.exception("polling %s", self.delivery.source)
                time.sleep(0.5)
                continue
            for message in response.get("Messages", []):
                self.executor.submit(self._deliver, message)

    def _deliver(self, message: dict[str, Any]) -> None:
        try:
            event = json.loads(message["Body"])
            if self.delivery.kind == "s3" and event.get("Event") == "s3:TestEvent":
                return  # S3 sends one when notifications are configured; Lambda never sees it
            self.invoker.invoke(self.pool, event)
        except Exception:
            log.exception("delivering to %s", self.pool.spec.function_name)
        finally:
            try:
                self.sqs.delete_message(QueueUrl=self.delivery.queue_url, ReceiptHandle=message["ReceiptHandle"])
            except Exception:
                if not self.stop.is_set():
                    log.exception("deleting a delivered message")


class StreamPoller:
    """A Kinesis event source mapping: batches per shard, in order, with partial-failure reporting."""

    def __init__(
        self,
        mapping: StreamMapping,
        pool: FunctionPool,
        kinesis: Any,
        sqs: Any,
        queue_url_for_arn: Callable[[str], str],
        region: str,
        stop: threading.Event,
    ) -> None:
        self.mapping, self.pool, self.kinesis, self.sqs = mapping, pool, kinesis, sqs
        self.queue_url_for_arn, self.region, self.stop = queue_url_for_arn, region, stop
        self._lanes: ThreadPoolExecutor | None = None

    def run(self) -> None:
        shards = self.kinesis.list_shards(StreamName=self.mapping.stream_name)["Shards"]
        lanes = max(1, self.mapping.parallelization)
        self._lanes = ThreadPoolExecutor(lanes * len(shards), thread_name_prefix="stream-lane") if lanes > 1 else None
        for shard in shards:
            threading.Thread(target=self._poll_shard, args=(shard["ShardId"],), daemon=True).start()

    def _poll_shard(self, shard_id: str) -> None:
        iterator = self.kinesis.get_shard_iterator(
            StreamName=self.mapping.stream_name, ShardId=shard_id, ShardIteratorType=self.mapping.starting_position
        )["ShardIterator"]
        while not self.stop.is_set() and iterator:
            try:
                response = self.kinesis.get_records(ShardIterator=iterator, Limit=self.mapping.batch_size)
            except Exception:
                if self.stop.is_set():
                    return
                log.exception("reading shard %s", shard_id)
                time.sleep(0.5)
                continue
            iterator = response.get("NextShardIterator")
            records = response.get("Records", [])
            if not records:
                time.sleep(0.2)
            elif self._lanes is None:
                self._process(shard_id, records)
            else:
                # ParallelizationFactor: the batch splits by partition key hash into concurrent lanes, so each
                # key's records stay in order; the shard moves on once every lane is done, as Lambda checkpoints.
                lanes: dict[int, list[dict[str, Any]]] = {}
                for record in records:
                    lane = zlib.crc32(record["PartitionKey"].encode()) % self.mapping.parallelization
                    lanes.setdefault(lane, []).append(record)
                list(self._lanes.map(lambda batch: self._process(shard_id, batch), lanes.values()))

    def _event(self, shard_id: str, records: list[dict[str, Any]]) -> dict[str, Any]:
        arn = f"arn:aws:kinesis:{self.region}:123456789012:stream/{self.mapping.stream_name}"
        return {
            "Records": [
                {
                    "kinesis": {
                        "kinesisSchemaVersion": "1.0",
                        "partitionKey": r["PartitionKey"],
                        "sequenceNumber": r["SequenceNumber"],
                        "data": base64.b64encode(r["Data"]).decode(),
                        "approximateArrivalTimestamp": r["ApproximateArrivalTimestamp"].timestamp(),
                    },
                    "eventSource": "aws:kinesis",
                    "eventVersion": "1.0",
                    "eventID": f"{shard_id}:{r['SequenceNumber']}",
                    "eventName": "aws:kinesis:record",
                    "invokeIdentityArn": "arn:aws:iam::123456789012:role/local",
                    "awsRegion": self.region,
                    "eventSourceARN": arn,
                }
                for r in records
            ]
        }

    def _process(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        pending = [records]
        retries = 0
        while pending and not self.stop.is_set():
            batch = pending.pop(0)
            result = self.pool.invoke(self._event(shard_id, batch))
            failed_from: int | None = None
            if not result.ok:
                failed_from = 0
            elif self.mapping.report_item_failures and isinstance(result.payload, dict):
                failures = result.payload.get("batchItemFailures") or []
                sequence_numbers = [r["SequenceNumber"] for r in batch]
                indexes = [
                    sequence_numbers.index(f["itemIdentifier"])
                    for f in failures
                    if f.get("itemIdentifier") in sequence_numbers
                ]
                failed_from = min(indexes) if indexes else None
            if failed_from is None:
                retries = 0
                continue
            remaining = batch[failed_from:]
            retries += 1
            limit = self.mapping.max_retries
            if limit >= 0 and retries > limit:
                self._on_failure(shard_id, remaining)
                retries = 0
                continue
            if self.mapping.bisect and len(remaining) > 1:
                half = len(remaining) // 2
                pending[:0] = [remaining[:half], remaining[half:]]
            else:
                pending.insert(0, remaining)
            time.sleep(0.1)

    def _on_failure(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        if not self.mapping.on_failure_arn:
            log.error("dropping %d records of %s after retries", len(records), shard_id)
            return
        self.sqs.send_message(
            QueueUrl=self.queue_url_for_arn(self.mapping.on_failure_arn),
            MessageBody=json.dumps(
                {
                    "requestContext": {
                        "condition": "RetryAttemptsExhausted",
                        "functionArn": self.pool.spec.function_arn,
                    },
                    "KinesisBatchInfo": {
                        "shardId": shard_id,
                        "startSequenceNumber": records[0]["SequenceNumber"],
                        "endSequenceNumber": records[-1]["SequenceNumber"],
                        "batchSize": len(records),
                        "streamArn": self.mapping.stream_name,
                    },
                }
            ),
        )


class QueuePoller:
    """An SQS event source mapping, as Lambda runs it.

    Long-polls the queue for up to ``BatchSize`` messages, invokes the function synchronously with Lambda's SQS
    event, then deletes what succeeded: every message when the function returned normally, all but the
    ``batchItemFailures`` when the mapping reports item failures, none when the function failed. What is not
    deleted comes back after the queue's visibility timeout, and moto moves it to the dead-letter queue of the
    queue's RedrivePolicy once ``maxReceiveCount`` receives are used up, as SQS does.

    One difference, for quick local retries: a failed message's visibility is cut to ``failed_visibility_s``
    (the cloud's first retry delay, in whole seconds) instead of waiting out the queue's timeout.
    """

    def __init__(
        self,
        mapping: QueueMapping,
        pool: FunctionPool,
        sqs: Any,
        region: str,
        stop: threading.Event,
        failed_visibility_s: int = 1,
    ) -> None:
        self.mapping, self.pool, self.sqs, self.region, self.stop = mapping, pool, sqs, region, stop
        self.failed_visibility_s = failed_visibility_s

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.sqs.receive_message(
                    QueueUrl=self.mapping.queue_url,
                    MaxNumberOfMessages=min(self.mapping.batch_size, 10),
                    WaitTimeSeconds=1,
                    MessageSystemAttributeNames=["All"],
                    MessageAttributeNames=["All"],
                )
            except Exception:  # moto going away at shutdown
                if self.stop.is_set():
                    return
                log.exception("polling %s", self.mapping.queue_arn)
                time.sleep(0.5)
                continue
            messages = response.get("Messages", [])
            if messages:
                try:
                    self._process(messages)
                except Exception:
                    if not self.stop.is_set():
                        log.exception("processing a batch of %s", self.mapping.queue_arn)

    def event(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Lambda's SQS event for ``messages`` as ReceiveMessage returned them."""
        return {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": dict(m.get("Attributes", {})),
                    "messageAttributes": {
                        name: {
                            "stringValue": value.get("StringValue"),
                            "binaryValue": (
                                base64.b64encode(value["BinaryValue"]).decode() if "BinaryValue" in value else None
                            ),
                            "stringListValues": [],
                            "binaryListValues": [],
                            "dataType": value["DataType"],
                        }
                        for name, value in (m.get("MessageAttributes") or {}).items()
                    },
                    "md5OfBody": m.get("MD5OfBody"),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": self.mapping.queue_arn,
                    "awsRegion": self.region,
                }
                for m in messages
            ]
        }

    def _process(self, messages: list[dict[str, Any]]) -> None:
        result = self.pool.invoke(self.event(messages))
        failed: set[str] = set()
        if not result.ok:
            failed = {m["MessageId"] for m in messages}
        elif self.mapping.report_item_failures and isinstance(result.payload, dict):
            ids = {m["MessageId"] for m in messages}
            reported = {str(f.get("itemIdentifier")) for f in result.payload.get("batchItemFailures") or []}
            # Lambda treats an identifier it did not send (or an empty one) as the whole batch failing.
            failed = ids if reported - ids else reported
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self.sqs.delete_message_batch(
                QueueUrl=self.mapping.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        retry = [m for m in messages if m["MessageId"] in failed]
        if retry:
            log.warning("%s: %d of %d messages failed", self.pool.spec.function_name, len(retry), len(messages))
            self.sqs.change_message_visibility_batch(
                QueueUrl=self.mapping.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": self.failed_visibility_s}
                    for i, m in enumerate(retry)
                ],
            )
