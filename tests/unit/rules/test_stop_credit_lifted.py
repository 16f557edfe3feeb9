"""stop_credit_lifted: an online loan signed minutes after the Stop-credit was lifted."""

from __future__ import annotations

import pytest

from screener.domain.decision import Verdict
from screener.domain.events import CustomerEvent, LoanApproval
from screener.domain.rules import stop_credit_lifted
from tests.unit.rules.customer_scenes import context_of, online_loan, sign
from tests.unit.rules.scenes import decided, settings, shadow, spec, three_languages

RULE = stop_credit_lifted.RULE_ID


def lifted(minutes_ago: float) -> CustomerEvent:
    return sign("loan_optout_lifted", minutes_ago)


def registered(minutes_ago: float) -> CustomerEvent:
    return sign("loan_optout_set", minutes_ago)


def test_registered_for_loans_a_fraud_signal_not_the_law() -> None:
    assert spec(RULE).event_types == (LoanApproval,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("minutes_ago", "fires"),
    [(3, True), (60, True), (61, False), (8 * 60, False)],
    ids=["three_minutes", "an_hour", "just_over", "that_morning"],
)
def test_an_online_loan_within_the_hour_after_the_lifting_holds_alone(
    minutes_ago: float, fires: bool
) -> None:
    """The scammer lifts the refusal through the victim's eGov and borrows at once; the
    customer who lifts their own does it hours ahead."""
    context = context_of(registered(30 * 24 * 60), lifted(minutes_ago))
    hit = stop_credit_lifted.evaluate(online_loan(116_000), context, settings(RULE))
    assert (hit is not None) is fires
    if hit is not None:
        assert decided(hit).verdict is Verdict.HOLD
        assert hit.measured["minutes_after_lifting"] == minutes_ago
        assert all(str(minutes_ago) in text for text in three_languages(hit))
        assert all(three_languages(hit))


def test_a_loan_in_a_branch_is_not_judged() -> None:
    context = context_of(lifted(5))
    branch = online_loan(2_500_000, channel="branch")
    assert stop_credit_lifted.evaluate(branch, context, settings(RULE)) is None


def test_no_lifting_or_a_refusal_standing_again_is_not_this_rules() -> None:
    assert stop_credit_lifted.evaluate(online_loan(116_000), context_of(), settings(RULE)) is None
    # Lifted, then registered again: loan_optout refuses the loan under the law.
    standing = context_of(lifted(20), registered(10))
    assert stop_credit_lifted.evaluate(online_loan(116_000), standing, settings(RULE)) is None


def test_shadow_mode() -> None:
    hit = stop_credit_lifted.evaluate(online_loan(116_000), context_of(lifted(5)), shadow(RULE))
    assert hit is not None and hit.shadow
