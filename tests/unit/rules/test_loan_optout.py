"""loan_optout: a registered Stop-credit refusal blocks every loan while it stands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import CustomerEvent, LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.rules import loan_optout
from screener.domain.screening import remember
from tests.unit.rules.scenes import (
    AT,
    CONFIG,
    VICTIM,
    context,
    decided,
    loan,
    settings,
    shadow,
    spec,
    three_languages,
)

RULE = loan_optout.RULE_ID


def history(*changes: tuple[str, float]) -> CustomerHistory:
    """A history with Stop-credit events (type, days before AT), recorded as the worker does."""
    state = CustomerHistory()
    for index, (kind, days_ago) in enumerate(changes):
        event = CustomerEvent(kind, f"e{index}", VICTIM, AT - timedelta(days=days_ago))
        state = remember(event, state, CONFIG)
    return state


def evaluate(state: CustomerHistory, event: LoanApproval | None = None) -> RuleHit | None:
    return loan_optout.evaluate(event or loan(), context(history=state), settings(RULE))


def test_registered_for_loans_and_regulatory() -> None:
    assert spec(RULE).event_types == (LoanApproval,) and spec(RULE).regulatory


@pytest.mark.parametrize(
    ("changes", "blocked"),
    [
        ((), False),
        ((("loan_optout_set", 2),), True),
        ((("loan_optout_set", 2), ("loan_optout_lifted", 1)), False),
        ((("loan_optout_set", 3), ("loan_optout_lifted", 2), ("loan_optout_set", 1)), True),
    ],
)
def test_blocks_while_the_refusal_stands(
    changes: tuple[tuple[str, float], ...], blocked: bool
) -> None:
    hit = evaluate(history(*changes))
    assert (hit is not None) is blocked
    if hit is not None:
        outcome = decided(hit)
        assert outcome.verdict is Verdict.BLOCK and outcome.hold_until is None


def test_a_refusal_outlives_the_history_window() -> None:
    # Registered a month ago: the entries are pruned, the refusal is not.
    state = history(("loan_optout_set", 30), ("login", 0))
    assert all(entry.type != "loan_optout_set" for entry in state.entries)
    assert evaluate(state) is not None


def test_any_loan_is_refused_whatever_its_kind() -> None:
    state = history(("loan_optout_set", 1))
    for event in (loan(channel="branch"), loan(lender_kind="mfo"), loan(product="mortgage")):
        assert evaluate(state, event) is not None


def test_explains_itself_in_three_languages() -> None:
    en, ru, kk = three_languages(evaluate(history(("loan_optout_set", 2))))
    for text in (en, ru, kk):
        assert "2026-03-09 12:00" in text and "100 000 KZT" in text
    assert "Stop-credit" in en and "Стоп-кредит" in ru and "Стоп-кредит" in kk


def test_shadow_mode_reports_but_does_not_block() -> None:
    hit = loan_optout.evaluate(
        loan(), context(history=history(("loan_optout_set", 1))), shadow(RULE)
    )
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]
