"""The worker's store on a Redis Cluster (`redis+cluster://`, keys of `RedisKeys.for_cluster`).

A cluster runs a script or a MULTI only on keys of one hash slot, and redis-py's cluster
pipeline is never a transaction: it sends each node its commands, in parallel. So the batch
that one MULTI/EXEC writes on a single Redis is written here in two rounds of per-slot
commands, each of them idempotent, with the decisions last:

1. histories, profiles, flows (one member per transfer), account details, suspensions and
   blocks (`SET NX`), the safety cap's counts, and the holds (`create_hold.lua`, which does
   nothing for a hold that exists, in the hold's shard with its indices and outbox);
2. the decisions.

A crash between the rounds, or inside the first, leaves the events without decisions:
they are delivered again and screened again on the state the first round left, which
already holds them (a customer's history and an account's flows record an event once; a
hold or a block is not written twice). What is not idempotent: a redelivered event's
profile and safety cap counts are counted again — a crash inflates them by one batch at
most, which the profile's averages and the cap's per-minute baseline absorb.
"""

from __future__ import annotations

from typing import Any

from screener.adapters.redis_client import parse_redis_url
from screener.adapters.redis_keys import RedisKeys, create_hold_args, lua_source
from screener.adapters.redis_store import RedisScreeningStore
from screener.service import BatchWrites

__all__ = ["ClusterScreeningStore"]


class _EvalScript:
    """A script sent as EVAL to the node of its keys' slot (a restarted or newly promoted
    node has no script cache for EVALSHA to hit)."""

    def __init__(self, redis: Any, source: str) -> None:
        self._redis = redis
        self._source = source

    async def __call__(self, keys: list[str], args: list[str], client: Any = None) -> Any:
        target = client if client is not None else self._redis
        return await target.execute_command("EVAL", self._source, len(keys), *keys, *args)


class ClusterScreeningStore(RedisScreeningStore):
    _transactions = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._settle = _EvalScript(self._redis, lua_source("settle_hold"))  # type: ignore[assignment]

    async def _read(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str],
        buckets: list[str],
    ) -> list[Any]:
        """The replies of the single Redis's `_read`, in its shape, from per-key commands
        (an MGET or a script spanning slots is refused)."""
        keys = self._keys
        plain = (
            [keys.decision(e) for e in event_ids],
            [keys.history(c) for c in customer_ids],
            [keys.confirmed_victim(c) for c in customer_ids],
            [keys.account_profile(a) for a in accounts],
            [keys.suspension(a) for a in accounts],
        )
        async with self._redis.pipeline(transaction=False) as pipe:
            for group in plain:
                for key in group:
                    pipe.get(key)
            for account in accounts:
                pipe.hmget(keys.account_info(account), ["opened_at", "holder_id"])
                pipe.exists(keys.block(account))
                if account not in without_flows:
                    pipe.zrange(keys.account_inbound(account), 0, -1)
                    pipe.zrange(keys.account_outbound(account), 0, -1)
            if buckets:
                pipe.execute_command(
                    "EVAL",
                    self._load_safety_cap,
                    len(buckets),
                    *(keys.safety_cap(bucket) for bucket in buckets),
                )
            replies: list[Any] = await pipe.execute()
        results: list[Any] = []
        at = 0
        for group in plain:
            results.append(replies[at : at + len(group)])
            at += len(group)
        per_account = []
        for account in accounts:
            (opened_at, holder_id), blocked = replies[at], replies[at + 1]
            at += 2
            inbound: list[bytes] = []
            outbound: list[bytes] = []
            if account not in without_flows:
                inbound, outbound = replies[at], replies[at + 1]
                at += 2
            per_account.append([opened_at, holder_id, blocked, inbound, outbound])
        if accounts:
            results.append(per_account)
        if buckets:
            results.append(replies[at])
        return results

    async def save(self, writes: BatchWrites) -> list[bool]:
        keys = self._keys
        async with self._redis.pipeline(transaction=False) as pipe:
            for key, value, ttl in self._state_values(writes):
                pipe.set(key, value, ex=ttl)
            for key, account_flows in self._flows_of(writes):
                pipe.execute_command(
                    "EVAL", self._add_flows, 1, key, *self._flow_args([(key, account_flows)])
                )
            self._queue_accounts(pipe, writes)
            self._queue_safety_cap(pipe, writes)
            for hold in writes.holds:
                script_keys = keys.hold_script_keys(hold.hold_id)
                pipe.execute_command(
                    "EVAL",
                    lua_source("create_hold"),
                    len(script_keys),
                    *script_keys,
                    *create_hold_args(
                        hold.hold_id,
                        hold.fields,
                        hold.status,
                        hold.created_at,
                        hold.hold_until,
                        hold.change,
                    ),
                )
            results = await pipe.execute()
        # Last: a decision stored means everything the event wrote is stored.
        decisions = self._decision_values(writes)
        if decisions:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value, ttl in decisions:
                    pipe.set(key, value, ex=ttl)
                await pipe.execute()
        return [bool(flag) for flag in results[len(results) - len(writes.holds) :]]


def screening_store(
    redis: Any, redis_url: str, prefix: str, **settings: Any
) -> RedisScreeningStore:
    """The worker's store on `redis` (the client of `redis_url`): on a Redis Cluster the
    hash-tagged layout (`RedisKeys.for_cluster`) and this module's per-slot writes,
    elsewhere CONTRACT §4's names in one transaction. `settings` are
    `RedisScreeningStore`'s TTLs and limits."""
    keys = keys_for(redis_url, prefix)
    store = ClusterScreeningStore if keys.hold_shards else RedisScreeningStore
    return store(redis, keys, **settings)


def keys_for(redis_url: str, prefix: str) -> RedisKeys:
    """The key layout `screening_store` uses for this URL."""
    if parse_redis_url(redis_url).mode == "cluster":
        return RedisKeys.for_cluster(prefix)
    return RedisKeys(prefix)
