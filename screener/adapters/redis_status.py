"""Workers' status records in Redis, for the operators' page (screener/status.py says what
is in them). Written by each worker every second, read by the review API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from redis.asyncio import Redis

from screener.adapters.redis_keys import RedisKeys

# A worker's record outlives the worker by this much, so a stopped worker shows on the
# page as stopped (with its partitions' last lag) instead of vanishing at once.
WORKER_RECORD_TTL_SECONDS = 3600
DEAD_LETTERS_KEPT = 50
DEAD_LETTERS_TTL_SECONDS = 7 * 86400
RULE_HITS_BUCKET_SECONDS = 300
RULE_HITS_TTL_SECONDS = 26 * 3600


def bucket_start(at: float) -> int:
    return int(at // RULE_HITS_BUCKET_SECONDS * RULE_HITS_BUCKET_SECONDS)


class RedisStatusStore:
    """Works with either kind of client (bytes or `decode_responses=True`)."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    async def publish(
        self,
        record: Mapping[str, Any],
        rule_hits: Mapping[str, int],
        dead_letters: list[dict[str, Any]],
    ) -> None:
        keys, now = self._keys, float(record["reported_at"])
        pipe = self._redis.pipeline(transaction=False)
        worker = str(record["worker"])
        pipe.set(keys.status_worker(worker), orjson.dumps(record), ex=WORKER_RECORD_TTL_SECONDS)
        pipe.zadd(keys.status_workers, {worker: now})
        # Workers gone for longer than their record's TTL leave the index too.
        pipe.zremrangebyscore(keys.status_workers, "-inf", now - WORKER_RECORD_TTL_SECONDS)
        if rule_hits:
            bucket = keys.status_rule_hits(bucket_start(now))
            for rule, hits in rule_hits.items():
                pipe.hincrby(bucket, rule, hits)
            pipe.expire(bucket, RULE_HITS_TTL_SECONDS)
        if dead_letters:
            pipe.lpush(keys.status_dead_letters, *(orjson.dumps(d) for d in dead_letters))
            pipe.ltrim(keys.status_dead_letters, 0, DEAD_LETTERS_KEPT - 1)
            pipe.expire(keys.status_dead_letters, DEAD_LETTERS_TTL_SECONDS)
        await pipe.execute()

    async def workers(self, now: float) -> list[dict[str, Any]]:
        keys = self._keys
        since = now - WORKER_RECORD_TTL_SECONDS
        ids = await self._redis.zrangebyscore(keys.status_workers, since, "+inf")
        if not ids:
            return []
        raw = await self._redis.mget([keys.status_worker(_text(w)) for w in ids])
        return [orjson.loads(r) for r in raw if r is not None]

    async def dead_letters(self, count: int) -> list[dict[str, Any]]:
        raw = await self._redis.lrange(self._keys.status_dead_letters, 0, count - 1)  # type: ignore[misc]
        return [orjson.loads(r) for r in raw]

    async def rule_hits(self, now: float, hours: float) -> list[dict[str, Any]]:
        """One entry per bucket of the last `hours`, oldest first: `start` and `hits`."""
        last = bucket_start(now)
        count = int(hours * 3600 // RULE_HITS_BUCKET_SECONDS)
        starts = [last - i * RULE_HITS_BUCKET_SECONDS for i in range(count - 1, -1, -1)]
        pipe = self._redis.pipeline(transaction=False)
        for start in starts:
            pipe.hgetall(self._keys.status_rule_hits(start))
        buckets = await pipe.execute()
        return [
            {"start": start, "hits": {_text(k): int(v) for k, v in bucket.items()}}
            for start, bucket in zip(starts, buckets, strict=True)
        ]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
