"""Reading whole topics back from Kafka, for the commands that treat Kafka as the record
(`screener audit verify`, `screener rebuild`), and the consumer group's committed offsets."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from screener.adapters.kafka_admin import kafka_python_security
from screener.settings import Settings


class TopicUnreadable(RuntimeError):
    """A topic is missing, or could not be read to its end in time."""


def read_records(
    settings: Settings, topic: str, client_id: str, timeout_seconds: float = 300.0
) -> Iterator[Any]:
    """Every record of the topic up to its end as it was when asked, partition by partition
    (kafka-python's records: `topic`, `partition`, `offset`, `key`, `value`, `timestamp`).

    The end offsets are taken first and the records counted against them (rather than
    asking for positions, which kafka-python may wait on for ever after a seek).
    """
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        group_id=None,
        client_id=client_id,
        **kafka_python_security(settings),
    )
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise TopicUnreadable(f"no topic {topic}")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        ends = _offsets(consumer.end_offsets, assigned)
        starts = _offsets(consumer.beginning_offsets, assigned)
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        remaining = {tp for tp in assigned if ends[tp] > starts[tp]}
        deadline = time.monotonic() + timeout_seconds
        while remaining:
            if time.monotonic() > deadline:
                raise TopicUnreadable(f"{topic} could not be read to its end")
            for tp, batch in consumer.poll(timeout_ms=1000).items():
                for message in batch:
                    if message.offset < ends[tp]:
                        yield message
                    if message.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
    finally:
        consumer.close()


# kafka-python 2.2 fails a ListOffsets request that lost its partition's leader (the leader
# moving, as on a topic just created) with AttributeError: its retry path reads an exception
# the future never got (fetcher.py `_fetch_offsets_by_times`). It failed CI once.
_OFFSET_ATTEMPTS = 5


def _offsets(
    ask: Callable[[list[TopicPartition]], dict[TopicPartition, int]],
    partitions: list[TopicPartition],
) -> dict[TopicPartition, int]:
    for attempt in range(1, _OFFSET_ATTEMPTS):
        try:
            return ask(partitions)
        except (AttributeError, KafkaError):
            time.sleep(0.5 * attempt)
    return ask(partitions)


def start_offsets(settings: Settings, topics: Iterable[str]) -> dict[tuple[str, int], int]:
    """The first offset still kept of every partition: above 0 where retention trimmed it."""
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        group_id=None,
        client_id="screener-rebuild-offsets",
        **kafka_python_security(settings),
    )
    try:
        assigned = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        starts = consumer.beginning_offsets(assigned) if assigned else {}
        return {(tp.topic, tp.partition): int(offset) for tp, offset in starts.items()}
    finally:
        consumer.close()


def committed_offsets(settings: Settings, group: str) -> dict[tuple[str, int], int]:
    """(topic, partition) -> the group's committed offset: the next record it will screen."""
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="screener-rebuild-offsets",
        **kafka_python_security(settings),
    )
    try:
        offsets = admin.list_consumer_group_offsets(group)
    finally:
        admin.close()
    return {
        (tp.topic, tp.partition): int(meta.offset)
        for tp, meta in offsets.items()
        if meta.offset >= 0
    }
