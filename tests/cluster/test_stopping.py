"""`dev down --cluster` stops every process `dev up --cluster` started. It ends the
session's cluster, so its file's name sorts after every other test file of the suite."""

from __future__ import annotations

import socket

import pytest

from screener import devinfra_cluster

pytestmark = pytest.mark.cluster


def test_down_stops_every_process_of_the_cluster(cluster: dict[str, str]) -> None:
    layout = devinfra_cluster.ClusterLayout.from_env()
    stopped = devinfra_cluster.down()
    assert sorted(stopped) == sorted(
        [f"kafka-{n}" for n in (1, 2, 3)]
        + [f"redis-{port}" for port in devinfra_cluster.ClusterLayout.from_env().redis_ports]
        + [service.name for service in devinfra_cluster.sentinel_services(layout)]
    )
    for address in cluster["SCREENER_KAFKA_BOOTSTRAP"].split(","):
        host, port = address.rsplit(":", 1)
        assert not _accepts(host, int(port)), f"{address} still accepts connections"


def _accepts(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True
