"""What `screener rebuild` replays and in which order (pure parts of screener/rebuild.py)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from screener.boundary import decode_event, priced_in_kzt
from screener.domain.currency import KztRates
from screener.domain.events import Transfer
from screener.rebuild import (
    RebuildRefused,
    at_published_rate,
    audit_effects,
    batches,
    dead_lettered,
    hold_creations,
    latest_changes,
    rebuild,
    replay_order,
    screened_so_far,
    unique_audit_records,
)
from screener.service import Decoded, RawRecord
from screener.settings import Settings
from tests import factories

KINDS = {"t": "transfers", "l": "loans", "c": "customer_events"}
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def item(topic: str, offset: int, minutes: float, partition: int = 0) -> Decoded:
    at = factories.timestamp(T0 + timedelta(minutes=minutes))
    if topic == "t":
        event: dict[str, Any] = factories.transfer(occurred_at=at)
    elif topic == "l":
        event = factories.loan(occurred_at=at)
    else:
        event = factories.customer_event("login", occurred_at=at)
    value = factories.encode(event)
    record = RawRecord(topic, partition, offset, None, value)
    return Decoded(record, decode_event(KINDS[topic], value))


def ids(items: list[Decoded]) -> list[str]:
    return [i.event.event_id for i in items if i.event is not None]


def test_records_before_the_committed_offsets_are_replayed_and_later_ones_left() -> None:
    done = [item("t", 0, 0), item("c", 0, 1)]
    later = [item("t", 1, 2), item("c", 1, 3)]
    chosen, left = screened_so_far([*done, *later], {("t", 0): 1, ("c", 0): 1}, set())
    assert ids(chosen) == ids(done) and left == 2


def test_a_decided_record_past_the_commit_is_replayed_with_the_customer_events_before_it() -> None:
    """A worker killed after delivering a batch and before committing it: its decisions are
    on the topic, so the rebuild must remember them and what they saw."""
    decided = item("t", 0, 10)
    seen_before = item("c", 0, 5)
    not_yet = item("c", 1, 20)
    undecided = item("t", 1, 30)
    other_partition = item("c", 0, 6, partition=1)
    assert decided.event is not None
    chosen, left = screened_so_far(
        [decided, seen_before, not_yet, undecided, other_partition],
        {},
        {decided.event.event_id},
    )
    assert ids(chosen) == ids([decided, seen_before]) and left == 3


def test_the_replay_follows_the_clock_readings_then_event_time() -> None:
    first, second, event = item("t", 0, 10), item("l", 0, 0), item("c", 0, 5)
    moments = {
        first.event.event_id: T0 + timedelta(hours=1),  # type: ignore[union-attr]
        second.event.event_id: T0 + timedelta(hours=2),  # type: ignore[union-attr]
        event.event.event_id: T0 + timedelta(hours=1),  # type: ignore[union-attr]
    }
    ordered = replay_order([second, first, event], {"t": "transfers", "l": "loans"}, moments)
    assert ids(ordered) == ids([event, first, second])


def test_batches_are_cut_before_the_first_event_screened_after_an_officers_change() -> None:
    items = [item("t", n, n) for n in range(5)]
    moments = {i.event.event_id: T0 + timedelta(minutes=n) for n, i in enumerate(items)}  # type: ignore[union-attr]
    change = T0 + timedelta(minutes=2, seconds=30)
    plan = list(batches(items, moments, size=2, cuts=[change]))
    assert [(ids(batch), cut) for batch, cut in plan] == [
        (ids(items[0:2]), None),
        (ids(items[2:3]), None),
        ([], change),
        (ids(items[3:5]), None),
    ]
    late = list(batches(items[:1], moments, size=10, cuts=[T0 + timedelta(days=1)]))
    assert late[-1] == ([], T0 + timedelta(days=1))


def test_each_hold_ends_at_its_last_change_and_audit_records_count_once() -> None:
    changes = [
        {"hold_id": "h1", "status": "held"},
        {"hold_id": "h1", "status": "released"},
        {"hold_id": "h2", "status": "held"},
        {"unreadable": "x"},
    ]
    assert {h: c["status"] for h, c in latest_changes(changes).items()} == {
        "h1": "released",
        "h2": "held",
    }
    entry = {"entity_kind": "account", "entity_id": "A", "seq": 1, "at": T0.isoformat()}
    block = {**entry, "action": "block", "after": {"reason": "r"}}
    note = {**entry, "seq": 2, "action": "note"}
    records = unique_audit_records([block, block, note, {"garbage": 1}])
    assert [r["seq"] for r in records] == [1, 2]
    assert [e.action for e in audit_effects(records)] == ["block"]


def test_a_rules_holds_first_change_says_when_its_event_was_decided() -> None:
    """Only the screener's creation of a hold dates the decision: an officer's later
    change, or a follow-the-money hold (made by the screener when an officer confirmed
    another fraud, days later; its note says so), says nothing about it."""
    made = T0 + timedelta(seconds=3)
    changes = [
        {
            "hold_id": "e1",
            "status": "held",
            "previous_status": None,
            "changed_by": "screener",
            "changed_at": made.isoformat(),
        },
        {
            "hold_id": "e1",
            "status": "released",
            "previous_status": "held",
            "changed_by": "officer-1",
            "changed_at": (made + timedelta(hours=1)).isoformat(),
        },
        {
            "hold_id": "e2",
            "status": "blocked",
            "previous_status": None,
            "changed_by": "screener",
            "changed_at": made.isoformat(),
        },
        {
            "hold_id": "f1",
            "status": "held",
            "previous_status": None,
            "changed_by": "screener",
            "changed_at": (made + timedelta(days=2)).isoformat(),
            "note": "follow-the-money hop 1 from hold e9",
        },
        {"hold_id": "e3", "status": "held"},
    ]
    assert hold_creations(changes) == {"e1": made, "e2": made}


def test_what_the_workers_dead_lettered_is_known_by_its_place() -> None:
    letters = [
        {"source_topic": "bank.transfers", "partition": 2, "offset": 17, "error": "x"},
        {"source_topic": "bank.loans", "partition": "0", "offset": 1},  # unreadable: ignored
        "not a letter",
    ]
    assert dead_lettered(letters) == {("bank.transfers", 2, 17)}


def test_a_foreign_amount_is_replayed_at_the_rate_its_decision_used() -> None:
    """The rates change daily: a rebuild prices each event as the worker did."""
    raw = factories.encode(factories.transfer(amount="100.00", currency="USD"))
    event = priced_in_kzt(decode_event("transfers", raw), KztRates({"USD": 530.0}))
    item = Decoded(RawRecord("t", 0, 0, None, raw), event)
    assert event is not None
    published = {event.event_id: {"kzt_rate": 520.0}}
    replayed = at_published_rate(item, published).event
    assert isinstance(replayed, Transfer)
    assert (replayed.amount_minor, replayed.amount_as_sent, replayed.kzt_rate) == (
        5_200_000,
        10_000,
        520.0,
    )
    assert at_published_rate(item, {}).event is event  # no decision published: as decoded


def test_a_rebuild_onto_a_redis_cluster_is_refused_before_anything_is_written() -> None:
    # Nothing listens on these ports: the refusal comes before any connection.
    settings = replace(Settings(), redis_url="redis+cluster://127.0.0.1:1,127.0.0.1:2")
    with pytest.raises(RebuildRefused, match="Redis Cluster is not supported yet"):
        asyncio.run(rebuild(settings))
