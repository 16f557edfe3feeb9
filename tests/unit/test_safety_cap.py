"""The hold-rate safety cap: a runaway rule must not freeze payments; the law still applies."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import orjson

from screener.backtest.replay import replay
from screener.domain.context import ScreeningContext
from screener.domain.decision import Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.rules import RULES
from screener.domain.safety_cap import HOUR, SafetyCap, SafetyCapSettings, buckets_needed
from screener.domain.screening import holding_rules, remember, screen
from screener.service import RawRecord
from screener.settings import load_rules
from tests import factories
from tests.streams import at, record

SETTINGS = SafetyCapSettings(window_seconds=300, max_hold_rate=0.05, min_decisions=100)
ALMATY = timezone(timedelta(hours=5))
NOW = 1_772_460_000.0  # the start of an hour


def cap_with(decisions: int, held: int, rule: str = "velocity", at: float = NOW) -> SafetyCap:
    cap = SafetyCap(SETTINGS, {})
    for n in range(decisions):
        cap.count(at + n * 0.1, (rule,) if n < held else ())
    return cap


def test_the_cap_needs_enough_decisions_before_it_can_trip() -> None:
    assert cap_with(99, 99).capped_rules(NOW + 10) == frozenset()
    assert cap_with(100, 100).capped_rules(NOW + 10) == {"velocity"}


def test_the_cap_trips_just_above_the_bound_and_lifts_when_the_window_passes() -> None:
    assert cap_with(100, 5).capped_rules(NOW + 10) == frozenset()  # exactly 5 %
    cap = cap_with(101, 6)
    assert cap.capped_rules(NOW + 10) == {"velocity"}
    assert cap.capped_rules(NOW + 301 + 60) == frozenset()  # all of it left the window


def test_a_rule_is_capped_only_far_above_its_own_usual_rate() -> None:
    # Yesterday evening the rule held 10 % of decisions: 12 % now is its usual, 60 % is not.
    cap = SafetyCap(SETTINGS, {})
    for n in range(1000):
        cap.count(NOW - 2 * HOUR + n, ("velocity",) if n % 10 == 0 else ())
    later = NOW + 600
    for n in range(200):
        cap.count(later + n * 0.1, ("velocity",) if n % 8 == 0 else ())
    assert cap.capped_rules(later + 30) == frozenset()
    for n in range(200):
        cap.count(later + 30 + n * 0.1, ("velocity",))
    assert cap.capped_rules(later + 60) == {"velocity"}


def test_one_runaway_rule_caps_that_rule_alone() -> None:
    cap = cap_with(200, 150, rule="dropper_fan_in")
    for n in range(200):
        cap.count(NOW + 25 + n * 0.01, ("velocity",) if n < 4 else ())
    assert cap.capped_rules(NOW + 30) == {"dropper_fan_in"}


def test_the_counts_survive_a_round_trip_through_the_store() -> None:
    cap = cap_with(150, 150)
    needed = buckets_needed(SETTINGS, NOW, NOW + 20)
    stored = {b: dict(counts) for b, counts in cap.increments.items() if b in needed}
    assert SafetyCap(SETTINGS, stored).capped_rules(NOW + 20) == {"velocity"}


def test_holds_the_law_demands_count_for_no_rule() -> None:
    config = load_rules()
    large = loan("big", 900_000_000)  # 9,000,000 KZT online: the cooling period is the law
    outcome = screen(large, ScreeningContext(CustomerHistory(), config.mrp), config)
    assert outcome.verdict is Verdict.HOLD
    assert holding_rules(outcome) == ()


def loan(event_id: str, amount_minor: int, **fields: object) -> LoanApproval:
    signed = datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)
    values: dict[str, object] = {
        "event_id": event_id,
        "customer_id": "850503300129",
        "occurred_at": signed,
        "loan_id": event_id,
        "amount_minor": amount_minor,
        "currency": "KZT",
        "lender_kind": "bank",
        "channel": "online",
        "contract_signed_at": signed,
    }
    values.update(fields)
    return LoanApproval(**values)  # type: ignore[arg-type]


def test_capping_turns_non_regulatory_holds_into_shadow_reasons_but_never_the_law() -> None:
    config = load_rules()
    history = CustomerHistory()
    # Three lenders within an hour: multi_lender_burst (not regulatory) holds the third.
    for index, lender in enumerate(("111111111111", "222222222222")):
        earlier = loan(f"l{index}", 5_000_000, lender_id=lender)
        history = remember(earlier, history, config)
    third = loan("l3", 5_000_000, lender_id="333333333333")
    context = ScreeningContext(history, config.mrp)

    normal = screen(third, context, config)
    capped = screen(third, context, config, capped_rules=frozenset({"multi_lender_burst"}))
    assert "multi_lender_burst" in {hit.rule for hit in normal.reasons}
    assert normal.verdict is Verdict.HOLD
    assert "multi_lender_burst" in {hit.rule for hit in capped.shadow_reasons}
    assert all(hit.capped for hit in capped.shadow_reasons)
    assert capped.verdict is Verdict.ALLOW

    large = loan("big", 900_000_000)  # 9,000,000 KZT online: the cooling period is the law
    assert (
        screen(
            large,
            ScreeningContext(CustomerHistory(), config.mrp),
            config,
            capped_rules=frozenset(spec.rule_id for spec in RULES),
        ).verdict
        is Verdict.HOLD
    )


def one_customers_burst_then_a_victim() -> list[RawRecord]:
    """190 customers' everyday payments, 40 fast payments to new people from one account
    (held), then a victim's burst: the third black-box probe's scene."""
    start = datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)
    events = [
        factories.transfer(occurred_at=at(start + timedelta(seconds=n)), amount="5000.00")
        for n in range(190)
    ]
    noisy, victim = factories.customer_id(), factories.customer_id()
    for who, count, first in ((noisy, 40, 190), (victim, 12, 240)):
        events += [
            factories.transfer(
                customer_id=who,
                occurred_at=at(start + timedelta(seconds=first + n)),
                amount="60000.00",
                new_beneficiary=True,
            )
            for n in range(count)
        ]
    return [record("transfers", e, n) for n, e in enumerate(events)]


def test_one_customers_burst_cannot_switch_a_rule_off_for_everyone() -> None:
    config = load_rules()
    records = one_customers_burst_then_a_victim()
    victim = orjson.loads(records[-1].value)["customer_id"]

    def victims_velocity(settings: SafetyCapSettings) -> tuple[int, int]:
        result = replay(records, dataclasses.replace(config, safety_cap=settings))
        mine = [d for d in result.decisions if d["customer_id"] == victim]
        counted = sum("velocity" in {r["rule"] for r in d["reasons"]} for d in mine)
        capped = sum("velocity" in {r["rule"] for r in d["shadow_reasons"]} for d in mine)
        return counted, capped

    # Counting every one of the noisy account's holds, the cap trips and the victim's
    # velocity hits become shadow reasons; counting three per customer, they hold.
    every_hold = dataclasses.replace(config.safety_cap, per_customer=0)
    assert victims_velocity(every_hold)[1] > 0
    counted, capped = victims_velocity(config.safety_cap)
    assert config.safety_cap.per_customer == 3
    assert capped == 0 and counted > 0
