"""Hold status changes to `screener.holds` and audit entries to `screener.audit`, with a
kafka-python producer (acks=all, idempotent: `adapters.kafka_producers`).

The producer is blocking, so every call runs in a worker thread; it is created on first
use, so the API starts (and answers /healthz) while Kafka is still coming up.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from typing import Any

import orjson
from kafka import KafkaProducer

from screener.adapters.kafka_producers import close_producer, kafka_python_producer
from screener.settings import Settings

log = logging.getLogger(__name__)

# An officer waits for the answer: a change Kafka has not acknowledged within this time is
# left in the outbox, where the worker's sweeper republishes it.
SEND_TIMEOUT_SECONDS = 10.0


class HoldChangePublisher:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._topic = settings.topics.holds
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def _get(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = kafka_python_producer(
                    self._settings,
                    client_id="screener-review-api",
                    retries=5,
                    max_block_ms=int(SEND_TIMEOUT_SECONDS * 1000),
                )
            return self._producer

    async def publish(self, changes: Sequence[dict[str, Any]]) -> None:
        """Send the changes keyed by hold id; return once Kafka acknowledged every one."""
        if changes:
            messages = [(change["hold_id"], orjson.dumps(change)) for change in changes]
            await self.send(self._topic, messages)

    async def send(self, topic: str, messages: list[tuple[str, bytes]]) -> None:
        """Send (key, value) messages; return once Kafka acknowledged every one."""
        if messages:
            await asyncio.to_thread(self._send, topic, messages)

    def _send(self, topic: str, messages: list[tuple[str, bytes]]) -> None:
        producer = self._get()
        futures = [
            producer.send(topic, key=key.encode("utf-8"), value=value) for key, value in messages
        ]
        producer.flush(timeout=SEND_TIMEOUT_SECONDS)
        for future in futures:
            future.get(timeout=SEND_TIMEOUT_SECONDS)

    async def ready(self) -> bool:
        """True when the holds topic's metadata can be fetched from Kafka."""
        try:
            partitions = await asyncio.to_thread(self._partitions)
        except Exception as exc:
            log.warning("Kafka is not reachable: %r", exc)
            return False
        return bool(partitions)

    def _partitions(self) -> set[int] | None:
        result: set[int] | None = self._get().partitions_for(self._topic)
        return result

    async def close(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            await asyncio.to_thread(close_producer, producer, 5)
