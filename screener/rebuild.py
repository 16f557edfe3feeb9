"""`screener rebuild`: Kafka is the record; Redis is restored from it (CONTRACT §7).

Into an empty key prefix (refused otherwise, unless `--force`), with the workers stopped:

1. the input topics are replayed from their start through the worker's own
   `ScreeningService` and Redis store, with a publisher that publishes nothing. That
   rebuilds customers' histories, accounts' flows, details and profiles, the safety cap's
   counts, the rules' holds, blocks and suspensions. Each event is decided with the clock
   reading of its published decision (`decided_at` on `screener.decisions`), so a hold's
   `created_at`, a block's `created_at` and everything counted from them come out as
   they were; every remembered decision is the published one, so a worker started
   afterwards re-decides nothing;
2. between the replay's batches, at the moment they happened, what supervisors and
   officers changed (from `screener.audit`): blocks set and lifted by hand or by a
   confirmed fraud, suspensions lifted on release, customers marked confirmed victims,
   so the events screened after a change see it as the worker did;
3. each hold is brought to its latest status on `screener.holds` (released, confirmed
   fraud, cancelled, by officers, timers or borrowers), with who, when and the note;
4. every block and suspension gets the absolute expiry it had (its key's TTL counted from
   when it was first written, not from the rebuild), and the audit view (per hold, per
   user, the recent log, the chains' heads) is written from `screener.audit`.

Only what the workers had screened is replayed: per input partition, the records before
the consumer group's committed offset, and after it the transfers and loans that have a
published decision (a worker killed before committing) with the customer events up to
their event time. The rest is left to the workers, which resume from the committed offsets,
and so are the hold changes the replay made that `screener.holds` lacks (such a worker was
killed before sending them): they stay in the outbox, unless a later change superseded them.

Not rebuilt (README, deploy/README §9): users, tokens and sessions (add the users again),
officers' claims, follow-the-money trails (a hold follow-the-money created is restored from
its `follow_hold` audit entry, which carries its fields; entries written before that have
none, and the command lists such open holds by id), a pending four-eyes release request,
the operators' page's status keys.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import orjson

from screener.adapters.audit_log import AuditLog
from screener.adapters.kafka_reader import (
    TopicUnreadable,
    committed_offsets,
    read_records,
    start_offsets,
)
from screener.adapters.redis_client import parse_redis_url, redis_from_url
from screener.adapters.redis_keys import RedisKeys, outbox_field
from screener.adapters.redis_rebuild import BLOCK, SUSPENSION, RedisRebuildStore
from screener.adapters.redis_store import RedisScreeningStore
from screener.boundary import reference_time_ms
from screener.domain.audit import chain_id
from screener.domain.config import RulesConfig
from screener.domain.currency import HOME_CURRENCY, KztRates, in_kzt
from screener.domain.events import CustomerEvent, InputEvent, LoanApproval, Transfer
from screener.domain.hold_status import STATUS_BLOCKED, STATUS_HELD
from screener.domain.loan_release import HoldProgress, Settlement
from screener.records import HOLD_CREATOR, OutMessage
from screener.service import BatchWrites, Decoded, Loaded, RawRecord, ScreeningService
from screener.settings import Settings, load_rules

log = logging.getLogger(__name__)

# The review API's audit actions that set a block entry (`after` is the entry) or lift one.
BLOCK_SET_ACTIONS = frozenset({"block", "block_import", "follow_block"})
BLOCK_LIFT_ACTIONS = frozenset({"unblock"})
SUSPENSION_LIFT_ACTIONS = frozenset({"lift_suspension"})
VICTIM_ACTIONS = frozenset({"mark_victim"})
# A hold the review API created; its entry's `after.hold` carries the hold's fields.
HOLD_CREATE_ACTIONS = frozenset({"follow_hold"})


class RebuildRefused(RuntimeError):
    """The key prefix is not empty (a rebuild would mix two states), or the target is one
    the rebuild cannot write yet."""


@dataclass(slots=True)
class RebuildReport:
    """What the rebuild read and wrote, for the operator (printed) and the tests."""

    records_read: int = 0
    records_replayed: int = 0
    left_to_workers: int = 0
    dead_lettered: int = 0  # input records on screener.dlq: never screened, not replayed
    decisions_published: int = 0
    decisions_restored: int = 0
    # Replayed decisions that differ from the published ones (rules changed since, or an
    # order across partitions the replay could not reproduce): the published one is kept.
    decisions_diverged: list[str] = field(default_factory=list)
    holds_created: int = 0
    # Hold changes the replay made that `screener.holds` lacks, left for the workers to send.
    changes_left_in_outbox: int = 0
    hold_changes_applied: int = 0
    # Holds whose latest status on `screener.holds` is `held` that the replay did not make:
    # events trimmed from the input topics, or follow-the-money holds whose audit entry
    # predates the fields it now carries.
    open_holds_not_restored: list[str] = field(default_factory=list)
    closed_holds_not_restored: list[str] = field(default_factory=list)
    blocks_from_audit: int = 0
    blocks_lifted: int = 0
    suspensions_lifted: int = 0
    victims: int = 0
    expired_entries: int = 0
    audit_entries: int = 0
    # (topic, partition, first offset kept) of input partitions retention has trimmed.
    trimmed_partitions: list[tuple[str, int, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        trimmed = ", ".join(f"{t}[{p}] from offset {o}" for t, p, o in self.trimmed_partitions)
        lines = [
            f"input records read: {self.records_read}, replayed: {self.records_replayed}, "
            f"left to the workers (after the committed offsets): {self.left_to_workers}, "
            f"dead-lettered by the workers: {self.dead_lettered}",
            f"decisions on the topic: {self.decisions_published}, remembered again: "
            f"{self.decisions_restored}, replayed differently (the published one kept): "
            f"{len(self.decisions_diverged)}",
            f"holds created: {self.holds_created}, brought to their latest status: "
            f"{self.hold_changes_applied}, changes not on screener.holds left in the outbox "
            f"for the workers: {self.changes_left_in_outbox}",
            f"block list from the audit topic: {self.blocks_from_audit} set, "
            f"{self.blocks_lifted} lifted; suspensions lifted: {self.suspensions_lifted}; "
            f"confirmed victims: {self.victims}; entries expired meanwhile: "
            f"{self.expired_entries}",
            f"audit entries: {self.audit_entries}",
        ]
        if self.trimmed_partitions:
            lines.append(f"input topics trimmed by retention: {trimmed}")
        if self.decisions_diverged:
            lines.append(f"diverged, e.g. {', '.join(self.decisions_diverged[:5])}")
        if self.open_holds_not_restored:
            lines.append(
                f"open holds on screener.holds not restored: {len(self.open_holds_not_restored)}"
                f", e.g. {', '.join(self.open_holds_not_restored[:5])}"
            )
        if self.closed_holds_not_restored:
            lines.append(
                f"closed holds not restored: {len(self.closed_holds_not_restored)}, e.g. "
                f"{', '.join(self.closed_holds_not_restored[:5])}"
            )
        return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Restore Redis from the topics into an empty key prefix. Stop the workers and the "
        "review API first; start them when it is done."
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write even though the prefix holds keys (they are kept; holds are not doubled)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        report = asyncio.run(rebuild(settings, force=args.force))
    except (RebuildRefused, TopicUnreadable) as exc:
        print(f"screener rebuild: {exc}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(f"screener rebuild: {line}")
    return 0


# --- what to replay -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditEffect:
    """One change a person made that the worker's replay must see at its moment."""

    at: datetime
    action: str
    record: dict[str, Any]


def audit_effects(records: Iterable[Mapping[str, Any]]) -> list[AuditEffect]:
    """The block-list, suspension and victim changes of the audit trail, oldest first."""
    effects = [
        AuditEffect(datetime.fromisoformat(str(r["at"])), str(r["action"]), dict(r))
        for r in records
        if r.get("action")
        in BLOCK_SET_ACTIONS
        | BLOCK_LIFT_ACTIONS
        | SUSPENSION_LIFT_ACTIONS
        | VICTIM_ACTIONS
        | HOLD_CREATE_ACTIONS
    ]
    return sorted(effects, key=lambda effect: effect.at)


def unique_audit_records(records: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each chain's entries once (the outbox may have published one twice), oldest first."""
    seen: dict[tuple[str, int], dict[str, Any]] = {}
    for record in records:
        if "entity_kind" not in record or "seq" not in record:
            continue  # unreadable: `screener audit verify` reports it
        chain = chain_id(str(record["entity_kind"]), str(record["entity_id"]))
        seen.setdefault((chain, int(record["seq"])), dict(record))
    return sorted(seen.values(), key=lambda r: (str(r["at"]), int(r["seq"])))


def latest_changes(changes: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each hold's last change on `screener.holds` (one hold's changes share a partition,
    so topic order is their order)."""
    latest: dict[str, dict[str, Any]] = {}
    for change in changes:
        if isinstance(change, Mapping) and change.get("hold_id") and change.get("status"):
            latest[str(change["hold_id"])] = dict(change)
    return latest


TOPIC_RANK = {"customer_events": 0, "loans": 1, "transfers": 2}


def replay_order(
    decoded: Sequence[Decoded], kinds: Mapping[str, str], moments: Mapping[str, datetime]
) -> list[Decoded]:
    """The order the workers screened in: by the clock reading each event got (a
    decision's `decided_at` grows event by event through a worker's batches), then by
    event time with customer events first on a tie, as the worker merges the topics."""

    def key(item: Decoded) -> tuple[float, float, int, int, int]:
        record = item.record
        moment = moments.get(item.event.event_id) if item.event is not None else None
        wall = moment.timestamp() if moment else (record.timestamp_ms or 0) / 1000
        when = item.event_time if item.event_time is not None else wall
        rank = TOPIC_RANK.get(kinds.get(record.topic, ""), 3)
        return (wall, when, rank, record.partition, record.offset)

    return sorted(decoded, key=key)


def batches(
    ordered: Sequence[Decoded], moments: Mapping[str, datetime], size: int, cuts: Sequence[datetime]
) -> Iterator[tuple[list[Decoded], datetime | None]]:
    """The replay's batches, at most `size` records, cut before the first record screened
    after each of `cuts` (an officer's change): yields (batch, the cut to apply first)."""
    pending = list(cuts)
    batch: list[Decoded] = []
    for item in ordered:
        moment = moments.get(item.event.event_id) if item.event is not None else None
        if pending and moment is not None and moment > pending[0]:
            if batch:
                yield batch, None
                batch = []
            cut = pending[0]
            while pending and pending[0] < moment:
                cut = pending.pop(0)
            yield [], cut
        batch.append(item)
        if len(batch) >= size:
            yield batch, None
            batch = []
    if batch:
        yield batch, None
    if pending:
        yield [], pending[-1]


def screened_so_far(
    decoded: Sequence[Decoded],
    committed: Mapping[tuple[str, int], int],
    decided: Collection[str],
) -> tuple[list[Decoded], int]:
    """The records the workers had screened: before the committed offset of their
    partition, and after it the decided transfers and loans (a batch delivered, its offset
    not committed yet) with the customer events of that partition number up to the latest
    such decision's event time. `decided` are the ids of the transfers and loans with a
    published decision or hold (`hold_creations`). Returns them and how many were left out."""
    done: list[Decoded] = []
    later: list[Decoded] = []
    for item in decoded:
        record = item.record
        if record.offset < committed.get((record.topic, record.partition), 0):
            done.append(item)
        else:
            later.append(item)
    reach: dict[int, float] = {}
    for item in later:
        event = item.event
        screened = event is not None and not isinstance(event, CustomerEvent)
        if screened and event is not None and event.event_id in decided:
            partition = item.record.partition
            reach[partition] = max(reach.get(partition, 0.0), item.event_time or 0.0)
    kept = 0
    for item in later:
        event = item.event
        if event is None:
            continue
        was_decided = not isinstance(event, CustomerEvent) and event.event_id in decided
        caught_up = isinstance(event, CustomerEvent) and (item.event_time or 0.0) <= reach.get(
            item.record.partition, -1.0
        )
        if was_decided or caught_up:
            done.append(item)
            kept += 1
    return done, len(later) - kept


# --- the replay's store and publisher -----------------------------------------------------


class _SilentPublisher:
    """Implements `Publisher`: a rebuild publishes nothing; every output is on Kafka."""

    async def publish(self, messages: list[OutMessage]) -> None:
        return None


class _RebuildingStore:
    """Implements `ScreeningStore` around the worker's Redis store: each decision it writes
    is the published one, a hold of an event published as `allow` is not made, and the
    blocks and suspensions written are noted for their absolute expiry."""

    def __init__(
        self,
        store: RedisScreeningStore,
        published: Mapping[str, dict[str, Any]],
        report: RebuildReport,
    ) -> None:
        self._store = store
        self._published = published
        self._report = report
        # `hold_id|status` of every change on `screener.holds`.
        self.published_changes: set[str] = set()
        self.left_in_outbox: set[str] = set()
        # (account, entry, epoch seconds the key expired or expires at) per kind.
        self.expiries: dict[str, list[tuple[str, dict[str, Any], float]]] = {
            BLOCK: [],
            SUSPENSION: [],
        }

    async def load(
        self,
        event_ids: list[str],
        customer_ids: list[str],
        accounts: list[str],
        without_flows: frozenset[str] = frozenset(),
        safety_cap_buckets: list[str] | None = None,
    ) -> Loaded:
        return await self._store.load(
            event_ids, customer_ids, accounts, without_flows, safety_cap_buckets
        )

    async def save(self, writes: BatchWrites) -> list[bool]:
        report = self._report
        for event_id, decision in list(writes.decisions.items()):
            published = self._published.get(event_id)
            if published is None:
                continue
            if published != decision:
                report.decisions_diverged.append(event_id)
                writes.decisions[event_id] = published
            report.decisions_restored += 1
        writes.holds[:] = [
            hold
            for hold in writes.holds
            if (self._published.get(hold.hold_id) or {"hold_id": hold.hold_id}).get("hold_id")
        ]
        for kind, entries in ((BLOCK, writes.blocks), (SUSPENSION, writes.suspensions)):
            for new in entries:
                # The key lived `ttl_seconds` from the moment the worker wrote it.
                written = datetime.fromisoformat(str(new.entry["created_at"])).timestamp()
                self.expiries[kind].append((new.account, new.entry, written + new.ttl_seconds))
        created = await self._store.save(writes)
        report.holds_created += sum(created)
        return created

    async def pending_changes(self, fields: list[str]) -> dict[str, dict[str, Any]]:
        return await self._store.pending_changes(fields)

    async def mark_published(self, fields: list[str]) -> None:
        # A change the topic does not have (a worker killed after its decisions went out
        # and before its hold changes did) stays in the outbox: the workers publish it.
        on_topic = [name for name in fields if name in self.published_changes]
        if on_topic:
            await self._store.mark_published(on_topic)
        self.left_in_outbox.update(set(fields) - set(on_topic))

    async def hold_progress(self, hold_ids: list[str]) -> dict[str, HoldProgress]:
        return await self._store.hold_progress(hold_ids)

    async def settle(self, settlement: Settlement, now: datetime) -> tuple[bool, Any]:
        return await self._store.settle(settlement, now)


# --- the rebuild --------------------------------------------------------------------------


def _read(settings: Settings, topic: str) -> list[Any]:
    return list(read_records(settings, topic, "screener-rebuild"))


def _json(value: bytes | None) -> Any:
    try:
        return orjson.loads(value) if value else None
    except orjson.JSONDecodeError:
        return None


def dead_lettered(letters: Iterable[Any]) -> set[tuple[str, int, int]]:
    """(topic, partition, offset) of every input record on `screener.dlq`."""
    return {
        (str(letter["source_topic"]), int(letter["partition"]), int(letter["offset"]))
        for letter in letters
        if isinstance(letter, dict)
        and isinstance(letter.get("partition"), int)
        and isinstance(letter.get("offset"), int)
        and letter.get("source_topic")
    }


def at_published_rate(item: Decoded, published: Mapping[str, Mapping[str, Any]]) -> Decoded:
    """A foreign amount priced at the rate its published decision used, not today's: the
    rules file's rates change daily, and the histories and flows the worker wrote hold the
    KZT equivalent it judged."""
    event = item.event
    if not isinstance(event, Transfer | LoanApproval) or event.currency == HOME_CURRENCY:
        return item
    rate = (published.get(event.event_id) or {}).get("kzt_rate")
    if not isinstance(rate, int | float) or isinstance(rate, bool) or rate <= 0:
        return item
    as_sent = replace(
        event, amount_minor=event.amount_as_sent, sent_amount_minor=None, kzt_rate=None
    )
    return replace(item, event=in_kzt(as_sent, KztRates({event.currency: float(rate)})))


def hold_creations(changes: Iterable[Mapping[str, Any]]) -> dict[str, datetime]:
    """When each rules hold on `screener.holds` was made, by event id: its first change
    (`held` or `blocked` by the screener, from no status) carries the decision's
    `decided_at`. A worker killed while delivering a batch can leave such a change on the
    topic and not the decision, whose broker had not acknowledged it yet: the event was
    screened, and the rebuild replays it at that moment. Left to the workers, it was
    decided again later, and the hold's `held` record went out twice, differently."""
    made: dict[str, datetime] = {}
    for change in changes:
        if (
            change.get("previous_status") is None
            and change.get("changed_by") == HOLD_CREATOR
            and not change.get("note")  # a follow-the-money hold's says what set it off
            and change.get("status") in (STATUS_HELD, STATUS_BLOCKED)
            and change.get("hold_id")
            and change.get("changed_at")
        ):
            made.setdefault(str(change["hold_id"]), datetime.fromisoformat(change["changed_at"]))
    return made


def _moments(
    items: Sequence[Decoded],
    published: Mapping[str, Mapping[str, Any]],
    holds_made: Mapping[str, datetime],
) -> dict[str, datetime]:
    """The clock reading each replayed event gets: its published decision's `decided_at`,
    or its hold's creation when only that reached Kafka; for a customer event, its Kafka
    record's time (about when the worker saw it)."""
    moments: dict[str, datetime] = {}
    for item in items:
        if item.event is None:
            continue
        decision = published.get(item.event.event_id)
        if decision is not None and decision.get("decided_at"):
            moments[item.event.event_id] = datetime.fromisoformat(str(decision["decided_at"]))
        elif item.event.event_id in holds_made:
            moments[item.event.event_id] = holds_made[item.event.event_id]
        elif item.record.timestamp_ms:
            moments[item.event.event_id] = datetime.fromtimestamp(
                item.record.timestamp_ms / 1000, UTC
            )
    return moments


def _clock(moments: Mapping[str, datetime]) -> Callable[[InputEvent], datetime]:
    def clock(event: InputEvent) -> datetime:
        return moments.get(event.event_id, event.occurred_at)

    return clock


async def _apply_effect(
    effect: AuditEffect,
    target: RedisRebuildStore,
    store: RedisScreeningStore,
    expiries: dict[str, list[tuple[str, dict[str, Any], float]]],
    report: RebuildReport,
) -> None:
    record = effect.record
    account = str(record.get("account") or record.get("entity_id") or "")
    if effect.action in BLOCK_SET_ACTIONS and isinstance(record.get("after"), dict):
        entry = record["after"]
        expires = entry.get("expires_at")
        ttl = None
        if expires:
            until = datetime.fromisoformat(str(expires))
            ttl = max(1, int((until - effect.at).total_seconds()))
            expiries[BLOCK].append((account, entry, until.timestamp()))
        await target.set_entry(BLOCK, account, entry, ttl)
        report.blocks_from_audit += 1
    elif effect.action in BLOCK_LIFT_ACTIONS:
        await target.delete_entry(BLOCK, account)
        report.blocks_lifted += 1
    elif effect.action in SUSPENSION_LIFT_ACTIONS:
        await target.delete_entry(SUSPENSION, account)
        report.suspensions_lifted += 1
    elif effect.action in VICTIM_ACTIONS and isinstance(record.get("after"), dict):
        await target.mark_victim(str(record["entity_id"]), record["after"])
        report.victims += 1
    elif effect.action in HOLD_CREATE_ACTIONS:
        fields = (record.get("after") or {}).get("hold")
        if isinstance(fields, dict) and await target.create_hold(fields, str(record["note"])):
            # Its `held` change is on `screener.holds` already.
            await store.mark_published([outbox_field(str(fields["event_id"]), STATUS_HELD)])
            report.holds_created += 1


async def rebuild(settings: Settings, force: bool = False) -> RebuildReport:
    """Restore the prefix's Redis state from the topics; see the module's docstring."""
    if parse_redis_url(settings.redis_url).mode == "cluster":
        # Its writes (hold scripts, audit view, status changes) use CONTRACT §4's layout and
        # transactions; a Cluster needs the tagged layout and per-slot writes. Refused
        # rather than half-written.
        raise RebuildRefused(
            "a rebuild onto a Redis Cluster is not supported yet: rebuild into a single "
            "Redis or a Sentinel-managed one (deploy/README §9)"
        )
    config: RulesConfig = load_rules(settings.rules_file)
    keys = RedisKeys(settings.redis_prefix)
    redis = redis_from_url(settings.redis_url)
    text_redis = redis_from_url(settings.redis_url, decode_responses=True)
    try:
        target = RedisRebuildStore(redis, keys)
        present = await target.first_key()
        if present is not None and not force:
            raise RebuildRefused(
                f"the prefix {settings.redis_prefix!r} is not empty (e.g. {present}); "
                "rebuild into an empty one, or pass --force"
            )
        return await _rebuild(settings, config, keys, redis, text_redis, target)
    finally:
        await redis.aclose()
        await text_redis.aclose()


async def _rebuild(
    settings: Settings,
    config: RulesConfig,
    keys: RedisKeys,
    redis: Any,
    text_redis: Any,
    target: RedisRebuildStore,
) -> RebuildReport:
    topics = settings.topics
    kinds = {
        topics.transfers: "transfers",
        topics.loans: "loans",
        topics.customer_events: "customer_events",
    }
    report = RebuildReport()
    published: dict[str, dict[str, Any]] = {}
    for message in await asyncio.to_thread(_read, settings, topics.decisions):
        decision = _json(message.value)
        if isinstance(decision, dict) and decision.get("event_id"):
            published.setdefault(str(decision["event_id"]), decision)
    report.decisions_published = len(published)
    hold_changes = [_json(m.value) for m in await asyncio.to_thread(_read, settings, topics.holds)]
    audit = unique_audit_records(
        r
        for r in (_json(m.value) for m in await asyncio.to_thread(_read, settings, topics.audit))
        if isinstance(r, dict)
    )
    raw: list[RawRecord] = []
    read_at_ms = int(time.time() * 1000)
    for topic in kinds:
        raw += [
            RawRecord(
                m.topic,
                m.partition,
                m.offset,
                m.key,
                m.value or b"",
                reference_time_ms(m.timestamp, read_at_ms),
            )
            for m in await asyncio.to_thread(_read, settings, topic)
        ]
    report.records_read = len(raw)
    # What the workers dead-lettered they never screened: left out, whatever the replay's
    # own check would say now (an event a producer clock stamped ahead of the worker's
    # was refused then and would pass today).
    refused = dead_lettered(
        _json(m.value) for m in await asyncio.to_thread(_read, settings, topics.dlq)
    )
    report.dead_lettered = sum(1 for r in raw if (r.topic, r.partition, r.offset) in refused)
    raw = [r for r in raw if (r.topic, r.partition, r.offset) not in refused]
    starts = await asyncio.to_thread(start_offsets, settings, list(kinds))
    report.trimmed_partitions = sorted((t, p, o) for (t, p), o in starts.items() if o > 0)
    committed = await asyncio.to_thread(committed_offsets, settings, settings.consumer_group)

    store = RedisScreeningStore(
        redis,
        keys,
        decision_ttl_seconds=settings.decision_memory_seconds,
        history_ttl_seconds=config.history_ttl_seconds,
        account_keep_seconds=config.account_keep_seconds,
        account_max_flows=config.account_max_flows,
        profile_ttl_seconds=int(config.profile_keep_seconds),
    )
    rebuilding = _RebuildingStore(store, published, report)
    rebuilding.published_changes = {
        outbox_field(str(c["hold_id"]), str(c["status"]))
        for c in hold_changes
        if isinstance(c, dict) and c.get("hold_id") and c.get("status")
    }
    moments: dict[str, datetime] = {}
    service = ScreeningService(
        rebuilding, _SilentPublisher(), lambda: config, topic_kinds=kinds, clock=_clock(moments)
    )
    decoded = [at_published_rate(service.decode(record), published) for record in raw]
    holds_made = hold_creations(c for c in hold_changes if isinstance(c, dict))
    chosen, report.left_to_workers = screened_so_far(
        decoded, committed, published.keys() | holds_made.keys()
    )
    moments.update(_moments(chosen, published, holds_made))
    ordered = replay_order(chosen, kinds, moments)
    report.records_replayed = len(ordered)

    effects = audit_effects(audit)
    applied = 0
    for batch, cut in batches(
        ordered, moments, max(1, settings.batch_max), [e.at for e in effects]
    ):
        # An officer's changes up to `cut`, before the events screened after them.
        while cut is not None and applied < len(effects) and effects[applied].at <= cut:
            await _apply_effect(effects[applied], target, store, rebuilding.expiries, report)
            applied += 1
        if batch:
            await service.deliver(await service.screen_and_save(batch))

    latest = latest_changes(c for c in hold_changes if isinstance(c, dict))
    statuses = await target.hold_statuses(sorted(latest))
    for hold_id, change in latest.items():
        current = statuses.get(hold_id)
        if current is None:
            if change["status"] == STATUS_HELD:
                report.open_holds_not_restored.append(hold_id)
            else:
                report.closed_holds_not_restored.append(hold_id)
        elif current != change["status"] and await target.apply_change(change, current):
            await store.mark_published([outbox_field(hold_id, str(change["status"]))])
            report.hold_changes_applied += 1

    # Of the replay's changes the topic lacks, those the hold's latest status superseded
    # (an officer decided first) are not to be sent.
    left = [name.rsplit("|", 1) for name in sorted(rebuilding.left_in_outbox)]
    now_status = await target.hold_statuses([hold_id for hold_id, _ in left])
    superseded = [
        outbox_field(hold_id, status)
        for hold_id, status in left
        if now_status.get(hold_id) != status
    ]
    if superseded:
        await store.mark_published(superseded)
    report.changes_left_in_outbox = len(left) - len(superseded)

    for kind in (BLOCK, SUSPENSION):
        report.expired_entries += await target.expire_entries(kind, rebuilding.expiries[kind])
    await AuditLog(text_redis, settings.redis_prefix).restore(audit)
    report.audit_entries = len(audit)
    log.info("rebuild done: %s", "; ".join(report.lines()))
    return report
