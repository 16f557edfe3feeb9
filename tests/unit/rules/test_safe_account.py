"""safe_account: most of the money seen coming in sent on to a new beneficiary."""

from __future__ import annotations

from typing import Any

import pytest

from screener.domain.accounts import Flow
from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import InputEvent, Transfer
from screener.domain.rules import safe_account
from tests.unit.rules.customer_scenes import (
    COMPANY,
    borrowed,
    context_of,
    fraud_report,
    history_of,
    paid,
    paid_in,
    to_stranger,
    usual,
)
from tests.unit.rules.scenes import CONFIG, decided, settings, shadow, spec, three_languages

RULE = safe_account.RULE_ID
DEPOSIT = (paid_in(1_000_000),)  # a deposit closed into the current account an hour ago


def evaluate(
    now: Transfer,
    *past: InputEvent,
    money_in: tuple[Flow, ...] = DEPOSIT,
    victim: bool = False,
) -> RuleHit | None:
    context = context_of(*past, money_in=money_in, victim=victim)
    return safe_account.evaluate(now, context, settings(RULE))


def score(now: Transfer, *past: InputEvent, **kwargs: Any) -> int | None:
    hit = evaluate(now, *past, **kwargs)
    return hit.score if hit else None


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (499_999.99, None),  # 49 %
        (500_000, 40),
        (799_999.99, 40),
        (800_000, 50),
        (1_500_000, 50),  # more than was seen coming in: all of it and more, up to 150 %
        (1_510_000, None),  # far more: savings from before the window (savings_drain's)
    ],
)
def test_share_of_the_money_seen_at_the_band_edges(amount: float, expected: int | None) -> None:
    assert score(to_stranger(amount)) == expected


@pytest.mark.parametrize(("amount", "expected"), [(200_000, None), (200_000.01, 40)])
def test_small_transfers_are_not_judged(amount: float, expected: int | None) -> None:
    assert score(to_stranger(amount), money_in=(paid_in(300_000),)) == expected


def test_earlier_transfers_to_new_beneficiaries_count_together() -> None:
    part = paid(300_000, 30, n=1, new_beneficiary=True)
    known = paid(300_000, 20, n=2, new_beneficiary=False)
    hit = evaluate(to_stranger(300_000), part, known)
    assert hit is not None and hit.measured["moved_percent"] == 60
    assert hit.measured["moved_to_new_beneficiaries_minor"] == 600_000 * 100


def test_a_fresh_cash_loan_is_money_seen() -> None:
    assert score(to_stranger(900_000), borrowed(1_000_000, 3), money_in=()) == 50
    mortgage = borrowed(1_000_000, 3, product="mortgage", secured=True)
    assert score(to_stranger(900_000), mortgage, money_in=()) is None


def test_nothing_seen_coming_in_nothing_to_judge() -> None:
    assert evaluate(to_stranger(5_000_000), money_in=()) is None
    bare = ScreeningContext(history_of(), CONFIG.mrp)  # no sending account at all
    assert safe_account.evaluate(to_stranger(5_000_000), bare, settings(RULE)) is None


@pytest.mark.parametrize(("hours_ago", "fires"), [(72, False), (71.99, True)])
def test_the_lookback(hours_ago: float, fires: bool) -> None:
    money_in = (paid_in(1_000_000, hours_ago),)
    assert (evaluate(to_stranger(900_000), money_in=money_in) is not None) is fires


@pytest.mark.parametrize(
    ("overrides", "fires"),
    [
        ({}, True),
        ({"new_beneficiary": False}, False),
        ({"receiver_kind": "business"}, False),  # a car dealer, a developer
        # A firm abroad (a foundation a collection is sent to, a shop) is no "safe
        # account"; a person's account abroad, or an exchange, can be.
        ({"receiver_kind": "business", "receiver_country": "DE"}, False),
        ({"receiver_kind": "payment_service", "receiver_country": "DE"}, False),
        ({"receiver_kind": "person", "receiver_country": "DE"}, True),
        ({"receiver_kind": "crypto_exchange"}, True),
        ({"new_beneficiary": None}, True),  # no flag, never paid before
    ],
)
def test_only_new_beneficiaries(overrides: dict[str, Any], fires: bool) -> None:
    assert (evaluate(to_stranger(900_000, **overrides)) is not None) is fires


@pytest.mark.parametrize(
    ("past", "amount", "fires"),
    [
        (5, 1_200_000, False),  # three times the usual 400 000: what they always move
        (5, 1_200_000.01, True),
        (4, 1_200_000, True),  # too few transfers for a baseline
    ],
)
def test_the_customers_usual_amount(past: int, amount: float, fires: bool) -> None:
    hit = evaluate(to_stranger(amount), *usual(400_000, past), money_in=(paid_in(1_500_000),))
    assert (hit is not None) is fires


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (100_000, None),  # the halved amount limit
        (100_000.01, 40),  # 33 %: above the halved 50 % band
    ],
)
def test_past_victims_have_their_limits_halved(amount: float, expected: int | None) -> None:
    money_in = (paid_in(300_000),)
    assert score(to_stranger(amount), money_in=money_in, victim=True) == expected
    assert score(to_stranger(amount), fraud_report(), money_in=money_in) == expected
    assert score(to_stranger(amount), money_in=money_in) is None


def test_weak_alone() -> None:
    assert decided(evaluate(to_stranger(900_000))).verdict is Verdict.ALLOW


def test_companies_are_not_judged() -> None:
    assert evaluate(to_stranger(900_000, customer_id=COMPANY)) is None


def test_explained_in_three_languages_with_the_measured_values() -> None:
    hit = evaluate(to_stranger(1_300_000), *usual(50_000), money_in=(paid_in(1_500_000),))
    assert hit is not None
    for text in three_languages(hit):
        assert "1 300 000 KZT" in text and "1 500 000 KZT" in text and "86%" in text
        assert "50 000 KZT" in text and "26" in text  # the usual transfer, 26 times it


def test_shadow_mode() -> None:
    context = context_of(money_in=DEPOSIT)
    hit = safe_account.evaluate(to_stranger(900_000), context, shadow(RULE))
    assert hit is not None and hit.shadow
