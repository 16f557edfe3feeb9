"""Every producer the screener runs writes with acks=all and idempotence.

acks=all: Kafka acknowledges a record once every in-sync replica has it (at least the
topics' `min.insync.replicas`, see `kafka_admin.replication_plan`), so a broker that dies
after the acknowledgement loses nothing the worker has committed an offset for.
Idempotence: a send retried after a lost acknowledgement (a broker failover, a cut link)
is written once, not twice, and stays in order within its partition.

Two clients are in use: the worker's Faust app (aiokafka underneath) and kafka-python in
the review API and the traffic generator. Both are built here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from faust.transport.drivers.aiokafka import Producer as FaustAiokafkaProducer
from kafka import KafkaProducer

from screener.adapters.kafka_admin import kafka_python_security
from screener.settings import Settings

log = logging.getLogger(__name__)

DURABLE_WRITES: Mapping[str, Any] = {"acks": "all", "enable_idempotence": True}


class IdempotentFaustProducer(FaustAiokafkaProducer):
    """Faust's aiokafka producer with idempotence on outside transactions too.

    Faust turns idempotence on only for its exactly-once mode, which the worker does not
    use (it commits offsets itself after each batch); the app's `producer_acks` alone
    would let a retried send be written twice.
    """

    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), **DURABLE_WRITES}


def kafka_python_producer(settings: Settings, **options: Any) -> KafkaProducer:
    """A kafka-python producer for the settings' cluster that writes durably; `options`
    (client id, timeouts, linger) are passed through, but not acks or idempotence."""
    overridden = DURABLE_WRITES.keys() & options.keys()
    if overridden:
        raise ValueError(f"{sorted(overridden)} are fixed for every screener producer")
    return KafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        **DURABLE_WRITES,
        **kafka_python_security(settings),
        **options,
    )


def close_producer(producer: KafkaProducer, timeout: float | None = None) -> None:
    """Flush the producer, then close it; `timeout` in seconds for each (None: wait).

    A failed flush raises: records may not have reached Kafka. Once flushed, nothing is
    left to lose, so an error from `close` itself is logged, not raised: kafka-python 2.2
    races there (its sender thread can close the client's wake-up socket between
    `KafkaClient.wakeup`'s check and its use, raising AttributeError on `None.sendall`),
    and a shutdown must not fail on it.
    """
    producer.flush(timeout=timeout)
    try:
        producer.close(timeout)
    except (AttributeError, OSError) as exc:
        log.warning("the Kafka producer raised while closing, after a full flush: %r", exc)
