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

Nothing a bank sends may stall it (issue #10). Fetched records are decoded once and held in
`EventTimeOrder`, which releases partition *n* of the three topics merged by event time (so
a loan is screened after the Stop-credit registration that preceded it on another topic).
A failure of Redis or Kafka (`failures.is_transient`) is retried with backoff for as long
as it lasts; any other failure is retried once, and when the same batch fails again it is
split in halves, recursively, until the record that fails is alone: that record is
dead-lettered as `poison` with the error, and everything else is screened. A worker that
has records to screen but finished no batch for `stall_seconds` says so: the
`screener_worker_stalled` gauge, `/readyz` failing with the reason, and an error log line.
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
from screener.adapters.failures import is_transient
from screener.boundary import reference_time_ms
from screener.event_time_order import EventTimeOrder
from screener.records import OutMessage
from screener.service import Decoded, RawRecord
from screener.settings import Settings

T = TypeVar("T")

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
COMMIT_INTERVAL = 1.0  # seconds; Faust's own default is 2.8
# A batch that fails twice in a row on something other than Redis or Kafka being away is
# taken to fail deterministically (its halves, once known bad, are split at the first).
DETERMINISTIC_AFTER = 2
WATCH_INTERVAL = 1.0  # seconds between checks for a stall

# A customer's transfers, loans and events share a key, hence a partition number on each
# of the three topics (equal partition counts). The range assignor gives each member the
# same partition numbers on every topic, so one worker owns a customer's whole history;
# round-robin would let two workers update one history at once and lose an update.
ASSIGNORS = (RangePartitionAssignor,)


class BatchScreener(Protocol):
    """What the consumer drives (`ScreeningService`)."""

    def decode(self, record: RawRecord) -> Decoded: ...

    async def screen_and_save(self, records: list[Decoded]) -> list[OutMessage]: ...

    async def deliver(self, messages: list[OutMessage]) -> None: ...

    def poison_letter(self, record: RawRecord, error: BaseException) -> OutMessage: ...


class DeterministicFailure(Exception):
    """Work that failed the same way `DETERMINISTIC_AFTER` times, not because Redis or Kafka
    is away: retrying it would stall the partition for good."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


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

    `topics` are given customer events first: records of equal event time are screened in
    that order (a 1414 code before the transfer of the same instant).

    Two batches at most are in flight: while batch N's messages wait for Kafka's acks
    (`deliver`), batch N+1 is screened and saved (`screen_and_save`, which sees N's state,
    since N was saved first). N+1 is handed to delivery only after N is delivered, so
    offsets are committed in order and never ahead of finished work. A batch whose delivery
    failed deterministically is split and screened again record by record (its remembered
    decisions are published again, nothing is written twice) before N+1 is delivered.

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
        self._delivering: asyncio.Task[tuple[list[Decoded], DeterministicFailure] | None] | None = (
            None
        )
        self._consumer: AIOKafkaConsumer | None = None
        self._finished: dict[TopicPartition, int] = {}  # next offsets, not yet committed
        self._committed_at = 0.0
        # Commits run one at a time, so a later commit never lands before an earlier one.
        self._committing = asyncio.Lock()
        self._order: EventTimeOrder[Decoded] = EventTimeOrder(
            self._topics,
            settings.watermark_wait_seconds,
            event_time=lambda item: item.event_time,
            where=lambda item: (item.record.topic, item.record.partition),
        )
        # Partitions this worker screens: changed only under `_screening`, by the rebalance
        # listener, so no batch of a partition handed over is screened after the handover
        # (aiokafka's own assignment changes only after the listener has returned).
        self._owned: set[TopicPartition] = set()
        # When the fetch response that brought each partition's latest records arrived (ms,
        # aiokafka's clock): another partition's "read to its end" counts only if its own
        # high watermark is at least as recent, else a record published before those
        # records may be on the broker unseen.
        self._fetched_at: dict[TopicPartition, int] = {}
        self._in_screening = 0  # records released for screening and not finished yet
        self._progress_at = time.monotonic()
        self._stalled_why: str | None = None
        self._last_error = ""
        self._last_error_at = 0.0
        self._started = False
        self._idle_commit: asyncio.Task[None] | None = None

    def readiness(self) -> tuple[bool, str]:
        """For `/readyz`: whether this worker screens what it is given, and if not, why."""
        if not self._started:
            return False, "not consuming yet"
        if self._stalled_why is not None:
            return False, self._stalled_why
        return True, "ok"

    async def run(self) -> None:
        settings = self._settings
        consumer = AIOKafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            group_id=settings.consumer_group,
            client_id=f"{settings.consumer_group}-worker",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            # A bank that writes in Kafka transactions may abort one: its records are no
            # payments, and screened they were held and entered the customer's history.
            isolation_level="read_committed",
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
        self._started = True
        log.info("consuming %s as group %s", ", ".join(self._topics), settings.consumer_group)
        counts = {topic: len(consumer.partitions_for_topic(topic) or ()) for topic in self._topics}
        if len(set(counts.values())) > 1:
            log.error(
                "input topics differ in partition count %s: one customer's events can reach "
                "different workers, and two workers may then update one history at once",
                counts,
            )
        watchdog = asyncio.create_task(self._watch_for_stalls(consumer))
        try:
            while True:
                fetched = await self._take(consumer)
                read_at_ms = int(time.time() * 1000)  # the event-time check's clock cap
                for tp in fetched:
                    self._fetched_at[tp] = consumer.last_poll_timestamp(tp) or 0
                self._order.add(
                    self._screener.decode(_raw(message, read_at_ms))
                    for tp, messages in fetched.items()
                    if tp in self._owned  # not a partition handed over meanwhile
                    for message in messages
                )
                if self._order.held():
                    await self._screen_released(consumer)
        finally:
            watchdog.cancel()
            if self._idle_commit is not None:
                self._idle_commit.cancel()
            if self._delivering is not None:
                self._delivering.cancel()  # not committed: read again after a restart
            with contextlib.suppress(Exception):  # stopping: what is not committed is re-read
                await asyncio.wait_for(self._commit_finished(), timeout=5)
            await consumer.stop()

    async def _take(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, list[Any]]:
        """Up to `batch_max` records: what has arrived, plus what arrives within
        `batch_wait_seconds` when that is fewer. While records wait for another topic to
        catch up, it returns soon, to release them when their wait is over."""
        limit, wait = self._settings.batch_max, self._settings.batch_wait_seconds
        holding = self._order.held() > 0
        fetched: dict[TopicPartition, list[Any]] = await consumer.getmany(
            timeout_ms=50 if holding else 1000, max_records=limit
        )
        count = sum(len(messages) for messages in fetched.values())
        if count == 0 or count >= limit or wait <= 0:
            return fetched
        await asyncio.sleep(wait)
        more = await consumer.getmany(timeout_ms=0, max_records=limit - count)
        for tp, messages in more.items():
            fetched.setdefault(tp, []).extend(messages)
        return fetched

    async def _screen_released(self, consumer: AIOKafkaConsumer) -> None:
        """Screen what the event-time order releases, in batches of at most `batch_max`."""
        read_to_end = await self._read_to_end(consumer)
        ready, waits = self._order.release(
            lambda tp: TopicPartition(*tp) in read_to_end, time.monotonic()
        )
        for waited in waits:
            metrics.WATERMARK_WAIT_SECONDS.observe(waited)
        limit = self._settings.batch_max
        for start in range(0, len(ready), limit):
            await self._screen(ready[start : start + limit])

    async def _read_to_end(self, consumer: AIOKafkaConsumer) -> set[TopicPartition]:
        """Input partitions with nothing more to fetch as of a fetch response no older than
        the one that brought the latest records of the same partition number on the other
        topics, and those of the input topics that are not this worker's (nothing of theirs
        comes here)."""
        done: set[TopicPartition] = set()
        partitions = {p for t in self._topics for p in consumer.partitions_for_topic(t) or ()}
        for partition in partitions:
            group = [TopicPartition(topic, partition) for topic in self._topics]
            newest = max(self._fetched_at.get(tp, 0) for tp in group)
            for tp in group:
                if tp not in self._owned:
                    done.add(tp)
                    continue
                with contextlib.suppress(IllegalStateError, AssertionError):  # mid-rebalance
                    # Read committed: the end is the last stable offset (records of an
                    # open transaction are not readable yet); the high watermark where
                    # the broker gave none.
                    stable = consumer.last_stable_offset(tp)
                    end = stable if stable is not None and stable >= 0 else consumer.highwater(tp)
                    polled = consumer.last_poll_timestamp(tp) or 0
                    if end is not None and polled >= newest and await consumer.position(tp) >= end:
                        done.add(tp)
        return done

    async def finish_in_flight(self, revoked: Iterable[TopicPartition] = ()) -> None:
        """Return when no batch is being screened or delivered (before a handover); forget
        the held records of `revoked` partitions (their next owner reads them again)."""
        async with self._screening:
            await self._finish_delivery()
            await self._commit_finished()
            revoked = set(revoked)
            self._owned -= revoked
            for tp in revoked:
                self._fetched_at.pop(tp, None)
            self._order.drop([(tp.topic, tp.partition) for tp in revoked])

    async def take_over(self, assigned: Iterable[TopicPartition]) -> None:
        async with self._screening:
            self._owned |= set(assigned)

    @property
    def _client(self) -> AIOKafkaConsumer:
        assert self._consumer is not None, "used only while run() is running"
        return self._consumer

    async def _screen(self, batch: list[Decoded]) -> None:
        async with self._screening:
            # Records fetched before a rebalance may belong to another worker now.
            batch = [
                d
                for d in batch
                if TopicPartition(d.record.topic, d.record.partition) in self._owned
            ]
            if not batch:
                return
            metrics.BATCH_SIZE.observe(len(batch))
            started = time.perf_counter()
            self._in_screening += len(batch)
            try:
                outputs = await self._until_done(
                    partial(self._save, batch),
                    "screening a batch",
                    DETERMINISTIC_AFTER,
                )
            except DeterministicFailure as failure:
                await self._finish_delivery()
                await self._isolate(batch, failure)
                self._batch_done(batch, started)
                return
            await self._finish_delivery()
            self._delivering = asyncio.create_task(self._deliver(batch, outputs, started))

    async def _save(self, batch: list[Decoded]) -> list[OutMessage]:
        outputs = await self._screener.screen_and_save(batch)
        if self._saved_durably is not None:
            # Retried with the screening: after a failover the writes the wait was for may
            # be gone, and screening again (idempotent) writes them to the new primary.
            await self._saved_durably()
        return outputs

    async def _deliver(
        self, batch: list[Decoded], outputs: list[OutMessage], started: float
    ) -> tuple[list[Decoded], DeterministicFailure] | None:
        """Deliver a screened batch; a deterministic failure is returned, for the loop to
        isolate (it must not screen while the next batch is being screened)."""
        try:
            await self._until_done(
                partial(self._screener.deliver, outputs), "publishing a batch", DETERMINISTIC_AFTER
            )
        except DeterministicFailure as failure:
            return batch, failure
        self._batch_done(batch, started)
        if time.monotonic() - self._committed_at >= COMMIT_INTERVAL:
            await self._commit_finished()
        return None

    async def _finish_delivery(self) -> None:
        """Wait for the batch being delivered; isolate its poison record if it failed."""
        if self._delivering is None:
            return
        failed = await asyncio.shield(self._delivering)
        self._delivering = None
        if failed is not None:
            batch, failure = failed
            await self._isolate(batch, failure)
            self._batch_done(batch, time.perf_counter())

    async def _isolate(self, batch: list[Decoded], failure: DeterministicFailure) -> None:
        """Screen and deliver `batch` in halves, recursively, until the record that fails is
        alone; dead-letter it. Halves that pass are finished as any batch. Each split costs
        one failed attempt, so k poison records in n cost about k * log2(n) attempts."""
        if len(batch) == 1:
            [item] = batch
            record = item.record
            log.error(
                "poison record %s[%d]@%d dead-lettered: %r",
                record.topic,
                record.partition,
                record.offset,
                failure.error,
            )
            letter = self._screener.poison_letter(record, failure.error)
            await self._until_done(
                partial(self._screener.deliver, [letter]), "publishing a poison record's letter"
            )
            return
        log.warning(
            "a batch of %d records fails every time (%r): splitting it", len(batch), failure.error
        )
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            try:
                outputs = await self._until_done(partial(self._save, half), "screening a part", 1)
                await self._until_done(
                    partial(self._screener.deliver, outputs), "publishing a part", 1
                )
            except DeterministicFailure as part_failure:
                await self._isolate(half, part_failure)

    def _batch_done(self, batch: list[Decoded], started: float) -> None:
        next_offsets = {
            TopicPartition(d.record.topic, d.record.partition): d.record.offset + 1 for d in batch
        }
        self._finished.update(next_offsets)
        for tp, offset in next_offsets.items():
            metrics.CONSUMER_OFFSET.labels(tp.topic, str(tp.partition)).set(offset)
            highwater = self._client.highwater(tp) if tp in self._owned else None
            if highwater is not None:
                metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(highwater - offset)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        self._in_screening -= len(batch)
        self._progressed()

    def _progressed(self) -> None:
        self._progress_at = time.monotonic()
        # A batch finished: an earlier error is over, and naming it in a later stall sent an
        # operator to Redis while Kafka was away.
        self._last_error = ""
        metrics.LAST_PROGRESS.set(time.time())
        if self._stalled_why is not None:
            log.warning("worker screening again (was: %s)", self._stalled_why)
            self._stalled_why = None
            metrics.WORKER_STALLED.set(0)

    async def _watch_for_stalls(self, consumer: AIOKafkaConsumer) -> None:
        """Every `WATCH_INTERVAL`: with records to screen (held, being screened, or not yet
        fetched) and no batch finished for `stall_seconds`, the worker is stalled."""
        limit = self._settings.operations.stall_seconds
        metrics.WORKER_STALLED.set(0)
        self._progressed()
        while True:
            await asyncio.sleep(WATCH_INTERVAL)
            waiting = self._order.held() + self._in_screening
            with contextlib.suppress(Exception):  # mid-rebalance: counted at the next check
                for tp in consumer.assignment():
                    highwater = consumer.highwater(tp)
                    if highwater is not None:
                        waiting += max(0, highwater - await consumer.position(tp))
            idle_commit = self._idle_commit
            if (
                self._finished
                and time.monotonic() - self._committed_at >= COMMIT_INTERVAL
                and (idle_commit is None or idle_commit.done())
            ):
                # The last batches before a pause are committed without waiting for the
                # next; in a task, so that Kafka being away does not stop these checks.
                self._idle_commit = asyncio.create_task(self._commit_finished())
            if waiting == 0:
                self._progressed()
                continue
            idle = time.monotonic() - self._progress_at
            if idle < limit or self._stalled_why is not None:
                continue
            self._stalled_why = (
                f"stalled: {waiting} records waiting and no batch finished for {idle:.0f} s"
                + (
                    f"; last error {time.monotonic() - self._last_error_at:.0f} s ago: "
                    f"{self._last_error}"
                    if self._last_error
                    else ""
                )
            )
            metrics.WORKER_STALLED.set(1)
            log.error("worker %s", self._stalled_why)

    async def _commit_finished(self) -> None:
        async with self._committing:
            consumer, offsets = self._consumer, self._finished
            if consumer is None or not offsets:
                return
            self._finished = {}
            self._committed_at = time.monotonic()
            try:
                await self._until_done(partial(consumer.commit, offsets), "committing offsets")
            except (CommitFailedError, IllegalStateError) as error:
                # The group rebalanced under us (e.g. after a long stall); the new owner reads
                # these records again and gets the same decisions.
                log.warning("offsets of finished batches not committed (%s)", error)

    async def _until_done(
        self, work: Callable[[], Awaitable[T]], what: str, patience: int | None = None
    ) -> T:
        """`until_done`, remembering the last error for the stall report."""
        return await until_done(work, what, patience, self._note_error)

    def _note_error(self, what: str, error: BaseException) -> None:
        self._last_error = f"{what} failed: {error!r}"[:500]
        self._last_error_at = time.monotonic()


def _raw(message: Any, read_at_ms: int) -> RawRecord:
    return RawRecord(
        topic=message.topic,
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        # A tombstone (null value) is an empty record: a dead letter, like any bad value.
        # Passed on as None it crashed the dead letter's builder, on every restart.
        value=message.value if message.value is not None else b"",
        timestamp_ms=reference_time_ms(message.timestamp, read_at_ms, untimed_at_read_time=True),
    )


async def until_done(
    work: Callable[[], Awaitable[T]],
    what: str,
    patience: int | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
) -> T:
    """Retry idempotent work until it succeeds: Redis or Kafka being down must stall the
    stream (and show in metrics), never skip events. With `patience`, a failure that is not
    Redis or Kafka being away (`is_transient`) is retried only until it happened `patience`
    times, then raised as `DeterministicFailure` for the caller to isolate its record. A
    lost group membership is not retried: it is the caller's to handle."""
    attempt = failures = 0
    while True:
        try:
            return await work()
        except (asyncio.CancelledError, CommitFailedError, IllegalStateError):
            raise
        except Exception as error:
            metrics.BATCH_ERRORS.inc()
            if on_error is not None:
                on_error(what, error)
            if patience is not None and not is_transient(error):
                failures += 1
                if failures >= patience:
                    raise DeterministicFailure(error) from error
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
        await self._consumer.finish_in_flight(revoked)
        for tp in revoked:  # another worker reports these partitions' lag now
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_LAG.remove(tp.topic, str(tp.partition))
                metrics.CONSUMER_OFFSET.remove(tp.topic, str(tp.partition))

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await self._consumer.take_over(assigned)
        log.info("assigned %s", sorted(f"{tp.topic}-{tp.partition}" for tp in assigned))
