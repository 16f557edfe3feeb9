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

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from screener import dead_letter_reasons, metrics, status
from screener.boundary import (
    EventTimeRejected,
    InvalidEvent,
    check_event_time,
    decode_event,
    priced_in_kzt,
)
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
from screener.domain.history import CustomerHistory, entry_for
from screener.domain.hold_records import block_entry, new_hold_fields, outbox_field
from screener.domain.hold_status import STATUS_BLOCKED, STATUS_HELD
from screener.domain.loan_release import hold_fields
from screener.domain.profile import AccountProfile
from screener.domain.redelivery import event_digest
from screener.domain.reported_account import RULE_ID as REPORTED_ACCOUNT
from screener.domain.reported_account import reported_account
from screener.domain.rules import mule_evidence, receiver_kinds_without_flows
from screener.domain.safety_cap import (
    SafetyCap,
    SafetyCapSettings,
    buckets_needed,
    counts_toward_cap,
)
from screener.domain.screening import holding_rules, remember, screen, uncapped
from screener.loan_settling import HoldSettlements, answered_holds, settle_answers
from screener.records import (
    HOLD_CREATOR,
    OutMessage,
    amount_text,
    dead_letter,
    dead_letter_key,
    decision_record,
    hold_change,
)

log = logging.getLogger(__name__)

DECISIONS, HOLDS, DLQ = "decisions", "holds", "dlq"
YIELD_EVERY = 50  # events screened between returns to the event loop


@dataclass(frozen=True, slots=True)
class RawRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    # The reference the boundary checks event time against (ms since the epoch): the Kafka
    # record's timestamp, at most an hour past the reader's clock when it read the record
    # (`boundary.reference_time_ms`); the read time for a worker's record without one.
    # None when a replay has none (nothing is checked).
    timestamp_ms: int | None = None


class DecodeFailed(InvalidEvent):
    """A bug met while decoding a record: it is dead-lettered as poison, with the error."""

    reason = dead_letter_reasons.POISON


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
    """An account a rule found to be a dropper's (CONTRACT §4 block entry).

    `ttl_seconds` is the suspension's length counted from the event that caused it (event
    time, like `expires_at`): the stores set the key's lifetime from it, so a replay or a
    backlog suspends for as long as live traffic does and no store reads a clock for it.
    """

    account: str
    entry: dict[str, Any]
    expires_at: datetime
    ttl_seconds: int


@dataclass(frozen=True, slots=True)
class NewSuspension:
    """An account suspended on mule evidence or a fraud report: its payments are held until
    `expires_at`."""

    account: str
    entry: dict[str, Any]
    expires_at: datetime
    ttl_seconds: int  # from event time, as NewBlock's


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
    # The safety cap's counts this batch adds (bucket -> field -> count) and how long
    # each bucket is kept (see domain/safety_cap.py).
    safety_cap: dict[str, dict[str, int]] = field(default_factory=dict)
    safety_cap_ttls: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Loaded:
    decisions: Mapping[str, dict[str, Any]]
    histories: Mapping[str, CustomerHistory]
    accounts: Mapping[str, AccountActivity] = field(default_factory=dict)
    confirmed_victims: frozenset[str] = frozenset()
    safety_cap: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


class ScreeningStore(HoldSettlements, Protocol):
    async def load(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str] = frozenset(),
        safety_cap_buckets: list[str] | None = None,
    ) -> Loaded:
        """`accounts` in `without_flows` get their block flag and details but no flows;
        `safety_cap_buckets` are the safety cap's buckets to read (see safety_cap.py)."""
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
        self._capped: frozenset[str] = frozenset()  # the rules capped after the last event

    async def process(self, records: list[RawRecord]) -> None:
        """Screen a batch and deliver its messages: steps 1 to 6."""
        await self.deliver(await self.screen_and_save(records))

    def decode(self, record: RawRecord) -> Decoded:
        """Step 1 for one record; never raises. A bug met while decoding (not bad input the
        boundary names) makes the record a poison dead letter too: raised here, outside the
        batch's retry and split, it stopped the worker on every restart."""
        try:
            event = self._decode(record, self._config())
        except InvalidEvent as exc:
            return Decoded(record, None, exc)
        except Exception as exc:
            log.exception(
                "internal error decoding %s-%s@%s", record.topic, record.partition, record.offset
            )
            problem = f"internal error decoding: {type(exc).__name__}: {exc}"
            return Decoded(record, None, DecodeFailed(None, problem))
        # Counted here, once per record read: a batch is screened again on each retry.
        if not _keyed_by_customer(record, event):
            metrics.INPUT_KEY_NOT_CUSTOMER.labels(topic=record.topic).inc()
        return Decoded(record, event)

    async def screen_and_save(self, records: Sequence[RawRecord | Decoded]) -> list[OutMessage]:
        """Steps 1 to 4; returns the messages `deliver` must publish. Once this returns, the
        next batch may be screened (it will see this one's state) while these are sent.
        Records the caller decoded already (`decode`) are not decoded again."""
        config = self._config()
        messages: list[OutMessage] = []
        events: list[tuple[RawRecord, InputEvent]] = []
        consumed: Counter[str] = Counter()  # by topic, counted once per batch
        for item in records:
            decoded = item if isinstance(item, Decoded) else self.decode(item)
            consumed[decoded.record.topic] += 1
            if decoded.event is not None:
                events.append((decoded.record, decoded.event))
            elif decoded.error is not None:
                reason = dead_letter_reasons.reason_for(decoded.error)
                messages.append(self._dead_letter(str(decoded.error), decoded.record, reason))
        for topic, count in consumed.items():
            metrics.EVENTS_CONSUMED.labels(topic=topic).inc(count)
        # Kafka keeps order within a partition of one topic only: a customer's code from 1414
        # and the loan a minute later arrive on different topics. Within a batch, screen in
        # event-time order so the loan sees the code (the sort is stable for equal times).
        events.sort(key=lambda pair: pair[1].occurred_at)

        transfers = [e for _, e in events if isinstance(e, Transfer)]
        accounts = {a for t in transfers for a in (t.sender_account, t.receiver_account)}
        # A fraud report's account: is it someone else's, already suspended? (no flows needed)
        accounts |= {
            e.account
            for _, e in events
            if isinstance(e, CustomerEvent) and e.type == "fraud_reported" and e.account
        }
        kinds_without_flows = receiver_kinds_without_flows(config)
        needing_flows = {t.sender_account for t in transfers} | {
            t.receiver_account for t in transfers if t.receiver_kind not in kinds_without_flows
        }
        started = time.perf_counter()
        screened_times = [e.occurred_at for _, e in events if not isinstance(e, CustomerEvent)]
        loaded = await self._store.load(
            event_ids=[e.event_id for _, e in events if not isinstance(e, CustomerEvent)],
            customer_ids=sorted({e.customer_id for _, e in events}),
            accounts=sorted(accounts),
            without_flows=frozenset(accounts - needing_flows),
            safety_cap_buckets=(
                buckets_needed(
                    config.safety_cap,
                    min(screened_times).timestamp(),
                    max(screened_times).timestamp(),
                )
                if screened_times
                else []
            ),
        )
        metrics.REDIS_SECONDS.labels(operation="load").observe(time.perf_counter() - started)
        batch = _BatchState(loaded, config.safety_cap)
        replayed_holds: list[str] = []
        answered: set[tuple[str, str]] = set()  # (customer, loan id) the borrowers answered
        for screened, (record, event) in enumerate(events, 1):
            if screened % YIELD_EVERY == 0:
                # A batch of one busy customer's events takes seconds of CPU: let the
                # consumer's heartbeats, the timers and /metrics run in between, or the
                # group drops the worker and the stall flag fires while it works.
                await asyncio.sleep(0)
            try:
                if isinstance(event, CustomerEvent):
                    if batch.recorded_otherwise(event):
                        messages.append(
                            self._dead_letter(
                                _reused_customer_event(event),
                                record,
                                dead_letter_reasons.EVENT_ID_REUSED,
                            )
                        )
                        continue
                    batch.suspend_reported_account(event, config, self._clock(event))
                    batch.remember(event, config)
                    if event.type in LOAN_ANSWER_TYPES and event.loan_id:
                        answered.add((event.customer_id, event.loan_id))
                    continue
                in_batch = batch.writes.decisions.get(event.event_id)
                earlier = loaded.decisions.get(event.event_id) or in_batch
                digest = event_digest(event)
                if earlier is not None and earlier.get("event_digest", digest) != digest:
                    # Decisions written before digests were stored match any content.
                    messages.append(
                        self._dead_letter(
                            _reused(earlier), record, dead_letter_reasons.EVENT_ID_REUSED
                        )
                    )
                    continue
                if earlier is not None:
                    messages.append(OutMessage(DECISIONS, event.customer_id, earlier))
                    # A hold made earlier in this batch is published with the batch already.
                    if earlier.get("hold_id") and in_batch is None:
                        replayed_holds.append(earlier["hold_id"])
                    continue
                messages.append(self._screen(event, digest, batch, config))
                batch.remember(event, config)
            except Exception as exc:  # a bug on one event must not stop the stream
                log.exception("internal error screening %s", event.event_id)
                messages.append(self.poison_letter(record, exc))

        increments = batch.writes.safety_cap = batch.safety_cap.increments
        batch.writes.safety_cap_ttls = {b: config.safety_cap.keep_seconds(b) for b in increments}
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

    def _decode(self, record: RawRecord, config: RulesConfig) -> InputEvent:
        kind = self._topic_kinds.get(record.topic)
        if kind is None:
            raise InvalidEvent(None, f"topic {record.topic!r} is not an input topic")
        reference = record.timestamp_ms / 1000 if record.timestamp_ms else None
        try:
            event = priced_in_kzt(decode_event(kind, record.value), config.currencies)
            check_event_time(event, reference, config.event_time)
        except EventTimeRejected as exc:
            metrics.EVENT_TIME_REJECTED.labels(topic=record.topic, why=exc.why).inc()
            raise
        return event

    def _screen(
        self, event: ScreenedEvent, digest: str, batch: _BatchState, config: RulesConfig
    ) -> OutMessage:
        decided_at = self._clock(event)
        # The cap's time is event time, as in a replay: the same records trip it the same way.
        at = event.occurred_at.timestamp()
        capped = batch.safety_cap.capped_rules(at)
        if capped != self._capped:
            self._alert_cap_change(batch.safety_cap, at, capped)
        context = batch.context_for(event, config)
        outcome = screen(event, context, config, capped_rules=capped)
        if isinstance(event, Transfer):
            batch.sender_signals[event.event_id] = mule_evidence.sender_signals(
                event, context.history, outcome, config.settings_for(mule_evidence.RULE_ID)
            )
        if counts_toward_cap(context.history, at, config.safety_cap):
            batch.safety_cap.count(at, holding_rules(uncapped(outcome, config)))
        decision = decision_record(event, outcome, decided_at, config.version, digest)
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

    def _alert_cap_change(self, cap: SafetyCap, at: float, capped: frozenset[str]) -> None:
        """Tripping or lifting the cap is an alert: a gauge per rule and a log line."""
        states = {state.rule: state for state in cap.states(at)}
        for rule in sorted(capped - self._capped):
            state = states[rule]
            log.error(
                "safety cap on for rule %s: it held %.1f%% of %d decisions in the last %.0f s "
                "(%.1f%% before); its hits are capped shadow reasons until the rate falls",
                rule,
                100 * state.rate,
                state.decisions,
                cap.settings.window_seconds,
                100 * state.baseline_rate,
            )
            metrics.SAFETY_CAP_ACTIVE.labels(rule=rule).set(1)
        for rule in sorted(self._capped - capped):
            log.warning("safety cap off for rule %s: its holds count again", rule)
            metrics.SAFETY_CAP_ACTIVE.labels(rule=rule).set(0)
        self._capped = capped

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

    def __init__(self, loaded: Loaded, safety_cap: SafetyCapSettings) -> None:
        self.safety_cap = SafetyCap(safety_cap, loaded.safety_cap)
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
                busy_merchant_payers_a_day=config.busy_merchant_payers_a_day,
            )
        return ScreeningContext(
            history, config.mrp, confirmed_victim=victim, calendar=config.calendar
        )

    def recorded_otherwise(self, event: CustomerEvent) -> bool:
        """Is a customer event of this type and id recorded with other content?"""
        history = self.histories.get(event.customer_id)
        if history is None:
            return False
        entry = entry_for(event)
        recorded = history.recorded_as(entry)
        return recorded is not None and recorded != entry

    def remember(self, event: InputEvent, config: RulesConfig) -> None:
        history = self.histories.get(event.customer_id, CustomerHistory())
        self.histories[event.customer_id] = self.writes.histories[event.customer_id] = remember(
            event, history, config
        )
        if isinstance(event, Transfer):
            self._record_transfer(event, config)
        elif isinstance(event, CustomerEvent) and event.type == "account_opened" and event.account:
            opened = event.occurred_at.timestamp()
            self.writes.opened_accounts[event.account] = (opened, event.customer_id)
            self.accounts[event.account] = replace(
                self.account(event.account), opened_at=opened, holder_id=event.customer_id
            )

    def _record_transfer(self, transfer: Transfer, config: RulesConfig) -> None:
        """The transfer's flows and profile changes on both accounts (the receiver first:
        a payment to one's own account updates it twice, in that order)."""
        at, amount = transfer.occurred_at.timestamp(), transfer.amount_minor
        half_life = config.profile_half_life_days
        money_in = inbound_flow(transfer, self.sender_signals.get(transfer.event_id, 0))
        receiver = self.account(transfer.receiver_account)
        profile = receiver.profile.with_money_in(at, amount, transfer.customer_id, half_life)
        self.accounts[receiver.account] = receiver.with_flows(inbound=[money_in], profile=profile)
        self.writes.inbound.setdefault(receiver.account, []).append(money_in)
        self.writes.profiles[receiver.account] = profile

        money_out = outbound_flow(transfer)
        sender = self.account(transfer.sender_account)
        profile = sender.profile.with_money_out(at, amount, transfer.customer_id, half_life)
        self.accounts[sender.account] = sender.with_flows(outbound=[money_out], profile=profile)
        self.writes.outbound.setdefault(sender.account, []).append(money_out)
        self.writes.profiles[sender.account] = profile

    def suspend_reported_account(
        self, event: CustomerEvent, config: RulesConfig, decided_at: datetime
    ) -> None:
        """Suspend the account a new fraud report names (domain/reported_account.py); a
        redelivered report changes nothing (an officer may have lifted it since)."""
        if event.type != "fraud_reported" or not event.account:
            return
        history = self.histories.get(event.customer_id, CustomerHistory())
        if event.event_id in history.fraud_report_ids:
            return
        found = reported_account(
            event,
            self.account(event.account),
            config.reported_suspend_business_days,
            config.calendar,
        )
        if found is None:
            return
        until = found.suspension.ends_at
        entry = block_entry(
            found.message.en,
            REPORTED_ACCOUNT,
            decided_at,
            until,
            hold_id=event.event_id,
            suspension=found.suspension.as_entry(),
            reported_by=event.customer_id,
        )
        self._suspend(event.account, entry, until, event)

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
            ttl = _lifetime(hit.block_until, event)
            self.writes.blocks.append(NewBlock(hit.block_account, entry, hit.block_until, ttl))

    def _suspend_accounts(
        self, event: ScreenedEvent, outcome: Outcome, decided_at: datetime
    ) -> None:
        for hit in outcome.reasons:
            if hit.suspend_account is None or hit.suspend_until is None:
                continue
            entry = _account_entry(hit, event, decided_at, hit.suspend_until)
            self._suspend(hit.suspend_account, entry, hit.suspend_until, event)

    def _suspend(
        self, account_id: str, entry: dict[str, Any], until: datetime, event: InputEvent
    ) -> None:
        """Suspend an account until `until`, unless it already is, or is blocked (the
        earlier suspension or the block stands)."""
        account = self.account(account_id)
        if account.suspended or account.blocked:
            return
        self.accounts[account_id] = replace(
            account, suspended=True, reported_by=entry.get("reported_by")
        )
        self.writes.suspensions.append(
            NewSuspension(account_id, entry, until, _lifetime(until, event))
        )


def _reused(earlier: dict[str, Any]) -> str:
    return (
        f"event_id: reused for other content (first seen as a {earlier.get('event_type')} of "
        f"customer {earlier.get('customer_id')}, decided {earlier.get('verdict')}); "
        "a redelivery must carry the same event"
    )


def _reused_customer_event(event: CustomerEvent) -> str:
    return (
        f"event_id: reused for other content (a {event.type} of customer {event.customer_id} "
        "with this id is recorded with another time or other fields); a redelivery must "
        "carry the same event, a correction a new event_id"
    )


def _lifetime(until: datetime, event: InputEvent) -> int:
    """A block's or suspension's Redis lifetime, counted from the event that caused it (event
    time, like `until`), so a replay or a backlog suspends as long as live traffic does."""
    return max(1, int(until.timestamp() - event.occurred_at.timestamp()))


def _account_entry(
    hit: RuleHit, event: ScreenedEvent, decided_at: datetime, until: datetime
) -> dict[str, Any]:
    """A block or suspension entry (CONTRACT §4's block entry fields) for a rule's finding."""
    return block_entry(
        hit.message.en,
        hit.rule,
        decided_at,
        until,
        hold_id=event.event_id,
        suspension=hit.suspension.as_entry() if hit.suspension is not None else None,
    )


def _keyed_by_customer(record: RawRecord, event: InputEvent) -> bool:
    """Keyed as CONTRACT §1 asks, or not keyed at all (one partition's order is all the
    worker relies on then). Another key is screened, not refused: a bank keying by its own
    ids would otherwise lose every payment; the counter and its alert tell the operators.
    Such a customer's events can land on two partitions, owned by two workers."""
    return record.key is None or record.key == event.customer_id.encode()


def _new_hold(
    event: ScreenedEvent, outcome: Outcome, decision: dict[str, Any], decided_at: datetime
) -> NewHold:
    status = STATUS_BLOCKED if outcome.verdict is Verdict.BLOCK else STATUS_HELD
    fields = new_hold_fields(
        event_id=event.event_id,
        event_type=event.type,
        customer_id=event.customer_id,
        amount=amount_text(event.amount_as_sent),
        currency=event.currency,
        verdict=outcome.verdict.label,
        score=outcome.score,
        status=status,
        reasons=decision["reasons"],
        created_at=decided_at,
        hold_until=decision["hold_until"] or "",
        receiver_account=getattr(event, "receiver_account", "") or "",
        sender_account=getattr(event, "sender_account", "") or "",
        config_version=decision["config_version"],
        # Another currency: the KZT equivalent the rules judged (the officers' amount filter).
        **({"amount_kzt": decision["amount_kzt"]} if decision.get("amount_kzt") else {}),
        **hold_fields(outcome.terms, event.loan_id if isinstance(event, LoanApproval) else None),
    )
    return NewHold(
        hold_id=event.event_id,
        fields=fields,
        status=status,
        created_at=decided_at,
        hold_until=outcome.terms.wakes_at,
        change=hold_change(event.event_id, status, None, decided_at, HOLD_CREATOR, ""),
    )
