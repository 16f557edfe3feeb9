"""The writes `screener rebuild` makes besides the worker's own (`RedisScreeningStore`):
what officers and supervisors changed, read back from `screener.audit` and
`screener.holds`, written without new audit entries (the topic has them already).

Every key is named by `RedisKeys`, and hold status changes go through the same Lua script
as the review API's (`transition_hold`), so the rebuilt hold hashes, the open and timed
sets and the hold's change stream are what the officers' actions wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from redis.asyncio import Redis

from screener.adapters.redis_keys import (
    RedisKeys,
    create_hold_args,
    lua_source,
    transition_args,
)
from screener.records import hold_change

BLOCK, SUSPENSION = "block", "suspension"


class RedisRebuildStore:
    """The client may decode responses or not; values are compared parsed."""

    def __init__(self, redis: Redis, keys: RedisKeys) -> None:
        self._redis = redis
        self._keys = keys

    def _entry_key(self, kind: str, account: str) -> str:
        return self._keys.block(account) if kind == BLOCK else self._keys.suspension(account)

    async def first_key(self) -> str | None:
        """A key under the prefix, or None when the prefix holds nothing."""
        async for key in self._redis.scan_iter(match=f"{self._keys.prefix}*", count=1000):
            return key.decode() if isinstance(key, bytes) else str(key)
        return None

    async def set_entry(
        self, kind: str, account: str, entry: dict[str, Any], ttl_seconds: int | None
    ) -> None:
        """A block or suspension entry as a supervisor's change set it (no NX: it replaces)."""
        await self._redis.set(self._entry_key(kind, account), orjson.dumps(entry), ex=ttl_seconds)

    async def delete_entry(self, kind: str, account: str) -> None:
        await self._redis.delete(self._entry_key(kind, account))

    async def entry(self, kind: str, account: str) -> dict[str, Any] | None:
        raw = await self._redis.get(self._entry_key(kind, account))
        return orjson.loads(raw) if raw else None

    async def expire_entries(
        self, kind: str, expiries: Sequence[tuple[str, dict[str, Any], float]]
    ) -> int:
        """Give each (account, entry, epoch seconds) whose key still holds that very entry its
        absolute expiry; one already past deletes the key, as Redis would have. Returns how
        many keys were gone by then."""
        expired = 0
        now = datetime.now().timestamp()
        for account, entry, at in expiries:
            if await self.entry(kind, account) != entry:
                continue  # replaced later (an officer's block over a rule's, or lifted)
            await self._redis.expireat(self._entry_key(kind, account), max(1, int(at)))
            expired += at <= now
        return expired

    async def mark_victim(self, customer_id: str, record: dict[str, Any]) -> None:
        """As the review API marks a customer a confirmed victim: for good."""
        await self._redis.set(self._keys.confirmed_victim(customer_id), orjson.dumps(record))

    async def hold_statuses(self, hold_ids: Sequence[str]) -> dict[str, str]:
        """hold id -> status, for the holds that exist."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for hold_id in hold_ids:
                pipe.hget(self._keys.hold(hold_id), "status")
            values = await pipe.execute()
        return {
            hold_id: value.decode() if isinstance(value, bytes) else str(value)
            for hold_id, value in zip(hold_ids, values, strict=True)
            if value is not None
        }

    async def create_hold(self, fields: dict[str, Any], note: str) -> bool:
        """A hold the review API created (follow-the-money), from the fields its audit entry
        recorded, with the same script. Its `held` change is on the topic already: the
        caller clears it from the outbox (`outbox_field`). False when the hold exists."""
        hold_id, status = str(fields["event_id"]), str(fields["status"])
        created_at = datetime.fromisoformat(str(fields["created_at"]))
        until = str(fields.get("hold_until") or "")
        change = hold_change(hold_id, status, None, created_at, "screener", note)
        script_keys = self._keys.hold_script_keys(hold_id)
        args = create_hold_args(
            hold_id,
            fields,
            status,
            created_at,
            datetime.fromisoformat(until) if until else None,
            change,
        )
        created = await self._redis.eval(  # type: ignore[misc]
            lua_source("create_hold"), len(script_keys), *script_keys, *args
        )
        return bool(created)

    async def apply_change(self, change: dict[str, Any], current: str) -> bool:
        """Move a hold from `current` to the change's status as the change recorded it (who,
        when, the note), with the review API's script. The change is on the topic already:
        the caller clears it from the outbox. False when the hold was not in `current`."""
        hold_id, status = str(change["hold_id"]), str(change["status"])
        script_keys = self._keys.hold_script_keys(hold_id)
        args = transition_args(
            hold_id,
            (current,),
            status,
            datetime.fromisoformat(str(change["changed_at"])),
            str(change.get("changed_by") or ""),
            str(change.get("note") or ""),
        )
        changed, _payload = await self._redis.eval(  # type: ignore[misc]
            lua_source("transition_hold"), len(script_keys), *script_keys, *args
        )
        return bool(changed)
