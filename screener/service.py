"""The screening service: raw Kafka records in, Redis writes and output messages out.

It knows no Kafka client and no Redis client: it talks to a `ScreeningStore` and a
`Publisher`. The order of work per batch is what makes the worker safe to kill at any
moment (at-least-once delivery, idempotent effects):

1. decode every record (the consumer decodes first, to merge the topics by event time:
   `decode`, `Decoded`); bad input becomes a dead letter with a reason, never an exception;
2. load what the batch needs in one round trip: earlier decisions of these event ids (a
   redelivered event gets its first decision again), the customers' histories and the
   accounts' recent flows;
3. run the pure core on each event in order, updating the loaded state in memory;
4. write decisions, histories, flows, holds and blocks to Redis in one transaction; then
   apply the borrowers' answers (`loan_reconfirmed`, `loan_cancelled`, recorded in their
   histories by that transaction) to their held loans, each with a guarded Lua transition;
5. publish decisions, hold changes and dead letters, and wait until Kafka has them;
6. mark the hold changes published (clear the outbox).
The caller commits the records' offsets only after all of this. Steps 1–4
(`screen_and_save`) and 5–6 (`deliver`) are separate so the worker can screen the next
batch while Kafka acknowledges this one's messages; it still commits batches in order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import orjson

from screener import dead_letter_reasons, metrics, status
from screener.adapters.redis_keys import STATUS_BLOCKED, STATUS_HELD, outbox_field
from screener.boundary import InvalidEvent, decode_event
from screener.domain.accounts import (
    AccountActivity,
    Flow,
    inbound_flow,
    outbound_flow,
)
from screener.domain.config import RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import Outcome, RuleHit, Verdict
from screener.domain.events import (
    LOAN_ANSWER_TYPES,
    CustomerEvent,
    InputEvent,
    LoanApproval,
    ScreenedEvent,
    Transfer,
)
from screener.domain.history import CustomerHistory
from screener.domain.loan_release import hold_fields
from screener.domain.profile import AccountProfile
from screener.domain.rules import mule_evidence, receiver_kinds_without_flows
from screener.domain.safety_cap import HoldRateWindow
from screener.domain.screening import remember, screen
from screener.loan_settling import HoldSettlements, answered_holds, settle_answers
from screener.records import (
    OutMessage,
    amount_text,
    dead_letter,
    dead_letter_key,
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
class Decoded:
    """A record after the boundary: its event, or why it cannot be screened. The consumer
    decodes once, orders records by `event_time` across topics, and screens the same objects."""

    record: RawRecord
    event: InputEvent | None
    error: InvalidEvent | None = None

    @property
    def event_time(self) -> float | None:
        """Epoch seconds of the event; None for a record that will be dead-lettered."""
        return self.event.occurred_at.timestamp() if self.event is not None else None


@dataclass(frozen=True, slots=True)
class NewHold:
    hold_id: str
    fields: dict[str, Any]
    status: str
    created_at: datetime
    hold_until: datetime | None
    change: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewBlock:
    """An account a rule found to be a dropper's (CONTRACT §4 block entry)."""

    account: str
    entry: dict[str, Any]
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class NewSuspension:
    """An account suspended on mule evidence: its payments are held until `expires_at`."""

    account: str
    entry: dict[str, Any]
    expires_at: datetime


@dataclass(slots=True)
class BatchWrites:
    decisions: dict[str, dict[str, Any]] = field(default_factory=dict)
    histories: dict[str, CustomerHistory] = field(default_factory=dict)
    inbound: dict[str, list[Flow]] = field(default_factory=dict)
    outbound: dict[str, list[Flow]] = field(default_factory=dict)
    opened_accounts: dict[str, tuple[float, str]] = field(default_factory=dict)
    holds: list[NewHold] = field(default_factory=list)
    blocks: list[NewBlock] = field(default_factory=list)
    profiles: dict[str, AccountProfile] = field(default_factory=dict)
    suspensions: list[NewSuspension] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Loaded:
    decisions: Mapping[str, dict[str, Any]]
    histories: Mapping[str, CustomerHistory]
    accounts: Mapping[str, AccountActivity] = field(default_factory=dict)
    confirmed_victims: frozenset[str] = frozenset()


class ScreeningStore(HoldSettlements, Protocol):
    async def load(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str] = frozenset(),
    ) -> Loaded:
        """`accounts` in `without_flows` get their block flag and details but no flows."""
        ...

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
        clock: Callable[[InputEvent], datetime],
    ) -> None:
        """`clock` gives each decision its `decided_at`: the wall clock in the worker, the
        event's own time in a backtest (so a replay decides the same way every time)."""
        self._store = store
        self._publisher = publisher
        self._config = config
        self._topic_kinds = topic_kinds
        self._clock = clock
        self._hold_rate = HoldRateWindow(config().safety_cap)

    async def process(self, records: list[RawRecord]) -> None:
        """Screen a batch and deliver its messages: steps 1 to 6."""
        await self.deliver(await self.screen_and_save(records))

    def decode(self, record: RawRecord) -> Decoded:
        """Step 1 for one record; never raises for bad input."""
        try:
            return Decoded(record, self._decode(record))
        except InvalidEvent as exc:
            return Decoded(record, None, exc)

    async def screen_and_save(self, records: Sequence[RawRecord | Decoded]) -> list[OutMessage]:
        """Steps 1 to 4; returns the messages `deliver` must publish. Once this returns, the
        next batch may be screened (it will see this one's state) while these are sent.
        Records the caller decoded already (`decode`) are not decoded again."""
        config = self._config()
        if self._hold_rate.settings != config.safety_cap:
            self._hold_rate = HoldRateWindow(config.safety_cap)
        messages: list[OutMessage] = []
        events: list[tuple[RawRecord, InputEvent]] = []
        for item in records:
            decoded = item if isinstance(item, Decoded) else self.decode(item)
            metrics.EVENTS_CONSUMED.labels(topic=decoded.record.topic).inc()
            if decoded.event is not None:
                events.append((decoded.record, decoded.event))
            elif decoded.error is not None:
                reason = dead_letter_reasons.reason_for(decoded.error)
                messages.append(self._dead_letter(str(decoded.error), decoded.record, reason))
        # Kafka keeps order within a partition of one topic only: a customer's code from 1414
        # and the loan a minute later arrive on different topics. Within a batch, screen in
        # event-time order so the loan sees the code (the sort is stable for equal times).
        events.sort(key=lambda pair: pair[1].occurred_at)

        transfers = [e for _, e in events if isinstance(e, Transfer)]
        accounts = {a for t in transfers for a in (t.sender_account, t.receiver_account)}
        kinds_without_flows = receiver_kinds_without_flows(config)
        needing_flows = {t.sender_account for t in transfers} | {
            t.receiver_account for t in transfers if t.receiver_kind not in kinds_without_flows
        }
        started = time.perf_counter()
        loaded = await self._store.load(
            event_ids=[e.event_id for _, e in events if not isinstance(e, CustomerEvent)],
            customer_ids=sorted({e.customer_id for _, e in events}),
            accounts=sorted(accounts),
            without_flows=frozenset(accounts - needing_flows),
        )
        metrics.REDIS_SECONDS.labels(operation="load").observe(time.perf_counter() - started)
        batch = _BatchState(loaded)
        replayed_holds: list[str] = []
        answered: set[tuple[str, str]] = set()  # (customer, loan id) the borrowers answered
        for record, event in events:
            try:
                if isinstance(event, CustomerEvent):
                    batch.remember(event, config)
                    if event.type in LOAN_ANSWER_TYPES and event.loan_id:
                        answered.add((event.customer_id, event.loan_id))
                    continue
                in_batch = batch.writes.decisions.get(event.event_id)
                earlier = loaded.decisions.get(event.event_id) or in_batch
                if earlier is not None:
                    messages.append(OutMessage(DECISIONS, event.customer_id, earlier))
                    # A hold made earlier in this batch is published with the batch already.
                    if earlier.get("hold_id") and in_batch is None:
                        replayed_holds.append(earlier["hold_id"])
                    continue
                messages.append(self._screen(event, batch, config))
                batch.remember(event, config)
            except Exception as exc:  # a bug on one event must not stop the stream
                log.exception("internal error screening %s", event.event_id)
                messages.append(self.poison_letter(record, exc))

        messages.extend(await self._save_holds(batch.writes, replayed_holds))
        if events:
            messages.extend(await self._settle_loans(batch, answered, config, events[-1][1]))
        return messages

    async def _settle_loans(
        self,
        batch: _BatchState,
        answered: set[tuple[str, str]],
        config: RulesConfig,
        last: InputEvent,
    ) -> list[OutMessage]:
        """Apply the borrowers' answers to their held loans, once the batch's state (the
        answers on file, the new holds) is saved. A redelivered answer is decided again on
        the hold as it is now, which by then needs nothing: the settlement is idempotent."""
        held_loans = {
            hold.hold_id: (hold.fields["customer_id"], hold.fields["loan_id"])
            for hold in batch.writes.holds
            if hold.fields.get("loan_id")
        }
        if not answered and not held_loans:
            return []
        holds = answered_holds(batch.histories, answered, held_loans)
        if not holds:
            return []
        changes = await settle_answers(self._store, holds, config.loan_release, self._clock(last))
        return [OutMessage(HOLDS, change["hold_id"], change) for change in changes]

    async def deliver(self, messages: list[OutMessage]) -> None:
        """Steps 5 and 6: publish, wait for Kafka's acks, clear the outbox. Safe to retry."""
        if messages:
            await self._publisher.publish(messages)
        # Counted once published: a batch screened again after a failure counts once.
        for message in messages:
            if message.topic == DLQ:
                topic, reason = message.value["source_topic"], message.value["reason"]
                metrics.DEAD_LETTERS.labels(topic=topic, reason=reason).inc()
                if reason == dead_letter_reasons.POISON:
                    metrics.POISON_RECORDS.labels(topic=topic).inc()
        published = [
            outbox_field(m.value["hold_id"], m.value["status"])
            for m in messages
            if m.topic == HOLDS
        ]
        if published:
            await self._store.mark_published(published)

    async def _save_holds(self, writes: BatchWrites, replayed_holds: list[str]) -> list[OutMessage]:
        """Save the batch; return the hold changes to publish (new, or left unpublished)."""
        started = time.perf_counter()
        created = await self._store.save(writes)
        metrics.REDIS_SECONDS.labels(operation="save").observe(time.perf_counter() - started)
        changes = [
            OutMessage(HOLDS, hold.hold_id, hold.change)
            for hold, is_new in zip(writes.holds, created, strict=True)
            if is_new
        ]
        # A redelivered event whose hold change never reached Kafka: publish it now.
        candidates = [
            outbox_field(hold_id, status)
            for hold_id in replayed_holds
            for status in (STATUS_HELD, STATUS_BLOCKED)
        ] + [
            outbox_field(hold.hold_id, hold.status)
            for hold, is_new in zip(writes.holds, created, strict=True)
            if not is_new
        ]
        if candidates:
            pending = await self._store.pending_changes(candidates)
            changes.extend(OutMessage(HOLDS, c["hold_id"], c) for c in pending.values())
        return changes

    def _decode(self, record: RawRecord) -> InputEvent:
        kind = self._topic_kinds.get(record.topic)
        if kind is None:
            raise InvalidEvent(None, f"topic {record.topic!r} is not an input topic")
        return decode_event(kind, record.value)

    def _screen(self, event: ScreenedEvent, batch: _BatchState, config: RulesConfig) -> OutMessage:
        decided_at = self._clock(event)
        capped = self._hold_rate.tripped(decided_at.timestamp())
        metrics.SAFETY_CAP_ACTIVE.set(int(capped))
        context = batch.context_for(event, config)
        outcome = screen(event, context, config, cap_non_regulatory=capped)
        if isinstance(event, Transfer):
            batch.sender_signals[event.event_id] = mule_evidence.sender_signals(
                event, context.history, outcome, config.settings_for(mule_evidence.RULE_ID)
            )
        self._hold_rate.add(decided_at.timestamp(), outcome.verdict is not Verdict.ALLOW)
        decision = decision_record(event, outcome, decided_at, config.version)
        batch.writes.decisions[event.event_id] = decision
        metrics.record_decision(outcome)
        if outcome.verdict is not Verdict.ALLOW:
            batch.writes.holds.append(_new_hold(event, outcome, decision, decided_at))
        batch.block_accounts(event, outcome, decided_at)
        return OutMessage(DECISIONS, event.customer_id, decision)

    def poison_letter(self, record: RawRecord, error: BaseException) -> OutMessage:
        """The dead letter of a valid-looking record that screening, saving or publishing
        fails on every time (found by the consumer splitting a failing batch)."""
        return self._dead_letter(
            f"poison: screening, saving or publishing this record failed: {error!r}",
            record,
            dead_letter_reasons.POISON,
        )

    def _dead_letter(self, error: str, record: RawRecord, reason: str) -> OutMessage:
        status.note_dead_letter(record.topic, record.partition, record.offset, record.key, error)
        letter = dead_letter(
            error, record.topic, record.partition, record.offset, record.key, record.value, reason
        )
        log.warning(
            "dead letter (%s) %s[%d]@%d: %s",
            reason,
            record.topic,
            record.partition,
            record.offset,
            letter["error"],
        )
        return OutMessage(DLQ, dead_letter_key(record.key), letter)


class _BatchState:
    """The loaded state of one batch, updated in memory event by event, and its writes."""

    def __init__(self, loaded: Loaded) -> None:
        self.histories = dict(loaded.histories)
        self.accounts = dict(loaded.accounts)
        self.confirmed_victims = loaded.confirmed_victims
        self.writes = BatchWrites()
        # Per screened transfer: what its receiving account remembers of the payer.
        self.sender_signals: dict[str, int] = {}

    def account(self, account: str) -> AccountActivity:
        return self.accounts.get(account) or AccountActivity(account)

    def context_for(self, event: ScreenedEvent, config: RulesConfig) -> ScreeningContext:
        history = self.histories.get(event.customer_id, CustomerHistory())
        victim = event.customer_id in self.confirmed_victims
        if isinstance(event, Transfer):
            return ScreeningContext(
                history,
                config.mrp,
                sender_account=self.account(event.sender_account),
                receiver_account=self.account(event.receiver_account),
                confirmed_victim=victim,
                calendar=config.calendar,
            )
        return ScreeningContext(
            history, config.mrp, confirmed_victim=victim, calendar=config.calendar
        )

    def remember(self, event: InputEvent, config: RulesConfig) -> None:
        history = self.histories.get(event.customer_id, CustomerHistory())
        self.histories[event.customer_id] = self.writes.histories[event.customer_id] = remember(
            event, history, config
        )
        if isinstance(event, Transfer):
            money_in = inbound_flow(event, self.sender_signals.get(event.event_id, 0))
            money_out = outbound_flow(event)
            receiver, sender = event.receiver_account, event.sender_account
            self.accounts[receiver] = self.account(receiver).with_flows(inbound=[money_in])
            self.accounts[sender] = self.account(sender).with_flows(outbound=[money_out])
            self.writes.inbound.setdefault(receiver, []).append(money_in)
            self.writes.outbound.setdefault(sender, []).append(money_out)
            self._update_profiles(event, config)
        elif isinstance(event, CustomerEvent) and event.type == "account_opened" and event.account:
            opened = event.occurred_at.timestamp()
            self.writes.opened_accounts[event.account] = (opened, event.customer_id)
            self.accounts[event.account] = replace(
                self.account(event.account), opened_at=opened, holder_id=event.customer_id
            )

    def _update_profiles(self, transfer: Transfer, config: RulesConfig) -> None:
        at, amount = transfer.occurred_at.timestamp(), transfer.amount_minor
        half_life = config.profile_half_life_days
        receiver = self.account(transfer.receiver_account)
        profile = receiver.profile.with_money_in(at, amount, transfer.customer_id, half_life)
        self.accounts[receiver.account] = replace(receiver, profile=profile)
        self.writes.profiles[receiver.account] = profile
        sender = self.account(transfer.sender_account)
        profile = sender.profile.with_money_out(at, amount, transfer.customer_id, half_life)
        self.accounts[sender.account] = replace(sender, profile=profile)
        self.writes.profiles[sender.account] = profile

    def block_accounts(self, event: ScreenedEvent, outcome: Outcome, decided_at: datetime) -> None:
        self._suspend_accounts(event, outcome, decided_at)
        for hit in outcome.reasons:
            if hit.block_account is None or hit.block_until is None:
                continue
            if self.account(hit.block_account).blocked:
                continue
            self.accounts[hit.block_account] = replace(
                self.account(hit.block_account), blocked=True
            )
            entry = _account_entry(hit, event, decided_at, hit.block_until)
            self.writes.blocks.append(NewBlock(hit.block_account, entry, hit.block_until))

    def _suspend_accounts(
        self, event: ScreenedEvent, outcome: Outcome, decided_at: datetime
    ) -> None:
        for hit in outcome.reasons:
            if hit.suspend_account is None or hit.suspend_until is None:
                continue
            account = self.account(hit.suspend_account)
            if account.suspended or account.blocked:
                continue
            self.accounts[account.account] = replace(account, suspended=True)
            entry = _account_entry(hit, event, decided_at, hit.suspend_until)
            self.writes.suspensions.append(NewSuspension(account.account, entry, hit.suspend_until))


def _account_entry(
    hit: RuleHit, event: ScreenedEvent, decided_at: datetime, until: datetime
) -> dict[str, Any]:
    """A block or suspension entry (CONTRACT §4's block entry fields) for a rule's finding."""
    entry: dict[str, Any] = {
        "reason": hit.message.en,
        "rule": hit.rule,
        "hold_id": event.event_id,
        "created_at": decided_at.isoformat(),
        "expires_at": until.isoformat(),
    }
    if hit.suspension is not None:  # how the end was counted: holidays skipped
        entry["suspension"] = hit.suspension.as_entry()
    return entry


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
        "reasons": orjson.dumps(decision["reasons"]).decode(),
        "created_at": decided_at.isoformat(),
        "hold_until": decision["hold_until"] or "",
        "resolved_at": "",
        "resolved_by": "",
        "note": "",
        "receiver_account": getattr(event, "receiver_account", "") or "",
        "sender_account": getattr(event, "sender_account", "") or "",
        "config_version": decision["config_version"],
    }
    fields.update(
        hold_fields(outcome.terms, event.loan_id if isinstance(event, LoanApproval) else None)
    )
    return NewHold(
        hold_id=event.event_id,
        fields=fields,
        status=status,
        created_at=decided_at,
        hold_until=outcome.terms.wakes_at,
        change=hold_change(event.event_id, status, None, decided_at, "screener", ""),
    )
