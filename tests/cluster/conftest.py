"""The cluster suite (`make test-cluster`): a 3-broker KRaft Kafka and a Redis Cluster of
three primaries with a replica each, from `screener dev up --cluster`, started for the
session and stopped after it.

Ports come from `SCREENER_DEV_CLUSTER_KAFKA_PORT`, `_CONTROLLER_PORT` and `_REDIS_PORT`
(screener/devinfra_cluster.py). Nothing skips: when the cluster cannot start, every test
errors.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from screener import devinfra_cluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[dict[str, str]]:
    yield devinfra_cluster.up()
    devinfra_cluster.down()
