"""first_loan_in_person: first large loans taken online wait for an officer, at MRP edges."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from screener.domain.decision import Message, RuleHit, Verdict, decide
from screener.domain.events import LoanApproval
from screener.domain.rules import first_loan_in_person
from tests.unit.rules.scenes import (
    ALMATY,
    CONFIG,
    TENGE,
    context,
    decided,
    loan,
    settings,
    shadow,
    spec,
    three_languages,
)

RULE = first_loan_in_person.RULE_ID
MRP = {2023: 3450, 2024: 3692, 2025: 3932, 2026: 4325}


def first(amount_minor: int, **overrides: object) -> LoanApproval:
    return loan(**{"amount_minor": amount_minor, "first_loan": True, **overrides})


def evaluate(event: LoanApproval) -> RuleHit | None:
    return first_loan_in_person.evaluate(event, context(), settings(RULE))


def test_registered_for_loans_and_regulatory() -> None:
    assert spec(RULE).event_types == (LoanApproval,) and spec(RULE).regulatory


@pytest.mark.parametrize("year", sorted(MRP))
@pytest.mark.parametrize(("lender_kind", "mrp_count"), [("bank", 150), ("mfo", 75)])
@pytest.mark.parametrize(("offset", "held"), [(-TENGE, False), (0, False), (TENGE, True)])
def test_threshold_is_strict_in_every_year(
    year: int, lender_kind: str, mrp_count: int, offset: int, held: bool
) -> None:
    signed = datetime(year, 6, 15, 12, 0, tzinfo=ALMATY)
    amount = MRP[year] * mrp_count * TENGE + offset
    hit = evaluate(first(amount, lender_kind=lender_kind, contract_signed_at=signed))
    assert (hit is not None) is held
    if hit is not None:
        assert hit.measured["threshold_minor"] == MRP[year] * mrp_count * TENGE
        outcome = decided(hit)
        assert outcome.verdict is Verdict.HOLD and outcome.hold_until is None


BIG = 9_000_000 * TENGE


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"first_loan": None}, "the lender does not say it is a first loan"),
        ({"first_loan": False}, "not a first loan"),
        ({"in_person_verified": True}, "identified in person"),
        ({"channel": "branch"}, "signed in a branch"),
        ({"secured": True}, "secured"),
        ({"product": "mortgage"}, "a mortgage"),
        ({"product": "refinancing"}, "refinancing"),
        ({"product": "business"}, "a business loan"),
    ],
)
def test_not_held(overrides: dict[str, object], why: str) -> None:
    assert evaluate(first(BIG, **overrides)) is None, why


@pytest.mark.parametrize("verified", [None, False])
def test_held_without_in_person_verification(verified: bool | None) -> None:
    assert evaluate(first(BIG, in_person_verified=verified)) is not None


def test_an_officer_decides_even_beside_a_timed_cooling_period() -> None:
    hit = evaluate(first(BIG))
    assert hit is not None
    cooling = RuleHit(
        rule="cooling_period",
        score=40,
        message=Message(en="", ru="", kk=""),
        min_verdict=Verdict.HOLD,
        hold_until=datetime(2026, 3, 12, 12, 0, tzinfo=ALMATY),
    )
    outcome = decide([cooling, hit], CONFIG.policy)
    assert outcome.verdict is Verdict.HOLD and outcome.hold_until is None


def test_explains_itself_in_three_languages() -> None:
    mfo = evaluate(first(BIG, lender_kind="mfo"))
    en, ru, kk = three_languages(mfo)
    for text in (en, ru, kk):
        assert "9 000 000 KZT" in text and "75" in text and "324 375 KZT" in text
    assert "microcredit" in en and "MRP" in en
    assert "микрокредит" in ru and "МРП" in ru
    assert "микрокредит" in kk and "АЕК" in kk
    bank_en, bank_ru, bank_kk = three_languages(evaluate(first(BIG)))
    assert "bank loan" in bank_en and "648 750 KZT" in bank_en
    assert "банковский заём" in bank_ru and "банк қарызы" in bank_kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    hit = first_loan_in_person.evaluate(first(BIG), context(), shadow(RULE))
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]


def test_uses_the_mrp_of_the_year_of_signing() -> None:
    # Approved in 2026, signed on the last evening of 2025: the 2025 MRP applies.
    signed = datetime(2025, 12, 31, 23, 0, tzinfo=ALMATY)
    amount = MRP[2025] * 150 * TENGE + TENGE  # above 150 MRP of 2025, below that of 2026
    event = first(amount, contract_signed_at=signed, occurred_at=signed + timedelta(hours=2))
    assert evaluate(event) is not None
