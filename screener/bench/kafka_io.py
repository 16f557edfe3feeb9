"""Producing and watching the benchmark's topics with aiokafka, from one asyncio loop.

Latencies are measured against the *scheduled* send time of each event, not the moment the
producer got round to it, so a producer that falls behind shows up as latency instead of
hiding it (no coordinated omission). Times are wall-clock seconds in this one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from screener.bench.results import Throughput
from screener.traffic.sinks import ProgressBar


@dataclass(frozen=True, slots=True)
class BenchRecord:
    topic: str
    key: bytes
    value: bytes
    event_id: str
    screened: bool  # a transfer or a loan: it gets a decision


def bench_records(
    records: Iterable[tuple[str, dict[str, Any]]], topic_of: Callable[[str], str]
) -> list[BenchRecord]:
    return [
        BenchRecord(
            topic=topic_of(role),
            key=str(event["customer_id"]).encode(),
            value=orjson.dumps(event),
            event_id=event["event_id"],
            screened=role in ("transfers", "loans"),
        )
        for role, event in records
    ]


def _producer(bootstrap: str, linger_ms: int) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=linger_ms, max_batch_size=262_144
    )


async def produce_all(bootstrap: str, records: Sequence[BenchRecord]) -> Throughput:
    """Produce as fast as the producer goes (batched); returns once all are acknowledged."""
    producer = _producer(bootstrap, linger_ms=5)
    await producer.start()
    bar = ProgressBar(len(records), "events produced")
    started = time.perf_counter()
    try:
        pending = []
        for index, record in enumerate(records):
            pending.append(await producer.send(record.topic, record.value, key=record.key))
            if len(pending) >= 10_000:
                await asyncio.gather(*pending)
                pending = []
                bar.update(index + 1)
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    bar.finish(len(records))
    return Throughput(len(records), 0, time.perf_counter() - started)


async def _assigned_consumer(
    bootstrap: str, topics: Sequence[str], partitions: int, from_start: bool
) -> AIOKafkaConsumer:
    """A consumer without a group, assigned every partition of `topics` (the benchmark
    created them with `partitions` each), at the start or at the end."""
    # 10 ms: a watcher must see a record as soon as it is there, not after the default 500 ms.
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        fetch_max_wait_ms=10,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    await consumer.start()
    assigned = [TopicPartition(topic, n) for topic in topics for n in range(partitions)]
    consumer.assign(assigned)
    if from_start:
        await consumer.seek_to_beginning(*assigned)
    else:
        await consumer.seek_to_end(*assigned)
    for partition in assigned:  # resolve the positions now, before anything is produced
        await consumer.position(partition)
    return consumer


async def read_and_parse(
    bootstrap: str, topics: Sequence[str], partitions: int, expected: int
) -> Throughput:
    """The ceiling: a plain consumer reading the topics from the start and parsing each
    value with orjson, timed from its first fetch to its last record."""
    consumer = await _assigned_consumer(bootstrap, topics, partitions, from_start=True)
    count = 0
    started = time.perf_counter()  # positioned at the start: from here on it only reads
    try:
        while count < expected:
            batches = await consumer.getmany(timeout_ms=1_000, max_records=10_000)
            if not batches and count:
                raise RuntimeError(f"the ceiling consumer stalled at {count}/{expected}")
            for records in batches.values():
                for record in records:
                    orjson.loads(record.value)
                count += len(records)
        elapsed = time.perf_counter() - started
    finally:
        await consumer.stop()
    return Throughput(count, 0, elapsed)


class TopicWatcher:
    """Reads topics in the background and notes, per event id, when it was seen.

    `seen[event_id]` is (the record's timestamp in seconds, the wall time it arrived here).
    """

    def __init__(
        self, bootstrap: str, topics: Sequence[str], partitions: int, from_start: bool
    ) -> None:
        self._bootstrap, self._topics, self._from_start = bootstrap, topics, from_start
        self._partitions = partitions
        self.seen: dict[str, tuple[float, float]] = {}
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = await _assigned_consumer(
            self._bootstrap, self._topics, self._partitions, self._from_start
        )
        self._task = asyncio.create_task(self._run(self._consumer))

    async def _run(self, consumer: AIOKafkaConsumer) -> None:
        seen = self.seen
        while True:
            batches = await consumer.getmany(timeout_ms=100, max_records=5_000)
            arrived = time.time()
            for records in batches.values():
                for record in records:
                    event_id = orjson.loads(record.value)["event_id"]
                    if event_id not in seen:
                        seen[event_id] = (record.timestamp / 1000, arrived)

    async def wait_for(
        self,
        event_ids: Sequence[str],
        timeout: float,
        alive: Callable[[], bool] = lambda: True,
        what: str = "decisions",
    ) -> None:
        """Until every id was seen; fails on `timeout`, on no progress for 120 s, or when
        `alive()` turns false (the worker died)."""
        missing = [event_id for event_id in event_ids if event_id not in self.seen]
        bar = ProgressBar(len(event_ids), what)
        started = last_progress = time.monotonic()
        while missing:
            await asyncio.sleep(0.2)
            before = len(missing)
            missing = [event_id for event_id in missing if event_id not in self.seen]
            bar.update(len(event_ids) - len(missing))
            now = time.monotonic()
            if len(missing) < before:
                last_progress = now
            if not alive():
                raise RuntimeError(f"the worker exited with {len(missing)} {what} missing")
            if now - started > timeout or now - last_progress > 120:
                raise RuntimeError(f"timed out with {len(missing)} of {len(event_ids)} {what}")
        bar.finish(len(event_ids))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer is not None:
            await self._consumer.stop()


async def produce_paced(
    bootstrap: str, records: Sequence[BenchRecord], rate: float, linger_ms: int = 5
) -> dict[str, float]:
    """Produce at `rate` events a second against a fixed schedule; returns each event's
    scheduled send time (wall clock).

    A 5 ms linger batches the sends as a bank's gateway would; with none, every event is its
    own produce request and, on a small machine, the broker's CPU goes to request handling
    that the worker then lacks. The plain consumer's latency, the ceiling, includes it too.
    """
    producer = _producer(bootstrap, linger_ms=linger_ms)
    await producer.start()
    scheduled: dict[str, float] = {}
    pending = []
    try:
        start = time.time() + 0.1
        for index, record in enumerate(records):
            due = start + index / rate
            ahead = due - time.time()
            if ahead > 0.001:
                await asyncio.sleep(ahead)
            scheduled[record.event_id] = due
            pending.append(await producer.send(record.topic, record.value, key=record.key))
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    late = time.time() - (start + len(records) / rate)
    if late > 1:
        print(f"  (the producer finished {late:.1f} s behind schedule)", file=sys.stderr)
    return scheduled
