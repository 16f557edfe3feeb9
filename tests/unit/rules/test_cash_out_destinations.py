"""cash_out_destinations: money sent to several new crypto exchanges or foreign accounts in
a day, or to one from an account opened days ago."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import InputEvent, Transfer
from screener.domain.rules import cash_out_destinations
from tests.unit.rules.customer_scenes import COMPANY, context_of, paid, to_stranger
from tests.unit.rules.scenes import AT, decided, settings, shadow, spec, three_languages

RULE = cash_out_destinations.RULE_ID
CRYPTO = {"receiver_kind": "crypto_exchange", "new_beneficiary": True}
FOREIGN_CARD = {"receiver_kind": "person", "receiver_country": "GE", "new_beneficiary": True}


def evaluate(now: Transfer, *past: InputEvent, **changes: Any) -> RuleHit | None:
    return cash_out_destinations.evaluate(now, context_of(*past), settings(RULE, **changes))


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
    assert "2 new crypto exchange(s)" in en and ": 2 (" in ru and ": 2 (" in kk
    assert hit is not None and hit.measured["countries"] == ["GE"]


def test_shadow_mode() -> None:
    hit = cash_out_destinations.evaluate(
        to_stranger(60_000, **CRYPTO), context_of(forwarded(1, 60)), shadow(RULE)
    )
    assert hit is not None and hit.shadow


def from_an_account_opened(days_ago: float, now: Transfer, *past: InputEvent) -> RuleHit | None:
    context = context_of(*past)
    opened = AT.timestamp() - days_ago * 86400
    assert context.sender_account is not None
    sender = dataclasses.replace(context.sender_account, opened_at=opened)
    return cash_out_destinations.evaluate(
        now, dataclasses.replace(context, sender_account=sender), settings(RULE)
    )


@pytest.mark.parametrize(("days_ago", "score"), [(6.99, 65), (7, None)])
def test_one_destination_from_an_account_opened_days_ago_holds(
    days_ago: float, score: int | None
) -> None:
    hit = from_an_account_opened(days_ago, to_stranger(200_000, **CRYPTO))
    assert (hit.score if hit else None) == score
    if hit is not None:
        assert decided(hit).verdict is Verdict.HOLD
        assert hit.measured["sending_account_days_open"] == 6.99
        en, ru, kk = three_languages(hit)
        assert "opened 7 day(s) ago" in en and "7 дн." in ru and "7 күн" in kk


def test_a_young_account_paying_a_shop_abroad_or_someone_at_home_is_not_judged() -> None:
    shop = {"receiver_kind": "business", "receiver_country": "CN", "new_beneficiary": True}
    assert from_an_account_opened(1, to_stranger(200_000, **shop)) is None
    assert from_an_account_opened(1, to_stranger(200_000)) is None
