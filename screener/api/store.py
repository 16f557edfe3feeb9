"""The review API's Redis: every key it touches is named by `RedisKeys`.

Hold status changes go only through the shared Lua scripts (`create_hold`, `transition_hold`),
so the review API and the worker change holds, the open-holds index, the outbox and the
audit stream the same way. Every change an officer, a supervisor or an operator makes is
committed with its audit entries in one MULTI/EXEC (`AuditLog.commit`): a crash never
leaves a change without its entry, nor an entry for a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from screener.adapters.audit_log import AuditLog, Step
from screener.adapters.redis_keys import (
    CLOSED_HOLD_KEEP_SECONDS,
    RedisKeys,
    create_hold_args,
    lua_source,
    transition_args,
)
from screener.domain.accounts import Flow
from screener.domain.audit import AuditEntry

Entries = Sequence[AuditEntry]


@dataclass(frozen=True, slots=True)
class BlockState:
    """An account's block as a step read it: the entry and its seconds left (None: none or
    permanent)."""

    entry: dict[str, Any] | None
    ttl: int | None


def _decode_block(raw: str | None, ttl: int) -> BlockState:
    if raw is None:
        return BlockState(None, None)
    return BlockState(cast(dict[str, Any], orjson.loads(raw)), ttl if ttl >= 0 else None)


class ReviewStore:
    """All Redis reads and writes of the review API and the `users` command.

    The client must be created with `decode_responses=True`.
    """

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys
        self.audit_log = AuditLog(redis, keys.prefix, keys)

    @property
    def keys(self) -> RedisKeys:
        return self._keys

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    async def record(self, *entries: AuditEntry) -> list[dict[str, Any]]:
        """Entries of acts that change nothing else in Redis: notes, refused logins."""
        return await self.audit_log.record(*entries)

    # --- users and sessions -------------------------------------------------------------

    async def add_user(
        self, fields: dict[str, str], token_sha256: str, entry: AuditEntry
    ) -> Step[bool]:
        """Create a user; a step whose result is False when the name is taken."""
        keys = self._keys
        user_key = keys.user(fields["name"])

        async def decide(pipe: Pipeline) -> Step[bool]:
            if await pipe.exists(user_key):
                return Step([], result=False)

            def write(tx: Pipeline) -> None:
                tx.sadd(keys.users, fields["name"])
                tx.hset(user_key, mapping=fields)
                tx.set(keys.user_token(token_sha256), fields["name"])

            return Step([entry], write, True)

        return await self.audit_log.commit([user_key], decide)

    async def user(self, name: str) -> dict[str, str] | None:
        fields = await self._redis.hgetall(self._keys.user(name))  # type: ignore[misc]
        return cast(dict[str, str], fields) or None

    async def user_names(self) -> list[str]:
        names = await self._redis.smembers(self._keys.users)  # type: ignore[misc]
        return sorted(cast(set[str], names))

    async def user_for_token(self, token_sha256: str) -> dict[str, str] | None:
        name = await self._redis.get(self._keys.user_token(token_sha256))
        return await self.user(name) if name else None

    async def change_user(
        self,
        name: str,
        changes: Callable[[dict[str, str]], tuple[dict[str, str], str | None, Entries]],
    ) -> Step[dict[str, str] | None]:
        """Change a user's fields; `changes(before)` gives the new fields, the SHA-256 of a
        new token (None: the old one stops working and no new one starts) and the entries.
        The step's result is the user as it was, None when there is no such user."""
        keys = self._keys
        user_key = keys.user(name)

        async def decide(pipe: Pipeline) -> Step[dict[str, str] | None]:
            before = cast(dict[str, str], await pipe.hgetall(user_key))  # type: ignore[misc]
            if not before:
                return Step([], result=None)
            fields, new_token_sha256, entries = changes(before)

            def write(tx: Pipeline) -> None:
                tx.hset(user_key, mapping=fields)
                if before.get("token_sha256"):
                    tx.delete(keys.user_token(before["token_sha256"]))
                if new_token_sha256:
                    tx.set(keys.user_token(new_token_sha256), name)

            return Step(entries, write, before)

        return await self.audit_log.commit([user_key], decide)

    async def create_session(
        self, session_sha256: str, data: dict[str, Any], ttl: int, entry: AuditEntry
    ) -> None:
        key = self._keys.session(session_sha256)

        async def decide(_pipe: Pipeline) -> Step[None]:
            return Step([entry], lambda tx: tx.set(key, orjson.dumps(data), ex=ttl))

        await self.audit_log.commit((), decide, key)

    async def session(self, session_sha256: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.session(session_sha256))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    async def delete_session(self, session_sha256: str, entry: AuditEntry) -> None:
        key = self._keys.session(session_sha256)

        async def decide(_pipe: Pipeline) -> Step[None]:
            return Step([entry], lambda tx: tx.delete(key))

        await self.audit_log.commit((), decide, key)

    async def count_attempt(self, name: str, window_seconds: int) -> int:
        """Count one attempt in the current window of `name` (login failures, imports...)."""
        key = self._keys.lock(f"rate:{name}")
        client = await self.audit_log.slots.for_key(key)
        async with client.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, window_seconds, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def attempts(self, name: str) -> int:
        value = await self._redis.get(self._keys.lock(f"rate:{name}"))
        return int(value) if value else 0

    # --- holds --------------------------------------------------------------------------

    async def hold(self, hold_id: str) -> dict[str, str] | None:
        fields = await self._redis.hgetall(self._keys.hold(hold_id))  # type: ignore[misc]
        return cast(dict[str, str], fields) or None

    async def holds(self, hold_ids: Sequence[str]) -> list[dict[str, str] | None]:
        if not hold_ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for hold_id in hold_ids:
                pipe.hgetall(self._keys.hold(hold_id))
            results = await pipe.execute()
        return [cast(dict[str, str], fields) or None for fields in results]

    async def open_hold_ids(self, limit: int) -> list[str]:
        """Open holds, oldest first (the index is scored by creation time; on a cluster
        each shard's oldest, merged)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard in self._keys.shards:
                pipe.zrange(self._keys.holds_open_in(shard), 0, limit - 1, withscores=True)
            results = await pipe.execute()
        rows = sorted((score, hold_id) for rows in results for hold_id, score in rows)
        return [hold_id for _score, hold_id in rows[:limit]]

    async def recent_hold_ids(self, entries: int) -> list[str]:
        """Holds named by the newest `entries` entries of the audit stream, newest first.

        Only open holds have an index of their own; the audit stream, which every creation
        and status change appends to, is the index of recently resolved ones.
        """
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard in self._keys.shards:
                pipe.xrevrange(self._keys.audit_in(shard), count=entries)
            results = await pipe.execute()
        # Stream ids are `ms-seq`: newest first across the shards.
        rows = sorted(
            (row for rows in results for row in rows),
            key=lambda row: tuple(int(part) for part in row[0].split("-")),
            reverse=True,
        )[:entries]
        seen: dict[str, None] = {}
        for _entry_id, fields in rows:
            hold_id = fields.get("hold_id")
            if hold_id:
                seen.setdefault(hold_id, None)
        return list(seen)

    async def open_hold_stats(self, overdue_before: float) -> tuple[int, float | None, int]:
        """(open holds, creation time of the oldest, holds created before `overdue_before`)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard in self._keys.shards:
                key = self._keys.holds_open_in(shard)
                pipe.zcard(key)
                pipe.zrange(key, 0, 0, withscores=True)
                pipe.zcount(key, "-inf", overdue_before)
            replies = await pipe.execute()
        counts, oldest, overdue = replies[0::3], replies[1::3], replies[2::3]
        scores = [float(rows[0][1]) for rows in oldest if rows]
        return sum(map(int, counts)), (min(scores) if scores else None), sum(map(int, overdue))

    async def claims(self, hold_ids: Sequence[str]) -> list[dict[str, str] | None]:
        if not hold_ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for hold_id in hold_ids:
                pipe.hgetall(self._keys.claim(hold_id))
            results = await pipe.execute()
        return [cast(dict[str, str], fields) or None for fields in results]

    async def claim(
        self,
        hold_id: str,
        by: str,
        at: datetime,
        expires_at: datetime,
        take_over: bool,
        entries: Callable[[str], Entries],
    ) -> tuple[int, str]:
        """Claim an open hold: (1, previous holder or ""), (0, the other holder) when another
        officer holds it, (-1, "") with no such hold, (-2, status) when it is not open.
        `entries(previous holder)` are written with the claim."""
        claim_key, hold_key = self._keys.claim(hold_id), self._keys.hold(hold_id)
        ttl_ms = max(1, int((expires_at - at).total_seconds() * 1000))

        async def decide(pipe: Pipeline) -> Step[tuple[int, str]]:
            status = await pipe.hget(hold_key, "status")  # type: ignore[misc]
            if status is None:
                return Step([], result=(-1, ""))
            if status != "held":
                return Step([], result=(-2, str(status)))
            holder = str(await pipe.hget(claim_key, "by") or "")  # type: ignore[misc]
            if holder and holder != by and not take_over:
                return Step([], result=(0, holder))

            def write(tx: Pipeline) -> None:
                tx.delete(claim_key)
                tx.hset(
                    claim_key,
                    mapping={"by": by, "at": at.isoformat(), "expires_at": expires_at.isoformat()},
                )
                tx.pexpire(claim_key, ttl_ms)

            return Step(entries(holder), write, (1, holder))

        step = await self.audit_log.commit([claim_key, hold_key], decide)
        return step.result

    async def unclaim(
        self, hold_id: str, by: str, force: bool, entries: Callable[[str], Entries]
    ) -> tuple[int, str]:
        """(1, holder) when the claim was dropped, (0, "") when there was none, (-1, holder)
        when another officer holds it and `force` is not given."""
        claim_key = self._keys.claim(hold_id)

        async def decide(pipe: Pipeline) -> Step[tuple[int, str]]:
            holder = str(await pipe.hget(claim_key, "by") or "")  # type: ignore[misc]
            if not holder:
                return Step([], result=(0, ""))
            if holder != by and not force:
                return Step([], result=(-1, holder))
            return Step(entries(holder), lambda tx: tx.delete(claim_key), (1, holder))

        step = await self.audit_log.commit([claim_key], decide)
        return step.result

    async def transition(
        self,
        hold_id: str,
        to_status: str,
        at: datetime,
        by: str,
        note: str,
        decide_entries: Callable[[dict[str, str], dict[str, str]], Entries],
        extra: Callable[[Pipeline], None] | None = None,
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """Change a hold's status with its entries, and drop its claim.

        `decide_entries(hold fields, claim)` raises to refuse (no such hold, not allowed
        from this status, claimed by another) and otherwise returns the entries; `extra`
        queues further writes of the same step. Returns (fields before, status-change
        record)."""
        keys = self._keys
        hold_key, claim_key = keys.hold(hold_id), keys.claim(hold_id)

        async def decide(pipe: Pipeline) -> Step[dict[str, str]]:
            fields = cast(dict[str, str], await pipe.hgetall(hold_key))  # type: ignore[misc]
            claim = cast(dict[str, str], await pipe.hgetall(claim_key))  # type: ignore[misc]
            entries = decide_entries(fields, claim)
            args = transition_args(hold_id, (fields["status"],), to_status, at, by, note)
            script_keys = keys.hold_script_keys(hold_id)

            def write(tx: Pipeline) -> None:
                tx.eval(lua_source("transition_hold"), len(script_keys), *script_keys, *args)
                tx.delete(claim_key)
                if extra is not None:
                    extra(tx)

            return Step(entries, write, fields)

        step = await self.audit_log.commit([hold_key, claim_key], decide)
        changed, payload = step.replies[0]
        if not changed:  # cannot happen while the hold is WATCHed; say so loudly if it does
            raise RuntimeError(f"hold {hold_id} changed inside its own transaction: {payload}")
        return step.result, cast(dict[str, Any], orjson.loads(payload))

    async def update_hold(
        self,
        hold_id: str,
        mapping: dict[str, str],
        decide_entries: Callable[[dict[str, str], dict[str, str]], Entries],
    ) -> None:
        """Set fields of a hold without changing its status (a four-eyes request)."""
        hold_key, claim_key = self._keys.hold(hold_id), self._keys.claim(hold_id)

        async def decide(pipe: Pipeline) -> Step[None]:
            fields = cast(dict[str, str], await pipe.hgetall(hold_key))  # type: ignore[misc]
            claim = cast(dict[str, str], await pipe.hgetall(claim_key))  # type: ignore[misc]
            entries = decide_entries(fields, claim)
            return Step(entries, lambda tx: tx.hset(hold_key, mapping=mapping))

        await self.audit_log.commit([hold_key, claim_key], decide)

    async def create_hold(
        self,
        hold_id: str,
        fields: dict[str, Any],
        status: str,
        created_at: datetime,
        change: dict[str, Any],
        entries: Callable[[bool], Entries],
    ) -> bool:
        """Create a hold once, with `entries(created)`; False when it already existed.
        A hold that already existed (a worker's rule held it first) still gains the
        `source_hold` link, if it has none, so its page says which hold it was traced from."""
        keys = self._keys
        hold_key = keys.hold(hold_id)
        source = fields.get("source_hold")

        def link(tx: Pipeline) -> None:
            tx.hsetnx(hold_key, "source_hold", str(source))

        async def decide(pipe: Pipeline) -> Step[bool]:
            if await pipe.exists(hold_key):
                return Step(entries(False), link if source else None, result=False)
            args = create_hold_args(hold_id, fields, status, created_at, None, change)
            script_keys = keys.hold_script_keys(hold_id)

            def write(tx: Pipeline) -> None:
                tx.eval(lua_source("create_hold"), len(script_keys), *script_keys, *args)

            return Step(entries(True), write, True)

        step = await self.audit_log.commit([hold_key], decide)
        return step.result

    async def mark_published(self, fields: Sequence[str]) -> None:
        """Clear changes Kafka acknowledged from the outbox, as the worker does."""
        by_shard: dict[str, list[str]] = {}
        for name in fields:  # `hold_id|status`: the hold's shard
            by_shard.setdefault(self._hold_shard(name), []).append(name)
        for shard, names in by_shard.items():
            outbox = self._keys.outbox_in(shard)
            client = await self.audit_log.slots.for_key(outbox)
            async with client.pipeline(transaction=True) as pipe:
                pipe.hdel(outbox, *names)
                pipe.zrem(self._keys.outbox_due_in(shard), *names)
                await pipe.execute()

    async def outbox_has(self, field: str) -> bool:
        outbox = self._keys.outbox_in(self._hold_shard(field))
        return bool(await self._redis.hexists(outbox, field))  # type: ignore[misc]

    def _hold_shard(self, outbox_field: str) -> str:
        return self._keys.shard_of(outbox_field.rpartition("|")[0])

    # --- what led to a hold -------------------------------------------------------------

    async def decision(self, event_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.decision(event_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    async def history(self, customer_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.history(customer_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    async def inbound(self, account: str) -> list[Flow]:
        members = await self._redis.zrange(self._keys.account_inbound(account), 0, -1)
        return [Flow.decode(m) for m in members]

    async def outbound(self, account: str, start: float = 0.0, end: float = 1e12) -> list[Flow]:
        """Money out of an account with `start <= at <= end` (event time), oldest first."""
        members = await self._redis.zrangebyscore(self._keys.account_outbound(account), start, end)
        return [Flow.decode(m) for m in members]

    async def account_info(self, account: str) -> dict[str, str]:
        info = await self._redis.hgetall(self._keys.account_info(account))  # type: ignore[misc]
        return cast(dict[str, str], info)

    # --- block list and victims ---------------------------------------------------------

    async def block(self, account: str) -> tuple[dict[str, Any] | None, int | None]:
        """(the block entry or None, seconds left or None when permanent)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.get(self._keys.block(account))
            pipe.ttl(self._keys.block(account))
            raw, ttl = await pipe.execute()
        state = _decode_block(raw, int(ttl))
        return state.entry, state.ttl

    async def blocks(self, accounts: Sequence[str]) -> list[dict[str, Any] | None]:
        if not accounts:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:  # a cluster: many slots
            for account in accounts:
                pipe.get(self._keys.block(account))
            values = await pipe.execute()
        return [cast(dict[str, Any], orjson.loads(v)) if v else None for v in values]

    async def change_blocks(
        self,
        accounts: Sequence[str],
        decide_blocks: Callable[
            [list[BlockState]], tuple[list[tuple[str, dict[str, Any] | None, int | None]], Entries]
        ],
    ) -> list[BlockState]:
        """Read the accounts' blocks, let `decide_blocks(states)` say what to set (entry and
        TTL; None deletes) and which entries to write, and do both in one step. Returns the
        states as they were."""
        block_keys = [self._keys.block(account) for account in accounts]
        if self._keys.hold_shards and len(set(accounts)) > 1:
            # Each account's block and chain are in a slot of their own on a cluster.
            raise ValueError("on a Redis Cluster a block-list step changes one account")

        async def decide(pipe: Pipeline) -> Step[list[BlockState]]:
            raws = await pipe.mget(block_keys) if block_keys else []
            ttls = [
                int(await pipe.ttl(key)) if raw else -2
                for key, raw in zip(block_keys, raws, strict=False)
            ]
            states = [_decode_block(raw, ttl) for raw, ttl in zip(raws, ttls, strict=True)]
            changes, entries = decide_blocks(states)

            def write(tx: Pipeline) -> None:
                for account, entry, ttl in changes:
                    if entry is None:
                        tx.delete(self._keys.block(account))
                    else:
                        tx.set(self._keys.block(account), orjson.dumps(entry), ex=ttl)

            return Step(entries, write if changes else None, states)

        step = await self.audit_log.commit(block_keys, decide)
        return step.result

    async def lift_suspension(
        self, account: str, entry_for: Callable[[dict[str, Any]], AuditEntry]
    ) -> dict[str, Any] | None:
        """Remove an account's suspension on mule evidence with its audit entry, in one step;
        the entry it had, or None if it had none."""
        key = self._keys.suspension(account)
        if self._keys.hold_shards:
            return await self._lift_suspension_in_two(key, entry_for)

        async def decide(pipe: Pipeline) -> Step[dict[str, Any] | None]:
            raw = await pipe.get(key)
            if raw is None:
                return Step([], None, None)
            previous = cast(dict[str, Any], orjson.loads(raw))
            return Step([entry_for(previous)], lambda tx: tx.delete(key), previous)

        step = await self.audit_log.commit([key], decide)
        return step.result

    async def _lift_suspension_in_two(
        self, key: str, entry_for: Callable[[dict[str, Any]], AuditEntry]
    ) -> dict[str, Any] | None:
        """On a cluster the suspension (the account's slot) and the entry (the hold's
        chain) are in two slots: the entry first, then the delete. A crash between leaves
        a suspension that expires by itself, its lifting on the record."""
        raw = await self._redis.get(key)
        if raw is None:
            return None
        previous = cast(dict[str, Any], orjson.loads(raw))
        await self.audit_log.record(entry_for(previous))
        await self._redis.delete(key)
        return previous

    async def mark_victim(
        self, customer_id: str, record: dict[str, Any], entry: AuditEntry
    ) -> None:
        """No expiry: a customer defrauded once deserves stricter screening for good."""
        key = self._keys.confirmed_victim(customer_id)

        async def decide(_pipe: Pipeline) -> Step[None]:
            return Step([entry], lambda tx: tx.set(key, orjson.dumps(record)))

        await self.audit_log.commit((), decide, key)

    async def victim(self, customer_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.confirmed_victim(customer_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    # --- audit views and follow-the-money -----------------------------------------------

    async def hold_trail(self, hold_id: str, count: int) -> list[dict[str, Any]]:
        """The review API's entries for a hold, oldest first."""
        return await self.audit_log.hold_trail(hold_id, count)

    async def user_trail(self, name: str, count: int) -> list[dict[str, Any]]:
        return await self.audit_log.user_trail(name, count)

    async def recent_audit(self, count: int) -> list[dict[str, Any]]:
        return await self.audit_log.recent(count)

    async def save_follow(self, hold_id: str, trail: dict[str, Any], entries: Entries = ()) -> None:
        key = self._keys.follow(hold_id)

        async def decide(_pipe: Pipeline) -> Step[None]:
            return Step(
                entries,
                lambda tx: tx.set(key, orjson.dumps(trail), ex=CLOSED_HOLD_KEEP_SECONDS),
            )

        await self.audit_log.commit((), decide, key)

    async def change_follow(
        self,
        hold_id: str,
        change: Callable[[dict[str, Any] | None], tuple[dict[str, Any], Entries]],
    ) -> dict[str, Any]:
        """Change the follow-the-money trail of a hold (a supervisor's approval) with its
        entries; `change(trail)` raises to refuse."""
        key = self._keys.follow(hold_id)

        async def decide(pipe: Pipeline) -> Step[dict[str, Any]]:
            raw = await pipe.get(key)
            trail, entries = change(cast(dict[str, Any], orjson.loads(raw)) if raw else None)
            return Step(
                entries,
                lambda tx: tx.set(key, orjson.dumps(trail), ex=CLOSED_HOLD_KEEP_SECONDS),
                trail,
            )

        step = await self.audit_log.commit([key], decide)
        return step.result

    async def follow(self, hold_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.follow(hold_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None
