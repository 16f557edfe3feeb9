"""The Sentinel-managed Redis of `screener dev up --cluster`: a primary, one replica and
three Sentinels on loopback, the shape deploy/README.md §6 asks of production Redis.

The worker runs on this one today (`SCREENER_REDIS_URL=redis+sentinel://…`); the Redis
Cluster beside it waits for the hash-tagged key layout. Five consecutive ports from
`SCREENER_DEV_CLUSTER_HA_REDIS_PORT` (default 7010): the first primary, its replica, then
the three Sentinels. Data nodes run with AOF everysec like every dev Redis.

Each node and Sentinel reads a config file written on its first start only: Sentinel
records there which node is the primary now (CONFIG REWRITE), so a failover survives a
`dev down` and `dev up`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import redis

from screener import devinfra
from screener.devinfra import HOST, Service

SERVICE_NAME = "screener"
SENTINELS = 3
QUORUM = 2  # Sentinels that must agree the primary is down
# How long the primary may not answer before the Sentinels start a failover. Production
# Sentinels use more (30 s is Redis's default); the failover tests wait for this.
DOWN_AFTER_MS = 3000
FAILOVER_TIMEOUT_MS = 20000


@dataclass(frozen=True)
class SentinelLayout:
    state: Path
    first_port: int

    @classmethod
    def from_state(cls, state: Path) -> SentinelLayout:
        return cls(state, devinfra.port_from_env("SCREENER_DEV_CLUSTER_HA_REDIS_PORT", 7010))

    @property
    def data_ports(self) -> tuple[int, int]:
        return self.first_port, self.first_port + 1

    @property
    def sentinel_ports(self) -> tuple[int, ...]:
        return tuple(self.first_port + 2 + index for index in range(SENTINELS))

    @property
    def url(self) -> str:
        sentinels = ",".join(f"{HOST}:{port}" for port in self.sentinel_ports)
        return f"redis+sentinel://{sentinels}/{SERVICE_NAME}/0"

    def home(self, port: int) -> Path:
        return self.state / f"ha-redis-{port}"


def services(layout: SentinelLayout, logs: Path) -> list[Service]:
    """The two data nodes, then the three Sentinels (which need the primary to start)."""
    data = [
        Service(
            name=f"ha-redis-{port}",
            cmdline_marker="redis-server",
            ports=(port,),
            ready_timeout_s=devinfra.REDIS_READY_TIMEOUT_S,
            answers=functools.partial(devinfra.redis_answers, f"redis://{HOST}:{port}/0"),
            prepare=functools.partial(_prepare_data_node, layout, port, logs),
        )
        for port in layout.data_ports
    ]
    sentinels = [
        Service(
            name=f"sentinel-{port}",
            cmdline_marker="redis-server",  # redis-sentinel is redis-server --sentinel
            ports=(port,),
            ready_timeout_s=devinfra.REDIS_READY_TIMEOUT_S,
            answers=functools.partial(_sentinel_knows_primary, port),
            prepare=functools.partial(_prepare_sentinel, layout, port, logs),
        )
        for port in layout.sentinel_ports
    ]
    return data + sentinels


def primary_address(layout: SentinelLayout) -> tuple[str, int] | None:
    """Where the first Sentinel that answers says the primary is."""
    for port in layout.sentinel_ports:
        try:
            with redis.Redis(
                host=HOST, port=port, socket_timeout=2.0, decode_responses=True
            ) as sentinel:
                address = sentinel.sentinel_get_master_addr_by_name(SERVICE_NAME)
        except redis.RedisError:
            continue
        if address:
            return str(address[0]), int(address[1])
    return None


def formed(layout: SentinelLayout) -> bool:
    """Every Sentinel knows the two others and a replica in sync with the primary."""
    for port in layout.sentinel_ports:
        with redis.Redis(host=HOST, port=port, socket_timeout=2.0) as sentinel:
            primary = sentinel.sentinel_master(SERVICE_NAME)
            replicas = sentinel.sentinel_slaves(SERVICE_NAME)
        if int(primary.get("num-other-sentinels", 0)) != SENTINELS - 1:
            return False
        if not any(replica.get("master-link-status") == "ok" for replica in replicas):
            return False
    return True


def _prepare_data_node(layout: SentinelLayout, port: int, logs: Path) -> list[str]:
    home = layout.home(port)
    config = home / "redis.conf"
    if not config.exists():
        home.mkdir(parents=True, exist_ok=True)
        primary = layout.data_ports[0]
        config.write_text("" if port == primary else f"replicaof {HOST} {primary}\n")
    return devinfra.redis_command(port, home, logs / f"ha-redis-{port}.log", config_file=config)


def _prepare_sentinel(layout: SentinelLayout, port: int, logs: Path) -> list[str]:
    home = layout.home(port)
    config = home / "sentinel.conf"
    if not config.exists():
        home.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f"sentinel monitor {SERVICE_NAME} {HOST} {layout.data_ports[0]} {QUORUM}\n"
            f"sentinel down-after-milliseconds {SERVICE_NAME} {DOWN_AFTER_MS}\n"
            f"sentinel failover-timeout {SERVICE_NAME} {FAILOVER_TIMEOUT_MS}\n"
            f"sentinel parallel-syncs {SERVICE_NAME} 1\n"
        )
    devinfra.require(["redis-server"], ("redis-server",))
    return [
        "redis-server", str(config), "--sentinel",
        "--port", str(port),
        "--bind", HOST,
        "--daemonize", "no",
        "--logfile", str(logs / f"sentinel-{port}.log"),
        "--dir", str(home),
    ]  # fmt: skip


def _sentinel_knows_primary(port: int) -> bool:
    try:
        with redis.Redis(host=HOST, port=port, socket_timeout=1.0) as sentinel:
            return bool(sentinel.sentinel_get_master_addr_by_name(SERVICE_NAME))
    except redis.RedisError:
        return False
