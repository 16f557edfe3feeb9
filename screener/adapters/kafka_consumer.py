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
import contextlib
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any, Protocol, TypeVar

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.coordinator.assignors.range import RangePartitionAssignor
from aiokafka.errors import CommitFailedError, IllegalStateError

from screener import metrics
from screener.records import OutMessage
from screener.service import RawRecord
from screener.settings import Settings

T = TypeVar("T")

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
COMMIT_INTERVAL = 1.0  # seconds; Faust's own default is 2.8

# A customer's transfers, loans and events share a key, hence a partition number on each
# of the three topics (equal partition counts). The range assignor gives each member the
# same partition numbers on every topic, so one worker owns a customer's whole history;
# round-robin would let two workers update one history at once and lose an update.
ASSIGNORS = (RangePartitionAssignor,)


class BatchScreener(Protocol):
    """What the consumer drives (`ScreeningService`)."""

    async def screen_and_save(self, records: list[RawRecord]) -> list[OutMessage]: ...

    async def deliver(self, messages: list[OutMessage]) -> None: ...


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
    """Consumes `topics` as the consumer group `settings.consumer_group`.

    Two batches at most are in flight: while batch N's messages wait for Kafka's acks
    (`deliver`), batch N+1 is screened and saved (`screen_and_save`, which sees N's state,
    since N was saved first). N+1 is handed to delivery only after N is delivered, so
    offsets are committed in order and never ahead of finished work.

    Finished offsets are committed at most every `COMMIT_INTERVAL`, before a rebalance
    hands partitions over, and at a clean stop: a commit per small batch cost a round
    trip each (a tenth of the CPU at 2,000 events/s). A kill re-reads at most that
    interval's events, which get their remembered decisions.
    """

    def __init__(
        self,
        settings: Settings,
        topics: Iterable[str],
        screener: BatchScreener,
        saved_durably: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._settings = settings
        self._topics = tuple(topics)
        self._screener = screener
        # Awaited after each batch is saved, before its outputs and offsets (Redis WAIT).
        self._saved_durably = saved_durably
        # Held while a batch is screened and while the previous one finishes; a rebalance
        # takes it, then waits for the last delivery, so partitions are handed over only
        # with every screened batch delivered and committed.
        self._screening = asyncio.Lock()
        self._delivering: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._finished: dict[TopicPartition, int] = {}  # next offsets, not yet committed
        self._committed_at = 0.0

    async def run(self) -> None:
        settings = self._settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=settings.consumer_group,
            client_id=f"{settings.consumer_group}-worker",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=settings.batch_max,
            # aiokafka keeps one fetch in flight per broker, and partitions left out of it
            # (their earlier records were still being screened) wait until it returns: up
            # to this long when the others have no new data. 20 instead of the default 500
            # bounds that wait; it costs an idle worker 50 small requests a second.
            fetch_max_wait_ms=20,
            partition_assignment_strategy=ASSIGNORS,
            session_timeout_ms=int(settings.kafka_session_timeout_seconds * 1000),
            heartbeat_interval_ms=int(settings.kafka_session_timeout_seconds * 1000 / 3),
            **aiokafka_security(settings),
        )
        consumer.subscribe(self._topics, listener=_FinishBeforeHandover(self))
        self._consumer = consumer
        await consumer.start()
        log.info("consuming %s as group %s", ", ".join(self._topics), settings.consumer_group)
        counts = {topic: len(consumer.partitions_for_topic(topic) or ()) for topic in self._topics}
        if len(set(counts.values())) > 1:
            log.error(
                "input topics differ in partition count %s: one customer's events can reach "
                "different workers, and two workers may then update one history at once",
                counts,
            )
        try:
            while True:
                fetched = await self._take(consumer)
                if fetched:
                    await self._screen(fetched)
        finally:
            if self._delivering is not None:
                self._delivering.cancel()  # not committed: read again after a restart
            with contextlib.suppress(Exception):  # stopping: what is not committed is re-read
                await asyncio.wait_for(self._commit_finished(), timeout=5)
            await consumer.stop()

    async def _take(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, list[Any]]:
        """Up to `batch_max` records: what has arrived, plus what arrives within
        `batch_wait_seconds` when that is fewer."""
        limit, wait = self._settings.batch_max, self._settings.batch_wait_seconds
        fetched: dict[TopicPartition, list[Any]] = await consumer.getmany(
            timeout_ms=1000, max_records=limit
        )
        count = sum(len(messages) for messages in fetched.values())
        if count == 0 or count >= limit or wait <= 0:
            return fetched
        await asyncio.sleep(wait)
        more = await consumer.getmany(timeout_ms=0, max_records=limit - count)
        for tp, messages in more.items():
            fetched.setdefault(tp, []).extend(messages)
        return fetched

    async def finish_in_flight(self) -> None:
        """Return when no batch is being screened or delivered (before a handover)."""
        async with self._screening:
            if self._delivering is not None:
                await asyncio.shield(self._delivering)
            await self._commit_finished()

    @property
    def _client(self) -> AIOKafkaConsumer:
        assert self._consumer is not None, "used only while run() is running"
        return self._consumer

    async def _screen(self, fetched: dict[TopicPartition, list[Any]]) -> None:
        async with self._screening:
            # Records fetched before a rebalance may belong to another worker now.
            owned = self._client.assignment()
            fetched = {tp: messages for tp, messages in fetched.items() if tp in owned}
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
            if not records:
                return
            metrics.BATCH_SIZE.observe(len(records))
            started = time.perf_counter()
            outputs = await until_done(partial(self._save, records), "screening a batch")
            next_offsets = {tp: batch[-1].offset + 1 for tp, batch in fetched.items()}
            if self._delivering is not None:
                await self._delivering
            self._delivering = asyncio.create_task(self._deliver(outputs, next_offsets, started))

    async def _save(self, records: list[RawRecord]) -> list[OutMessage]:
        outputs = await self._screener.screen_and_save(records)
        if self._saved_durably is not None:
            # Retried with the screening: after a failover the writes the wait was for may
            # be gone, and screening again (idempotent) writes them to the new primary.
            await self._saved_durably()
        return outputs

    async def _deliver(
        self, outputs: list[OutMessage], next_offsets: dict[TopicPartition, int], started: float
    ) -> None:
        await until_done(partial(self._screener.deliver, outputs), "publishing a batch")
        self._finished.update(next_offsets)
        for tp, offset in next_offsets.items():
            highwater = self._client.highwater(tp)
            if highwater is not None:
                metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(highwater - offset)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        if time.monotonic() - self._committed_at >= COMMIT_INTERVAL:
            await self._commit_finished()

    async def _commit_finished(self) -> None:
        consumer, offsets = self._consumer, self._finished
        if consumer is None or not offsets:
            return
        self._finished = {}
        self._committed_at = time.monotonic()
        try:
            await until_done(partial(consumer.commit, offsets), "committing offsets")
        except (CommitFailedError, IllegalStateError) as error:
            # The group rebalanced under us (e.g. after a long stall); the new owner reads
            # these records again and gets the same decisions.
            log.warning("offsets of finished batches not committed (%s)", error)


async def until_done(work: Callable[[], Awaitable[T]], what: str) -> T:
    """Retry idempotent work until it succeeds: Redis or Kafka being down must stall the
    stream (and show in metrics), never skip events. A lost group membership is not
    retried: it is the caller's to handle."""
    attempt = 0
    while True:
        try:
            return await work()
        except (asyncio.CancelledError, CommitFailedError, IllegalStateError):
            raise
        except Exception:
            metrics.BATCH_ERRORS.inc()
            delay = RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)]
            log.exception("%s failed; retrying in %.1f s", what, delay)
            await asyncio.sleep(delay)
            attempt += 1


class _FinishBeforeHandover(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, consumer: BatchConsumer) -> None:
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: Any) -> None:
        # The next owner then starts after our last committed offset, not in the middle
        # of a batch we are still writing.
        await self._consumer.finish_in_flight()
        for tp in revoked:  # another worker reports these partitions' lag now
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(tp.topic, str(tp.partition))

    async def on_partitions_assigned(self, assigned: Any) -> None:
        log.info("assigned %s", sorted(f"{tp.topic}-{tp.partition}" for tp in assigned))
