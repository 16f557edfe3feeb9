"""How the screener's topics are replicated: what the cluster offers unless told otherwise."""

from __future__ import annotations

import pytest

from screener.adapters.kafka_admin import replication_plan
from screener.adapters.kafka_producers import (
    DURABLE_WRITES,
    IdempotentFaustProducer,
    kafka_python_producer,
)
from screener.domain.config import ConfigError
from screener.rules_source import RulesSource
from screener.settings import Settings
from screener.worker.app import create_app


@pytest.mark.parametrize(
    ("brokers", "factor", "in_sync"),
    [(1, 1, 1), (2, 2, 1), (3, 3, 2), (4, 3, 2), (9, 3, 2)],
)
def test_by_default_every_broker_up_to_three_and_one_may_be_down(
    brokers: int, factor: int, in_sync: int
) -> None:
    plan = replication_plan(brokers, None, None)
    assert (plan.replication_factor, plan.min_insync_replicas) == (factor, in_sync)
    assert plan.topic_config == {"min.insync.replicas": str(in_sync)}


def test_the_settings_win_when_the_cluster_can_hold_them() -> None:
    plan = replication_plan(5, 5, 3)
    assert (plan.replication_factor, plan.min_insync_replicas) == (5, 3)
    # One replica on a cluster is only ever what someone asked for.
    assert replication_plan(3, 1, None).replication_factor == 1


@pytest.mark.parametrize(
    ("brokers", "factor", "in_sync", "message"),
    [
        (1, 3, None, "the cluster has 1 broker"),
        (3, None, 4, "choose 1 to the replication factor \\(3\\)"),
        (3, 2, 3, "choose 1 to the replication factor \\(2\\)"),
        (0, None, None, "no live broker"),
    ],
)
def test_a_plan_the_cluster_cannot_hold_is_a_clear_error(
    brokers: int, factor: int | None, in_sync: int | None, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        replication_plan(brokers, factor, in_sync)


def test_replication_settings_come_from_the_environment() -> None:
    env = {"SCREENER_TOPIC_REPLICATION_FACTOR": "3", "SCREENER_TOPIC_MIN_INSYNC_REPLICAS": "2"}
    settings = Settings.from_env(env)
    assert (settings.topic_replication_factor, settings.topic_min_insync_replicas) == (3, 2)
    auto = Settings.from_env({"SCREENER_TOPIC_REPLICATION_FACTOR": "auto"})
    assert auto.topic_replication_factor is None
    with pytest.raises(ConfigError, match="environment"):
        Settings.from_env({"SCREENER_TOPIC_REPLICATION_FACTOR": "three"})


def test_kafka_python_producers_write_with_acks_all_and_idempotence() -> None:
    # With the API version given, nothing connects until the first send.
    producer = kafka_python_producer(
        Settings(kafka_bootstrap="127.0.0.1:1"), linger_ms=5, api_version=(3, 9)
    )
    try:
        assert producer.config["acks"] == -1  # kafka-python's spelling of "all"
        assert producer.config["enable_idempotence"] is True
        assert producer.config["linger_ms"] == 5
    finally:
        producer.close(timeout=0)
    with pytest.raises(ValueError, match="fixed for every screener producer"):
        kafka_python_producer(Settings(), acks=1)
    assert DURABLE_WRITES == {"acks": "all", "enable_idempotence": True}


def test_the_workers_faust_producer_is_idempotent_with_acks_all() -> None:
    # Building the app connects to nothing; the producer's aiokafka settings are read here.
    app = create_app(Settings(kafka_bootstrap="127.0.0.1:1"), RulesSource(None))
    producer = app.producer
    assert isinstance(producer, IdempotentFaustProducer)
    aiokafka_settings = {**producer._settings_default(), **producer._settings_extra()}
    assert aiokafka_settings["enable_idempotence"] is True
    assert aiokafka_settings["acks"] in ("all", -1)
