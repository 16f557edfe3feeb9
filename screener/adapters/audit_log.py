"""The audit trail in Redis: each change and its entries in one MULTI/EXEC, and an outbox
that carries every sealed entry to the `screener.audit` topic.

A step WATCHes the keys it reads (the hold, the block entry, the user) and the head of
every chain it appends to, decides, then queues the change, the sealed entries, their
views and their outbox copies in one transaction: either all of it happens or none, and a
concurrent change of anything it read makes it decide again. Redis keeps views (per
hold, per user, a recent log trimmed by age only) and each chain's head; the topic, kept
for good, is the record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import WatchError

from screener.domain.audit import AuditEntry, ChainHead, chain_id, seal_all

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[Pipeline], object]

# Optimistic retries of one step: only concurrent changes of the very same keys collide.
MAX_ATTEMPTS = 50
# The recent log (`GET /api/audit`) is trimmed by age, never by count: no burst of one
# officer's actions can push anyone's entries out of it.
RECENT_LOG_DAYS = 400
# Records one sweep of the outbox publishes at most.
AUDIT_SWEEP_BATCH = 5000


@dataclass(frozen=True, slots=True)
class AuditKeys:
    prefix: str = "screener:"

    def head(self, chain: str) -> str:
        """`seq|hash` of the chain's last entry; WATCHed by every step appending to it."""
        return f"{self.prefix}audit:head:{chain}"

    @property
    def heads(self) -> str:
        """Hash chain -> `seq|hash`: every chain there is, for `screener audit verify`."""
        return f"{self.prefix}audit:heads"

    def hold(self, hold_id: str) -> str:
        return f"{self.prefix}audit:hold:{hold_id}"

    def user(self, name: str) -> str:
        return f"{self.prefix}audit:user:{name}"

    @property
    def recent(self) -> str:
        return f"{self.prefix}audit:log"

    @property
    def outbox(self) -> str:
        """Hash `chain|seq` -> record JSON: sealed, not yet acknowledged by Kafka."""
        return f"{self.prefix}audit:outbox"

    @property
    def outbox_due(self) -> str:
        return f"{self.prefix}audit:outbox:due"


def outbox_field(record: dict[str, Any]) -> str:
    return f"{chain_id(record['entity_kind'], record['entity_id'])}|{record['seq']}"


@dataclass(slots=True)
class Step(Generic[T]):
    """What one atomic step does: its audit entries, the change's commands (queued inside
    MULTI), and what the caller gets back."""

    entries: Sequence[AuditEntry]
    write: Write | None = None
    result: T = None  # type: ignore[assignment]
    # Filled by `commit`: the change's command results and the sealed records.
    replies: list[Any] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)


class AuditConflict(RuntimeError):
    """The keys a step read kept changing under it."""


class AuditLog:
    """Commits changes with their entries; reads the views; drains the outbox.

    The client must be created with `decode_responses=True`.
    """

    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self.keys = AuditKeys(prefix)

    async def record(self, *entries: AuditEntry) -> list[dict[str, Any]]:
        """Entries of something that changes nothing in Redis (a login refused, a note)."""
        step: Step[None] = await self.commit((), lambda _pipe: _constant(Step(entries)))
        return step.records

    async def commit(
        self, watch: Sequence[str], decide: Callable[[Pipeline], Awaitable[Step[T]]]
    ) -> Step[T]:
        """Run `decide` on a pipeline WATCHing `watch` (its reads run at once), then the
        step's change and its sealed entries in one MULTI/EXEC; again on a conflict.

        `decide` may raise to refuse (nothing is written) or return a step without
        entries and write to change nothing.
        """
        for _attempt in range(MAX_ATTEMPTS):
            async with self._redis.pipeline(transaction=True) as pipe:
                try:
                    if watch:
                        await pipe.watch(*watch)
                    step = await decide(pipe)
                    if not step.entries and step.write is None:
                        await pipe.reset()  # type: ignore[no-untyped-call]
                        return step
                    chains = list(dict.fromkeys(chain_id(*e.chain) for e in step.entries))
                    head_keys = [self.keys.head(chain) for chain in chains]
                    if head_keys:
                        await pipe.watch(*head_keys)
                        values = await pipe.mget(head_keys)
                    else:
                        values = []
                    heads = {c: ChainHead.decode(v) for c, v in zip(chains, values, strict=True)}
                    records, new_heads = seal_all(step.entries, heads)
                    pipe.multi()  # type: ignore[no-untyped-call]
                    if step.write is not None:
                        step.write(pipe)
                    changes = len(pipe)
                    self._queue(pipe, records, {c: new_heads[c] for c in chains})
                    replies = await pipe.execute()
                except WatchError:
                    continue
            step.replies = list(replies[:changes])
            step.records = records
            return step
        raise AuditConflict("the audited keys kept changing; try again")

    def _queue(
        self, pipe: Pipeline, records: list[dict[str, Any]], heads: dict[str, ChainHead]
    ) -> None:
        keys = self.keys
        for chain, head in heads.items():
            pipe.set(keys.head(chain), head.encode())
            pipe.hset(keys.heads, chain, head.encode())
        for record in records:
            text = orjson.dumps(record).decode()
            fields: Any = {"record": text}
            for hold_id in {record["hold_id"], record["related_hold"]} - {""}:
                pipe.xadd(keys.hold(hold_id), fields)
            pipe.xadd(keys.user(record["by"]), fields)
            at = datetime.fromisoformat(record["at"])
            oldest = at - timedelta(days=RECENT_LOG_DAYS)
            pipe.xadd(keys.recent, fields, minid=f"{int(oldest.timestamp() * 1000)}-0")
            pipe.hset(keys.outbox, outbox_field(record), text)
            pipe.zadd(keys.outbox_due, {outbox_field(record): at.timestamp()})

    async def restore(self, records: Sequence[dict[str, Any]], chunk: int = 5000) -> None:
        """Write records read back from the audit topic (`screener rebuild`): the views and
        each chain's head, as `commit` writes them, but nothing for the outbox, since they
        are on the topic already. `records` in the order the views should show them."""
        heads: dict[str, ChainHead] = {}
        for record in records:
            chain = chain_id(record["entity_kind"], record["entity_id"])
            if int(record["seq"]) > heads.get(chain, ChainHead()).seq:
                heads[chain] = ChainHead(int(record["seq"]), str(record["hash"]))
        for start in range(0, max(len(records), 1), chunk):
            part = list(records[start : start + chunk])
            last = start + chunk >= len(records)
            async with self._redis.pipeline(transaction=False) as pipe:
                self._queue(pipe, part, heads if last else {})
                await pipe.execute()
            await self.mark_published(part)

    # --- the outbox ---------------------------------------------------------------------

    async def mark_published(self, records: Sequence[dict[str, Any]]) -> None:
        if not records:
            return
        names = [outbox_field(record) for record in records]
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self.keys.outbox, *names)
            pipe.zrem(self.keys.outbox_due, *names)
            await pipe.execute()

    async def pending(
        self, before: datetime, limit: int = AUDIT_SWEEP_BATCH
    ) -> list[dict[str, Any]]:
        """Records sealed before `before` that Kafka has not acknowledged, oldest first."""
        names = await self._redis.zrangebyscore(
            self.keys.outbox_due, "-inf", before.timestamp(), start=0, num=limit
        )
        if not names:
            return []
        values = await self._redis.hmget(self.keys.outbox, names)  # type: ignore[misc]
        return [orjson.loads(v) for v in values if v]

    async def pending_count(self) -> int:
        return int(await self._redis.zcard(self.keys.outbox_due))

    async def heads(self) -> dict[str, ChainHead]:
        raw = await self._redis.hgetall(self.keys.heads)  # type: ignore[misc]
        return {chain: ChainHead.decode(value) for chain, value in raw.items()}

    # --- views --------------------------------------------------------------------------

    async def hold_trail(self, hold_id: str, count: int) -> list[dict[str, Any]]:
        return await self._read(self.keys.hold(hold_id), count)

    async def user_trail(self, name: str, count: int) -> list[dict[str, Any]]:
        return await self._read(self.keys.user(name), count)

    async def recent(self, count: int) -> list[dict[str, Any]]:
        return await self._read(self.keys.recent, count)

    async def _read(self, key: str, count: int) -> list[dict[str, Any]]:
        """The newest `count` entries of a view, oldest first."""
        rows = await self._redis.xrevrange(key, count=count)
        return [
            {"id": entry_id, **orjson.loads(fields["record"])}
            for entry_id, fields in reversed(rows)
        ]


async def _constant(step: Step[T]) -> Step[T]:
    return step


class AuditPublisher:
    """Sends sealed records to the audit topic, keyed by the entity acted on."""

    def __init__(
        self,
        audit: AuditLog,
        send: Callable[[str, list[tuple[str, bytes]]], Awaitable[None]],
        topic: str,
    ) -> None:
        self._audit = audit
        self._send = send
        self._topic = topic

    async def publish(self, records: Sequence[dict[str, Any]]) -> bool:
        """Publish and clear from the outbox; on failure the outbox keeps them."""
        if not records:
            return True
        messages = [(str(r["entity_id"]), orjson.dumps(r)) for r in records]
        try:
            await self._send(self._topic, messages)
        except Exception:
            log.exception("publishing %d audit entries failed; the outbox keeps them", len(records))
            return False
        await self._audit.mark_published(records)
        return True

    async def sweep(self, before: datetime) -> int:
        """Publish what is in the outbox, oldest first (what the requests sealed, and what a
        crash or an outage left); returns how many."""
        records = await self._audit.pending(before)
        if records and await self.publish(records):
            return len(records)
        return 0


def rules_reload_entry(before: str, after: str, source: str, at: datetime) -> AuditEntry:
    """The worker took a new rules file: which version it left and which it runs now."""
    return AuditEntry(
        action="rules_reload",
        by="screener",
        role="",
        at=at,
        note=source,
        before={"version": before},
        after={"version": after},
        entity_kind="rules",
        entity_id=source,
    )


def faust_sender(app: Any) -> Callable[[str, list[tuple[str, bytes]]], Awaitable[None]]:
    """Send (key, value) messages through a Faust app's producer, waiting for each ack."""

    async def send(topic: str, messages: list[tuple[str, bytes]]) -> None:
        producer = app.producer
        pending = [
            await producer.send(topic, key.encode("utf-8"), value, None, None, None)
            for key, value in messages
        ]
        await asyncio.gather(*pending)

    return send
