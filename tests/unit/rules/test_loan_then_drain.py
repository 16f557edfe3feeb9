"""loan_then_drain: a fresh loan's money moving to strangers, abroad or crypto."""

from __future__ import annotations

from typing import Any

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import InputEvent, Transfer
from screener.domain.rules import loan_then_drain
from screener.domain.screening import screen
from tests.unit.rules.customer_scenes import (
    COMPANY,
    borrowed,
    context_of,
    paid,
    to_stranger,
)
from tests.unit.rules.scenes import CONFIG, decided, settings, shadow, spec, three_languages

RULE = loan_then_drain.RULE_ID
LOAN = borrowed(1_000_000, 2)


def evaluate(now: Transfer, *past: InputEvent, **changes: Any) -> RuleHit | None:
    return loan_then_drain.evaluate(now, context_of(*past), settings(RULE, **changes))


def score(now: Transfer, *past: InputEvent) -> int | None:
    hit = evaluate(now, *past)
    return hit.score if hit else None


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (499_999.99, None),  # 49 %
        (500_000, 40),
        (799_999.99, 40),
        (800_000, 55),
        (1_200_000, 55),  # more than the loan: its money and more
    ],
)
def test_share_of_the_loan_at_the_band_edges(amount: float, expected: int | None) -> None:
    assert score(to_stranger(amount), LOAN) == expected


@pytest.mark.parametrize(
    ("overrides", "fires"),
    [
        ({}, True),  # a new beneficiary
        ({"new_beneficiary": False}, False),  # someone paid before
        ({"new_beneficiary": False, "receiver_country": "AE"}, True),  # abroad
        ({"new_beneficiary": False, "receiver_kind": "crypto_exchange"}, True),
        ({"receiver_kind": "business"}, False),  # a new shop
        ({"receiver_kind": "business", "receiver_country": "CY"}, True),  # a "broker" abroad
        ({"new_beneficiary": None}, True),  # no flag, never paid before
    ],
)
def test_risky_destinations(overrides: dict[str, Any], fires: bool) -> None:
    assert (evaluate(to_stranger(900_000, **overrides), LOAN) is not None) is fires


def test_earlier_risky_transfers_since_the_loan_count_together() -> None:
    before_loan = paid(400_000, 180, n=1, new_beneficiary=True)  # 3 h ago, before the loan
    known = paid(400_000, 60, n=2, new_beneficiary=False)
    risky = paid(300_000, 60, n=3, new_beneficiary=True)
    hit = evaluate(to_stranger(300_000), LOAN, before_loan, known, risky)
    assert hit is not None and hit.measured["moved_percent"] == 60
    assert hit.measured["moved_transfers"] == 2


def test_loans_in_the_window_count_together() -> None:
    second = borrowed(1_000_000, 1, n=2, lender_kind="mfo")
    assert score(to_stranger(900_000), LOAN, second) is None  # 45 % of 2 000 000
    assert score(to_stranger(1_000_000), LOAN, second) == 40


@pytest.mark.parametrize(("hours_ago", "fires"), [(48, False), (47.99, True)])
def test_the_window_counts_from_the_signing(hours_ago: float, fires: bool) -> None:
    assert (evaluate(to_stranger(900_000), borrowed(1_000_000, hours_ago)) is not None) is fires


@pytest.mark.parametrize(
    ("overrides", "fires"),
    [
        ({"product": "card_limit"}, True),
        ({"product": "business"}, True),
        ({"channel": "branch"}, True),  # victims are sent to branches too
        ({"product": "goods"}, False),  # paid to the shop
        ({"product": "auto", "secured": True}, False),
        ({"secured": True}, False),
    ],
)
def test_only_loans_paid_out_as_money_count(overrides: dict[str, Any], fires: bool) -> None:
    loan = borrowed(1_000_000, 2, **overrides)
    assert (evaluate(to_stranger(900_000), loan) is not None) is fires


@pytest.mark.parametrize(("amount", "fires"), [(50_000, False), (50_000.01, True)])
def test_small_transfers_are_not_judged(amount: float, fires: bool) -> None:
    microloan = borrowed(60_000, 2, lender_kind="mfo")
    assert (evaluate(to_stranger(amount), microloan) is not None) is fires


@pytest.mark.parametrize(
    ("amount", "destination", "fires"),
    [
        (10_000, {"receiver_kind": "crypto_exchange"}, False),
        (10_000.01, {"receiver_kind": "crypto_exchange"}, True),
        (10_000.01, {"receiver_country": "AE"}, True),
        (40_000, {}, False),  # to a new person at home the floor stays 50 000
    ],
)
def test_pieces_to_crypto_or_abroad_are_judged_from_a_lower_floor(
    amount: float, destination: dict[str, Any], fires: bool
) -> None:
    microloan = borrowed(15_000, 2, lender_kind="mfo")  # each piece is over half of it
    assert (evaluate(to_stranger(amount, **destination), microloan) is not None) is fires


def test_a_loan_cashed_out_in_pieces_to_crypto_holds() -> None:
    # 80 000 borrowed, 61 000 to one exchange, then 46 000 to another: the second piece is
    # under the 50 000 floor for people at home, and still the loan's money cashed out.
    loan = borrowed(80_000, 2, lender_kind="mfo")
    first = paid(61_000, 30, receiver_kind="crypto_exchange", new_beneficiary=True)
    hit = evaluate(to_stranger(46_000, receiver_kind="crypto_exchange"), loan, first)
    assert hit is not None and hit.measured["all_to_crypto_or_abroad"] is True
    assert decided(hit).verdict is Verdict.HOLD


def test_a_rules_file_without_the_cash_out_floor_keeps_one_floor() -> None:
    raw = {
        "mode": "enforce",
        "window_hours": 48,
        "transfer_above_kzt": 50000,
        "bands": [{"percent": 50, "score": 40}],
        "cash_out_from_percent": 80,
        "cash_out_score": 62,
    }
    parsed = loan_then_drain.parse_settings(raw, "rules.loan_then_drain")
    assert parsed.cash_out_transfer_above_minor == parsed.transfer_above_minor


def test_no_loan_no_hit() -> None:
    assert evaluate(to_stranger(9_000_000)) is None


def test_companies_are_not_judged() -> None:
    loan = borrowed(1_000_000, 2, customer_id=COMPANY)
    assert evaluate(to_stranger(900_000, customer_id=COMPANY), loan) is None


def test_weak_alone_held_with_the_customers_other_signals() -> None:
    hit = evaluate(to_stranger(900_000), LOAN)
    assert decided(hit).verdict is Verdict.ALLOW
    # Screened as a whole: the drain, the money seen coming in (safe_account) and the burst.
    outcome = screen(to_stranger(900_000), context_of(LOAN), CONFIG)
    assert {"loan_then_drain", "safe_account", "velocity"} <= {h.rule for h in outcome.reasons}
    assert outcome.verdict is Verdict.HOLD


def test_explained_in_three_languages_with_the_measured_values() -> None:
    hit = evaluate(to_stranger(850_000, receiver_kind="crypto_exchange"), LOAN)
    assert hit is not None
    for text in three_languages(hit):
        assert "850 000 KZT" in text and "1 000 000 KZT" in text and "85%" in text
    assert "crypto exchange" in hit.message.en and "криптобирж" in hit.message.ru
    assert hit.measured["destinations"] == ["new_beneficiary", "crypto_exchange"]


def test_shadow_mode() -> None:
    hit = loan_then_drain.evaluate(to_stranger(900_000), context_of(LOAN), shadow(RULE))
    assert hit is not None and hit.shadow
