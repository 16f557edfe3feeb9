"""`dev down --cluster` stops every process `dev up --cluster` started, and a later
`dev up --cluster` on the same state comes back from it. It ends the session's cluster, so
its file's name sorts after every other test file of the suite."""

from __future__ import annotations

import logging
import socket

import pytest

from screener import devinfra, devinfra_cluster

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


def test_up_after_down_rejoins_the_redis_cluster_from_its_own_state(
    cluster: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # As after a session ends: every process stopped, the state directory kept.
    devinfra_cluster.down()
    layout = devinfra_cluster.ClusterLayout.from_env()
    devinfra.ensure_all_running(devinfra_cluster.redis_services(layout), layout)
    # Right after the restart, before the nodes have reconnected, each one already knows
    # the cluster from its nodes.conf: forming it again is what redis-cli refuses.
    assert not any(devinfra_cluster.never_in_a_cluster(port) for port in layout.redis_ports)
    with caplog.at_level(logging.INFO, logger="screener.devinfra"):
        assert devinfra_cluster.up() == cluster
    assert "forming a cluster" not in caplog.text
    state, roles = devinfra_cluster.redis_cluster_view(layout.redis_ports[0])
    assert (state, sorted(roles)) == ("ok", ["master"] * 3 + ["slave"] * 3)
    devinfra_cluster.down()


def _accepts(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True
