"""follow_up_fee: a smaller second payment to someone who was a stranger hours ago."""

from __future__ import annotations

from typing import Any

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules import follow_up_fee
from tests.unit.rules.customer_scenes import COMPANY, context_of, paid, to_stranger
from tests.unit.rules.scenes import decided, settings, shadow, spec, three_languages

RULE = follow_up_fee.RULE_ID
SELLER = "KZ00FAKESELLERCARD"


def evaluate(
    first_kzt: float, now_kzt: float, minutes_ago: float = 40, **first: Any
) -> RuleHit | None:
    """The customer paid SELLER `first_kzt` `minutes_ago` (a new beneficiary then), and pays
    it `now_kzt` now (the bank no longer flags it new)."""
    prepayment = paid(first_kzt, minutes_ago, to=SELLER, **{"new_beneficiary": True, **first})
    now = to_stranger(now_kzt, receiver_account=SELLER, new_beneficiary=False)
    return follow_up_fee.evaluate(now, context_of(prepayment), settings(RULE))


def test_registered_for_transfers_never_refusing() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).may_refuse


@pytest.mark.parametrize(
    ("first_kzt", "now_kzt", "fires"),
    [
        (120_000, 25_000, True),  # a phone, then its "delivery"
        (120_000, 119_999, True),
        (120_000, 120_000, False),  # the same again: a landlord's deposit, then the rent
        (120_000, 400_000, False),  # more: a car's advance, then the price
        (120_000, 11_999, False),  # under a tenth of it
        (20_000, 5_000.01, False),  # the first too small to be a purchase
        (20_000.01, 5_000.01, True),
        (40_000, 5_000, False),  # the fee itself too small
    ],
)
def test_a_smaller_second_payment_holds_alone(
    first_kzt: float, now_kzt: float, fires: bool
) -> None:
    hit = evaluate(first_kzt, now_kzt)
    assert (hit is not None) is fires
    if hit is not None:
        assert hit.score == 60 and decided(hit).verdict is Verdict.HOLD


@pytest.mark.parametrize(("minutes_ago", "fires"), [(191, True), (479, True), (481, False)])
def test_within_eight_hours(minutes_ago: float, fires: bool) -> None:
    # The "certificate" three hours after the puppy: the fee comes once the parcel is due.
    assert (evaluate(120_000, 25_000, minutes_ago=minutes_ago) is not None) is fires


@pytest.mark.parametrize(
    ("first", "fires"),
    [
        ({"new_beneficiary": False}, False),  # someone the customer paid before
        # No flag on the first: perhaps a payee older than the screener's history (a
        # relative paid again), not judged.
        ({"new_beneficiary": None}, False),
        ({"receiver_kind": "business"}, False),  # a shop: its delivery is paid to it
        ({"receiver_kind": "person", "receiver_country": "TR"}, True),  # a card abroad
    ],
)
def test_only_a_first_payment_to_a_stranger(first: dict[str, Any], fires: bool) -> None:
    assert (evaluate(120_000, 25_000, **first) is not None) is fires


def test_companies_are_not_judged() -> None:
    prepayment = paid(120_000, 40, to=SELLER, new_beneficiary=True)
    now = to_stranger(25_000, receiver_account=SELLER, customer_id=COMPANY)
    assert follow_up_fee.evaluate(now, context_of(prepayment), settings(RULE)) is None


def test_explained_in_three_languages() -> None:
    hit = evaluate(120_000, 30_000)
    assert hit is not None and hit.measured["share_percent"] == 25
    for text in three_languages(hit):
        assert "30 000 KZT" in text and "120 000 KZT" in text and "25%" in text and "40" in text


def test_shadow_mode() -> None:
    prepayment = paid(120_000, 40, to=SELLER, new_beneficiary=True)
    now = to_stranger(25_000, receiver_account=SELLER, new_beneficiary=False)
    hit = follow_up_fee.evaluate(now, context_of(prepayment), shadow(RULE))
    assert hit is not None and hit.shadow
