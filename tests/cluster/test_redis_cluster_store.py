"""The worker's store on the dev Redis Cluster (`ClusterScreeningStore`, the hash-tagged
layout): what a batch saves the next loads, holds live in their shards with their outbox
and timers, and the payment systems' `EXISTS screener:block:account:<account>` answers on
the contract's own key name."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
import redis

from screener.adapters.redis_client import blocking_redis_from_url, redis_from_url
from screener.adapters.redis_cluster_store import ClusterScreeningStore, screening_store
from screener.domain.accounts import Flow
from screener.domain.history import CustomerHistory, HistoryEntry
from screener.domain.loan_release import Settlement
from screener.service import BatchWrites, NewBlock, NewHold
from tests import factories

pytestmark = pytest.mark.cluster

T = TypeVar("T")
NOW = 1_763_000_000.0


@pytest.fixture
def cluster_redis(cluster: dict[str, str]) -> Iterator[tuple[str, str, redis.Redis]]:
    url = cluster["SCREENER_REDIS_CLUSTER_URL"]
    prefix = f"test-cstore-{uuid.uuid4().hex[:8]}:"
    client = blocking_redis_from_url(url, socket_timeout=10.0)
    yield url, prefix, client
    for key in client.scan_iter(f"{prefix}*", count=1000):
        client.delete(key)
    client.close()


def run(url: str, prefix: str, work: Callable[[Any], Awaitable[T]]) -> T:
    async def main() -> T:
        client = redis_from_url(url)
        store = screening_store(
            client,
            url,
            prefix,
            decision_ttl_seconds=600,
            history_ttl_seconds=900,
            account_keep_seconds=3600.0,
            account_max_flows=5,
        )
        assert isinstance(store, ClusterScreeningStore)
        try:
            return await work(store)
        finally:
            await client.aclose()

    return asyncio.run(main())


def test_a_batch_saved_on_the_cluster_loads_back_and_its_block_answers_exists(
    cluster_redis: tuple[str, str, redis.Redis],
) -> None:
    url, prefix, client = cluster_redis
    customer = factories.customer_id()
    mule, shop = factories.new_kz_iban(), factories.new_kz_iban()
    history = CustomerHistory(
        entries=(HistoryEntry("e-1", "transfer", NOW - 60, 150_000, {"receiver_account": mule}),)
    )
    inbound = [
        Flow(f"event-{n}", NOW - n, 1000 * n, shop, factories.customer_id()) for n in range(3)
    ]
    created = datetime.fromtimestamp(NOW, UTC)
    holds = [
        NewHold(
            f"h-{n}",
            {"event_id": f"h-{n}", "status": "held"},
            "held",
            created,
            created + timedelta(minutes=n),
            {"hold_id": f"h-{n}", "status": "held", "previous_status": None},
        )
        for n in range(20)  # more than the 16 shards: every shard gets some
    ]
    writes = BatchWrites(
        decisions={"e-1": {"event_id": "e-1", "verdict": "hold"}},
        histories={customer: history},
        inbound={mule: inbound},
        opened_accounts={mule: (NOW - 86400, customer)},
        blocks=[NewBlock(mule, {"reason": "test"}, created + timedelta(hours=1), 3600)],
        holds=holds,
    )

    async def work(store: Any) -> Any:
        assert await store.save(writes) == [True] * len(holds)
        assert await store.save(writes) == [False] * len(holds)  # a redelivery adds nothing
        loaded = await store.load(["e-1"], [customer], [mule, shop], frozenset({shop}))
        fields = [f"h-{n}|held" for n in range(20)]
        pending = await store.pending_changes(fields)
        open_before = await store.count_open_holds()
        due = await store.due_timed_holds(created + timedelta(minutes=4, seconds=1), limit=100)
        stale = await store.stale_outbox(created + timedelta(seconds=1), limit=100)
        await store.mark_published(fields[:10])
        left = await store.pending_changes(fields)
        settled = await store.settle(Settlement("h-0", 0, "done", status="released"), created)
        return (
            loaded,
            pending,
            open_before,
            due,
            stale,
            left,
            settled,
            await store.count_open_holds(),
        )

    loaded, pending, open_before, due, stale, left, settled, open_after = run(url, prefix, work)
    assert loaded.decisions == {"e-1": {"event_id": "e-1", "verdict": "hold"}}
    assert loaded.histories[customer] == history
    account = loaded.accounts[mule]
    assert sorted(account.inbound) == sorted(inbound)
    assert (account.opened_at, account.holder_id, account.blocked) == (NOW - 86400, customer, True)
    assert loaded.accounts[shop].blocked is False
    assert set(pending) == {f"h-{n}|held" for n in range(20)}
    assert open_before == 20 and open_after == 19
    assert due == [f"h-{n}" for n in range(5)]
    assert set(stale) == set(pending)
    assert set(left) == {f"h-{n}|held" for n in range(10, 20)}
    assert settled[0] is True and settled[1]["status"] == "released"
    # The payment systems' check, on the contract's key name, no hash tag in it.
    assert client.exists(f"{prefix}block:account:{mule}") == 1
    assert client.exists(f"{prefix}block:account:{shop}") == 0
