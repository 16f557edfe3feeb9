"""The worker's Redis store against a real Redis: what a batch saves (its Lua calls
included) is what the next batch loads, flows are trimmed by window and size, and every
key it writes expires."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
import redis

from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_keys import CLOSED_HOLD_KEEP_SECONDS, RedisKeys
from screener.adapters.redis_store import RedisScreeningStore
from screener.domain.accounts import Flow
from screener.domain.history import CustomerHistory, HistoryEntry
from screener.domain.loan_release import Settlement
from screener.domain.safety_cap import SafetyCap, SafetyCapSettings, buckets_needed
from screener.service import BatchWrites, Loaded, NewBlock, NewHold
from tests import factories

T = TypeVar("T")
KEEP_SECONDS = 3600.0
MAX_FLOWS = 5
NOW = 1_763_000_000.0


@pytest.fixture
def prefix(services: dict[str, str]) -> Iterator[str]:
    prefix = f"test-store-{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = redis.Redis.from_url(services["SCREENER_REDIS_URL"])
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def run(
    services: dict[str, str], prefix: str, work: Callable[[RedisScreeningStore], Awaitable[T]]
) -> T:
    async def main() -> T:
        client = redis_from_url(services["SCREENER_REDIS_URL"])
        store = RedisScreeningStore(
            client,
            RedisKeys(prefix),
            decision_ttl_seconds=600,
            history_ttl_seconds=900,
            account_keep_seconds=KEEP_SECONDS,
            account_max_flows=MAX_FLOWS,
        )
        try:
            return await work(store)
        finally:
            await client.aclose()

    return asyncio.run(main())


def flow(n: int, at: float) -> Flow:
    return Flow(f"event-{n}", at, 1000 * n, factories.new_kz_iban(), factories.customer_id())


def test_what_a_batch_saves_the_next_batch_loads(services: dict[str, str], prefix: str) -> None:
    customer = factories.customer_id()
    mule, shop = factories.new_kz_iban(), factories.new_kz_iban()
    history = CustomerHistory(
        entries=(
            HistoryEntry("e-1", "transfer", NOW - 60, 150_000, {"receiver_account": mule}),
            HistoryEntry("e-2", "login", NOW - 30, 0, {"new_device": True}),
        ),
        baseline_amounts=(150_000,),
    )
    inbound = [flow(n, NOW - n) for n in range(3)]
    writes = BatchWrites(
        decisions={"e-1": {"event_id": "e-1", "verdict": "hold"}},
        histories={customer: history},
        inbound={mule: inbound, shop: [flow(9, NOW)]},
        outbound={mule: [flow(7, NOW - 5)]},
        opened_accounts={mule: (NOW - 86400, customer)},
        blocks=[
            NewBlock(
                account=mule,
                entry={"reason": "test"},
                expires_at=datetime.now(UTC) + timedelta(hours=1),
                ttl_seconds=3600,
            )
        ],
    )

    async def work(store: RedisScreeningStore) -> Loaded:
        assert await store.save(writes) == []
        return await store.load(
            ["e-1", "e-unknown"], [customer], [mule, shop], without_flows=frozenset({shop})
        )

    loaded = run(services, prefix, work)
    assert loaded.decisions == {"e-1": {"event_id": "e-1", "verdict": "hold"}}
    assert loaded.histories[customer] == history
    account = loaded.accounts[mule]
    assert sorted(account.inbound) == sorted(inbound)
    assert list(account.outbound) == writes.outbound[mule]
    assert (account.opened_at, account.holder_id, account.blocked) == (NOW - 86400, customer, True)
    # Asked without flows: details only, though its flows are stored.
    other = loaded.accounts[shop]
    assert (other.inbound, other.outbound, other.blocked, other.opened_at) == ((), (), False, None)

    client = redis.Redis.from_url(services["SCREENER_REDIS_URL"])
    keys = RedisKeys(prefix)
    for key in (keys.decision("e-1"), keys.history(customer), keys.account_inbound(mule)):
        assert client.ttl(key) > 0, f"{key} must expire"
    client.close()


def test_flows_are_trimmed_to_the_window_and_the_size(
    services: dict[str, str], prefix: str
) -> None:
    account = factories.new_kz_iban()
    stale = flow(0, NOW - KEEP_SECONDS - 1)  # outside the window of the newest flow
    recent = [flow(n, NOW - n) for n in range(1, 8)]  # seven: two over the size limit

    async def work(store: RedisScreeningStore) -> Loaded:
        await store.save(BatchWrites(inbound={account: [stale]}))
        await store.save(BatchWrites(inbound={account: recent}))
        await store.save(BatchWrites(inbound={account: recent[:2]}))  # a redelivery adds nothing
        return await store.load([], [], [account])

    loaded = run(services, prefix, work)
    kept = sorted(loaded.accounts[account].inbound, key=lambda f: f.at)
    assert kept == sorted(recent, key=lambda f: f.at)[-MAX_FLOWS:]


def test_a_far_future_flow_left_in_a_set_is_dropped_by_the_next_write(
    services: dict[str, str], prefix: str
) -> None:
    account = factories.new_kz_iban()
    residue = flow(0, 253402300799.0)  # 9999-12-31, stored before event time was checked
    recent = [flow(n, NOW - n) for n in range(1, 3)]

    async def work(store: RedisScreeningStore) -> Loaded:
        await store.save(BatchWrites(inbound={account: [residue]}))
        await store.save(BatchWrites(inbound={account: recent}))
        return await store.load([], [], [account])

    loaded = run(services, prefix, work)
    assert sorted(loaded.accounts[account].inbound) == sorted(recent)


def test_a_blocks_lifetime_is_its_suspension_in_event_time_not_the_wall_clock(
    services: dict[str, str], prefix: str
) -> None:
    # Issue #10, finding 6: a replay of last year's dropper suspends it for five business
    # days (seven calendar days here) from the event, as live traffic did, not for a second.
    account = factories.new_kz_iban()
    event_time = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    week = 7 * 86400
    block = NewBlock(account, {"reason": "test"}, event_time + timedelta(days=7), week)

    async def work(store: RedisScreeningStore) -> None:
        await store.save(BatchWrites(blocks=[block]))

    run(services, prefix, work)
    client = redis.Redis.from_url(services["SCREENER_REDIS_URL"])
    ttl = client.ttl(RedisKeys(prefix).block(account))
    client.close()
    assert week - 60 <= ttl <= week


def test_the_safety_caps_counts_are_shared_through_redis(
    services: dict[str, str], prefix: str
) -> None:
    settings = SafetyCapSettings(window_seconds=300, max_hold_rate=0.05, min_decisions=100)
    first = SafetyCap(settings, {})
    for n in range(150):
        first.count(NOW + n * 0.1, ("velocity",) if n < 120 else ())
    buckets = buckets_needed(settings, NOW, NOW + 20)
    ttls = {bucket: settings.keep_seconds(bucket) for bucket in first.increments}

    async def work(store: RedisScreeningStore) -> Loaded:
        await store.save(BatchWrites(safety_cap=first.increments, safety_cap_ttls=ttls))
        return await store.load([], [], [], safety_cap_buckets=buckets)

    loaded = run(services, prefix, work)
    # The current hour is counted but not read: it is no part of the baseline yet.
    assert loaded.safety_cap == {b: c for b, c in first.increments.items() if b in buckets}
    assert SafetyCap(settings, loaded.safety_cap).capped_rules(NOW + 20) == {"velocity"}
    client = redis.Redis.from_url(services["SCREENER_REDIS_URL"])
    for bucket in first.increments:
        assert 0 < client.ttl(RedisKeys(prefix).safety_cap(bucket)) <= ttls[bucket]
    client.close()


def test_a_hold_expires_once_closed_and_never_while_open(
    services: dict[str, str], prefix: str
) -> None:
    created = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    change = {"hold_id": "h-1", "status": "held", "previous_status": None}
    fields = {"event_id": "h-1", "status": "held"}
    hold = NewHold("h-1", fields, "held", created, created, change)
    keys = RedisKeys(prefix)
    client = redis.Redis.from_url(services["SCREENER_REDIS_URL"])

    async def create(store: RedisScreeningStore) -> None:
        assert await store.save(BatchWrites(holds=[hold])) == [True]

    async def release(store: RedisScreeningStore) -> None:
        settlement = Settlement("h-1", 0, "period over and reconfirmed", status="released")
        assert await store.settle(settlement, created + timedelta(hours=1)) != (False, None)

    run(services, prefix, create)
    assert client.ttl(keys.hold("h-1")) == -1  # open: an officer or its timer decides
    run(services, prefix, release)
    assert 0 < client.ttl(keys.hold("h-1")) <= CLOSED_HOLD_KEEP_SECONDS
    client.close()
