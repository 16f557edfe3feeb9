"""Reading the input topics in batches and committing only what is done.

The worker's hot path. One consumer, one batch at a time (the concurrency of one that
faust-streaming's agents need, issue #606, holds here by construction): take what the
consumer has fetched, hand it to `process` (which returns only after the batch's
decisions and Redis writes are done and Kafka acknowledged the outputs), then commit the
batch's offsets. A kill at any point leaves the batch uncommitted, so it is read again
and the screening service's idempotence (remembered decisions, create-once holds) makes
the second pass write nothing twice.

Why not a Faust agent: Faust's stream hands events to an agent one at a time (a task pair
per message in the consumer, a queue, the stream's processors), which cost about 40 % of
the worker's CPU at 3,000 events/s; this loop reads the same records with aiokafka, the
client Faust itself wraps, and costs a few per cent (BENCHMARKS.md, "Measured
alternatives"). The Faust app still hosts the worker: producer, timers, web endpoints.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError

from screener import metrics
from screener.service import RawRecord
from screener.settings import Settings

log = logging.getLogger(__name__)

ProcessBatch = Callable[[list[RawRecord]], Awaitable[None]]


def aiokafka_security(settings: Settings) -> dict[str, Any]:
    """TLS/SASL settings for aiokafka clients (it takes an SSL context, not a file)."""
    protocol = settings.kafka_security_protocol.upper()
    options: dict[str, Any] = {"security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL"):
        options["ssl_context"] = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = settings.kafka_sasl_password
    return options


class BatchConsumer:
    """Consumes `topics` as the consumer group `settings.consumer_group`."""

    def __init__(self, settings: Settings, topics: Iterable[str], process: ProcessBatch) -> None:
        self._settings = settings
        self._topics = tuple(topics)
        self._process = process
        # Held while a batch is in flight: a rebalance waits for it, so partitions are
        # handed over only with their offsets committed.
        self._in_flight = asyncio.Lock()

    async def run(self) -> None:
        settings = self._settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=settings.consumer_group,
            client_id=f"{settings.consumer_group}-worker",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=settings.batch_max,
            session_timeout_ms=int(settings.kafka_session_timeout_seconds * 1000),
            heartbeat_interval_ms=int(settings.kafka_session_timeout_seconds * 1000 / 3),
            **aiokafka_security(settings),
        )
        consumer.subscribe(self._topics, listener=_CommitBeforeHandover(self._in_flight))
        await consumer.start()
        log.info("consuming %s as group %s", ", ".join(self._topics), settings.consumer_group)
        try:
            while True:
                fetched = await consumer.getmany(timeout_ms=1000, max_records=settings.batch_max)
                if fetched:
                    await self._screen(consumer, fetched)
        finally:
            await consumer.stop()

    async def _screen(
        self, consumer: AIOKafkaConsumer, fetched: dict[TopicPartition, list[Any]]
    ) -> None:
        records = [
            RawRecord(
                topic=message.topic,
                partition=message.partition,
                offset=message.offset,
                key=message.key,
                value=message.value,
            )
            for messages in fetched.values()
            for message in messages
        ]
        next_offsets = {tp: messages[-1].offset + 1 for tp, messages in fetched.items()}
        async with self._in_flight:
            await self._process(records)
            try:
                await consumer.commit(next_offsets)
            except CommitFailedError:
                # The group rebalanced under us (e.g. after a long stall); the new owner
                # reads these records again and gets the same decisions.
                log.warning("offsets of a finished batch not committed: group rebalanced")
        for tp, offset in next_offsets.items():
            highwater = consumer.highwater(tp)
            if highwater is not None:
                metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(highwater - offset)


class _CommitBeforeHandover(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, in_flight: asyncio.Lock) -> None:
        self._in_flight = in_flight

    async def on_partitions_revoked(self, revoked: Any) -> None:
        # The batch in flight commits inside the lock; waiting for it here means the next
        # owner starts after our last committed offset, not in the middle of our batch.
        async with self._in_flight:
            pass

    async def on_partitions_assigned(self, assigned: Any) -> None:
        log.info("assigned %s", sorted(f"{tp.topic}-{tp.partition}" for tp in assigned))
