"""borrower_age: under 21 and 55 and over reconfirm consent, at the birthday edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.identifiers import make_bin
from screener.domain.rules import borrower_age
from tests.unit.rules.scenes import (
    context,
    decided,
    iin,
    loan,
    settings,
    shadow,
    spec,
    three_languages,
)

RULE = borrower_age.RULE_ID  # loans are signed at AT: 2026-03-11 12:00 in Almaty


def borrower(born: date, **overrides: object) -> LoanApproval:
    return loan(customer_id=iin(born), **overrides)


def evaluate(event: LoanApproval, **changes: object) -> RuleHit | None:
    return borrower_age.evaluate(event, context(), settings(RULE, **changes))


def test_registered_for_loans_and_regulatory() -> None:
    assert spec(RULE).event_types == (LoanApproval,) and spec(RULE).regulatory


@pytest.mark.parametrize(
    ("born", "age", "held"),
    [
        (date(2008, 3, 11), 18, True),
        (date(2005, 3, 12), 20, True),  # 21 tomorrow
        (date(2005, 3, 11), 21, False),  # 21 today
        (date(1990, 1, 1), 36, False),
        (date(1971, 3, 12), 54, False),  # 55 tomorrow
        (date(1971, 3, 11), 55, True),  # 55 today
        (date(1940, 7, 1), 85, True),
    ],
)
def test_age_edges(born: date, age: int, held: bool) -> None:
    hit = evaluate(borrower(born))
    assert (hit is not None) is held
    if hit is not None:
        assert hit.measured["borrower_age"] == age
        outcome = decided(hit)
        assert outcome.verdict is Verdict.HOLD and outcome.hold_until is None


def test_age_is_taken_on_the_local_day_of_signing() -> None:
    # 10 March 20:00 UTC is 11 March in Almaty: the borrower is already 21.
    signed = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
    assert evaluate(borrower(date(2005, 3, 11), contract_signed_at=signed)) is None


def test_a_company_has_no_age() -> None:
    assert evaluate(loan(customer_id=make_bin(date(2024, 1, 1), 4321))) is None


@pytest.mark.parametrize(
    "overrides",
    [{"channel": "branch"}, {"secured": True}, {"product": "mortgage"}, {"product": "business"}],
)
def test_out_of_scope_loans(overrides: dict[str, object]) -> None:
    assert evaluate(borrower(date(2006, 1, 1), **overrides)) is None


def test_branch_loans_can_be_covered_by_configuration() -> None:
    event = borrower(date(2006, 1, 1), channel="branch")
    assert evaluate(event, channels=frozenset({"online", "branch"})) is not None


def test_explains_itself_in_three_languages() -> None:
    en, ru, kk = three_languages(evaluate(borrower(date(2006, 1, 1))))
    for text in (en, ru, kk):
        assert "20" in text and "21" in text and "55" in text
    assert "under 21" in en and "consent" in en
    assert "моложе 21 года" in ru and "от 55 лет" in ru and "ИИН" in ru
    assert "ЖСН" in kk and "келісімін" in kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    hit = borrower_age.evaluate(borrower(date(2006, 1, 1)), context(), shadow(RULE))
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]
