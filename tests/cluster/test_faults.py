"""Fault injection on the dev cluster: a Kafka broker, the Redis primary or one of three
workers is SIGKILLed in the middle of a stream.

Each test checks what tests/integration/test_worker_killed.py checks after a worker kill,
with its helpers: every event has exactly the decision the pure core gives it offline, each
hold exists once in Redis with one `create` audit entry, and each has its `held` record
on the holds topic (an identical copy allowed only from a kill between Kafka's ack and the
outbox's clearing). What they measure is printed (`pytest -s`); no timing is asserted.
"""

from __future__ import annotations

import random
import re
import signal
import time
from typing import Any

import pytest
import redis
from kafka import KafkaAdminClient

from screener import devinfra, devinfra_cluster, devinfra_sentinel
from tests.integration.conftest import Deployment
from tests.integration.test_rebuild import wipe_and_rebuild_mid_stream
from tests.integration.test_worker_killed import (
    assert_nothing_lost_and_no_hold_twice,
    decided,
    expected_verdicts,
    produce,
    scam_heavy_stream,
    wait_for_every_decision,
)

pytestmark = pytest.mark.cluster

EVENTS = 3000
# Generous: three brokers, six Redis Cluster nodes, two Redis, three Sentinels and the
# workers share two cores with other engineers' runs.
FINISH_TIMEOUT_S = 200.0  # below pytest-timeout's 300 s, so a failed wait prints what is missing
FAILOVER_TIMEOUT_S = 90.0
REPLICA_LAG_S = 3.0


def a_stream(seed: int) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, tuple[str, Any]]]:
    stream = scam_heavy_stream(random.Random(seed), events=EVENTS)
    expected = expected_verdicts(stream)
    holds = sum(1 for verdict, _ in expected.values() if verdict != "allow")
    assert 50 < holds < len(expected), "the stream should mix holds and allows"
    return stream, expected


def batch_errors(deployment: Deployment, worker: Any) -> float:
    page = deployment.scrape_metrics(worker)
    match = re.search(r"^screener_batch_errors_total (\S+)$", page, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def wait_until(what: str, done: Any, timeout: float) -> float:
    """Seconds until `done()` held."""
    started = time.monotonic()
    while not done():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


def test_a_broker_killed_and_restarted_mid_stream_loses_and_doubles_nothing(
    cluster_deployment: Deployment,
) -> None:
    deployment = cluster_deployment
    stream, expected = a_stream(20251202)
    head, tail = stream[: EVENTS // 2], stream[EVENTS // 2 :]
    layout = devinfra_cluster.ClusterLayout.from_env()

    worker = deployment.start_worker("worker")
    produce(deployment, head)
    deployment.wait_for(
        "the worker to be mid-stream",
        lambda: decided(deployment) >= len(head) // 3,
        timeout=FINISH_TIMEOUT_S,
    )
    # The broker leading the first input partition: the worker is fetching from it.
    admin = KafkaAdminClient(bootstrap_servers=deployment.settings.kafka_bootstrap)
    try:
        [described] = admin.describe_topics([deployment.settings.topics.transfers])
    finally:
        admin.close()
    leader = next(p["leader"] for p in described["partitions"] if p["partition"] == 0)
    [broker] = [s for s in devinfra_cluster.kafka_services(layout) if s.name == f"kafka-{leader}"]
    devinfra.kill(broker, layout)
    down_since = time.monotonic()
    decided_at_kill = decided(deployment)
    # The rest of the stream is written while the broker is down: acks=all with
    # min.insync.replicas 2 still has two brokers.
    produce(deployment, tail)
    devinfra.ensure_all_running([broker], layout)
    broker_down_s = time.monotonic() - down_since

    wait_for_every_decision(deployment, expected, timeout=FINISH_TIMEOUT_S)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)
    assert worker.poll() is None, "the worker should carry on through the broker's loss"
    print(
        f"\nbroker {leader} killed after {decided_at_kill}/{len(expected)} decisions, back "
        f"after {broker_down_s:.1f} s; {redelivered} decisions re-sent, {duplicate_held} "
        f"duplicate held records; worker batch errors: {batch_errors(deployment, worker):.0f}"
    )


@pytest.mark.parametrize("replica_lagging", [False, True], ids=["in-sync", "replica-lagging"])
def test_the_redis_primary_killed_mid_stream_a_sentinel_promotes_the_replica_and_nothing_is_lost(
    cluster_deployment: Deployment, replica_lagging: bool
) -> None:
    """`replica-lagging`: the replica is cut off for a few seconds before the primary dies,
    as a broken link or a long pause would hold it back (stopped with SIGSTOP, its link
    closed by the primary, so nothing sits in a socket buffer for it), and continued when
    the primary is gone: whatever the primary acknowledged meanwhile never reaches it."""
    deployment = cluster_deployment
    stream, expected = a_stream(20251203)
    layout = devinfra_cluster.ClusterLayout.from_env()
    sentinel = layout.sentinel
    services = {service.name: service for service in devinfra_cluster.sentinel_services(layout)}

    # Each batch's writes reach the replica before its outputs and offsets go out: the
    # replica promoted below has everything the worker committed.
    worker = deployment.start_worker("worker", SCREENER_REDIS_WAIT_REPLICAS="1")
    produce(deployment, stream)
    deployment.wait_for(
        "the worker to be mid-stream",
        lambda: decided(deployment) >= len(expected) // 4,
        timeout=FINISH_TIMEOUT_S,
    )
    primary = devinfra_sentinel.primary_address(sentinel)
    assert primary is not None
    node = services[f"ha-redis-{primary[1]}"]
    [replica] = [services[f"ha-redis-{port}"] for port in sentinel.data_ports if port != primary[1]]
    if replica_lagging:
        devinfra.send_signal(replica, layout, signal.SIGSTOP)
        with redis.Redis(host=primary[0], port=primary[1]) as node_client:
            node_client.client_kill_filter(_type="slave")
        time.sleep(REPLICA_LAG_S)  # the fault's length, not a wait for something
    devinfra.kill(node, layout)
    decided_at_kill = decided(deployment)
    if replica_lagging:
        devinfra.send_signal(replica, layout, signal.SIGCONT)
    failover_s = wait_until(
        "a Sentinel to promote the replica",
        lambda: devinfra_sentinel.primary_address(sentinel) not in (None, primary),
        FAILOVER_TIMEOUT_S,
    )
    # The old primary returns as a replica of the new one (Sentinel reconfigures it).
    devinfra.ensure_all_running([node], layout)
    resync_s = wait_until(
        "the old primary to rejoin as a replica in sync",
        lambda: devinfra_sentinel.formed(sentinel),
        FAILOVER_TIMEOUT_S,
    )

    wait_for_every_decision(deployment, expected, timeout=FINISH_TIMEOUT_S)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)
    assert worker.poll() is None, "the worker should carry on through the failover"
    errors = batch_errors(deployment, worker)
    assert errors > 0, "the worker should have met the failover (batch errors, then retry)"
    print(
        f"\nRedis primary :{primary[1]} killed (replica lagging: {replica_lagging}) after "
        f"{decided_at_kill}/{len(expected)} decisions; new primary "
        f"{devinfra_sentinel.primary_address(sentinel)} after "
        f"{failover_s:.1f} s; old primary a replica in sync {resync_s:.1f} s after its "
        f"restart; {redelivered} decisions re-sent, {duplicate_held} duplicate held "
        f"records; worker batch errors (retried): {errors:.0f}"
    )


def test_a_worker_killed_while_two_others_run_loses_and_doubles_nothing(
    cluster_deployment: Deployment,
) -> None:
    deployment = cluster_deployment
    stream, expected = a_stream(20251204)
    workers = [deployment.start_worker(name) for name in ("first", "second", "third")]
    for worker in workers:
        deployment.wait_for(
            "every worker to have partitions",
            lambda w=worker: "assigned" in deployment.logs[w.pid].read_text(errors="replace"),
            timeout=FINISH_TIMEOUT_S,
        )
    produce(deployment, stream)
    deployment.wait_for(
        "the workers to be mid-stream",
        lambda: decided(deployment) >= len(expected) // 4,
        timeout=FINISH_TIMEOUT_S,
    )
    victim, *survivors = workers
    deployment.kill(victim)
    decided_at_kill = decided(deployment)
    assert decided_at_kill < len(expected), "the kill should land mid-stream"

    wait_for_every_decision(deployment, expected, timeout=FINISH_TIMEOUT_S)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)
    assert all(worker.poll() is None for worker in survivors)
    print(
        f"\nworker killed after {decided_at_kill}/{len(expected)} decisions with two others "
        f"running; {redelivered} decisions re-sent after redelivery, {duplicate_held} "
        "duplicate held records"
    )


def test_redis_wiped_with_a_killed_worker_is_rebuilt_from_the_topics(
    cluster_deployment: Deployment,
) -> None:
    """Redis lost (the prefix wiped on the Sentinel-managed primary) together with a worker
    SIGKILLed mid-stream; `screener rebuild` from the 3-broker Kafka, then a new worker."""
    measured = wipe_and_rebuild_mid_stream(cluster_deployment, events=EVENTS)
    assert measured["decided_before_kill"] < measured["decisions"]
