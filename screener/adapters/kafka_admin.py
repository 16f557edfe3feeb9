"""Topic creation and removal with kafka-python's admin client (dev, tests and first
deployments)."""

from __future__ import annotations

import contextlib
import logging

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from screener.settings import Settings

log = logging.getLogger(__name__)


def ensure_topics(settings: Settings) -> None:
    """Create the contract's topics that do not exist yet, with the configured partitions.

    Input topics and `screener.decisions` share a partition count so a customer's events
    and decisions are co-partitioned.
    """
    names = [getattr(settings.topics, name) for name in settings.topics.__dataclass_fields__]
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="screener-admin",
        **kafka_python_security(settings),
    )
    try:
        existing = set(admin.list_topics())
        missing = [
            NewTopic(
                name=name,
                num_partitions=settings.topic_partitions,
                replication_factor=1,
                topic_configs=topic_configs(settings, name),
            )
            for name in names
            if name not in existing
        ]
        if missing:
            # Another process may create them first; that is as good.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(missing)
            log.info("created topics %s", [t.name for t in missing])
    finally:
        admin.close()


def topic_configs(settings: Settings, name: str) -> dict[str, str]:
    """The audit topic is the record an auditor relies on: Kafka never deletes from it."""
    return {"retention.ms": "-1", "retention.bytes": "-1"} if name == settings.topics.audit else {}


def delete_topics(settings: Settings) -> None:
    """Delete the settings' topics (tests and benchmarks clean up after themselves: a dev
    broker that keeps thousands of partitions spends its heap and CPU on them)."""
    names = {getattr(settings.topics, name) for name in settings.topics.__dataclass_fields__}
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="screener-admin",
        **kafka_python_security(settings),
    )
    try:
        existing = [name for name in admin.list_topics() if name in names]
        if existing:
            admin.delete_topics(existing)
    finally:
        admin.close()


def kafka_python_security(settings: Settings) -> dict[str, object]:
    """TLS/SASL settings passed through to kafka-python clients as they are."""
    options: dict[str, object] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_sasl_mechanism:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = settings.kafka_sasl_password
    if settings.kafka_ssl_cafile:
        options["ssl_cafile"] = settings.kafka_ssl_cafile
    return options
