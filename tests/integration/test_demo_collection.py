"""The demo counts every decision of the traffic it plays (issue: `make demo` on a new machine
reported 0 decisions).

The demo's decisions consumer once left its set-up loop as soon as it had an assignment and
let the position resolve lazily on a later poll; when the broker answered late (a cold JVM,
a topic created moments before), "latest" was fixed after every decision had been written.
These tests make that race certain instead of likely: the position must be known, without
another request to the broker, the moment the consumer is handed over, on a topic that did
not exist a moment before and on one that holds an earlier run's decisions.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from screener.adapters.kafka_admin import delete_topics
from screener.adapters.kafka_producers import close_producer
from screener.demo import collect, decisions_consumer
from screener.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def fresh_settings(services: dict[str, str]) -> Iterator[Settings]:
    """Settings whose topics do not exist yet on the broker."""
    run = uuid.uuid4().hex[:8]
    env = {**os.environ, **services}
    for role in ("transfers", "loans", "customer_events", "decisions", "holds", "dlq"):
        env[f"SCREENER_TOPIC_{role.upper()}"] = f"test-demo-{run}.{role}"
    settings = Settings.from_env(env)
    yield settings
    delete_topics(settings)


def positions_known_now(consumer: KafkaConsumer) -> dict[TopicPartition, int | None]:
    # timeout_ms=0: what the consumer already knows, not what it could still ask the broker.
    return {tp: consumer.position(tp, timeout_ms=0) for tp in consumer.assignment()}


def publish(settings: Settings, records: list[dict[str, str]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for record in records:
        producer.send(settings.topics.decisions, value=json.dumps(record).encode())
    close_producer(producer)


def test_position_is_fixed_on_a_topic_created_moments_before(fresh_settings: Settings) -> None:
    consumer = decisions_consumer(fresh_settings)

    positions = positions_known_now(consumer)
    assert len(positions) == fresh_settings.topic_partitions
    assert set(positions.values()) == {0}, positions

    played = [{"event_id": f"played-{i}", "verdict": "allow"} for i in range(60)]
    publish(fresh_settings, played)
    decisions = collect(consumer, {r["event_id"] for r in played}, deadline_seconds=60)
    assert set(decisions) == {r["event_id"] for r in played}


def test_an_earlier_runs_decisions_are_not_counted(fresh_settings: Settings) -> None:
    decisions_consumer(fresh_settings).close()  # creates the topics, as a first demo run did
    earlier = [{"event_id": f"e-{i}", "verdict": "hold", "run": "earlier"} for i in range(25)]
    publish(fresh_settings, earlier)

    consumer = decisions_consumer(fresh_settings)
    positions = positions_known_now(consumer)
    assert None not in positions.values()
    assert sum(p for p in positions.values() if p is not None) == len(earlier)

    played = [{"event_id": f"e-{i}", "verdict": "allow", "run": "this"} for i in range(40)]
    publish(fresh_settings, played)
    decisions = collect(consumer, {r["event_id"] for r in played}, deadline_seconds=60)
    assert len(decisions) == len(played)
    assert {d["run"] for d in decisions.values()} == {"this"}
