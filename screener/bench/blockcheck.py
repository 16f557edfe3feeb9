"""The block-list check a payment system makes before paying: `EXISTS` on a block key.

Timed one call at a time from a plain blocking redis-py client, as a payment system would
call it, next to `PING` (the round trip with no work) as its ceiling. Runs as its own
process (`python -m screener.bench.blockcheck`) so the benchmark's event loop does not
slow it down; prints one JSON object.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import orjson
import redis

from screener.adapters.redis_client import blocking_redis_from_url
from screener.adapters.redis_keys import RedisKeys
from screener.domain.identifiers import make_kz_iban

BANK_CODES = ("722", "601", "856", "551", "965", "998")


def accounts(count: int, seed: int = 1) -> list[str]:
    """The accounts the benchmark blocks: deterministic, so the checker can find them."""
    rng = random.Random(seed)
    return [make_kz_iban(rng.choice(BANK_CODES), rng.randrange(10**13)) for _ in range(count)]


def populate(client: redis.Redis, keys: RedisKeys, count: int, ttl_seconds: int = 3600) -> None:
    """Put `count` accounts on the block list (CONTRACT §4 entries with a TTL)."""
    entry = orjson.dumps({"reason": "benchmark", "rule": "benchmark", "hold_id": None})
    with client.pipeline(transaction=False) as pipe:
        for account in accounts(count):
            pipe.set(keys.block(account), entry, ex=ttl_seconds)
        pipe.execute()  # type: ignore[no-untyped-call]


def measure(
    client: redis.Redis,
    keys: RedisKeys,
    blocked: int,
    seconds: float,
    max_checks: int,
    rate: float | None = None,
) -> dict[str, object]:
    """EXISTS for a 50/50 mix of blocked and unknown accounts, each followed by a PING.

    With `rate`, checks follow a schedule of `rate` a second, as a payment system checks
    once per payment; without, they run back to back (idle machine only: a loop without
    pauses would take a core from the worker it is measured next to).
    """
    rng = random.Random(2)
    known = accounts(blocked)
    unknown = [make_kz_iban("999", n) for n in range(1000)]
    exists: list[float] = []
    pings: list[float] = []
    hits = 0
    started_at = time.monotonic()
    deadline = started_at + seconds
    while len(exists) < max_checks and time.monotonic() < deadline:
        if rate is not None:
            due = started_at + len(exists) / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        account = rng.choice(known) if rng.random() < 0.5 else rng.choice(unknown)
        key = keys.block(account)
        started = time.perf_counter()
        found = client.exists(key)
        exists.append(time.perf_counter() - started)
        hits += bool(found)
        started = time.perf_counter()
        client.ping()
        pings.append(time.perf_counter() - started)
    return {"exists": exists, "ping": pings, "hit_share": hits / max(len(exists), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--blocked", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-checks", type=int, default=20_000)
    parser.add_argument("--rate", type=float, help="checks per second (default: back to back)")
    args = parser.parse_args(argv)
    with blocking_redis_from_url(args.redis_url) as client:
        client.ping()  # connect before timing
        result = measure(
            client, RedisKeys(args.prefix), args.blocked, args.seconds, args.max_checks, args.rate
        )
    sys.stdout.buffer.write(orjson.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
