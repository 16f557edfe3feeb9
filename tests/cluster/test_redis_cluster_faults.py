"""The worker on the Redis Cluster (`redis+cluster://`, the hash-tagged layout): a Cluster
primary SIGKILLed mid-stream, its replica promoted by the cluster itself.

Asserts what tests/cluster/test_faults.py asserts after a Sentinel failover, with the same
helpers: every event has exactly the decision the pure core gives it offline, each hold
exists once (in its shard) with one `create` audit entry, and each has its `held` record on
the holds topic. What it measures is printed (`pytest -s`); no timing is asserted.
"""

from __future__ import annotations

from typing import Any

import pytest

from screener import devinfra, devinfra_cluster
from screener.adapters.redis_keys import RedisKeys
from screener.devinfra import HOST
from tests.cluster.test_faults import (
    FAILOVER_TIMEOUT_S,
    FINISH_TIMEOUT_S,
    a_stream,
    batch_errors,
    wait_until,
)
from tests.integration.conftest import Deployment
from tests.integration.test_worker_killed import (
    assert_nothing_lost_and_no_hold_twice,
    decided,
    produce,
    wait_for_every_decision,
)

pytestmark = pytest.mark.cluster


def primaries_and_replicas(layout: devinfra_cluster.ClusterLayout, skip: int) -> tuple[int, int]:
    """How many primaries and replicas a live node (not `skip`) sees up, once it says ok."""
    for port in layout.redis_ports:
        if port == skip:
            continue
        try:
            state, roles = devinfra_cluster.redis_cluster_view(port)
        except OSError:
            continue
        if state == "ok":
            return roles.count("master"), roles.count("slave")
    return 0, 0


def test_a_redis_cluster_primary_killed_mid_stream_its_replica_takes_over_nothing_lost(
    redis_cluster_deployment: Deployment,
) -> None:
    deployment = redis_cluster_deployment
    keys = RedisKeys.for_cluster(deployment.prefix)
    stream, expected = a_stream(20251205)
    layout = devinfra_cluster.ClusterLayout.from_env()
    services = {service.name: service for service in devinfra_cluster.redis_services(layout)}

    # Each batch's writes reach every primary's replica before its outputs and offsets go.
    worker = deployment.start_worker("worker", SCREENER_REDIS_WAIT_REPLICAS="1")
    produce(deployment, stream)
    deployment.wait_for(
        "the worker to be mid-stream",
        lambda: decided(deployment) >= len(expected) // 4,
        timeout=FINISH_TIMEOUT_S,
    )
    # The primary of the first hold's shard: it holds holds, indices, outbox and audit.
    first_hold = next(eid for eid, (verdict, _) in expected.items() if verdict != "allow")
    client: Any = deployment.redis
    victim = client.get_node_from_key(keys.holds_open_in(keys.shard_of(first_hold)))
    assert victim.host == HOST
    node = services[f"redis-{victim.port}"]
    devinfra.kill(node, layout)
    decided_at_kill = decided(deployment)
    failover_s = wait_until(
        "the cluster to promote the killed primary's replica",
        lambda: primaries_and_replicas(layout, victim.port) == (3, 2),
        FAILOVER_TIMEOUT_S,
    )
    devinfra.ensure_all_running([node], layout)  # it rejoins as the new primary's replica
    rejoin_s = wait_until(
        "the old primary to rejoin as a replica",
        lambda: primaries_and_replicas(layout, -1) == (3, 3),
        FAILOVER_TIMEOUT_S,
    )

    wait_for_every_decision(deployment, expected, timeout=FINISH_TIMEOUT_S)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected, keys)
    assert worker.poll() is None, "the worker should carry on through the failover"
    errors = batch_errors(deployment, worker)
    assert errors > 0, "the worker should have met the failover (batch errors, then retry)"
    print(
        f"\nRedis Cluster primary :{victim.port} killed after {decided_at_kill}/"
        f"{len(expected)} decisions; its replica promoted after {failover_s:.1f} s; the old "
        f"primary a replica {rejoin_s:.1f} s after its restart; {redelivered} decisions "
        f"re-sent, {duplicate_held} duplicate held records; worker batch errors "
        f"(retried): {errors:.0f}"
    )
