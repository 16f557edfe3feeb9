"""The audit trail in Redis: each change and its entries in one MULTI/EXEC, and an outbox
that carries every sealed entry to the `screener.audit` topic.

A step WATCHes the keys it reads (the hold, the block entry, the user) and the head of
every chain it appends to, decides, then queues the change, the sealed entries, their
views and their outbox copies in one transaction: either all of it happens or none, and a
concurrent change of anything it read makes it decide again. Redis keeps views (per
hold, per user, a recent log trimmed by age only) and each chain's head; the topic, kept
for good, is the record.

On a Redis Cluster (`RedisKeys.for_cluster`) one transaction cannot span slots, so a step
is split where it must be. Its change, its chains' heads and its sealed records (in the
slot's `pending` hash) are still one WATCH/MULTI, on the slot the change lives in (each
chain's head is kept there: `RedisKeys.chain_home`). The views, the outbox and the heads'
index live in the `{review}` slot, and a Lua script copies the slot's pending records there
afterwards: idempotent (a record whose sequence number the index already has is skipped),
in chain order, then cleared from `pending`. Before its transaction a step registers its
slot (write-ahead, harmless if nothing follows); the outbox drain finishes what a crash left
registered (`recover`). The chain, and with it `screener audit verify`, never has a gap; a
crash only delays the views and the topic.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

import orjson
from redis.asyncio import ConnectionPool, Redis, RedisCluster
from redis.asyncio.client import Pipeline
from redis.crc import key_slot
from redis.exceptions import (
    AskError,
    ClusterDownError,
    ConnectionError,
    ResponseError,
    TryAgainError,
    WatchError,
)

from screener.adapters.redis_keys import RedisKeys, lua_source
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
# On a cluster: a slot registered this long ago whose pending records are still there was
# left by a crash between a step's transaction and its copy to the views (`recover`).
PENDING_GRACE_SECONDS = 30


@cache
def _slot_tags() -> tuple[str, ...]:
    """For each of the cluster's 16384 hash slots, a short tag hashing to it: a slot's
    pending records are named by the slot, which a step knows before it decides."""
    tags: dict[int, str] = {}
    number = 0
    while len(tags) < 16384:
        tag = f"s{number}"
        tags.setdefault(key_slot(tag.encode()), tag)
        number += 1
    return tuple(tags[slot] for slot in range(16384))


@dataclass(frozen=True, slots=True)
class AuditKeys:
    prefix: str = "screener:"
    # The key layout, for a cluster's hash tags (`RedisKeys.for_cluster`); None: untagged.
    layout: RedisKeys | None = None

    @property
    def cluster(self) -> bool:
        return bool(self.layout and self.layout.hold_shards)

    def _review(self, name: str) -> str:
        return f"{self.prefix}{name}:{{review}}" if self.cluster else f"{self.prefix}{name}"

    def home(self, chain: str) -> str:
        """The hash tag of the slot the chain's head lives in ("" outside a cluster)."""
        if self.layout is None:
            return ""
        kind, _, entity = chain.partition(":")
        return self.layout.chain_home(kind, entity)

    def head(self, chain: str) -> str:
        """`seq|hash` of the chain's last entry; WATCHed by every step appending to it."""
        if self.cluster:
            return f"{self.prefix}audit:head:{self.home(chain)}:{chain}"
        return f"{self.prefix}audit:head:{chain}"

    @property
    def heads(self) -> str:
        """Hash chain -> `seq|hash`: every chain there is, for `screener audit verify`."""
        return self._review("audit:heads")

    def hold(self, hold_id: str) -> str:
        return f"{self._review('audit:hold')}:{hold_id}"

    def user(self, name: str) -> str:
        return f"{self._review('audit:user')}:{name}"

    @property
    def recent(self) -> str:
        return self._review("audit:log")

    @property
    def outbox(self) -> str:
        """Hash `chain|seq` -> record JSON: sealed, not yet acknowledged by Kafka."""
        return self._review("audit:outbox")

    @property
    def outbox_due(self) -> str:
        return self._review("audit:outbox:due")

    def pending(self, slot: int) -> str:
        """Cluster: hash `chain|seq` -> record, sealed in this slot, not yet in the views."""
        return f"{self.prefix}audit:pending:{{{_slot_tags()[slot]}}}"

    @property
    def pending_slots(self) -> str:
        """Cluster: slots a step registered before its transaction, scored by epoch ms."""
        return self._review("audit:pending-slots")


class SlotClients:
    """A client that runs WATCH/MULTI on the node serving a key's slot: redis-py's cluster
    client has no transactions. Outside a cluster, the client itself."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._nodes: dict[str, Redis] = {}

    @property
    def cluster(self) -> RedisCluster | None:
        redis: Any = self._redis
        return redis if isinstance(redis, RedisCluster) else None

    async def for_key(self, key: str) -> Redis:
        cluster = self.cluster
        if cluster is None:
            return self._redis
        await cluster.initialize()
        node = cluster.get_node_from_key(key)
        if node is None:
            raise ConnectionError(f"no node serves the slot of {key}")
        client = self._nodes.get(node.name)
        if client is None:
            pool = ConnectionPool(
                connection_class=node.connection_class, max_connections=16, **node.connection_kwargs
            )
            client = self._nodes[node.name] = Redis(connection_pool=pool)
        return client

    async def moved(self) -> None:
        """The slot map changed (a failover): forget the nodes and read the map again."""
        clients, self._nodes = list(self._nodes.values()), {}
        for client in clients:
            await client.aclose(close_connection_pool=True)
        cluster = self.cluster
        if cluster is not None:
            await cluster.nodes_manager.initialize()

    async def aclose(self) -> None:
        for client in self._nodes.values():
            await client.aclose(close_connection_pool=True)
        self._nodes = {}


def _moved(error: Exception) -> bool:
    """The slot is served elsewhere now (MOVED is an AskError) or the node is gone."""
    return isinstance(error, AskError | ClusterDownError | TryAgainError | ConnectionError)


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

    def __init__(self, redis: Redis, prefix: str, layout: RedisKeys | None = None) -> None:
        self._redis = redis
        self.keys = AuditKeys(prefix, layout)
        self.slots = SlotClients(redis)

    async def record(self, *entries: AuditEntry) -> list[dict[str, Any]]:
        """Entries of something that changes nothing in Redis (a login refused, a note)."""
        by_home: dict[str, list[AuditEntry]] = {}
        for entry in entries:  # on a cluster, one step per slot of the chains
            by_home.setdefault(self.keys.home(chain_id(*entry.chain)), []).append(entry)
        records: list[dict[str, Any]] = []
        for part in by_home.values() if entries else [[]]:
            anchor = self.keys.head(chain_id(*part[0].chain)) if part else None
            step: Step[None] = await self.commit((), _steady(part), anchor)
            records.extend(step.records)
        return records

    async def commit(
        self,
        watch: Sequence[str],
        decide: Callable[[Pipeline], Awaitable[Step[T]]],
        anchor: str | None = None,
    ) -> Step[T]:
        """Run `decide` on a pipeline WATCHing `watch` (its reads run at once), then the
        step's change and its sealed entries in one MULTI/EXEC; again on a conflict.

        `decide` may raise to refuse (nothing is written) or return a step without
        entries and write to change nothing. On a cluster every key the step reads and
        writes, and its chains' heads, share the slot of `anchor` (default: the first
        watched key); the records reach the views after (module docstring).
        """
        keys = self.keys
        anchor = anchor or (watch[0] if watch else None)
        # On a cluster: the slot of the step (see the module docstring); None elsewhere.
        slot = key_slot(anchor.encode()) if keys.cluster and anchor else None
        if keys.cluster and slot is None:
            raise ValueError("on a Redis Cluster a step needs a key of its slot")
        registered = False
        for _attempt in range(MAX_ATTEMPTS):
            client = await self.slots.for_key(anchor) if anchor and keys.cluster else self._redis
            try:
                async with client.pipeline(transaction=True) as pipe:
                    if watch:
                        await pipe.watch(*watch)
                    step = await decide(pipe)
                    if not step.entries and step.write is None:
                        await pipe.reset()  # type: ignore[no-untyped-call]
                        return step
                    chains = list(dict.fromkeys(chain_id(*e.chain) for e in step.entries))
                    head_keys = [keys.head(chain) for chain in chains]
                    if slot is not None and head_keys:
                        strays = [k for k in head_keys if key_slot(k.encode()) != slot]
                        if strays:  # a step built wrong: say so rather than split it
                            raise RuntimeError(f"audit heads {strays} are not in {anchor}'s slot")
                        if not registered:  # write-ahead: a crash after EXEC leaves it listed
                            await self._redis.zadd(keys.pending_slots, {str(slot): _now_ms()})
                            registered = True
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
                    if slot is None:
                        self._queue(pipe, records, {c: new_heads[c] for c in chains})
                    else:
                        for chain in chains:
                            pipe.set(keys.head(chain), new_heads[chain].encode())
                        if records:
                            texts = {outbox_field(r): orjson.dumps(r).decode() for r in records}
                            pipe.hset(keys.pending(slot), mapping=texts)
                    replies = await pipe.execute()
            except WatchError:
                continue
            except (ResponseError, ConnectionError) as error:
                if slot is None or not _moved(error):
                    raise
                await self.slots.moved()
                continue
            step.replies = list(replies[:changes])
            step.records = records
            if slot is not None and records:
                try:
                    await self._copy_pending(slot)
                except Exception:  # the change and its chain are in; `recover` copies later
                    log.exception("audit records of slot %d wait for the next copy", slot)
            return step
        raise AuditConflict("the audited keys kept changing; try again")

    async def _copy_pending(self, slot: int) -> int:
        """Copy a slot's pending records to the views, the outbox and the heads' index, in
        each chain's order, skipping what is there already; then clear them."""
        keys = self.keys
        raw = await self._redis.hgetall(keys.pending(slot))  # type: ignore[misc]
        if not raw:
            return 0
        records = sorted(
            (orjson.loads(text) for text in raw.values()),
            key=lambda r: (chain_id(r["entity_kind"], r["entity_id"]), int(r["seq"])),
        )
        items: list[dict[str, Any]] = []
        views: dict[str, None] = {}
        for record in records:
            hold_ids = {record["hold_id"], record["related_hold"]} - {""}
            record_views = [*(keys.hold(h) for h in sorted(hold_ids)), keys.user(record["by"])]
            views.update(dict.fromkeys(record_views))
            at = datetime.fromisoformat(record["at"])
            oldest = at - timedelta(days=RECENT_LOG_DAYS)
            items.append(
                {
                    "chain": chain_id(record["entity_kind"], record["entity_id"]),
                    "seq": int(record["seq"]),
                    "head": ChainHead(int(record["seq"]), str(record["hash"])).encode(),
                    "text": orjson.dumps(record).decode(),
                    "field": outbox_field(record),
                    "due": at.timestamp(),
                    "minid": f"{int(oldest.timestamp() * 1000)}-0",
                    "views": record_views,
                }
            )
        script_keys = [keys.heads, keys.recent, keys.outbox, keys.outbox_due, *views]
        copied = await self._redis.eval(
            lua_source("audit_copy"),
            len(script_keys),
            *script_keys,
            orjson.dumps(items).decode(),
        )  # type: ignore[misc]
        await self._redis.hdel(keys.pending(slot), *raw)  # type: ignore[misc]
        return int(copied)

    async def recover(self, grace_seconds: float = PENDING_GRACE_SECONDS) -> int:
        """Cluster: copy what steps registered long ago left pending (a crash between a
        step's transaction and its copy); returns the records copied."""
        if not self.keys.cluster:
            return 0
        keys = self.keys
        rows = await self._redis.zrangebyscore(
            keys.pending_slots, "-inf", _now_ms() - grace_seconds * 1000, withscores=True
        )
        copied = 0
        for member, score in rows:
            copied += await self._copy_pending(int(member))
            # Unregister only if no step registered the slot again meanwhile.
            await self._redis.eval(
                "if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then "
                "return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
                1,
                keys.pending_slots,
                member,
                str(int(score)),
            )  # type: ignore[misc]
        return copied

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
        client = await self.slots.for_key(self.keys.outbox)
        async with client.pipeline(transaction=True) as pipe:
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


def _steady(entries: Sequence[AuditEntry]) -> Callable[[Pipeline], Awaitable[Step[None]]]:
    """A step of entries only."""
    return lambda _pipe: _constant(Step(entries))


def _now_ms() -> int:
    return int(time.time() * 1000)


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
