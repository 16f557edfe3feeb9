"""`screener dev up --cluster`: a 3-broker Kafka, a 6-node Redis Cluster and a
Sentinel-managed Redis (primary, replica, three Sentinels) on loopback.

The production topology in miniature (deploy/README.md), for the tests that kill a broker
or a Redis primary: three KRaft processes, each a broker and a controller (a quorum of
three voters, any one may die), with 384 MB heaps so the three fit beside everything
else on a 2-core machine; and a Redis Cluster of three primaries with a replica each.
Same Maven jars and Debian package as the single-node setup of `screener.devinfra`, whose
process handling (pid files, logs, readiness, `down`) it shares.

Ports, each the first of a consecutive run:

| setting | default | ports |
|---|---|---|
| `SCREENER_DEV_CLUSTER_KAFKA_PORT` | 9094 | 3 brokers |
| `SCREENER_DEV_CLUSTER_CONTROLLER_PORT` | 9097 | 3 controllers |
| `SCREENER_DEV_CLUSTER_REDIS_PORT` | 7000 | 6 Redis nodes (their cluster bus: each port + 10000) |
| `SCREENER_DEV_CLUSTER_HA_REDIS_PORT` | 7010 | Redis primary, its replica, 3 Sentinels |

`up` prints `SCREENER_REDIS_URL` (the Sentinel-managed Redis) and
`SCREENER_REDIS_CLUSTER_URL` (the Redis Cluster). The worker runs on either: set
`SCREENER_REDIS_URL` to the cluster's URL to screen on the Redis Cluster, with the
hash-tagged key layout (screener/adapters/redis_cluster_store.py). The review API's
audited steps still span slots: it runs on the Sentinel URL (deploy/README.md §3).

State lives in `$SCREENER_DEV_HOME/cluster` (logs in `logs/`, pid files in `run/`).
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis

from screener import devinfra, devinfra_sentinel
from screener.devinfra import HOST, DevInfraError, KafkaNode, Service

log = logging.getLogger("screener.devinfra")

BROKERS = 3
REDIS_PRIMARIES = 3
REDIS_NODES = 2 * REDIS_PRIMARIES  # a replica for each primary
KAFKA_HEAP = "384m"
CLUSTER_READY_TIMEOUT_S = 120.0
# How long a Redis primary may be unreachable before its replica is promoted.
REDIS_NODE_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class ClusterLayout(devinfra.DevLayout):
    @classmethod
    def from_env(cls) -> ClusterLayout:
        single = devinfra._Layout.from_env()
        return cls(
            cache=single.cache,
            state=single.state / "cluster",
            kafka_port=devinfra.port_from_env("SCREENER_DEV_CLUSTER_KAFKA_PORT", 9094),
            controller_port=devinfra.port_from_env("SCREENER_DEV_CLUSTER_CONTROLLER_PORT", 9097),
            redis_port=devinfra.port_from_env("SCREENER_DEV_CLUSTER_REDIS_PORT", 7000),
        )

    @property
    def kafka_nodes(self) -> tuple[KafkaNode, ...]:
        return tuple(
            KafkaNode(
                node_id=index + 1,
                broker_port=self.kafka_port + index,
                controller_port=self.controller_port + index,
                home=self.state / f"kafka-{index + 1}",
            )
            for index in range(BROKERS)
        )

    @property
    def redis_ports(self) -> tuple[int, ...]:
        return tuple(self.redis_port + index for index in range(REDIS_NODES))

    @property
    def kafka_bootstrap(self) -> str:
        return ",".join(f"{HOST}:{node.broker_port}" for node in self.kafka_nodes)

    @property
    def redis_url(self) -> str:
        # Every node, not only today's primaries: any of them can seed the client's view of
        # the cluster after a failover.
        return "redis+cluster://" + ",".join(f"{HOST}:{port}" for port in self.redis_ports)

    @property
    def sentinel(self) -> devinfra_sentinel.SentinelLayout:
        return devinfra_sentinel.SentinelLayout.from_state(self.state)


def up() -> dict[str, str]:
    """Ensure the Kafka cluster, the Redis Cluster and the Sentinel-managed Redis run;
    return the settings for them."""
    layout = ClusterLayout.from_env()
    redis_services, kafka_services = _services(layout)
    devinfra.ensure_all_running(redis_services, layout)
    _form_redis_cluster(layout)
    devinfra.ensure_all_running(sentinel_services(layout), layout)
    _wait_for(
        f"{devinfra_sentinel.SENTINELS} Sentinels watching a primary with a replica in sync",
        functools.partial(devinfra_sentinel.formed, layout.sentinel),
        layout,
    )
    devinfra.ensure_all_running(kafka_services, layout)
    # Every broker, asked on its own port, must list all of them: a broker that has just
    # joined can answer before its metadata has the last one (seen: 2 of 3 on one port).
    _wait_for(
        f"{BROKERS} Kafka brokers, each listing all of them",
        lambda: all(
            devinfra.kafka_broker_count(address) == BROKERS
            for address in layout.kafka_bootstrap.split(",")
        ),
        layout,
    )
    return {
        "SCREENER_KAFKA_BOOTSTRAP": layout.kafka_bootstrap,
        # The API needs one slot per audited step, which the Redis Cluster does not give it
        # yet; the worker runs on either URL.
        "SCREENER_REDIS_URL": layout.sentinel.url,
        "SCREENER_REDIS_CLUSTER_URL": layout.redis_url,
    }


def down() -> list[str]:
    """Stop what `up()` started; return the names of the stopped processes."""
    layout = ClusterLayout.from_env()
    redis_services, kafka_services = _services(layout)
    return devinfra.stop_all((*redis_services, *sentinel_services(layout), *kafka_services), layout)


def kafka_services(layout: ClusterLayout) -> list[Service]:
    """The three brokers (for tests that kill one)."""
    return _services(layout)[1]


def redis_services(layout: ClusterLayout) -> list[Service]:
    """The Redis Cluster's nodes, named `redis-<port>`."""
    return _services(layout)[0]


def sentinel_services(layout: ClusterLayout) -> list[Service]:
    """The Sentinel-managed Redis's data nodes and Sentinels (for tests that kill one)."""
    return devinfra_sentinel.services(layout.sentinel, layout.logs)


def redis_cluster_view(port: int) -> tuple[str, list[str]]:
    """One node's `cluster_state` and the roles (`master`, `slave`) of the nodes it knows
    to be up, from CLUSTER INFO and CLUSTER NODES."""
    with redis.Redis(host=HOST, port=port, socket_timeout=2.0, decode_responses=True) as node:
        state = node.execute_command("CLUSTER INFO")["cluster_state"]
        nodes = node.execute_command("CLUSTER NODES")
    lines = nodes.values() if isinstance(nodes, dict) else []
    roles: list[str] = []
    for entry in lines:
        flags = set(entry["flags"].split(","))
        if entry.get("connected") and not flags & {"fail", "fail?", "handshake", "noaddr"}:
            roles.extend(role for role in ("master", "slave") if role in flags)
    return state, roles


def never_in_a_cluster(port: int) -> bool:
    """The node knows no node but itself and serves no slot: it has no nodes.conf yet."""
    with redis.Redis(host=HOST, port=port, socket_timeout=2.0, decode_responses=True) as node:
        info = node.execute_command("CLUSTER INFO")
    return int(info["cluster_known_nodes"]) == 1 and int(info["cluster_slots_assigned"]) == 0


def _services(layout: ClusterLayout) -> tuple[list[Service], list[Service]]:
    redis_services = [
        Service(
            name=f"redis-{port}",
            cmdline_marker="redis-server",
            ports=(port, port + 10000),
            ready_timeout_s=devinfra.REDIS_READY_TIMEOUT_S,
            answers=functools.partial(devinfra.redis_answers, f"redis://{HOST}:{port}/0"),
            prepare=functools.partial(_prepare_redis_node, layout, port),
        )
        for port in layout.redis_ports
    ]
    kafka_services = [
        Service(
            name=f"kafka-{node.node_id}",
            cmdline_marker="kafka.Kafka",
            ports=(node.broker_port, node.controller_port),
            ready_timeout_s=CLUSTER_READY_TIMEOUT_S,
            answers=functools.partial(devinfra.kafka_answers, node.broker_port),
            prepare=functools.partial(_prepare_kafka_node, layout, node),
        )
        for node in layout.kafka_nodes
    ]
    return redis_services, kafka_services


def _prepare_redis_node(layout: ClusterLayout, port: int) -> list[str]:
    data = layout.state / f"redis-{port}"
    return devinfra.redis_command(
        port,
        data,
        layout.logs / f"redis-{port}.log",
        "--cluster-enabled", "yes",
        # The node's own record of the cluster: a restarted node rejoins from it.
        "--cluster-config-file", str(data / "nodes.conf"),
        "--cluster-node-timeout", str(REDIS_NODE_TIMEOUT_MS),
    )  # fmt: skip


def _prepare_kafka_node(layout: ClusterLayout, node: KafkaNode) -> list[str]:
    return devinfra.prepare_kafka_node(
        layout.cache, node, layout.kafka_nodes, KAFKA_HEAP, _cluster_id(layout)
    )


def _cluster_id(layout: ClusterLayout) -> str:
    # Every voter of one quorum is formatted with the same cluster id.
    path = layout.state / "kafka-cluster-id"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(devinfra.new_cluster_id() + "\n")
    return path.read_text().strip()


def _form_redis_cluster(layout: ClusterLayout) -> None:
    """Join the six nodes into a cluster the first time; later they rejoin by themselves
    from their nodes.conf, and this only waits for that."""
    # A node restarted from its nodes.conf knows the others before it has reconnected to
    # them: right after a restart it can look alone and failed. Only nodes that know none
    # but themselves and serve no slot are new (seen: one restart in three tried to form
    # the cluster again, and redis-cli refused it).
    if all(never_in_a_cluster(port) for port in layout.redis_ports):
        if shutil.which("redis-cli") is None:
            raise DevInfraError("redis-cli not found on PATH; install redis-tools")
        log.info("redis: forming a cluster of %d primaries with a replica each", REDIS_PRIMARIES)
        devinfra.run_command(
            [
                "redis-cli", "--cluster", "create",
                *(f"{HOST}:{port}" for port in layout.redis_ports),
                "--cluster-replicas", "1",
                "--cluster-yes",
            ],
            "redis-cli --cluster create",
        )  # fmt: skip

    def formed() -> bool:
        views = [redis_cluster_view(port) for port in layout.redis_ports]
        return all(
            state == "ok"
            and roles.count("master") == REDIS_PRIMARIES
            and roles.count("slave") == REDIS_PRIMARIES
            for state, roles in views
        )

    _wait_for(
        f"the Redis Cluster ({REDIS_PRIMARIES} primaries, {REDIS_PRIMARIES} replicas)",
        formed,
        layout,
    )


def _wait_for(what: str, done: Callable[[], bool], layout: ClusterLayout) -> None:
    deadline = time.monotonic() + CLUSTER_READY_TIMEOUT_S
    while True:
        try:
            if done():
                return
        except redis.RedisError:
            pass  # a node still loading its AOF, or not yet listening
        if time.monotonic() >= deadline:
            raise DevInfraError(
                f"{what} not ready after {CLUSTER_READY_TIMEOUT_S:.0f} s; see the logs in "
                f"{layout.logs}"
            )
        time.sleep(0.5)
