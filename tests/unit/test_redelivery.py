"""Redelivery means the same event (issue #10, findings 4 and 5): an event id reused for
other content is a dead letter, never someone else's decision; replays change no counter or
profile; loans stay in the history for their windows whatever else the customer does."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from prometheus_client import REGISTRY

from screener.backtest.replay import replay
from screener.boundary import decode_event
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember
from screener.settings import load_rules
from tests import factories
from tests.streams import at, record

CONFIG = load_rules()
T0 = datetime(2026, 3, 2, 19, 0, tzinfo=factories.ALMATY)


def reused() -> float:
    value = REGISTRY.get_sample_value(
        "screener_dead_letters_total", {"topic": "loans", "reason": "event_id_reused"}
    )
    return value or 0.0


def test_a_loan_reusing_a_transfers_event_id_is_a_dead_letter_not_its_decision() -> None:
    customer = factories.customer_id()
    transfer = factories.transfer(customer_id=customer, occurred_at=at(T0))
    loan = factories.loan(
        customer_id=customer,
        event_id=transfer["event_id"],
        occurred_at=at(T0 + timedelta(minutes=1)),
        amount="3000000.00",
    )
    before = reused()
    for batch_size in (1, 10):  # in a later batch, and in the same batch
        result = replay(
            [record("transfers", transfer, 0), record("loans", loan, 1)],
            CONFIG,
            batch_size=batch_size,
        )
        (decision,) = result.decisions
        assert decision["event_type"] == "transfer"
        (letter,) = result.dead_letters
        assert letter["error"].startswith("event_id: ")
        assert "reused" in letter["error"]
    assert reused() == before + 2


def test_an_identical_redelivery_gets_the_identical_first_decision() -> None:
    customer = factories.customer_id()
    loan = factories.loan(customer_id=customer, occurred_at=at(T0), amount="3000000.00")
    # The bank's producer sent it again, serialised differently (the default currency
    # left out, the keys in another order): the same event.
    again = {key: loan[key] for key in reversed(list(loan)) if key != "currency"}
    result = replay(
        [record("loans", loan, 0), record("loans", loan, 1), record("loans", again, 2)],
        CONFIG,
        batch_size=1,
    )
    assert result.dead_letters == []
    first, *later = result.decisions
    assert first["verdict"] == "hold"
    assert later == [first, first]
    assert len(result.store.holds) == 1


def test_a_fraud_report_resent_under_its_id_with_another_account_is_a_dead_letter() -> None:
    """A corrected report under the old id was dropped as a redelivery: the account it now
    names was never suspended, and nobody was told. A redelivery is the same event."""
    customer = factories.customer_id()
    first, corrected = factories.new_kz_iban(), factories.new_kz_iban()
    report = factories.customer_event(
        "fraud_reported", customer_id=customer, account=first, occurred_at=at(T0)
    )
    resent = {**report, "account": corrected}
    someone = factories.customer_id()
    to_first, to_corrected = (
        factories.transfer(
            customer_id=someone, receiver_account=account, occurred_at=at(T0 + timedelta(hours=1))
        )
        for account in (first, corrected)
    )
    for batch_size in (1, 10):  # in a later batch, and in the same batch
        result = replay(
            [
                record("customer_events", report, 0),
                record("customer_events", report, 1),  # the same event again: no letter
                record("customer_events", resent, 2),
                record("transfers", to_first, 3),
                record("transfers", to_corrected, 4),
            ],
            CONFIG,
            batch_size=batch_size,
        )
        (letter,) = result.dead_letters
        assert letter["offset"] == 2 and letter["error"].startswith("event_id: reused")
        assert "fraud_reported" in letter["error"] and "new event_id" in letter["error"]
        verdicts = {d["event_id"]: d["verdict"] for d in result.decisions}
        assert verdicts == {to_first["event_id"]: "hold", to_corrected["event_id"]: "allow"}


def test_rereading_an_old_fraud_report_counts_it_once() -> None:
    customer = factories.customer_id()
    report = factories.customer_event(
        "fraud_reported", customer_id=customer, occurred_at=at(T0 - timedelta(days=6))
    )
    later = factories.customer_event("login", customer_id=customer, occurred_at=at(T0))
    # The login moves the customer's window past the report; then the report is read again.
    result = replay(
        [
            record("customer_events", report, 0),
            record("customer_events", later, 1),
            *[record("customer_events", report, 2 + n) for n in range(3)],
            record(
                "customer_events",
                factories.customer_event(
                    "login", customer_id=customer, occurred_at=at(T0 + timedelta(days=2))
                ),
                5,
            ),
            *[record("customer_events", report, 6 + n) for n in range(3)],
        ],
        CONFIG,
        batch_size=1,
    )
    assert result.dead_letters == []
    loaded = asyncio.run(result.store.load([], [customer], []))
    assert loaded.histories[customer].fraud_reports == 1


def test_rereading_an_old_transfer_leaves_the_baseline_as_it_was() -> None:
    history = CustomerHistory()
    old = factories.transfer(occurred_at=at(T0 - timedelta(days=8)), amount="777.00")
    new = factories.transfer(occurred_at=at(T0), amount="15000.00")
    history = remember(decode_event("transfers", factories.encode(new)), history, CONFIG)
    for _ in range(3):
        history = remember(decode_event("transfers", factories.encode(old)), history, CONFIG)
    assert history.baseline_amounts == (1_500_000,)


def test_logins_and_codes_do_not_push_a_loan_out_of_the_history() -> None:
    customer = factories.customer_id()
    loan = factories.loan(customer_id=customer, occurred_at=at(T0), amount="700000.00")
    history = remember(decode_event("loans", factories.encode(loan)), CustomerHistory(), CONFIG)
    for n in range(3 * CONFIG.history_max_entries):
        kind = "login" if n % 2 else "sms_code_sent"
        event = factories.customer_event(
            kind, customer_id=customer, occurred_at=at(T0 + timedelta(seconds=n + 1))
        )
        history = remember(
            decode_event("customer_events", factories.encode(event)), history, CONFIG
        )
    assert loan["event_id"] in {entry.event_id for entry in history.entries}
    assert len(history.entries) <= 3 * CONFIG.history_max_entries  # still bounded


def test_a_second_loan_counts_the_first_despite_a_flood_of_logins() -> None:
    # Cooling-period aggregation: two 400,000 KZT online loans within a day pass 150 MRP
    # together. 300 logins between them must not hide the first.
    customer = factories.customer_id()
    first = factories.loan(customer_id=customer, occurred_at=at(T0), amount="400000.00")
    logins = [
        factories.customer_event(
            "login", customer_id=customer, occurred_at=at(T0 + timedelta(seconds=n + 1))
        )
        for n in range(300)
    ]
    second = factories.loan(
        customer_id=customer, occurred_at=at(T0 + timedelta(hours=1)), amount="400000.00"
    )
    result = replay(
        [
            record("loans", first, 0),
            *[record("customer_events", e, 1 + n) for n, e in enumerate(logins)],
            record("loans", second, 301),
        ],
        CONFIG,
        batch_size=50,
    )
    first_decision, second_decision = result.decisions
    assert first_decision["verdict"] == "allow"
    assert "cooling_period" in {reason["rule"] for reason in second_decision["reasons"]}


def test_a_transfer_sharing_a_login_s_id_is_its_own_event_in_the_history() -> None:
    """A bank whose ids count per topic sends login 7 and transfer 7. Taken as one event,
    the transfers went missing from the history and a rule that counts them (savings
    leaving in chunks) fell silent."""

    def fifth_transfer_decided(shared_ids: bool) -> tuple[str, int]:
        customer, account = factories.customer_id(), factories.new_kz_iban()
        ids = [f"evt-{n}" for n in range(4)]
        lines = []
        for n, event_id in enumerate(ids):
            lines.append(
                ("customer_events", factories.customer_event(
                    "login", customer_id=customer, event_id=event_id,
                    occurred_at=at(T0 + timedelta(minutes=n)),
                ))
            )  # fmt: skip
        for n, event_id in enumerate([*ids, "evt-last"]):
            lines.append(
                ("transfers", factories.transfer(
                    customer_id=customer, sender_account=account, amount="300000.00",
                    new_beneficiary=True, occurred_at=at(T0 + timedelta(minutes=10 + n)),
                    event_id=event_id if shared_ids else f"own-{event_id}",
                ))
            )  # fmt: skip
        result = replay([record(role, e, n) for n, (role, e) in enumerate(lines)], CONFIG)
        assert result.dead_letters == []
        last = result.decisions[-1]
        return last["verdict"], last["score"]

    own_ids = fifth_transfer_decided(shared_ids=False)
    assert own_ids[0] == "hold", "the stream should hold the fifth transfer"
    assert fifth_transfer_decided(shared_ids=True) == own_ids


def test_a_fraud_report_sharing_a_transfer_s_id_is_counted() -> None:
    customer = factories.customer_id()
    transfer = factories.transfer(customer_id=customer, occurred_at=at(T0))
    report = factories.customer_event(
        "fraud_reported",
        customer_id=customer,
        event_id=transfer["event_id"],
        occurred_at=at(T0 + timedelta(minutes=1)),
    )
    history = CustomerHistory()
    for role, event in (("transfers", transfer), ("customer_events", report)):
        history = remember(decode_event(role, factories.encode(event)), history, CONFIG)
    assert history.fraud_reports == 1
    assert len(history.entries) == 2


def test_a_record_keyed_by_something_else_is_screened_and_counted() -> None:
    """CONTRACT §1 keys input by customer_id. Another key is screened (a bank keying by its
    own ids must not lose its payments) and counted for the operators' alert."""

    def counted() -> float:
        value = REGISTRY.get_sample_value(
            "screener_input_key_not_customer_total", {"topic": "transfers"}
        )
        return value or 0.0

    before = counted()
    right, wrong, unkeyed = (factories.transfer(occurred_at=at(T0)) for _ in range(3))
    records = [
        record("transfers", right, 0),
        replace(record("transfers", wrong, 1), key=b"event-42"),
        replace(record("transfers", unkeyed, 2), key=None),
    ]
    result = replay(records, CONFIG)
    assert len(result.decisions) == 3 and result.dead_letters == []
    assert counted() == before + 1
