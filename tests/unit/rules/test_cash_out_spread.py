"""cash_out_spread: money sent to several new crypto exchanges or foreign accounts in a day."""

from __future__ import annotations

from typing import Any

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import InputEvent, Transfer
from screener.domain.rules import cash_out_spread
from tests.unit.rules.customer_scenes import COMPANY, context_of, paid, to_stranger
from tests.unit.rules.scenes import decided, settings, shadow, spec, three_languages

RULE = cash_out_spread.RULE_ID
CRYPTO = {"receiver_kind": "crypto_exchange", "new_beneficiary": True}
FOREIGN_CARD = {"receiver_kind": "person", "receiver_country": "GE", "new_beneficiary": True}


def evaluate(now: Transfer, *past: InputEvent, **changes: Any) -> RuleHit | None:
    return cash_out_spread.evaluate(now, context_of(*past), settings(RULE, **changes))


def forwarded(n: int, minutes_ago: float, amount: float = 60_000, **kind: Any) -> Transfer:
    return paid(amount, minutes_ago, n=n, **(kind or FOREIGN_CARD))


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


def test_one_new_destination_is_everyday() -> None:
    assert evaluate(to_stranger(300_000, **CRYPTO)) is None
    assert evaluate(to_stranger(300_000, **FOREIGN_CARD)) is None


def test_a_dropper_forwarding_to_one_foreign_card_after_another_is_held() -> None:
    # 2257 in the independent population: RU, then AE, then GE within hours.
    two = evaluate(to_stranger(23_700, **FOREIGN_CARD), forwarded(1, 300))
    assert two is not None and two.score == 40 and decided(two).verdict is Verdict.ALLOW
    three = evaluate(
        to_stranger(23_700, **FOREIGN_CARD),
        forwarded(1, 300),
        forwarded(2, 120, receiver_country="AE", receiver_kind="person", new_beneficiary=True),
    )
    assert three is not None and three.score == 65 and decided(three).verdict is Verdict.HOLD
    assert three.measured["destinations"] == 3


def test_fake_brokers_on_several_exchanges_count_together_with_foreign_accounts() -> None:
    hit = evaluate(
        to_stranger(19_000, **CRYPTO),
        forwarded(1, 50, 19_000, **CRYPTO),
        forwarded(
            2, 30, 12_000, receiver_kind="unknown", receiver_country="SC", new_beneficiary=True
        ),
    )
    assert hit is not None and hit.measured["destinations"] == 3
    assert hit.measured["crypto_exchanges"] == 2


@pytest.mark.parametrize(
    ("earlier", "counts"),
    [
        ({**FOREIGN_CARD}, True),
        ({**FOREIGN_CARD, "new_beneficiary": False}, False),  # family paid before
        ({"receiver_kind": "business", "receiver_country": "CN", "new_beneficiary": True}, False),
        ({"receiver_kind": "person", "receiver_country": "KZ", "new_beneficiary": True}, False),
    ],
)
def test_what_counts_as_a_cash_out_destination(earlier: dict[str, Any], counts: bool) -> None:
    hit = evaluate(to_stranger(60_000, **CRYPTO), forwarded(1, 60, **earlier))
    assert (hit is not None) is counts


def test_the_window_and_the_floor() -> None:
    assert evaluate(to_stranger(60_000, **CRYPTO), forwarded(1, 24 * 60)) is None
    assert evaluate(to_stranger(60_000, **CRYPTO), forwarded(1, 24 * 60 - 1)) is not None
    assert evaluate(to_stranger(60_000, **CRYPTO), forwarded(1, 60, 5_000)) is None
    assert evaluate(to_stranger(5_000, **CRYPTO), forwarded(1, 60)) is None


def test_the_same_destination_twice_is_one() -> None:
    again = paid(60_000, 30, to="GE00MULECARD", n=1, **FOREIGN_CARD)
    first = paid(60_000, 90, to="GE00MULECARD", n=2, **FOREIGN_CARD)
    hit = evaluate(to_stranger(60_000, **CRYPTO), first, again)
    assert hit is not None and hit.measured["destinations"] == 2


def test_companies_are_not_judged() -> None:
    assert evaluate(to_stranger(60_000, customer_id=COMPANY, **CRYPTO), forwarded(1, 60)) is None


def test_explained_in_three_languages_with_the_measured_values() -> None:
    hit = evaluate(to_stranger(60_000, **CRYPTO), forwarded(1, 60))
    en, ru, kk = three_languages(hit)
    assert "2 different new" in en and "2 разным" in ru and "2 түрлі" in kk
    assert hit is not None and hit.measured["countries"] == ["GE"]


def test_shadow_mode() -> None:
    hit = cash_out_spread.evaluate(
        to_stranger(60_000, **CRYPTO), context_of(forwarded(1, 60)), shadow(RULE)
    )
    assert hit is not None and hit.shadow
