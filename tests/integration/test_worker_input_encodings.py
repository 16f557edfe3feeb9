"""How banks' producers write records, through the real worker on real Kafka and Redis (the
second black-box probe): compressed batches in every codec Kafka has, and transactions,
committed and aborted. A batch in a codec the worker could not decode stopped it on every
restart; an aborted transaction's transfers were screened, held, and entered the
customer's history."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from aiokafka import AIOKafkaProducer
from kafka import KafkaProducer

from screener.adapters.kafka_producers import close_producer
from tests import factories
from tests.integration.conftest import Deployment
from tests.streams import at

CODECS = ("gzip", "lz4", "zstd", "snappy")


def test_batches_in_every_codec_are_screened(deployment: Deployment) -> None:
    deployment.start_worker()
    topic = deployment.settings.topics.transfers
    sent = {}
    for codec in CODECS:
        producer = KafkaProducer(
            bootstrap_servers=deployment.settings.kafka_bootstrap, compression_type=codec
        )
        try:
            transfers = [factories.transfer() for _ in range(3)]  # one batch of three
            for transfer in transfers:
                producer.send(
                    topic,
                    key=transfer["customer_id"].encode(),
                    value=factories.encode(transfer),
                )
            producer.flush()
        finally:
            close_producer(producer)
        sent[codec] = [t["event_id"] for t in transfers]
    every = [event_id for ids in sent.values() for event_id in ids]
    deployment.wait_for(
        "a decision for every compressed record",
        lambda: all(deployment.decisions_for(event_id) for event_id in every),
    )
    assert deployment.outputs.get("dlq", []) == []
    assert all(len(deployment.decisions_for(event_id)) == 1 for event_id in every)


def test_an_aborted_transactions_transfers_are_never_screened(deployment: Deployment) -> None:
    deployment.start_worker()
    topics = deployment.settings.topics
    customer = factories.customer_id()
    start = datetime.now(factories.ALMATY) - timedelta(minutes=10)
    aborted = [
        factories.transfer(
            customer_id=customer,
            occurred_at=at(start + timedelta(minutes=n)),
            amount="300000.00",
            new_beneficiary=True,
        )
        for n in range(4)
    ]
    committed = factories.transfer(
        customer_id=customer, occurred_at=at(start + timedelta(minutes=5)), amount="300000.00"
    )

    async def produce() -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=deployment.settings.kafka_bootstrap,
            transactional_id=f"{deployment.settings.consumer_group}-bank",
            enable_idempotence=True,
        )
        await producer.start()
        try:
            await producer.begin_transaction()
            for transfer in aborted:
                await producer.send_and_wait(
                    topics.transfers, factories.encode(transfer), key=customer.encode()
                )
            await producer.abort_transaction()
            async with producer.transaction():
                await producer.send_and_wait(
                    topics.transfers, factories.encode(committed), key=customer.encode()
                )
        finally:
            await producer.stop()

    asyncio.run(produce())
    deployment.wait_for(
        "the committed transfer's decision",
        lambda: bool(deployment.decisions_for(committed["event_id"])),
    )
    # The aborted records lie before the committed one on its partition: read, they would
    # have been decided first.
    assert all(deployment.decisions_for(t["event_id"]) == [] for t in aborted)
    [decision] = deployment.decisions_for(committed["event_id"])
    assert decision["verdict"] == "allow", decision["reasons"]
    assert deployment.outputs.get("dlq", []) == []
