"""investment_escalation: ever larger sums to the same exchange or foreign "broker"."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import InputEvent, Transfer
from screener.domain.rules import investment_escalation
from screener.domain.screening import screen
from tests.unit.rules.customer_scenes import COMPANY, context_of, paid, to_stranger
from tests.unit.rules.scenes import CONFIG, decided, settings, shadow, spec, three_languages

RULE = investment_escalation.RULE_ID
BROKER = "CY00FAKEBROKER"
EXCHANGE = {"receiver_kind": "crypto_exchange", "receiver_account": BROKER}


def evaluate(now: Transfer, *past: InputEvent) -> RuleHit | None:
    return investment_escalation.evaluate(now, context_of(*past), settings(RULE))


def deposit(amount: float, days_ago: float, n: int = 0, **kind: Any) -> Transfer:
    """An earlier payment to the same platform `days_ago`."""
    fields = {k: v for k, v in (kind or EXCHANGE).items() if k != "receiver_account"}
    return paid(amount, days_ago * 24 * 60, to=BROKER, n=n, **fields)


def test_registered_for_transfers_never_refusing() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).may_refuse


@pytest.mark.parametrize(
    ("first", "now", "fires"),
    [
        (28_000, 112_000, True),  # four times the first deposit
        (28_000, 111_999, False),
        (20_000, 100_000, False),  # five times, but not above 100 000 KZT
        (20_000, 100_000.01, True),
    ],
)
def test_four_times_the_first_deposit_above_the_floor(
    first: float, now: float, fires: bool
) -> None:
    hit = evaluate(to_stranger(now, **EXCHANGE), deposit(first, 2))
    assert (hit is not None) is fires


def test_weak_alone_held_with_velocitys_outlier() -> None:
    hit = evaluate(to_stranger(372_000, **EXCHANGE), deposit(28_000, 3), deposit(51_000, 2, n=1))
    assert hit is not None and hit.score == 40 and hit.measured["payments"] == 3
    assert decided(hit).verdict is Verdict.ALLOW
    en, ru, kk = three_languages(hit)
    assert "13.3 times" in en and "13.3 раза" in ru and "13.3 есе" in kk
    outcome = screen(to_stranger(372_000, **EXCHANGE), context_of(deposit(28_000, 3)), CONFIG)
    assert {h.rule for h in outcome.reasons} >= {RULE}


@pytest.mark.parametrize(
    ("kind", "fires"),
    [
        ({"receiver_kind": "business", "receiver_country": "AE"}, True),  # a "broker" abroad
        ({"receiver_kind": "payment_service", "receiver_country": "CY"}, True),
        ({"receiver_kind": "business", "receiver_country": "KZ"}, False),  # a shop at home
        ({"receiver_kind": "person", "receiver_country": "AE"}, False),  # family abroad
    ],
)
def test_platforms_are_exchanges_and_firms_abroad(kind: dict[str, Any], fires: bool) -> None:
    place = {**kind, "receiver_account": BROKER}
    hit = evaluate(to_stranger(890_000, **place), deposit(212_000, 2, **place))
    assert (hit is not None) is fires


def test_a_first_payment_or_another_platform_is_not_judged() -> None:
    assert evaluate(to_stranger(900_000, **EXCHANGE)) is None
    other = paid(20_000, 60, n=5, receiver_kind="crypto_exchange")  # a different exchange
    assert evaluate(to_stranger(900_000, **EXCHANGE), other) is None


def test_companies_are_not_judged() -> None:
    now = to_stranger(900_000, customer_id=COMPANY, **EXCHANGE)
    assert evaluate(now, deposit(20_000, 1, customer_id=COMPANY)) is None


def test_shadow_mode() -> None:
    hit = investment_escalation.evaluate(
        to_stranger(900_000, **EXCHANGE), context_of(deposit(20_000, 1)), shadow(RULE)
    )
    assert hit is not None and hit.shadow


PLATFORM = "KZ00UNKNOWNPLATFORM"


def ladder(*amounts: float, kind: str = "unknown", first_new: bool | None = True) -> RuleHit | None:
    """Payments of `amounts` to one receiver a day apart, the last one now; the bank flags
    the first as to a new beneficiary (`first_new`) and the later ones not."""
    earlier = [
        paid(
            amount,
            (len(amounts) - 1 - n) * 24 * 60,
            to=PLATFORM,
            n=n,
            receiver_kind=kind,
            new_beneficiary=first_new if n == 0 else False,
        )
        for n, amount in enumerate(amounts[:-1])
    ]
    now = to_stranger(
        amounts[-1], receiver_account=PLATFORM, receiver_kind=kind, new_beneficiary=False
    )
    return evaluate(now, *earlier)


@pytest.mark.parametrize(
    ("amounts", "kind", "fires"),
    [
        # The platform's kind unsent, a payment service at home, a person's card: three
        # ever larger payments, four times the first, are the fake broker's ladder.
        ((29_000, 55_000, 130_000), "unknown", True),
        ((22_000, 194_000, 269_000), "payment_service", True),
        ((29_000, 55_000, 130_000), "person", True),
        ((15_000, 12_000, 44_000, 126_000), "unknown", True),  # the last three rise
        ((29_000, 55_000, 115_000), "unknown", False),  # under four times the first
        ((29_000, 130_000), "unknown", False),  # an advance and the rest: a car, a sofa
        ((100_000, 100_000, 400_000), "person", False),  # equal parts, then more
        ((29_000, 55_000, 130_000), "business", False),  # a shop or a builder at home
    ],
)
def test_a_ladder_to_any_new_receiver_but_a_firm_at_home(
    amounts: tuple[float, ...], kind: str, fires: bool
) -> None:
    hit = ladder(*amounts, kind=kind)
    assert (hit is not None) is fires
    if hit is not None:
        assert hit.score == 40 and hit.measured["payments"] == len(amounts)


FOREIGN_BROKER = {"receiver_kind": "business", "receiver_country": "CY"}


@pytest.mark.parametrize(
    ("amounts", "place", "score"),
    [
        # Ever larger sums to one "broker" abroad: the fake platform's victim, holds alone.
        ((45_000, 258_000, 710_000), FOREIGN_BROKER, 60),
        ((45_000, 258_000, 710_000), {"receiver_kind": "unknown", "receiver_country": "GE"}, 60),
        # Not to a person abroad: family abroad is sent what it needs (not judged at all).
        ((45_000, 258_000, 710_000), {"receiver_kind": "person", "receiver_country": "GE"}, None),
        # Not to a crypto exchange abroad: honest buyers buy more as they trust it.
        ((45_000, 258_000, 710_000), {**EXCHANGE, "receiver_country": "SC"}, 40),
        # Not an advance and the rest, nor equal parts then more (tuition, a tour).
        ((45_000, 710_000), FOREIGN_BROKER, 40),
        ((200_000, 200_000, 890_000), FOREIGN_BROKER, 40),
    ],
)
def test_a_ladder_abroad_holds_alone(
    amounts: tuple[float, ...], place: dict[str, Any], score: int | None
) -> None:
    fields = {k: v for k, v in place.items() if k != "receiver_account"}
    earlier = [
        deposit(amount, len(amounts) - 1 - n, n=n, **fields)
        for n, amount in enumerate(amounts[:-1])
    ]
    now = to_stranger(amounts[-1], receiver_account=BROKER, new_beneficiary=False, **fields)
    hit = evaluate(now, *earlier)
    assert (None if hit is None else hit.score) == score
    if hit is None:
        return
    assert hit.measured["abroad_ladder"] is (score == 60)
    if score == 60:
        assert decided(hit).verdict is Verdict.HOLD
        en, ru, kk = three_languages(hit)
        assert "receiver abroad" in en and "зарубежному" in ru and "шетелдегі" in kk


def test_a_receiver_once_paid_as_a_firm_abroad_stays_one() -> None:
    """Banks send receiver_kind on some payments to an account and not on others."""
    unsent = {"receiver_account": BROKER, "receiver_country": "CY", "receiver_kind": "unknown"}
    now = to_stranger(710_000, new_beneficiary=False, **unsent)
    assert evaluate(now, deposit(45_000, 1, **FOREIGN_BROKER)) is not None
    assert evaluate(now, deposit(45_000, 1, **unsent)) is None  # never named a firm


def test_a_ladder_to_someone_paid_before_is_not_judged() -> None:
    assert ladder(29_000, 55_000, 130_000, first_new=False) is None
    assert ladder(29_000, 55_000, 130_000, first_new=None) is not None  # never seen: new


def fees(*amounts: float, hours_apart: float = 8) -> list[InputEvent]:
    """Earlier payments to a different new receiver each, the last `hours_apart` ago."""
    count = len(amounts)
    return [
        paid(amount, (count - i) * hours_apart * 60, n=i, new_beneficiary=True)
        for i, amount in enumerate(amounts)
    ]


@pytest.mark.parametrize(
    ("earlier", "now", "score"),
    [
        ((25_000, 60_000, 150_000), 350_000, 60),  # "tax", "insurance", "commission"...
        ((25_000, 45_000, 81_000), 145_800, 60),  # 1.8 times the one before, each time
        ((25_000, 45_000, 81_000), 145_799, None),
        ((25_000, 60_000), 150_000, None),  # three payments: not yet a ladder
        ((60_000, 25_000, 150_000), 350_000, None),  # out of order: things bought
    ],
)
def test_a_ladder_of_fees_to_different_strangers_holds_alone(
    earlier: tuple[float, ...], now: float, score: int | None
) -> None:
    hit = evaluate(to_stranger(now), *fees(*earlier))
    assert (None if hit is None else hit.score) == score
    if hit is not None:
        assert hit.measured["fee_ladder"] and decided(hit).verdict is Verdict.HOLD
        en, ru, kk = three_languages(hit)
        assert "4 different new receivers" in en and "4 разным" in ru and "4 түрлі" in kk


def test_a_fee_ladder_needs_different_receivers_within_the_window() -> None:
    # Older than 72 hours, the first fee is not part of it.
    assert evaluate(to_stranger(350_000), *fees(25_000, 60_000, 150_000, hours_apart=30)) is None
    # A shop at home is no fee's receiver.
    shop = paid(25_000, 600, n=9, new_beneficiary=True, receiver_kind="business")
    assert evaluate(to_stranger(350_000), shop, *fees(60_000, 150_000)) is None
    # One receiver paid twice among them: a seller paid an advance and the rest.
    first, second, third = fees(25_000, 60_000, 150_000)
    assert isinstance(third, Transfer) and isinstance(first, Transfer)
    again = dataclasses.replace(third, receiver_account=first.receiver_account)
    assert evaluate(to_stranger(350_000), first, second, again) is None
