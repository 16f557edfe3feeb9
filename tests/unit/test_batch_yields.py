"""A batch returns to the event loop while it screens (third black-box probe, finding 1):
500 events of one busy customer take seconds of CPU, and a loop blocked that long misses
the consumer group's heartbeats (the worker was dropped from its group five times in two
minutes), /metrics scrapes and the stall watch."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from screener.backtest.replay import replay_async
from screener.service import YIELD_EVERY
from screener.settings import load_rules
from tests import factories
from tests.streams import at, record

CONFIG = load_rules(None)


def test_other_tasks_run_while_one_customers_batch_is_screened() -> None:
    customer = factories.customer_id()
    start = datetime(2026, 3, 2, 10, tzinfo=factories.ALMATY)
    events = [
        factories.transfer(customer_id=customer, occurred_at=at(start + timedelta(seconds=n)))
        for n in range(4 * YIELD_EVERY)
    ]
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def screen() -> int:
        beating = asyncio.create_task(heartbeat())
        await asyncio.sleep(0)
        before = ticks
        result = await replay_async(
            [record("transfers", e, n) for n, e in enumerate(events)], CONFIG, batch_size=1000
        )
        beating.cancel()
        assert len(result.decisions) == len(events)
        return ticks - before

    # The in-memory store never waits: every tick is a return the batch made itself.
    assert asyncio.run(screen()) >= 4
