"""On the single dev broker the topics get one replica, and asking for more is a clear
error instead of a topic that cannot be written (the 3-broker case: tests/cluster/)."""

from __future__ import annotations

import dataclasses
import os
import time
import uuid

import pytest
from kafka import KafkaAdminClient

from screener.adapters.kafka_admin import delete_topics, ensure_topics
from screener.domain.config import ConfigError
from screener.settings import Settings

pytestmark = pytest.mark.integration


def test_one_broker_gives_one_replica_and_more_is_refused(services: dict[str, str]) -> None:
    run = uuid.uuid4().hex[:8]
    env = {**os.environ, **services}
    for role in ("transfers", "loans", "customer_events", "decisions", "holds", "dlq"):
        env[f"SCREENER_TOPIC_{role.upper()}"] = f"replication-{run}.{role}"
    settings = Settings.from_env(env)
    try:
        plan = ensure_topics(settings)
        assert (plan.brokers, plan.replication_factor, plan.min_insync_replicas) == (1, 1, 1)
        admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
        try:
            # A topic just created reaches the broker's metadata a moment later.
            deadline = time.monotonic() + 30
            while settings.topics.holds not in admin.list_topics():
                assert time.monotonic() < deadline, "the created topic never appeared"
                time.sleep(0.2)
        finally:
            admin.close()
        too_many = dataclasses.replace(settings, topic_replication_factor=3)
        with pytest.raises(ConfigError, match="the cluster has 1 broker"):
            ensure_topics(too_many)
    finally:
        delete_topics(settings)
