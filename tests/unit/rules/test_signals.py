"""The signals the customer-side rules share: new beneficiaries, cash loans, the baseline."""

from __future__ import annotations

import pytest

from screener.domain.config import ConfigError
from screener.domain.history import CustomerHistory
from screener.domain.rules._signals import (
    baseline_of,
    cash_loans,
    fraction,
    is_person,
    payments_of,
    pays_stranger,
    span,
    whole_percent,
)
from tests.unit.rules.customer_scenes import (
    COMPANY,
    borrowed,
    history_of,
    kzt,
    paid,
    to_stranger,
)
from tests.unit.rules.scenes import AT, HOUR, MULE_ACCOUNT, VICTIM, transfer

# (earlier payments to the mule's account: their new_beneficiary flags), this one's flag,
# is the mule's account a new beneficiary now?
NEWNESS = [
    ((), True, True),
    ((), False, False),  # the bank knows payees older than the screener's week
    ((), None, True),  # no flag, never paid before
    ((None,), None, False),  # no flag, paid before
    ((False,), None, False),
    ((True,), False, True),  # first paid within the week: still new
    ((True,), None, True),
    ((None, True), False, True),
    ((False, False), False, False),
]


@pytest.mark.parametrize(("before", "flag", "new"), NEWNESS)
def test_a_new_beneficiary(before: tuple[bool | None, ...], flag: bool | None, new: bool) -> None:
    earlier = [
        paid(1_000, 60 - i, to=MULE_ACCOUNT, n=i, new_beneficiary=f) for i, f in enumerate(before)
    ]
    now = transfer(new_beneficiary=flag)
    assert pays_stranger(now, history_of(*earlier)) is new


def test_earlier_payments_are_judged_as_they_were_then() -> None:
    first = paid(1_000, 50, to=MULE_ACCOUNT, n=1, new_beneficiary=None)
    second = paid(1_000, 40, to=MULE_ACCOUNT, n=2, new_beneficiary=None)
    payments = payments_of(transfer(new_beneficiary=None), history_of(first, second))
    assert [p.to_new_beneficiary for p in payments.earlier] == [True, False]
    assert payments.current.to_new_beneficiary is False


@pytest.mark.parametrize(
    ("kind", "country", "stranger"),
    [
        ("person", "KZ", True),
        ("unknown", "KZ", True),
        ("crypto_exchange", "KZ", True),
        ("business", "KZ", False),  # a new shop or car dealer
        ("payment_service", "KZ", False),
        ("business", "CY", True),  # a "broker" abroad
    ],
)
def test_new_shops_and_billers_at_home_are_not_strangers(
    kind: str, country: str, stranger: bool
) -> None:
    transfer = to_stranger(100, receiver_kind=kind, receiver_country=country)
    assert pays_stranger(transfer, CustomerHistory()) is stranger


def test_the_screened_transfer_is_not_its_own_past() -> None:
    now = to_stranger(100, new_beneficiary=None)
    payments = payments_of(now, history_of(now))  # a redelivery remembered before screening
    assert payments.earlier == () and payments.current.to_new_beneficiary


def test_risky_destinations() -> None:
    payments = payments_of(
        to_stranger(100, receiver_country="AE", receiver_kind="crypto_exchange"),
        CustomerHistory(),
    )
    assert payments.current.risky_destinations() == (
        "new_beneficiary",
        "abroad",
        "crypto_exchange",
    )
    known = payments_of(to_stranger(100, new_beneficiary=False), CustomerHistory())
    assert known.current.risky_destinations() == ()


def test_cash_loans_leave_out_secured_and_seller_paid_loans() -> None:
    state = history_of(
        borrowed(100, 1, n=1),
        borrowed(100, 1, n=2, product="card_limit"),
        borrowed(100, 1, n=3, product="business"),
        borrowed(100, 1, n=4, product="goods"),
        borrowed(100, 1, n=5, product="mortgage", secured=True),
        borrowed(100, 1, n=6, secured=True),
        borrowed(100, 1, n=7, product="refinancing"),
    )
    now = AT.timestamp()
    assert [e.event_id for e in cash_loans(state, now - 2 * HOUR, now)] == [
        "loan-1-1",
        "loan-2-1",
        "loan-3-1",
    ]


def test_baseline_is_median_and_mad() -> None:
    amounts = [100, 100, 110, 90, 100, 10_000]  # one outlier does not move it
    state = history_of(*(paid(a, 60 * 24 * 3 + i, n=i) for i, a in enumerate(amounts)))
    baseline = baseline_of(state, 5)
    assert baseline is not None
    assert baseline.median_minor == kzt(100)
    assert baseline.spread_minor == pytest.approx(1.4826 * kzt(5))
    assert baseline_of(state, 7) is None


def test_people_and_companies() -> None:
    assert is_person(VICTIM)
    assert not is_person(COMPANY)


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(0, 10, 0), (4999, 10_000, 49), (1, 2, 50), (3, 1, 300), (1, 0, 0)],
)
def test_whole_percent_rounds_down(part: int, whole: int, percent: int) -> None:
    assert whole_percent(part, whole) == percent


def test_a_fraction_names_the_setting() -> None:
    with pytest.raises(ConfigError, match=r"rules\.x\.share: must be at most 1"):
        fraction({"share": 1.5}, "share", "rules.x")


@pytest.mark.parametrize(
    ("seconds", "en", "kk"),
    [(600, "10 min", "10 мин"), (3600, "1 h", "1 сағ"), (21600, "6 h", "6 сағ")],
)
def test_spans(seconds: float, en: str, kk: str) -> None:
    assert (span(seconds).en, span(seconds).kk) == (en, kk)
