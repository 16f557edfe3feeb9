"""The borrowers' answers through the worker's own `ScreeningService` (in-memory store):
held, the period passes without a reconfirmation, reconfirmed, cancelled, answers that
arrive before their loan or in its batch, and redelivery, each change published once."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from screener.backtest.replay import TOPIC_KINDS, CollectingPublisher, new_store
from screener.domain.config import EarlyReconfirmation, RulesConfig
from screener.loan_settling import settle_due
from screener.records import OutMessage
from screener.service import HOLDS, RawRecord, ScreeningService
from screener.settings import Settings, load_rules
from tests import factories

SIGNED = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
ENDS = SIGNED + timedelta(hours=24)


class Lender:
    """A lender publishing loans and the borrowers' answers to one screening service."""

    def __init__(self, config: RulesConfig | None = None) -> None:
        self.config = config or load_rules()
        self.store = new_store(self.config, Settings())
        self.publisher = CollectingPublisher()
        self.service = ScreeningService(
            self.store,
            self.publisher,
            lambda: self.config,
            topic_kinds=TOPIC_KINDS,
            clock=lambda event: event.occurred_at,
        )
        self.offset = 0

    def send(self, *events: tuple[str, dict[str, Any]]) -> list[RawRecord]:
        records = []
        for topic, event in events:
            self.offset += 1
            records.append(
                RawRecord(
                    topic,
                    0,
                    self.offset,
                    event["customer_id"].encode(),
                    orjson.dumps(event),
                )
            )
        self.redeliver(records)
        return records

    def redeliver(self, records: list[RawRecord]) -> None:
        asyncio.run(self.service.process(records))

    def tick(self, now: datetime) -> None:
        """The worker's timer at `now`."""

        async def run() -> None:
            due = [h for h, until in self.store.timed_holds.items() if until <= now.timestamp()]
            changes = await settle_due(self.store, due, self.config.loan_release, now)
            await self.store.mark_published([f"{c['hold_id']}|{c['status']}" for c in changes])
            self.publisher.messages.extend(OutMessage(HOLDS, c["hold_id"], c) for c in changes)

        asyncio.run(run())

    def changes(self, hold_id: str) -> list[str]:
        return [
            m.value["status"]
            for m in self.publisher.messages
            if m.topic == HOLDS and m.value["hold_id"] == hold_id
        ]

    def hold(self, hold_id: str) -> dict[str, Any]:
        return self.store.holds[hold_id].fields


def loan(customer_id: str, signed: datetime = SIGNED) -> dict[str, Any]:
    return factories.loan(
        customer_id=customer_id,
        amount="9000000.00",
        channel="online",
        lender_kind="bank",
        occurred_at=signed.isoformat(),
        contract_signed_at=signed.isoformat(),
    )


def answer(kind: str, of: dict[str, Any], at: datetime) -> tuple[str, dict[str, Any]]:
    event = factories.customer_event(
        kind, customer_id=of["customer_id"], loan_id=of["loan_id"], occurred_at=at.isoformat()
    )
    return ("customer_events", event)


def test_the_lender_s_scenario_each_change_once() -> None:
    lender = Lender()
    first = loan(factories.customer_id())
    lender.send(("loans", first))
    hold_id = first["event_id"]
    [decision] = [m.value for m in lender.publisher.messages if m.value.get("event_id") == hold_id]
    assert decision["verdict"] == "hold" and decision["reconfirmation_required"] is True
    assert decision["hold_until"] == ENDS.isoformat()

    early = lender.send(answer("loan_reconfirmed", first, SIGNED + timedelta(hours=1)))
    assert lender.hold(hold_id)["early_reconfirmed_at"]
    lender.tick(ENDS + timedelta(seconds=1))  # the period passes: still held
    assert lender.hold(hold_id)["status"] == "held"
    assert lender.hold(hold_id)["period_ended_at"] == ENDS.isoformat()
    assert hold_id not in lender.store.timed_holds
    lender.redeliver(early)
    assert lender.changes(hold_id) == ["held"]

    late = lender.send(answer("loan_reconfirmed", first, ENDS + timedelta(hours=1)))
    assert lender.hold(hold_id)["status"] == "released"
    lender.redeliver(late)
    lender.tick(ENDS + timedelta(hours=2))
    assert lender.changes(hold_id) == ["held", "released"]

    second = loan(factories.customer_id())
    lender.send(("loans", second))
    cancel = lender.send(answer("loan_cancelled", second, SIGNED + timedelta(hours=3)))
    lender.redeliver(cancel)
    lender.tick(ENDS + timedelta(hours=2))
    assert lender.changes(second["event_id"]) == ["held", "cancelled"]
    assert lender.hold(second["event_id"])["status"] == "cancelled"
    assert second["event_id"] not in lender.store.open_holds


def test_answers_before_their_loan_or_in_its_batch_apply_when_it_is_held() -> None:
    lender = Lender()
    cancelled_first = loan(factories.customer_id())
    lender.send(answer("loan_cancelled", cancelled_first, SIGNED + timedelta(minutes=5)))
    lender.send(("loans", cancelled_first))
    assert lender.changes(cancelled_first["event_id"]) == ["held", "cancelled"]

    same_batch = loan(factories.customer_id())
    lender.send(
        ("loans", same_batch), answer("loan_reconfirmed", same_batch, ENDS + timedelta(hours=1))
    )
    assert lender.changes(same_batch["event_id"]) == ["held", "released"]


def test_a_kept_early_reconfirmation_releases_at_the_period_s_end() -> None:
    config = load_rules()
    config = dataclasses.replace(
        config,
        loan_release=dataclasses.replace(
            config.loan_release, early_reconfirmation=EarlyReconfirmation.KEEP
        ),
    )
    lender = Lender(config)
    held = loan(factories.customer_id())
    lender.send(("loans", held))
    lender.send(answer("loan_reconfirmed", held, SIGNED + timedelta(hours=1)))
    lender.tick(ENDS - timedelta(seconds=1))
    assert lender.changes(held["event_id"]) == ["held"]
    lender.tick(ENDS)
    assert lender.changes(held["event_id"]) == ["held", "released"]
    lender.tick(ENDS + timedelta(seconds=1))
    assert lender.changes(held["event_id"]) == ["held", "released"]
