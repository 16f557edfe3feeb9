"""The cluster suite (`make test-cluster`): a 3-broker KRaft Kafka, a Redis Cluster of
three primaries with a replica each, and a Sentinel-managed Redis (primary, replica, three
Sentinels), from `screener dev up --cluster`, started for the session and stopped after it.

Ports come from `SCREENER_DEV_CLUSTER_KAFKA_PORT`, `_CONTROLLER_PORT`, `_REDIS_PORT` and
`_HA_REDIS_PORT` (screener/devinfra_cluster.py). Nothing skips: when the cluster cannot
start, every test errors.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from screener import devinfra_cluster
from screener.adapters.kafka_admin import delete_topics, ensure_topics
from screener.adapters.kafka_producers import kafka_python_producer
from screener.adapters.redis_client import blocking_redis_from_url
from screener.settings import Settings
from tests.integration.conftest import Deployment, isolated_env


@pytest.fixture(scope="session")
def cluster() -> Iterator[dict[str, str]]:
    yield devinfra_cluster.up()
    devinfra_cluster.down()


def _deployment(env: dict[str, str], client_id: str) -> Iterator[Deployment]:
    """A `Deployment` (tests/integration) on `env`: its Redis client follows a Sentinel
    failover or, on a Redis Cluster, reaches every primary (SCAN included). Its keys and
    topics are removed afterwards."""
    settings = Settings.from_env(env)
    ensure_topics(settings)
    client = blocking_redis_from_url(settings.redis_url, socket_timeout=10.0, retry_on_timeout=True)
    deployment = Deployment(
        env=env,
        settings=settings,
        redis=client,
        producer=kafka_python_producer(settings, client_id=client_id),
    )
    yield deployment
    deployment.stop()
    for key in client.scan_iter(f"{settings.redis_prefix}*", count=1000):
        client.delete(key)
    client.close()
    delete_topics(settings)


@pytest.fixture
def cluster_deployment(cluster: dict[str, str]) -> Iterator[Deployment]:
    """On the 3 brokers and the Sentinel-managed Redis: its own topics, consumer group and
    Redis prefix."""
    yield from _deployment(isolated_env(cluster, "cluster"), "cluster-test")


@pytest.fixture
def redis_cluster_deployment(cluster: dict[str, str]) -> Iterator[Deployment]:
    """On the 3 brokers and the Redis Cluster (`SCREENER_REDIS_URL` set to the cluster's
    URL, as an operator would): its own topics, consumer group and prefix."""
    env = isolated_env(
        {**cluster, "SCREENER_REDIS_URL": cluster["SCREENER_REDIS_CLUSTER_URL"]}, "rcluster"
    )
    yield from _deployment(env, "redis-cluster-test")
