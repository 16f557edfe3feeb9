"""The worker's Redis: decisions, histories, account flows, holds, blocks and the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import orjson
from redis.asyncio import Redis

from screener import metrics
from screener.adapters.redis_keys import (
    RedisKeys,
    create_hold_args,
    lua_source,
    settle_args,
)
from screener.domain.accounts import AccountActivity, Flow
from screener.domain.history import CustomerHistory
from screener.domain.loan_release import PROGRESS_FIELDS, HoldProgress, Settlement
from screener.domain.profile import AccountProfile
from screener.service import BatchWrites, Loaded

log = logging.getLogger(__name__)
T = TypeVar("T")


def _stored_or_empty(
    kind: str, owner: str, raw: bytes | None, from_dict: Callable[[dict[str, Any]], T], empty: T
) -> T:
    """A stored history or profile, or an empty one when there is none or it cannot be read
    (written by an older version, or damaged): one key's state must never stall the stream."""
    if raw is None:
        return empty
    try:
        data = orjson.loads(raw)
        if not isinstance(data, dict):
            raise ValueError(f"expected an object, got {type(data).__name__}")
        return from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        metrics.STATE_DECODE_ERRORS.inc()
        log.warning("unreadable %s of %s, starting afresh: %s", kind, owner, exc)
        return empty


def _reporter(suspension: bytes | None) -> str | None:
    """Who reported the fraud that suspended the account (None: no suspension, one by mule
    evidence, or an entry that cannot be read, which still suspends)."""
    if suspension is None:
        return None
    try:
        entry = orjson.loads(suspension)
    except ValueError:
        return None
    reporter = entry.get("reported_by") if isinstance(entry, dict) else None
    return reporter if isinstance(reporter, str) else None


def _flows(account: str, members: list[bytes]) -> tuple[Flow, ...]:
    """The readable flows of an account; an unreadable member is skipped and counted."""
    flows = []
    for member in members:
        try:
            flows.append(Flow.decode(member))
        except ValueError:
            metrics.STATE_DECODE_ERRORS.inc()
            log.warning("unreadable flow of account %s skipped", account)
    return tuple(flows)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _flat(counts: dict[str, int]) -> list[str | int]:
    return [item for name, count in counts.items() for item in (name, count)]


def _safety_cap_args(writes: BatchWrites) -> list[str | int]:
    """`add_safety_cap.lua`'s arguments for the batch's buckets, in their order."""
    return [
        item
        for bucket, counts in writes.safety_cap.items()
        for item in (writes.safety_cap_ttls[bucket], len(counts), *_flat(counts))
    ]


class RedisScreeningStore:
    """Implements `ScreeningStore`, plus what the worker's timers need, on one Redis or a
    Sentinel-managed one (`ClusterScreeningStore` is the Redis Cluster's)."""

    # A batch's writes go in one MULTI/EXEC; a cluster has no transactions across slots.
    _transactions = True

    def __init__(
        self,
        redis: Redis,
        keys: RedisKeys,
        decision_ttl_seconds: int,
        history_ttl_seconds: int,
        account_keep_seconds: float,
        account_max_flows: int,
        profile_ttl_seconds: int = 400 * 86400,
    ) -> None:
        """Every key written here expires: decisions after `decision_ttl_seconds`, histories
        and account details after `history_ttl_seconds`, flows after their window and a
        day, blocks with their suspension, the safety cap's buckets after its baseline."""
        self._redis = redis
        self._profile_ttl = profile_ttl_seconds
        self._keys = keys
        self._decision_ttl = decision_ttl_seconds
        self._history_ttl = history_ttl_seconds
        self._account_keep = account_keep_seconds
        self._account_max_flows = account_max_flows
        self._create_hold = redis.register_script(lua_source("create_hold"))
        self._settle = redis.register_script(lua_source("settle_hold"))
        self._set_with_expiry = lua_source("set_with_expiry")
        self._add_flows = lua_source("add_flows")
        self._load_accounts = lua_source("load_accounts")
        self._load_safety_cap = lua_source("load_safety_cap")
        self._add_safety_cap = lua_source("add_safety_cap")

    async def load(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str] = frozenset(),
        safety_cap_buckets: list[str] | None = None,
    ) -> Loaded:
        buckets = safety_cap_buckets or []
        results = await self._read(event_ids, customer_ids, accounts, without_flows, buckets)
        return self._loaded(event_ids, customer_ids, accounts, buckets, results)

    async def _read(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str],
        buckets: list[str],
    ) -> list[Any]:
        """The replies `_loaded` decodes: five MGETs (decisions, histories, victims,
        profiles, suspensions), per account (details, block flag, flows) when there are
        accounts, and the safety cap's buckets when asked. One round trip."""
        keys = self._keys
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.mget([keys.decision(e) for e in event_ids] or [keys.decision("")])
            pipe.mget([keys.history(c) for c in customer_ids] or [keys.history("")])
            pipe.mget([keys.confirmed_victim(c) for c in customer_ids] or [keys.history("")])
            # The long-term profiles and suspensions: plain keys, read beside the accounts' script.
            pipe.mget([keys.account_profile(a) for a in accounts] or [keys.history("")])
            pipe.mget([keys.suspension(a) for a in accounts] or [keys.history("")])
            if accounts:
                pipe.execute_command(
                    "EVAL",
                    self._load_accounts,
                    4 * len(accounts),
                    *(
                        key
                        for account in accounts
                        for key in (
                            keys.account_info(account),
                            keys.block(account),
                            keys.account_inbound(account),
                            keys.account_outbound(account),
                        )
                    ),
                    *("0" if account in without_flows else "1" for account in accounts),
                )
            if buckets:
                pipe.execute_command(
                    "EVAL",
                    self._load_safety_cap,
                    len(buckets),
                    *(keys.safety_cap(bucket) for bucket in buckets),
                )
            results: list[Any] = await pipe.execute()
        return results

    def _loaded(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        buckets: list[str],
        results: list[Any],
    ) -> Loaded:
        decision_values, history_values, victim_values, profile_values, suspended_values = results[
            :5
        ]
        decisions = {
            event_id: orjson.loads(raw)
            for event_id, raw in zip(event_ids, decision_values, strict=False)
            if raw is not None
        }
        histories = {
            customer_id: _stored_or_empty(
                "history",
                customer_id,
                raw,
                CustomerHistory.from_dict,
                CustomerHistory(),
            )
            for customer_id, raw in zip(customer_ids, history_values, strict=False)
            if raw is not None
        }
        victims = frozenset(
            c for c, raw in zip(customer_ids, victim_values, strict=False) if raw is not None
        )
        activities = {}
        replies = zip(
            accounts, results[5] if accounts else (), profile_values, suspended_values, strict=False
        )
        for account, reply, profile, suspended in replies:
            opened_at, holder_id, blocked, inbound, outbound = reply
            activities[account] = AccountActivity(
                account=account,
                inbound=_flows(account, inbound),
                outbound=_flows(account, outbound),
                opened_at=float(opened_at) if opened_at else None,
                holder_id=holder_id.decode() if holder_id else None,
                blocked=bool(blocked),
                suspended=suspended is not None,
                reported_by=_reporter(suspended),
                profile=_stored_or_empty(
                    "profile",
                    account,
                    profile,
                    AccountProfile.from_dict,
                    AccountProfile(),
                ),
            )
        cap_reply = results[-1] if buckets else []
        safety_cap = {
            buckets[int(index) - 1]: {
                _text(name): int(count) for name, count in zip(flat[::2], flat[1::2], strict=True)
            }
            for index, flat in zip(cap_reply[::2], cap_reply[1::2], strict=True)
        }
        return Loaded(decisions, histories, activities, victims, safety_cap)

    async def save(self, writes: BatchWrites) -> list[bool]:
        # One MULTI/EXEC: a crash leaves either all of the batch's writes or none of them.
        # Plain writes and flows go as one script call each (EVAL, not EVALSHA: a script
        # missing from a restarted Redis's cache would fail inside the transaction).
        keys = self._keys
        values = self._decision_values(writes) + self._state_values(writes)
        flows = self._flows_of(writes)
        async with self._redis.pipeline(transaction=True) as pipe:
            if values:
                pipe.execute_command(
                    "EVAL",
                    self._set_with_expiry,
                    len(values),
                    *(key for key, _, _ in values),
                    *(item for _, value, ttl in values for item in (value, ttl)),
                )
            if flows:
                pipe.execute_command(
                    "EVAL",
                    self._add_flows,
                    len(flows),
                    *(key for key, _ in flows),
                    *self._flow_args(flows),
                )
            self._queue_accounts(pipe, writes)
            self._queue_safety_cap(pipe, writes)
            for hold in writes.holds:
                await self._create_hold(
                    keys=keys.hold_script_keys(hold.hold_id),
                    args=create_hold_args(
                        hold.hold_id,
                        hold.fields,
                        hold.status,
                        hold.created_at,
                        hold.hold_until,
                        hold.change,
                    ),
                    client=pipe,
                )
            results = await pipe.execute()
        return [bool(flag) for flag in results[len(results) - len(writes.holds) :]]

    def _queue_safety_cap(self, pipe: Any, writes: BatchWrites) -> None:
        """The batch's safety-cap increments, one script over the buckets' keys."""
        if writes.safety_cap:
            pipe.execute_command(
                "EVAL",
                self._add_safety_cap,
                len(writes.safety_cap),
                *(self._keys.safety_cap(bucket) for bucket in writes.safety_cap),
                *_safety_cap_args(writes),
            )

    def _queue_accounts(self, pipe: Any, writes: BatchWrites) -> None:
        """The batch's account details, suspensions and blocks: single keys, idempotent."""
        keys = self._keys
        for account, (opened_at, holder_id) in writes.opened_accounts.items():
            pipe.hset(
                keys.account_info(account),
                mapping={"opened_at": opened_at, "holder_id": holder_id},
            )
            pipe.expire(keys.account_info(account), self._history_ttl)
        for suspension in writes.suspensions:
            # NX: an earlier suspension keeps its reason and expiry.
            pipe.set(
                keys.suspension(suspension.account),
                orjson.dumps(suspension.entry),
                ex=suspension.ttl_seconds,
                nx=True,
            )
        for block in writes.blocks:
            # NX: a block an officer or an earlier rule set keeps its reason and expiry.
            # The lifetime is the suspension's length in event time (service.NewBlock).
            pipe.set(
                keys.block(block.account),
                orjson.dumps(block.entry),
                ex=block.ttl_seconds,
                nx=True,
            )

    def _decision_values(self, writes: BatchWrites) -> list[tuple[str, bytes, int]]:
        return [
            (self._keys.decision(event_id), orjson.dumps(decision), self._decision_ttl)
            for event_id, decision in writes.decisions.items()
        ]

    def _state_values(self, writes: BatchWrites) -> list[tuple[str, bytes, int]]:
        """The plain writes other than decisions: histories and profiles (key, value, TTL)."""
        keys = self._keys
        values: list[tuple[str, bytes, int]] = [
            (keys.history(customer_id), orjson.dumps(history.as_dict()), self._history_ttl)
            for customer_id, history in writes.histories.items()
        ]
        values += [
            (keys.account_profile(account), orjson.dumps(profile.as_dict()), self._profile_ttl)
            for account, profile in writes.profiles.items()
        ]
        return values

    def _flows_of(self, writes: BatchWrites) -> list[tuple[str, list[Flow]]]:
        keys = self._keys
        return [
            (keys.account_inbound(account), account_flows)
            for account, account_flows in writes.inbound.items()
        ] + [
            (keys.account_outbound(account), account_flows)
            for account, account_flows in writes.outbound.items()
        ]

    def _flow_args(self, flows: list[tuple[str, list[Flow]]]) -> list[bytes | float | int | str]:
        """`add_flows.lua`'s arguments. A set keeps what lies within the retention window
        of its newest flow (event time) and at most `account_max_flows` flows."""
        args: list[bytes | float | int | str] = [
            self._account_max_flows,
            int(self._account_keep) + 86400,
        ]
        for _, account_flows in flows:
            newest = max(flow.at for flow in account_flows)
            keep = self._account_keep
            args += (len(account_flows), f"({newest - keep}", f"({newest + keep}")
            for flow in account_flows:
                args += (flow.at, flow.encode())
        return args

    def _by_shard(self, fields: list[str]) -> dict[str, list[str]]:
        """Outbox fields (`hold_id|status`) by the shard of their hold: one outside a cluster."""
        shards: dict[str, list[str]] = {}
        for name in fields:
            shards.setdefault(self._keys.shard_of(name.rpartition("|")[0]), []).append(name)
        return shards

    async def pending_changes(self, fields: list[str]) -> dict[str, dict[str, Any]]:
        keys = self._keys
        shards = self._by_shard(fields)
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard, names in shards.items():
                pipe.hmget(keys.outbox_in(shard), names)
            replies: list[list[bytes | None]] = await pipe.execute()
        return {
            name: orjson.loads(raw)
            for names, values in zip(shards.values(), replies, strict=True)
            for name, raw in zip(names, values, strict=True)
            if raw is not None
        }

    async def mark_published(self, fields: list[str]) -> None:
        # A shard's outbox and its due times change together (one slot); a crash between
        # the two leaves a due time without a change, which `stale_outbox` clears.
        keys = self._keys
        async with self._redis.pipeline(transaction=self._transactions) as pipe:
            for shard, names in self._by_shard(fields).items():
                pipe.hdel(keys.outbox_in(shard), *names)
                pipe.zrem(keys.outbox_due_in(shard), *names)
            await pipe.execute()

    async def _each_shard(self, command: Callable[[Any, str], object]) -> list[Any]:
        """One command on every shard's key, in one round trip; the replies by shard."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for shard in self._keys.shards:
                command(pipe, shard)
            replies: list[Any] = await pipe.execute()
        return replies

    async def due_timed_holds(self, now: datetime, limit: int) -> list[str]:
        keys, until = self._keys, now.timestamp()
        replies = await self._each_shard(
            lambda pipe, shard: pipe.zrangebyscore(
                keys.holds_timed_in(shard), "-inf", until, start=0, num=limit, withscores=True
            )
        )
        due = sorted((score, _text(i)) for reply in replies for i, score in reply)
        return [hold_id for _, hold_id in due[:limit]]

    async def hold_progress(self, hold_ids: list[str]) -> dict[str, HoldProgress]:
        """What decides the release of these holds; holds that do not exist are left out."""
        fields = [*PROGRESS_FIELDS, "hold_until"]
        async with self._redis.pipeline(transaction=False) as pipe:
            for hold_id in hold_ids:
                pipe.hmget(self._keys.hold(hold_id), fields)
            replies = await pipe.execute()
        progress = {}
        for hold_id, values in zip(hold_ids, replies, strict=True):
            read = {
                name: v.decode() for name, v in zip(fields, values, strict=True) if v is not None
            }
            if read.get("status"):
                progress[hold_id] = HoldProgress.from_fields(hold_id, read)
        return progress

    async def settle(self, settlement: Settlement, now: datetime) -> tuple[bool, Any]:
        """Apply a settlement: (True, the status-change record or None when only fields
        changed), or (False, None) when the hold changed since it was read: decide again."""
        code, payload = await self._settle(
            keys=self._keys.hold_script_keys(settlement.hold_id),
            args=settle_args(settlement, now),
        )
        if code == 1:
            return True, orjson.loads(payload)
        return code == 2, None

    async def stale_outbox(self, older_than: datetime, limit: int) -> dict[str, dict[str, Any]]:
        """Changes still unpublished well after they were made: their writer died."""
        keys, before = self._keys, older_than.timestamp()
        replies = await self._each_shard(
            lambda pipe, shard: pipe.zrangebyscore(
                keys.outbox_due_in(shard), "-inf", before, start=0, num=limit
            )
        )
        names = [_text(f) for reply in replies for f in reply][:limit]
        if not names:
            return {}
        pending = await self.pending_changes(names)
        missing = [name for name in names if name not in pending]
        if missing:  # published and cleared between the two reads, or a stray entry
            async with self._redis.pipeline(transaction=False) as pipe:
                for shard, stray in self._by_shard(missing).items():
                    pipe.zrem(keys.outbox_due_in(shard), *stray)
                await pipe.execute()
        return pending

    async def try_lock(self, name: str, ttl_ms: int) -> bool:
        return bool(await self._redis.set(self._keys.lock(name), b"1", nx=True, px=ttl_ms))

    async def count_open_holds(self) -> int:
        keys = self._keys
        counts = await self._each_shard(lambda pipe, shard: pipe.zcard(keys.holds_open_in(shard)))
        return sum(int(count) for count in counts)
