"""The screening service: raw Kafka records in, Redis writes and output messages out.

It knows no Kafka client and no Redis client: it talks to a `ScreeningStore` and a
`Publisher`. The order of work per batch is what makes the worker safe to kill at any
moment (at-least-once delivery, idempotent effects):

1. decode every record; bad input becomes a dead letter, never an exception;
2. load what the batch needs in one round trip: earlier decisions of these event ids (a
   redelivered event gets its first decision again) and the customers' histories;
3. run the pure core on each event in order;
4. write decisions, histories and holds to Redis in one atomic transaction;
5. publish decisions, hold changes and dead letters, and wait until Kafka has them;
6. mark the hold changes published (clear the outbox).
The caller acks the records (so their offsets can be committed) only after all of this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

from screener import metrics
from screener.adapters.redis_keys import STATUS_BLOCKED, STATUS_HELD, outbox_field
from screener.boundary import InvalidEvent, decode_event
from screener.domain.config import RulesConfig
from screener.domain.decision import Outcome, Verdict
from screener.domain.events import CustomerEvent, InputEvent, ScreenedEvent
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember, screen
from screener.records import (
    OutMessage,
    amount_text,
    dead_letter,
    decision_record,
    hold_change,
)

log = logging.getLogger(__name__)

DECISIONS, HOLDS, DLQ = "decisions", "holds", "dlq"


@dataclass(frozen=True, slots=True)
class RawRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class NewHold:
    hold_id: str
    fields: dict[str, Any]
    status: str
    created_at: datetime
    hold_until: datetime | None
    change: dict[str, Any]


@dataclass(slots=True)
class BatchWrites:
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    histories: dict[str, CustomerHistory] = field(default_factory=dict)
    holds: list[NewHold] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Loaded:
    decisions: Mapping[str, dict[str, Any]]
    histories: Mapping[str, CustomerHistory]


class ScreeningStore(Protocol):
    async def load(self, event_ids: list[str], customer_ids: list[str]) -> Loaded: ...

    async def save(self, writes: BatchWrites) -> list[bool]:
        """Write atomically; returns, per new hold, whether it was created now."""
        ...

    async def pending_changes(self, fields: list[str]) -> dict[str, dict[str, Any]]: ...

    async def mark_published(self, fields: list[str]) -> None: ...


class Publisher(Protocol):
    async def publish(self, messages: list[OutMessage]) -> None:
        """Send all messages and return once Kafka has acknowledged every one."""
        ...


class ScreeningService:
    def __init__(
        self,
        store: ScreeningStore,
        publisher: Publisher,
        config: Callable[[], RulesConfig],
        topic_kinds: Mapping[str, str],
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._config = config
        self._topic_kinds = topic_kinds
        self._clock = clock

    async def process(self, records: list[RawRecord]) -> None:
        config = self._config()
        messages: list[OutMessage] = []
        events: list[tuple[RawRecord, InputEvent]] = []
        for record in records:
            metrics.EVENTS_CONSUMED.labels(topic=record.topic).inc()
            try:
                events.append((record, self._decode(record)))
            except InvalidEvent as exc:
                messages.append(self._dead_letter(str(exc), record))

        screened_ids = [e.event_id for _, e in events if not isinstance(e, CustomerEvent)]
        customer_ids = sorted({e.customer_id for _, e in events})
        loaded = await self._store.load(screened_ids, customer_ids)

        writes = BatchWrites()
        histories = dict(loaded.histories)
        replayed_holds: list[str] = []
        for record, event in events:
            try:
                history = histories.get(event.customer_id, CustomerHistory())
                if not isinstance(event, CustomerEvent):
                    earlier = loaded.decisions.get(event.event_id) or writes.decisions.get(
                        event.event_id
                    )
                    if earlier is not None:
                        messages.append(OutMessage(DECISIONS, event.customer_id, earlier))
                        if earlier.get("hold_id"):
                            replayed_holds.append(earlier["hold_id"])
                        continue
                    messages.extend(self._screen(event, history, config, writes))
                histories[event.customer_id] = writes.histories[event.customer_id] = remember(
                    event, history, config
                )
            except Exception as exc:  # a bug on one event must not stop the stream
                log.exception("internal error screening %s", event.event_id)
                messages.append(self._dead_letter(f"internal error: {exc!r}", record))

        created = await self._store.save(writes)
        published_fields = [
            outbox_field(hold.hold_id, hold.status)
            for hold, is_new in zip(writes.holds, created, strict=True)
            if is_new
        ]
        messages.extend(
            OutMessage(HOLDS, hold.hold_id, hold.change)
            for hold, is_new in zip(writes.holds, created, strict=True)
            if is_new
        )
        # A redelivered event whose hold change never reached Kafka: publish it now.
        candidates = [
            outbox_field(h, s) for h in replayed_holds for s in (STATUS_HELD, STATUS_BLOCKED)
        ]
        candidates += [
            outbox_field(hold.hold_id, hold.status)
            for hold, is_new in zip(writes.holds, created, strict=True)
            if not is_new
        ]
        if candidates:
            pending = await self._store.pending_changes(candidates)
            messages.extend(OutMessage(HOLDS, c["hold_id"], c) for c in pending.values())
            published_fields.extend(pending)

        if messages:
            await self._publisher.publish(messages)
        if published_fields:
            await self._store.mark_published(published_fields)

    def _decode(self, record: RawRecord) -> InputEvent:
        kind = self._topic_kinds.get(record.topic)
        if kind is None:
            raise InvalidEvent(None, f"topic {record.topic!r} is not an input topic")
        return decode_event(kind, record.value)

    def _screen(
        self,
        event: ScreenedEvent,
        history: CustomerHistory,
        config: RulesConfig,
        writes: BatchWrites,
    ) -> list[OutMessage]:
        outcome = screen(event, history, config)
        decided_at = self._clock()
        decision = decision_record(event, outcome, decided_at, config.version)
        writes.decisions[event.event_id] = decision
        metrics.record_decision(outcome)
        out = [OutMessage(DECISIONS, event.customer_id, decision)]
        if outcome.verdict is not Verdict.ALLOW:
            writes.holds.append(_new_hold(event, outcome, decision, decided_at))
        return out

    def _dead_letter(self, error: str, record: RawRecord) -> OutMessage:
        metrics.DEAD_LETTERS.labels(topic=record.topic).inc()
        log.warning(
            "dead letter %s[%d]@%d: %s", record.topic, record.partition, record.offset, error
        )
        key = record.key.decode("utf-8", "replace") if record.key is not None else None
        return OutMessage(
            DLQ,
            key,
            dead_letter(
                error, record.topic, record.partition, record.offset, record.key, record.value
            ),
        )


def _new_hold(
    event: ScreenedEvent, outcome: Outcome, decision: dict[str, Any], decided_at: datetime
) -> NewHold:
    status = STATUS_BLOCKED if outcome.verdict is Verdict.BLOCK else STATUS_HELD
    fields: dict[str, Any] = {
        "event_id": event.event_id,
        "event_type": event.type,
        "customer_id": event.customer_id,
        "amount": amount_text(event.amount_minor),
        "currency": event.currency,
        "verdict": outcome.verdict.label,
        "score": outcome.score,
        "status": status,
        "reasons": decision["reasons"],
        "created_at": decided_at.isoformat(),
        "hold_until": decision["hold_until"] or "",
        "resolved_at": "",
        "resolved_by": "",
        "note": "",
        "receiver_account": getattr(event, "receiver_account", "") or "",
        "config_version": decision["config_version"],
    }
    fields["reasons"] = orjson.dumps(fields["reasons"]).decode()
    return NewHold(
        hold_id=event.event_id,
        fields=fields,
        status=status,
        created_at=decided_at,
        hold_until=outcome.hold_until,
        change=hold_change(event.event_id, status, None, decided_at, "screener", ""),
    )
