"""repeat_victim: who counts as a past victim, and their risky actions scored."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from screener.domain.accounts import AccountActivity
from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import CustomerEvent, LoanApproval, ScreenedEvent, Transfer
from screener.domain.profile import AccountProfile
from screener.domain.rules import repeat_victim
from screener.domain.rules.repeat_victim import is_repeat_victim, tightening
from screener.domain.screening import screen
from tests.unit.rules.customer_scenes import (
    COMPANY,
    code,
    context_of,
    fraud_report,
    online_loan,
    to_stranger,
)
from tests.unit.rules.scenes import (
    CONFIG,
    MULE,
    decided,
    iin,
    settings,
    shadow,
    spec,
    three_languages,
)

RULE = repeat_victim.RULE_ID
ADULT = iin(date(1986, 1, 1))  # aged 40 in 2026
CONFIRMED = context_of(victim=True)
# A victim long ago (the report 200 days back): the everyday, weaker limits apply.
LONG_AGO = context_of(fraud_report())


def evaluate(event: ScreenedEvent, context: ScreeningContext = LONG_AGO) -> RuleHit | None:
    return repeat_victim.evaluate(event, context, settings(RULE))


def test_registered_for_transfers_and_loans_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer, LoanApproval) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("context", "victim"),
    [
        (context_of(), False),
        (context_of(fraud_report()), True),
        (context_of(fraud_report(days_ago=400)), True),  # kept beyond the history window
        (context_of(victim=True), True),
    ],
)
def test_who_is_a_past_victim(context: ScreeningContext, victim: bool) -> None:
    assert is_repeat_victim(context) is victim
    assert tightening(context, 0.5) == (0.5 if victim else 1.0)


@pytest.mark.parametrize(
    ("event", "fires"),
    [
        (to_stranger(100_000), False),
        (to_stranger(100_000.01), True),
        (to_stranger(5_000_000, new_beneficiary=False), False),  # someone paid before
        (to_stranger(5_000_000, receiver_kind="business"), False),  # a new shop
        (to_stranger(5_000_000, new_beneficiary=None), True),  # never paid before
        (online_loan(100_000), False),
        (online_loan(100_000.01), True),
        (online_loan(5_000_000, channel="branch"), False),  # seen in person
    ],
)
def test_risky_actions_of_a_past_victim(event: ScreenedEvent, fires: bool) -> None:
    assert (evaluate(event) is not None) is fires


def test_other_customers_are_not_judged() -> None:
    assert evaluate(to_stranger(5_000_000), context_of()) is None
    assert evaluate(online_loan(5_000_000), context_of()) is None
    company = context_of(victim=True)
    assert evaluate(to_stranger(5_000_000, customer_id=COMPANY), company) is None


def test_weak_alone_but_a_past_victims_large_online_loan_is_held() -> None:
    hit = evaluate(to_stranger(5_000_000))
    assert hit is not None and hit.score == 40
    assert decided(hit).verdict is Verdict.ALLOW
    outcome = screen(online_loan(9_000_000), context_of(fraud_report()), CONFIG)
    assert {"cooling_period", "repeat_victim"} <= {h.rule for h in outcome.reasons}
    assert outcome.verdict is Verdict.HOLD


# A card token: where a "recovery fee" is asked to go (as are wallets and accounts abroad).
CARD = "card-4400-tok-5f1c"


@pytest.mark.parametrize(
    ("event", "days_ago", "score"),
    [
        (to_stranger(20_000, receiver_account=CARD), 1, None),
        (to_stranger(20_000.01, receiver_account=CARD), 1, 62),
        (online_loan(20_000.01), 1, 62),
        (to_stranger(50_000, receiver_account=CARD), 30, 62),  # 30 days ago is still recent
        # then the everyday limit (100 000 KZT) again
        (to_stranger(50_000, receiver_account=CARD), 30.01, None),
        (to_stranger(100_000.01, receiver_account=CARD), 30.01, 40),
    ],
)
def test_a_recent_victim_has_a_lower_limit_and_is_held(
    event: ScreenedEvent, days_ago: float, score: int | None
) -> None:
    hit = evaluate(event, context_of(fraud_report(days_ago)))
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["recent_victim"] is (score == 62)
        assert decided(hit).verdict is (Verdict.HOLD if score == 62 else Verdict.ALLOW)


@pytest.mark.parametrize(
    ("overrides", "above_kzt"),
    [
        ({}, 50_000),  # a person's account at a Kazakh bank: a plumber, a relative
        ({"receiver_kind": "unknown"}, 50_000),  # an IBAN the bank named no kind for
        ({"receiver_account": CARD}, 20_000),  # a card
        ({"receiver_kind": "payment_service"}, 20_000),  # a wallet
        ({"receiver_country": "TR"}, 20_000),  # an account abroad
        ({"receiver_account": "KZ00000" + "X" * 13}, 20_000),  # no valid IBAN: not known
    ],
)
def test_a_recent_victims_payment_to_a_persons_account_at_home_counts_from_more(
    overrides: dict[str, Any], above_kzt: int
) -> None:
    """The "recovery fee" goes to a card, a wallet or abroad; a recent victim's everyday
    life goes on paying people's accounts at their banks, held only above the higher limit."""
    recent = context_of(fraud_report(1))
    assert evaluate(to_stranger(above_kzt, **overrides), recent) is None
    hit = evaluate(to_stranger(above_kzt + 0.01, **overrides), recent)
    assert hit is not None and hit.score == 62
    assert hit.measured["above_minor"] == above_kzt * 100


@pytest.mark.parametrize(
    ("earlier", "overrides"),
    [
        ((), {"receiver_customer_id": MULE}),  # the holder is 21: the droppers' recruits
        ((code(60, "1414"),), {}),  # a 1414 code an hour ago: a caller at the victim's ear
        ((code(60, "egov"),), {}),
    ],
)
def test_a_young_holder_or_a_code_just_sent_keeps_the_lower_limit(
    earlier: tuple[CustomerEvent, ...], overrides: dict[str, Any]
) -> None:
    recent = context_of(fraud_report(1), *earlier)
    hit = evaluate(to_stranger(20_000.01, **overrides), recent)
    assert hit is not None and hit.score == 62 and hit.measured["above_minor"] == 2_000_000


@pytest.mark.parametrize(
    ("earlier", "overrides"),
    [
        ((), {"receiver_customer_id": ADULT}),  # the holder is 40
        ((code(7 * 60, "1414"),), {}),  # the code seven hours ago: beyond code_hours
        ((code(60, "bank"),), {}),  # the bank's own code: everyday
    ],
)
def test_an_adult_holder_or_an_old_or_bank_code_keeps_the_higher_limit(
    earlier: tuple[CustomerEvent, ...], overrides: dict[str, Any]
) -> None:
    recent = context_of(fraud_report(1), *earlier)
    assert evaluate(to_stranger(50_000, **overrides), recent) is None


def test_a_rules_file_without_the_person_account_limit_keeps_one_recent_limit() -> None:
    raw = {
        "mode": "enforce",
        "above_kzt": 100_000,
        "score": 40,
        "recent_days": 30,
        "recent_above_kzt": 20_000,
        "recent_score": 62,
    }
    older = repeat_victim.parse_settings(raw, "rules.repeat_victim")
    hit = repeat_victim.evaluate(to_stranger(20_000.01), context_of(fraud_report(1)), older)
    assert older.person_account is None and hit is not None and hit.score == 62


@pytest.mark.parametrize(
    ("overrides", "fires"),
    [
        ({"receiver_kind": "business"}, True),  # a "recovery agency" at home
        ({"receiver_kind": "business", "new_beneficiary": False}, False),  # a firm paid before
        # No flag from the bank, not paid within the screener's week: the usual shop as often
        # as a new firm, so not judged; a new wallet (a payment service) still is.
        ({"receiver_kind": "business", "new_beneficiary": None}, False),
        ({"receiver_kind": "payment_service", "new_beneficiary": None}, True),
        ({"receiver_kind": "business", "receiver_customer_id": "CUSTOMER"}, False),
    ],
)
def test_a_recent_victims_fee_to_a_new_firm_counts(overrides: dict[str, Any], fires: bool) -> None:
    if overrides.get("receiver_customer_id") == "CUSTOMER":
        overrides = {**overrides, "receiver_customer_id": to_stranger(1).customer_id}
    recent = context_of(fraud_report(1))
    assert (evaluate(to_stranger(279_000, **overrides), recent) is not None) is fires
    # Long ago, a new firm is a new shop: not judged.
    assert evaluate(to_stranger(279_000, receiver_kind="business")) is None


@pytest.mark.parametrize(
    ("kind", "payers_a_day", "today", "paid_out", "fires"),
    [
        ("business", 0.0, 2, 0, True),  # paid by two people today: a "law firm" called in
        ("business", 9.5, 0, 0, True),
        ("business", 10.0, 0, 0, False),  # a biller paid by ten people a day
        ("business", 0.0, 12, 0, False),  # ... or by twelve on its first day seen
        ("payment_service", 40.0, 3, 0, False),  # a wallet service everyone tops up
        ("unknown", 40.0, 3, 0, False),  # a shop whose kind the bank did not send
        ("unknown", 40.0, 3, 31, True),  # ... but one that pays most of it out again
        ("person", 40.0, 3, 0, True),  # a person paid by many is the dropper rules' to judge
    ],
)
def test_an_account_many_people_pay_a_day_and_that_keeps_it_is_a_shop(
    kind: str, payers_a_day: float, today: int, paid_out: int, fires: bool
) -> None:
    payment = to_stranger(279_000, receiver_kind=kind, receiver_account=CARD)
    profile = AccountProfile(
        active_days=5,
        senders_per_day=payers_a_day,
        in_per_day_minor=100,
        out_per_day_minor=paid_out,
        today_senders=tuple(f"payer-{n}" for n in range(today)),
    )
    context = dataclasses.replace(
        context_of(fraud_report(1)),
        receiver_account=AccountActivity(payment.receiver_account, profile=profile),
    )
    assert (evaluate(payment, context) is not None) is fires


def test_an_officers_confirmation_makes_the_victim_recent() -> None:
    hit = evaluate(to_stranger(20_000.01, receiver_account=CARD), CONFIRMED)
    assert hit is not None and hit.score == 62 and hit.measured["above_minor"] == 2_000_000


def test_explained_in_three_languages_with_the_measured_values() -> None:
    context = context_of(fraud_report(300), fraud_report(200))
    hit = evaluate(to_stranger(250_000), context)
    assert hit is not None
    en, ru, kk = three_languages(hit)
    for text in (en, ru, kk):
        assert "250 000 KZT" in text and "100 000 KZT" in text and "2" in text
    assert hit.measured["fraud_reports"] == 2 and hit.measured["confirmed_victim"] is False
    en, ru, kk = three_languages(evaluate(to_stranger(250_000), CONFIRMED))
    assert "officer" in en and "сотрудником" in ru and "қызметкер" in kk


def test_shadow_mode() -> None:
    hit = repeat_victim.evaluate(to_stranger(250_000), CONFIRMED, shadow(RULE))
    assert hit is not None and hit.shadow
