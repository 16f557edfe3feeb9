"""The safety cap cannot be turned against the bank (issue #10, finding 7): it caps a
runaway rule, not all of them; regulatory holds do not count; the workers of a group share
it; tripping it is an alert."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from screener.backtest.replay import TOPIC_KINDS, CollectingPublisher, new_store, replay
from screener.service import DECISIONS, RawRecord, ScreeningService
from screener.settings import Settings, load_rules
from tests import factories
from tests.streams import at, record, takeover_signs

CONFIG = load_rules()
T0 = datetime(2026, 3, 2, 19, 0, tzinfo=factories.ALMATY)


def rules_of(decision: dict[str, Any]) -> set[str]:
    return {reason["rule"] for reason in decision["reasons"]}


def stop_credit_loans(count: int, start: datetime) -> list[tuple[str, dict[str, Any]]]:
    """`count` loan applications in the names of customers with a Stop-credit registration."""
    pairs: list[tuple[str, dict[str, Any]]] = []
    for n in range(count):
        customer = factories.customer_id()
        moment = start + timedelta(seconds=n / 5)
        pairs.append(
            (
                "customer_events",
                factories.customer_event(
                    "loan_optout_set",
                    customer_id=customer,
                    occurred_at=at(moment - timedelta(days=1)),
                ),
            )
        )
        pairs.append(("loans", factories.loan(customer_id=customer, occurred_at=at(moment))))
    return pairs


def safe_account_transfer(customer: str, moment: datetime, amount: str) -> dict[str, Any]:
    return factories.transfer(
        customer_id=customer,
        occurred_at=at(moment),
        amount=amount,
        new_beneficiary=True,
        receiver_account=factories.new_kz_iban(),
    )


def takeover_transfer(start: datetime, amount: str = "1500000.00") -> list[tuple[str, Any]]:
    customer = factories.customer_id()
    return [
        *takeover_signs(customer, start),
        (
            "transfers",
            safe_account_transfer(customer, start + timedelta(minutes=2), amount),
        ),
    ]


def as_records(pairs: list[tuple[str, dict[str, Any]]]) -> list[RawRecord]:
    # Each record written when its event happened, except registrations made the day before.
    return [record(role, event, n) for n, (role, event) in enumerate(pairs)]


def test_refused_stop_credit_loans_do_not_switch_the_fraud_rules_off() -> None:
    burst = stop_credit_loans(250, T0)
    scam = takeover_transfer(T0 + timedelta(seconds=50))
    result = replay(as_records(burst + scam), CONFIG)
    *loans, transfer = result.decisions
    assert len(loans) == 250 and all(d["verdict"] == "block" for d in loans)
    assert transfer["verdict"] == "hold"
    assert {"risky_session", "velocity"} <= rules_of(transfer)
    assert not any(reason.get("capped") for reason in transfer["reasons"])


def cap_active(rule: str) -> float | None:
    return REGISTRY.get_sample_value("screener_safety_cap_active", {"rule": rule})


def runaway(count: int, start: datetime) -> list[tuple[str, dict[str, Any]]]:
    """`count` customers each with a 1414 code and a 300,000 KZT payment to a new
    beneficiary minutes later: risky_session holds every one, far above its usual rate."""
    pairs: list[tuple[str, dict[str, Any]]] = []
    for n in range(count):
        customer = factories.customer_id()
        moment = start + timedelta(seconds=n)
        code = factories.customer_event(
            "sms_code_sent", customer_id=customer, occurred_at=at(moment), source="1414"
        )
        pairs.append(("customer_events", code))
        transfer = safe_account_transfer(customer, moment + timedelta(seconds=30), "300000.00")
        pairs.append(("transfers", transfer))
    return pairs


def multi_lender_evening(start: datetime) -> list[tuple[str, dict[str, Any]]]:
    customer = factories.customer_id()
    return [
        (
            "loans",
            factories.loan(
                customer_id=customer,
                occurred_at=at(start + timedelta(seconds=10 * n)),
                lender_id=lender,
                amount="50000.00",
            ),
        )
        for n, lender in enumerate(("111111111111", "222222222222", "333333333333"))
    ]


def test_a_runaway_rule_is_capped_alone_and_the_cap_is_an_alert(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    storm = runaway(250, T0)
    after = T0 + timedelta(seconds=300)
    customer = factories.customer_id()
    optout = factories.customer_event(
        "loan_optout_set", customer_id=customer, occurred_at=at(after - timedelta(days=1))
    )
    stop_credit = factories.loan(customer_id=customer, occurred_at=at(after))
    tail = [
        *runaway(1, after),
        ("customer_events", optout),
        ("loans", stop_credit),
        *multi_lender_evening(after),
    ]
    result = replay(as_records(storm + tail), CONFIG)
    decisions = {d["event_id"]: d for d in result.decisions}
    storm_decisions = [decisions[e["event_id"]] for role, e in storm if role == "transfers"]
    assert storm_decisions[0]["verdict"] == "hold"
    late = next(decisions[e["event_id"]] for role, e in tail if role == "transfers")
    assert late["verdict"] == "allow"
    assert "risky_session" in {
        reason["rule"] for reason in late["shadow_reasons"] if reason.get("capped")
    }
    assert decisions[stop_credit["event_id"]]["verdict"] == "block"
    third_loan = decisions[tail[-1][1]["event_id"]]
    assert third_loan["verdict"] == "hold"
    assert "multi_lender_burst" in rules_of(third_loan)
    assert cap_active("risky_session") == 1
    assert cap_active("multi_lender_burst") in (None, 0)
    assert any(
        "safety cap" in r.getMessage() and "risky_session" in r.getMessage() for r in caplog.records
    )


def test_the_workers_of_a_group_share_the_cap() -> None:
    settings = Settings()
    store = new_store(CONFIG, settings)

    def worker() -> tuple[ScreeningService, CollectingPublisher]:
        publisher = CollectingPublisher()
        service = ScreeningService(
            store, publisher, lambda: CONFIG, TOPIC_KINDS, clock=lambda e: e.occurred_at
        )
        return service, publisher

    (first, _), (second, seen_by_second) = worker(), worker()
    storm = as_records(runaway(250, T0))
    one_more = [
        record(role, e, 10_000 + n)
        for n, (role, e) in enumerate(runaway(1, T0 + timedelta(seconds=300)))
    ]

    async def main() -> None:
        for start in range(0, len(storm), 100):
            await first.process(storm[start : start + 100])
        await second.process(one_more)

    asyncio.run(main())
    (late,) = seen_by_second.values(DECISIONS)
    assert late["verdict"] == "allow"
    assert any(reason.get("capped") for reason in late["shadow_reasons"])
