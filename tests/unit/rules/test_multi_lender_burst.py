"""multi_lender_burst: loans from several lenders within an hour, at the band edges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.rules import multi_lender_burst
from screener.domain.screening import remember
from tests.unit.rules.scenes import (
    AT,
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

RULE = multi_lender_burst.RULE_ID


def earlier(n: int, minutes_ago: float = 10, **overrides: object) -> LoanApproval:
    """An earlier loan from lender n (`lender_id` LENDER-n unless overridden)."""
    signed = AT - timedelta(minutes=minutes_ago)
    fields: dict[str, object] = {
        "event_id": f"loan-{n}-{minutes_ago}",
        "loan_id": f"L-{n}",
        "lender_id": f"LENDER-{n}",
        "contract_signed_at": signed,
        "occurred_at": signed,
    }
    return loan(**{**fields, **overrides})


def history(*loans: LoanApproval) -> CustomerHistory:
    state = CustomerHistory()
    for event in loans:
        state = remember(event, state, CONFIG)
    return state


def evaluate(state: CustomerHistory, event: LoanApproval | None = None) -> RuleHit | None:
    current = event or loan(lender_id="LENDER-0")
    return multi_lender_burst.evaluate(current, context(history=state), settings(RULE))


def test_registered_for_loans_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (LoanApproval,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("other_lenders", "score", "verdict"),
    [
        (0, None, None),
        (1, 30, Verdict.ALLOW),
        (2, 60, Verdict.HOLD),
        (3, 80, Verdict.HOLD),
        (5, 80, Verdict.HOLD),
    ],
)
def test_bands_count_this_loans_lender_in(
    other_lenders: int, score: int | None, verdict: Verdict | None
) -> None:
    hit = evaluate(history(*(earlier(n) for n in range(1, other_lenders + 1))))
    assert (hit.score if hit else None) == score
    if hit is not None:
        assert hit.measured["distinct_lenders"] == other_lenders + 1
        assert decided(hit).verdict is verdict and decided(hit).hold_until is None


@pytest.mark.parametrize(("minutes_ago", "counted"), [(59, True), (60, False)])
def test_window_edge(minutes_ago: float, counted: bool) -> None:
    hit = evaluate(history(earlier(1, minutes_ago), earlier(2, minutes_ago)))
    assert (hit.score if hit else None) == (60 if counted else None)


def test_several_loans_from_one_lender_are_one_lender() -> None:
    same = [earlier(0, minutes_ago=m) for m in (5, 15, 25)]
    assert evaluate(history(*same)) is None


def test_a_missing_lender_id_counts_as_its_kind() -> None:
    two_mfos = history(
        earlier(1, lender_id=None, lender_kind="mfo"), earlier(2, lender_id=None, lender_kind="mfo")
    )
    current = loan(lender_id=None, lender_kind="bank")
    hit = evaluate(two_mfos, current)
    assert hit is not None and hit.measured["distinct_lenders"] == 2  # "some MFO" and "some bank"
    assert evaluate(history(earlier(1, lender_id=None)), loan(lender_id=None)) is None


def test_a_redelivered_loan_is_not_counted_twice() -> None:
    current = loan(lender_id="LENDER-0")
    state = history(earlier(1), current)
    hit = evaluate(state, current)
    assert hit is not None and hit.measured["loans_in_window"] == 2


def test_explains_itself_in_three_languages() -> None:
    state = history(earlier(1, amount_minor=200_000 * TENGE), earlier(2))
    en, ru, kk = three_languages(evaluate(state))
    for text in (en, ru, kk):
        assert "3" in text and "60" in text and "400 000 KZT" in text
    assert "lenders" in en and "кредиторов: 3" in ru and "3 кредитор" in kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    state = history(earlier(1), earlier(2))
    hit = multi_lender_burst.evaluate(loan(), context(history=state), shadow(RULE))
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]
