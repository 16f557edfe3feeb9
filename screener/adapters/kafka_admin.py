"""Topic creation and removal with kafka-python's admin client (dev, tests and first
deployments)."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from screener.domain.config import ConfigError
from screener.settings import Settings

log = logging.getLogger(__name__)

# More copies than three cost disk and produce latency without surviving anything a bank's
# three-zone cluster does not already survive.
MAX_DEFAULT_REPLICATION = 3


@dataclass(frozen=True, slots=True)
class ReplicationPlan:
    """How the screener's topics are replicated on a cluster of `brokers` brokers."""

    brokers: int
    replication_factor: int
    min_insync_replicas: int

    @property
    def topic_config(self) -> dict[str, str]:
        return {"min.insync.replicas": str(self.min_insync_replicas)}


def replication_plan(
    brokers: int, replication_factor: int | None, min_insync_replicas: int | None
) -> ReplicationPlan:
    """The replication the topics get: the settings where given, else what the cluster
    offers (every broker, at most three; min.insync.replicas one less, at least one).

    With acks=all a write is acknowledged once `min_insync_replicas` copies have it, so the
    default survives one broker's loss without losing an acknowledged record and keeps
    accepting writes while one broker is down.
    """
    if brokers < 1:
        raise ConfigError("Kafka reports no live broker; cannot plan topic replication")
    factor = replication_factor or min(brokers, MAX_DEFAULT_REPLICATION)
    if factor < 1 or factor > brokers:
        raise ConfigError(
            f"SCREENER_TOPIC_REPLICATION_FACTOR={factor}: the cluster has {brokers} "
            f"broker(s); choose 1 to {brokers}"
        )
    in_sync = min_insync_replicas or max(1, factor - 1)
    if in_sync < 1 or in_sync > factor:
        raise ConfigError(
            f"SCREENER_TOPIC_MIN_INSYNC_REPLICAS={in_sync}: choose 1 to the replication "
            f"factor ({factor})"
        )
    return ReplicationPlan(brokers, factor, in_sync)


def ensure_topics(settings: Settings) -> ReplicationPlan:
    """Create the contract's topics that do not exist yet, with the configured partitions
    and the cluster's replication (`replication_plan`); return that plan.

    Input topics and `screener.decisions` share a partition count so a customer's events
    and decisions are co-partitioned. Topics that exist are left as they are (replicas are
    moved with Kafka's reassignment tool, not here); one with fewer replicas than the plan is
    logged as a warning.
    """
    names = [getattr(settings.topics, name) for name in settings.topics.__dataclass_fields__]
    admin = KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap,
        client_id="screener-admin",
        **kafka_python_security(settings),
    )
    try:
        plan = replication_plan(
            len(admin.describe_cluster()["brokers"]),
            settings.topic_replication_factor,
            settings.topic_min_insync_replicas,
        )
        existing = set(admin.list_topics())
        missing = [
            NewTopic(
                name=name,
                num_partitions=settings.topic_partitions,
                replication_factor=plan.replication_factor,
                topic_configs={**plan.topic_config, **topic_configs(settings, name)},
            )
            for name in names
            if name not in existing
        ]
        if missing:
            # Another process may create them first; that is as good.
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(missing)
            log.info(
                "created topics %s (replication factor %d, min.insync.replicas %d, %d brokers)",
                [t.name for t in missing],
                plan.replication_factor,
                plan.min_insync_replicas,
                plan.brokers,
            )
        _warn_under_replicated(admin, sorted(existing.intersection(names)), plan)
    finally:
        admin.close()
    return plan


def _warn_under_replicated(
    admin: KafkaAdminClient, names: list[str], plan: ReplicationPlan
) -> None:
    if not names:
        return
    for topic in admin.describe_topics(names):
        replicas = min((len(p["replicas"]) for p in topic["partitions"]), default=0)
        if replicas < plan.replication_factor:
            log.warning(
                "topic %s has %d replica(s) per partition, fewer than the %d planned: "
                "one broker's loss can lose or stop it; add replicas with "
                "kafka-reassign-partitions",
                topic["topic"],
                replicas,
                plan.replication_factor,
            )


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
