"""The screener refuses on facts and holds on judgement: a list, the law or a takeover sign
may refuse a payment; how money moves (however much it looks like a scam) and mule evidence
hold it for an officer, however high they score. Through the replay, the worker's core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from screener.backtest.replay import raw_records, replay
from screener.domain.rules import RULES
from screener.settings import load_rules
from tests import factories

MONDAY = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)  # 14:00 in Almaty
CONFIG = load_rules()


def at(minutes: float) -> str:
    return (MONDAY + timedelta(minutes=minutes)).isoformat()


def decided(*lines: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    records = raw_records({"topic": topic, "event": event} for topic, event in lines)
    return replay(records, CONFIG).decisions


def test_the_rules_that_may_refuse_are_lists_the_law_and_takeover_signs() -> None:
    refusing = {spec.rule_id for spec in RULES if spec.may_refuse}
    assert refusing == {
        "blocklisted_receiver",
        "blocklisted_sender",
        "loan_optout",
        "cooling_period",
        "first_loan_in_person",
        "borrower_age",
        "multi_lender_burst",
        "risky_session",
        "stop_credit_lifted",
    }


def test_a_burst_to_many_strangers_scoring_past_the_block_score_is_held_not_refused() -> None:
    customer, account = factories.new_iin(), factories.new_kz_iban()
    burst = [
        factories.transfer(
            customer_id=customer,
            sender_account=account,
            receiver_account=factories.new_kz_iban(),
            amount="60000.00",
            new_beneficiary=True,
            occurred_at=at(n * 0.25),
        )
        for n in range(20)
    ]
    decisions = decided(*(("transfers", payment) for payment in burst))
    late = decisions[-1]
    assert late["score"] >= CONFIG.policy.block_score
    assert late["verdict"] == "hold" and late["hold_until"] is None  # an officer decides
    assert all(d["verdict"] != "block" for d in decisions)


def test_a_listed_account_is_still_refused() -> None:
    mule = factories.new_kz_iban()
    payment = factories.transfer(receiver_account=mule, occurred_at=at(0))
    records = raw_records([{"topic": "transfers", "event": payment}])
    result = replay(records, CONFIG, blocklist=[(mule, "AFC list")])
    [decision] = result.decisions
    assert decision["verdict"] == "block"
