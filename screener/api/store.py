"""The review API's Redis: every key it touches is named by `RedisKeys`.

Hold status changes go only through the shared Lua scripts (`create_hold`, `transition_hold`),
so the review API and the worker change holds, the open-holds index, the outbox and the
audit stream the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

import orjson
from redis.asyncio import Redis

from screener.adapters.redis_keys import (
    AUDIT_MAX_LENGTH,
    CLOSED_HOLD_KEEP_SECONDS,
    RedisKeys,
    create_hold_args,
    lua_source,
    transition_args,
)
from screener.api.audit import TRAIL_MAX_LENGTH, AuditEntry, entry_view
from screener.domain.accounts import Flow


class ReviewStore:
    """All Redis reads and writes of the review API and the `users` command.

    The client must be created with `decode_responses=True`.
    """

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys
        self._create_hold = redis.register_script(lua_source("create_hold"))
        self._transition = redis.register_script(lua_source("transition_hold"))
        self._claim = redis.register_script(lua_source("claim_hold"))
        self._unclaim = redis.register_script(lua_source("unclaim_hold"))
        self._block_at_least = redis.register_script(lua_source("block_account"))

    @property
    def keys(self) -> RedisKeys:
        return self._keys

    async def ping(self) -> bool:
        return bool(await self._redis.ping())

    # --- users and sessions -------------------------------------------------------------

    async def add_user(self, fields: dict[str, str], token_sha256: str) -> bool:
        """Create a user; False when the name is taken (SADD decides, so two racing adds
        of one name cannot both win)."""
        keys = self._keys
        added = await self._redis.sadd(keys.users, fields["name"])  # type: ignore[misc]
        if not added:
            return False
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(keys.user(fields["name"]), mapping=fields)
            pipe.set(keys.user_token(token_sha256), fields["name"])
            await pipe.execute()
        return True

    async def user(self, name: str) -> dict[str, str] | None:
        fields = await self._redis.hgetall(self._keys.user(name))  # type: ignore[misc]
        return cast(dict[str, str], fields) or None

    async def user_names(self) -> list[str]:
        names = await self._redis.smembers(self._keys.users)  # type: ignore[misc]
        return sorted(cast(set[str], names))

    async def user_for_token(self, token_sha256: str) -> dict[str, str] | None:
        name = await self._redis.get(self._keys.user_token(token_sha256))
        return await self.user(name) if name else None

    async def disable_user(self, name: str, at: datetime) -> dict[str, str] | None:
        """Mark the user disabled and forget their token; returns the user as it was."""
        before = await self.user(name)
        if before is None:
            return None
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                self._keys.user(name), mapping={"disabled": "1", "disabled_at": at.isoformat()}
            )
            if before.get("token_sha256"):
                pipe.delete(self._keys.user_token(before["token_sha256"]))
            await pipe.execute()
        return before

    async def create_session(self, session_sha256: str, data: dict[str, Any], ttl: int) -> None:
        await self._redis.set(self._keys.session(session_sha256), orjson.dumps(data), ex=ttl)

    async def session(self, session_sha256: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.session(session_sha256))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    async def delete_session(self, session_sha256: str) -> None:
        await self._redis.delete(self._keys.session(session_sha256))

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
        """Open holds, oldest first (the index is scored by creation time)."""
        ids = await self._redis.zrange(self._keys.holds_open, 0, limit - 1)
        return cast(list[str], ids)

    async def recent_hold_ids(self, entries: int) -> list[str]:
        """Holds named by the newest `entries` entries of the audit stream, newest first.

        Only open holds have an index of their own; the audit stream, which every creation
        and status change appends to, is the index of recently resolved ones.
        """
        rows = await self._redis.xrevrange(self._keys.audit, count=entries)
        seen: dict[str, None] = {}
        for _entry_id, fields in rows:
            hold_id = fields.get("hold_id")
            if hold_id:
                seen.setdefault(hold_id, None)
        return list(seen)

    async def open_hold_stats(self, overdue_before: float) -> tuple[int, float | None, int]:
        """(open holds, creation time of the oldest, holds created before `overdue_before`)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.zcard(self._keys.holds_open)
            pipe.zrange(self._keys.holds_open, 0, 0, withscores=True)
            pipe.zcount(self._keys.holds_open, "-inf", overdue_before)
            count, oldest, overdue = await pipe.execute()
        return int(count), (float(oldest[0][1]) if oldest else None), int(overdue)

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
    ) -> tuple[int, str]:
        """See claim_hold.lua for the codes."""
        ttl_ms = max(1, int((expires_at - at).total_seconds() * 1000))
        code, other = await self._claim(
            keys=[self._keys.claim(hold_id), self._keys.hold(hold_id)],
            args=[by, at.isoformat(), expires_at.isoformat(), ttl_ms, "1" if take_over else "0"],
        )
        return int(code), str(other)

    async def unclaim(self, hold_id: str, by: str, force: bool) -> tuple[int, str]:
        """See unclaim_hold.lua for the codes."""
        code, holder = await self._unclaim(
            keys=[self._keys.claim(hold_id)], args=[by, "1" if force else "0"]
        )
        return int(code), str(holder)

    async def transition(
        self,
        hold_id: str,
        allowed_from: tuple[str, ...],
        to_status: str,
        at: datetime,
        by: str,
        note: str,
    ) -> tuple[dict[str, Any] | None, str]:
        """(the status-change record, "") when changed; (None, current status or "") when not."""
        changed, payload = await self._transition(
            keys=self._keys.hold_script_keys(hold_id),
            args=transition_args(hold_id, allowed_from, to_status, at, by, note),
        )
        if changed:
            return cast(dict[str, Any], orjson.loads(payload)), ""
        return None, str(payload)

    async def create_hold(
        self,
        hold_id: str,
        fields: dict[str, Any],
        status: str,
        created_at: datetime,
        change: dict[str, Any],
    ) -> bool:
        created = await self._create_hold(
            keys=self._keys.hold_script_keys(hold_id),
            args=create_hold_args(hold_id, fields, status, created_at, None, change),
        )
        return bool(created)

    async def mark_published(self, fields: Sequence[str]) -> None:
        """Clear changes Kafka acknowledged from the outbox, as the worker does."""
        if not fields:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self._keys.outbox, *fields)
            pipe.zrem(self._keys.outbox_due, *fields)
            await pipe.execute()

    async def outbox_has(self, field: str) -> bool:
        return bool(await self._redis.hexists(self._keys.outbox, field))  # type: ignore[misc]

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
        if raw is None:
            return None, None
        return cast(dict[str, Any], orjson.loads(raw)), (int(ttl) if int(ttl) >= 0 else None)

    async def blocks(self, accounts: Sequence[str]) -> list[dict[str, Any] | None]:
        if not accounts:
            return []
        values = await self._redis.mget([self._keys.block(a) for a in accounts])
        return [cast(dict[str, Any], orjson.loads(v)) if v else None for v in values]

    async def put_blocks(
        self, blocks: Sequence[tuple[str, dict[str, Any], int | None]]
    ) -> list[dict[str, Any] | None]:
        """Set blocks as given (a supervisor's word overrides); returns the entries replaced."""
        if not blocks:
            return []
        async with self._redis.pipeline(transaction=True) as pipe:
            for account, entry, ttl in blocks:
                pipe.set(self._keys.block(account), orjson.dumps(entry), ex=ttl, get=True)
            previous = await pipe.execute()
        return [cast(dict[str, Any], orjson.loads(p)) if p else None for p in previous]

    async def delete_block(self, account: str) -> dict[str, Any] | None:
        raw = await self._redis.getdel(self._keys.block(account))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    async def block_at_least(
        self, account: str, entry: dict[str, Any], ttl: int
    ) -> tuple[int, dict[str, Any] | None]:
        """See block_account.lua: 1 created, 2 a shorter block replaced, 0 kept."""
        code, previous = await self._block_at_least(
            keys=[self._keys.block(account)], args=[orjson.dumps(entry).decode(), max(1, ttl)]
        )
        return int(code), (cast(dict[str, Any], orjson.loads(previous)) if previous else None)

    async def mark_victim(self, customer_id: str, record: dict[str, Any]) -> None:
        """No expiry: a customer defrauded once deserves stricter screening for good."""
        await self._redis.set(self._keys.confirmed_victim(customer_id), orjson.dumps(record))

    async def victim(self, customer_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.confirmed_victim(customer_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None

    # --- audit and follow-the-money -----------------------------------------------------

    async def audit(self, entries: Iterable[AuditEntry]) -> None:
        """Append to the shared stream and to the hold's and the user's streams, atomically."""
        keys = self._keys
        async with self._redis.pipeline(transaction=True) as pipe:
            for entry in entries:
                fields: Any = entry.fields()
                pipe.xadd(keys.audit, fields, maxlen=AUDIT_MAX_LENGTH, approximate=True)
                trails = [keys.hold_audit(h) for h in {entry.hold_id, entry.related_hold} - {""}]
                for trail in (*trails, keys.user_audit(entry.by)):
                    pipe.xadd(trail, fields, maxlen=TRAIL_MAX_LENGTH, approximate=True)
                    # Archived on `screener.audit`; kept here as long as a closed hold.
                    pipe.expire(trail, CLOSED_HOLD_KEEP_SECONDS)
            await pipe.execute()

    async def hold_trail(self, hold_id: str, count: int) -> list[dict[str, Any]]:
        """The review API's entries for a hold, oldest first."""
        return await self._read_stream(self._keys.hold_audit(hold_id), count)

    async def user_trail(self, name: str, count: int) -> list[dict[str, Any]]:
        return await self._read_stream(self._keys.user_audit(name), count)

    async def recent_audit(self, count: int) -> list[dict[str, Any]]:
        return await self._read_stream(self._keys.audit, count)

    async def _read_stream(self, key: str, count: int) -> list[dict[str, Any]]:
        rows = await self._redis.xrevrange(key, count=count)
        return [entry_view(entry_id, fields) for entry_id, fields in reversed(rows)]

    async def save_follow(self, hold_id: str, trail: dict[str, Any]) -> None:
        await self._redis.set(
            self._keys.follow(hold_id), orjson.dumps(trail), ex=CLOSED_HOLD_KEEP_SECONDS
        )

    async def follow(self, hold_id: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._keys.follow(hold_id))
        return cast(dict[str, Any], orjson.loads(raw)) if raw else None
