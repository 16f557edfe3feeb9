"""The worker's status reports for the operators' page: read its own metrics, publish, and
log a line when a partition stalls or resumes and when the safety cap turns on or off."""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable
from typing import Any

from screener import metrics, status
from screener.adapters.redis_status import RedisStatusStore
from screener.settings import OperationsSettings

log = logging.getLogger(__name__)


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class StatusReporter:
    def __init__(
        self,
        store: RedisStatusStore,
        rules_version: Callable[[], str],
        settings: OperationsSettings,
    ) -> None:
        self._store = store
        self._rules_version = rules_version
        self._settings = settings
        self._tracker = status.StatusTracker(worker_id(), started_at=time.time())
        self._stalled: set[tuple[str, int]] = set()
        self._capped = False

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
        self._log_changes(now, record)
        await self._store.publish(record, hits, status.take_dead_letters(now))

    def _log_changes(self, now: float, record: dict[str, Any]) -> None:
        settings = self._settings
        seen = status.assess(record, now, settings.status_interval_seconds, settings.stall_seconds)
        stalled = set()
        for p in seen["partitions"]:
            tp = (p["topic"], p["partition"])
            if p["state"] != "stalled":
                continue
            stalled.add(tp)
            if tp not in self._stalled:
                log.warning(
                    "partition %s[%d] stalled: lag %d, no progress for %.0f s",
                    *tp,
                    p["lag"],
                    p["idle_seconds"],
                )
        for tp in sorted(self._stalled - stalled):
            log.info("partition %s[%d] moves again", *tp)
        self._stalled = stalled
        cap = record["safety_cap"]
        if cap["active"] != self._capped:
            if cap["active"]:
                rules = f" (rules {', '.join(cap['rules'])})" if cap["rules"] else ""
                log.warning("safety cap on: non-regulatory holds capped%s", rules)
            else:
                log.info("safety cap off")
            self._capped = cap["active"]
