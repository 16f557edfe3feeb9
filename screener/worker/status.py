"""The worker's status reports for the operators' page: read its own metrics, publish."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

from screener import metrics, status
from screener.adapters.redis_status import RedisStatusStore


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class StatusReporter:
    def __init__(self, store: RedisStatusStore, rules_version: Callable[[], str]) -> None:
        self._store = store
        self._rules_version = rules_version
        self._tracker = status.StatusTracker(worker_id(), started_at=time.time())

    async def report(self) -> None:
        now = time.time()
        record, hits = self._tracker.report(
            now,
            lag=status.samples(metrics.CONSUMER_LAG),
            offsets=status.samples(metrics.CONSUMER_OFFSET),
            events_total=sum(v for _, v in status.samples(metrics.EVENTS_CONSUMED, "_total")),
            rule_hits=status.samples(metrics.REASONS, "_total"),
            cap=status.samples(metrics.SAFETY_CAP_ACTIVE),
            rules_version=self._rules_version(),
        )
        await self._store.publish(record, hits, status.take_dead_letters(now))
