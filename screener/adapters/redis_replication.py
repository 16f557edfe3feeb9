"""Waiting until a Redis replica has the batch's writes (`SCREENER_REDIS_WAIT_REPLICAS`).

Redis replicates asynchronously: a batch the primary acknowledged can be missing from the
replica that Sentinel promotes when the primary dies. The batch consumer commits offsets
only after the batch's writes, so a write lost that way is screened again on redelivery
only while its offsets are uncommitted; waiting for a replica's acknowledgement before the
batch's outputs go out (and its offsets are committed) closes that window. Measured in
deploy/README.md §6; off (0) for a single Redis, which has no replica to wait for.
"""

from __future__ import annotations

from itertools import count
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

# Longer than a replica's usual lag, short enough that a replica gone for good shows in
# the worker's batch errors within seconds (the batch is then retried, not skipped).
WAIT_TIMEOUT_MS = 2000
# A channel nobody subscribes to: PUBLISH is replicated, so it is a write without a key.
_BARRIER_CHANNEL = "screener:replication-barrier"


class ReplicasBehind(RuntimeError):
    """Fewer replicas than required acknowledged the batch's writes in time."""


async def wait_for_replicas(client: Redis, replicas: int) -> None:
    """Return once `replicas` replicas have every write made so far by any connection.

    WAIT counts the replicas that acknowledged the *calling connection's* last write,
    and the batch's transaction ran on some other connection of the pool. So a write is
    sent first, on the connection that then waits: replication is one ordered stream,
    and a replica that has this write has every earlier one.
    """
    if isinstance(client, RedisCluster):
        replies = await _wait_on_each_primary(client, replicas)
        acknowledged = min(int(reply) for reply in replies[1::2])
    else:
        async with client.pipeline(transaction=False) as pipe:
            pipe.publish(_BARRIER_CHANNEL, b"")
            pipe.execute_command("WAIT", replicas, WAIT_TIMEOUT_MS)
            _, acknowledged = await pipe.execute()
    if int(acknowledged) < replicas:
        raise ReplicasBehind(
            f"{acknowledged} of {replicas} Redis replica(s) acknowledged the batch's writes "
            f"within {WAIT_TIMEOUT_MS} ms"
        )


async def _wait_on_each_primary(client: RedisCluster, replicas: int) -> list[Any]:
    """The barrier on a Redis Cluster: each primary replicates only its own slots, and a
    cluster does not replicate PUBLISH, so each gets a write of a key it owns and a WAIT on
    that same connection (redis-py's cluster pipeline sends a node's commands on one)."""
    owner_of = client.nodes_manager.slots_cache
    primaries = {nodes[0].name for nodes in owner_of.values() if nodes}
    barriers: dict[str, str] = {}
    for n in count():
        if len(barriers) == len(primaries):
            break
        key = f"{_BARRIER_CHANNEL}:{n}"
        barriers.setdefault(owner_of[key_slot(key.encode())][0].name, key)
    async with client.pipeline() as pipe:
        for name, key in barriers.items():
            pipe.set(key, b"", px=60_000)
            pipe.execute_command(
                "WAIT", replicas, WAIT_TIMEOUT_MS, target_nodes=client.get_node(node_name=name)
            )
        replies: list[Any] = await pipe.execute()
    return replies
