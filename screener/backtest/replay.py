"""Replaying recorded input through the worker's own `ScreeningService`, offline.

The records go to `ScreeningService.process` in batches, exactly as the worker hands them
over, with the in-memory store in place of Redis, a collecting publisher in place of Kafka,
and the event's own time as the clock: a replay decides the same way every time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from screener.backtest.memory_store import InMemoryScreeningStore
from screener.domain.config import ConfigError, RulesConfig
from screener.records import OutMessage
from screener.service import DECISIONS, DLQ, HOLDS, RawRecord, ScreeningService
from screener.settings import Settings

# In a JSONL file a record's topic is its role; the service maps topics to input kinds.
TOPIC_KINDS = {"transfers": "transfers", "loans": "loans", "customer_events": "customer_events"}


class CollectingPublisher:
    """Implements `Publisher`: keeps every message, in publish order."""

    def __init__(self) -> None:
        self.messages: list[OutMessage] = []

    async def publish(self, messages: list[OutMessage]) -> None:
        self.messages.extend(messages)

    def values(self, topic: str) -> list[dict[str, Any]]:
        return [message.value for message in self.messages if message.topic == topic]


@dataclass(frozen=True, slots=True)
class ReplayResult:
    config: RulesConfig
    records: int
    decisions: list[dict[str, Any]]
    hold_changes: list[dict[str, Any]]
    dead_letters: list[dict[str, Any]]
    store: InMemoryScreeningStore


def new_store(config: RulesConfig, settings: Settings) -> InMemoryScreeningStore:
    """An empty store with the limits the worker gives its Redis store (worker/app.py)."""
    return InMemoryScreeningStore(
        decision_ttl_seconds=settings.decision_memory_seconds,
        history_ttl_seconds=config.history_ttl_seconds,
        account_keep_seconds=config.account_keep_seconds,
        account_max_flows=config.account_max_flows,
        profile_ttl_seconds=int(config.profile_keep_seconds),
    )


async def replay_async(
    records: Sequence[RawRecord],
    config: RulesConfig,
    settings: Settings | None = None,
    batch_size: int | None = None,
    blocklist: Sequence[tuple[str, str]] = (),
) -> ReplayResult:
    settings = settings or Settings()
    store = new_store(config, settings)
    for account, reason in blocklist:
        store.import_block(account, {"reason": reason, "source": "import"})
    publisher = CollectingPublisher()
    service = ScreeningService(
        store,
        publisher,
        lambda: config,
        topic_kinds=TOPIC_KINDS,
        clock=lambda event: event.occurred_at,
    )
    size = batch_size or settings.batch_max
    for start in range(0, len(records), size):
        await service.process(list(records[start : start + size]))
    return ReplayResult(
        config=config,
        records=len(records),
        decisions=publisher.values(DECISIONS),
        hold_changes=publisher.values(HOLDS),
        dead_letters=publisher.values(DLQ),
        store=store,
    )


def replay(
    records: Sequence[RawRecord],
    config: RulesConfig,
    settings: Settings | None = None,
    batch_size: int | None = None,
    blocklist: Sequence[tuple[str, str]] = (),
) -> ReplayResult:
    """Screen `records` in order, in batches of the worker's size; see `replay_async`.
    `blocklist` (account, reason) is on the block list from the start."""
    return asyncio.run(replay_async(records, config, settings, batch_size, blocklist))


def raw_records(lines: Iterable[dict[str, Any]]) -> list[RawRecord]:
    """`{"topic": role, "event": {...}}` lines as the Kafka records the worker would get.

    A line may carry the record's Kafka timestamp as `timestamp_ms` (traffic exported from
    Kafka): the boundary then checks event time against it as the worker did. Without it
    the event's own time is all there is, and the check is skipped.
    """
    return [
        RawRecord(
            topic=line["topic"],
            partition=0,
            offset=offset,
            key=str(line["event"].get("customer_id", "")).encode(),
            value=orjson.dumps(line["event"]),
            timestamp_ms=line.get("timestamp_ms"),
        )
        for offset, line in enumerate(lines)
    ]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every non-empty line of a JSONL file (events or labels), parsed."""
    with path.open("rb") as lines:
        return [orjson.loads(line) for line in lines if line.strip()]


def read_blocklist(path: Path) -> list[tuple[str, str]]:
    """A block-list CSV as `POST /api/blocklist/import` takes it (the same parser): the
    (account, reason) of every good line; a bad line stops the backtest, naming it."""
    from screener.api.blocklist import parse_import  # the API's parser, one place

    parsed = parse_import(path.read_text("utf-8"))
    if parsed.errors:
        first = parsed.errors[0]
        raise ConfigError(f"{path}: line {first['line']}: {first['error']}")
    return [(line.account, line.reason) for line in parsed.lines]
