"""An in-memory `ScreeningStore`: what the Redis store keeps, kept in dicts, for backtests.

It follows `RedisScreeningStore` operation for operation, so a backtest runs the worker's
core path and nothing else:

- values go through the same serialisation as in Redis (decisions and histories as JSON,
  account flows as one JSON member per transfer) and come back parsed, so a field that
  would be lost on the way to Redis is lost here too;
- flows are deduplicated by member and trimmed to the retention window and size measured
  from the newest flow of the write (and flows more than a window ahead of it dropped), as
  the sorted-set commands do;
- the safety cap's counts are kept per minute bucket, as the hashes in Redis;
- a block is set only if none is present (`SET NX`);
- a hold is created once: a second save of the same hold id creates nothing and reports
  False, and the status change waits in the outbox until `mark_published`;
- keys expire after the same TTLs, counted in event time: "now" is the newest event time
  the store has been written, so a replay of last month forgets what live traffic did; a
  block lives for its `ttl_seconds` from the write, as its Redis key does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.history import CustomerHistory
from screener.domain.hold_records import outbox_field
from screener.domain.hold_status import STATUS_HELD
from screener.domain.loan_release import VERSION, HoldProgress, Settlement
from screener.domain.profile import AccountProfile
from screener.records import hold_change
from screener.service import BatchWrites, Loaded, NewHold


@dataclass(slots=True)
class _Expiring:
    value: Any
    expires_at: float


@dataclass(slots=True)
class _FlowSet:
    """A sorted set of flows: member (the flow's JSON) -> score (event time).

    Each member is parsed back into a `Flow` once, when it is added: the same bytes always
    parse to the same flow, so this is what re-reading it from Redis would give, without
    parsing a busy merchant's 500 flows again on every batch.
    """

    members: dict[bytes, tuple[float, Flow]] = field(default_factory=dict)
    expires_at: float = math.inf
    ordered: tuple[Flow, ...] | None = None  # ZRANGE 0 -1, until the next change

    def add(self, flow: Flow) -> None:
        member = flow.encode()
        if member not in self.members:
            self.members[member] = (flow.at, Flow.decode(member))

    def trim(self, horizon: float, max_flows: int, ceiling: float = math.inf) -> None:
        kept = sorted(
            (
                (member, value)
                for member, value in self.members.items()
                if horizon <= value[0] <= ceiling
            ),
            key=lambda item: (item[1][0], item[0]),
        )[-max_flows:]
        self.members = dict(kept)
        self.ordered = tuple(flow for _, (_, flow) in kept)

    def flows(self) -> tuple[Flow, ...]:
        if self.ordered is None:
            self.trim(-math.inf, len(self.members))
        return self.ordered or ()


@dataclass(frozen=True, slots=True)
class StoredHold:
    fields: dict[str, Any]
    status: str
    created_at: float
    hold_until: float | None


class InMemoryScreeningStore:
    """Implements `ScreeningStore` (screener/service.py) without Redis."""

    def __init__(
        self,
        decision_ttl_seconds: int,
        history_ttl_seconds: int,
        account_keep_seconds: float,
        account_max_flows: int,
        confirmed_victims: Iterable[str] = (),
        profile_ttl_seconds: int = 400 * 86400,
    ) -> None:
        self._profile_ttl = profile_ttl_seconds
        self._profiles: dict[str, _Expiring] = {}
        self._suspensions: dict[str, _Expiring] = {}
        self._decision_ttl = decision_ttl_seconds
        self._history_ttl = history_ttl_seconds
        self._account_keep = account_keep_seconds
        self._account_max_flows = account_max_flows
        self._confirmed_victims = frozenset(confirmed_victims)
        self._decisions: dict[str, _Expiring] = {}
        self._histories: dict[str, _Expiring] = {}
        self._inbound: dict[str, _FlowSet] = {}
        self._outbound: dict[str, _FlowSet] = {}
        self._account_info: dict[str, tuple[float, str]] = {}
        self._blocks: dict[str, _Expiring] = {}
        self._safety_cap: dict[str, _Expiring] = {}  # bucket -> its counts
        self.holds: dict[str, StoredHold] = {}
        self.open_holds: dict[str, float] = {}  # hold id -> created at (epoch seconds)
        self.timed_holds: dict[str, float] = {}  # hold id -> hold_until
        self.outbox: dict[str, dict[str, Any]] = {}
        self.now = -math.inf  # the newest event time written so far

    async def load(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str] = frozenset(),
        safety_cap_buckets: list[str] | None = None,
    ) -> Loaded:
        decisions = {
            event_id: orjson.loads(raw)
            for event_id in event_ids
            if (raw := self._live(self._decisions, event_id)) is not None
        }
        histories = {
            customer_id: history
            for customer_id in customer_ids
            if (history := self._live(self._histories, customer_id)) is not None
        }
        victims = frozenset(c for c in customer_ids if c in self._confirmed_victims)
        activities = {}
        for account in accounts:
            opened_at, holder_id = self._account_info.get(account, (None, None))
            activities[account] = AccountActivity(
                account=account,
                inbound=() if account in without_flows else self._flows(self._inbound, account),
                outbound=() if account in without_flows else self._flows(self._outbound, account),
                opened_at=opened_at,
                holder_id=holder_id,
                blocked=self._live(self._blocks, account) is not None,
                suspended=(suspension := self._live(self._suspensions, account)) is not None,
                reported_by=(suspension or {}).get("reported_by"),
                profile=self._live(self._profiles, account) or AccountProfile(),
            )
        safety_cap = {
            bucket: dict(counts)
            for bucket in safety_cap_buckets or ()
            if (counts := self._live(self._safety_cap, bucket)) is not None
        }
        return Loaded(decisions, histories, activities, victims, safety_cap)

    async def save(self, writes: BatchWrites) -> list[bool]:
        self.now = max(self.now, _newest_event_time(writes))
        for event_id, decision in writes.decisions.items():
            self._decisions[event_id] = _Expiring(
                orjson.dumps(decision), self.now + self._decision_ttl
            )
        for customer_id, history in writes.histories.items():
            stored = CustomerHistory.from_dict(orjson.loads(orjson.dumps(history.as_dict())))
            self._histories[customer_id] = _Expiring(stored, self.now + self._history_ttl)
        for account, flows in writes.inbound.items():
            self._add_flows(self._inbound, account, flows)
        for account, flows in writes.outbound.items():
            self._add_flows(self._outbound, account, flows)
        self._account_info.update(writes.opened_accounts)
        for account, profile in writes.profiles.items():
            kept = AccountProfile.from_dict(orjson.loads(orjson.dumps(profile.as_dict())))
            self._profiles[account] = _Expiring(kept, self.now + self._profile_ttl)
        for suspension in writes.suspensions:
            if self._live(self._suspensions, suspension.account) is None:  # SET NX
                expires = self.now + suspension.ttl_seconds
                self._suspensions[suspension.account] = _Expiring(suspension.entry, expires)
        for block in writes.blocks:
            if self._live(self._blocks, block.account) is None:  # SET NX
                self._blocks[block.account] = _Expiring(block.entry, self.now + block.ttl_seconds)
        for bucket, counts in writes.safety_cap.items():  # HINCRBY, then EXPIRE
            totals: dict[str, int] = self._live(self._safety_cap, bucket) or {}
            for name, count in counts.items():
                totals[name] = totals.get(name, 0) + count
            expires = self.now + writes.safety_cap_ttls[bucket]
            self._safety_cap[bucket] = _Expiring(totals, expires)
        return [self._create_hold(hold) for hold in writes.holds]

    async def pending_changes(self, fields: list[str]) -> dict[str, dict[str, Any]]:
        return {name: self.outbox[name] for name in fields if name in self.outbox}

    async def hold_progress(self, hold_ids: list[str]) -> dict[str, HoldProgress]:
        return {
            hold_id: HoldProgress.from_fields(
                hold_id, {k: str(v) for k, v in self.holds[hold_id].fields.items()}
            )
            for hold_id in hold_ids
            if hold_id in self.holds
        }

    async def settle(self, settlement: Settlement, now: datetime) -> tuple[bool, Any]:
        """settle_hold.lua: only while held at the version the settlement was decided on."""
        stored = self.holds.get(settlement.hold_id)
        if stored is None:
            return False, None
        fields = stored.fields
        if fields.get("status") != STATUS_HELD or str(fields.get(VERSION, "0")) != str(
            settlement.expected_version
        ):
            return False, None
        fields.update(settlement.fields)
        fields[VERSION] = str(settlement.expected_version + 1)
        if settlement.stops_timer or settlement.status:
            self.timed_holds.pop(settlement.hold_id, None)
        if not settlement.status:
            return True, None
        fields.update(
            status=settlement.status,
            resolved_at=now.isoformat(),
            resolved_by="screener",
            note=settlement.note,
        )
        self.open_holds.pop(settlement.hold_id, None)
        record = hold_change(
            settlement.hold_id, settlement.status, STATUS_HELD, now, "screener", settlement.note
        )
        self.outbox[outbox_field(settlement.hold_id, settlement.status)] = record
        return True, record

    async def mark_published(self, fields: list[str]) -> None:
        for name in fields:
            self.outbox.pop(name, None)

    def suspension_entry(self, account: str) -> dict[str, Any] | None:
        """The account's suspension entry while it is in force."""
        entry: dict[str, Any] | None = self._live(self._suspensions, account)
        return entry

    def import_block(self, account: str, entry: dict[str, Any]) -> None:
        """An account on the block list before the replay starts (a supervisor's import of
        the Anti-Fraud Center's list, `POST /api/blocklist/import`), without expiry."""
        self._blocks[account] = _Expiring(entry, math.inf)

    def block_entry(self, account: str) -> dict[str, Any] | None:
        """The account's block entry while it is in force (CONTRACT §4)."""
        entry: dict[str, Any] | None = self._live(self._blocks, account)
        return entry

    def _create_hold(self, hold: NewHold) -> bool:
        """create_hold.lua: nothing when the hold exists; else the hold, its indexes, and
        the status change in the outbox."""
        if hold.hold_id in self.holds:
            return False
        created = hold.created_at.timestamp()
        until = hold.hold_until.timestamp() if hold.hold_until is not None else None
        self.holds[hold.hold_id] = StoredHold(dict(hold.fields), hold.status, created, until)
        if hold.status == STATUS_HELD:
            self.open_holds[hold.hold_id] = created
            if until is not None:
                self.timed_holds[hold.hold_id] = until
        self.outbox[outbox_field(hold.hold_id, hold.status)] = hold.change
        return True

    def _add_flows(self, sets: dict[str, _FlowSet], account: str, flows: list[Flow]) -> None:
        """ZADD, then ZREMRANGEBYSCORE below the window and ZREMRANGEBYRANK above the size,
        then EXPIRE, as `RedisScreeningStore._add_flows` does."""
        current = sets.get(account)
        if current is None or current.expires_at <= self.now:
            current = sets[account] = _FlowSet()
        for flow in flows:
            current.add(flow)
        newest = max(flow.at for flow in flows)
        keep = self._account_keep
        current.trim(newest - keep, self._account_max_flows, ceiling=newest + keep)
        current.expires_at = self.now + int(self._account_keep) + 86400

    def _flows(self, sets: dict[str, _FlowSet], account: str) -> tuple[Flow, ...]:
        current = sets.get(account)
        if current is None or current.expires_at <= self.now:
            return ()
        return current.flows()

    def _live(self, values: dict[str, _Expiring], key: str) -> Any:
        item = values.get(key)
        if item is None:
            return None
        if item.expires_at <= self.now:
            del values[key]
            return None
        return item.value


def _newest_event_time(writes: BatchWrites) -> float:
    """The latest event time among a batch's writes (a history's last entry is its
    customer's latest event; flows and decisions carry their event's time)."""
    times = [h.entries[-1].at for h in writes.histories.values() if h.entries]
    times += [_epoch(d.get("decided_at")) for d in writes.decisions.values()]
    for flows in (*writes.inbound.values(), *writes.outbound.values()):
        times += [f.at for f in flows]
    return max(times, default=-math.inf)


def _epoch(text: Any) -> float:
    return datetime.fromisoformat(text).timestamp() if isinstance(text, str) else -math.inf
