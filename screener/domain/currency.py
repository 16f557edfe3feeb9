"""Amounts in other currencies, judged in KZT.

Every threshold in the rules file is in KZT or MRP. A transfer the bank sends in USD, EUR
or RUB (CONTRACT §2: `currency` is ISO 4217, default KZT) is judged at its KZT equivalent,
at the rules file's rates (`currencies.kzt_per_unit`, the National Bank's official rates of
`currencies.as_of`): 10,000 EUR sent to a crypto exchange is about six million tenge, not
ten thousand. The conversion is made once, when the event is decoded (`in_kzt`), so the
rules, the accounts' flows and the customers' histories all hold KZT; decisions and holds
show the amount as the bank sent it, with its KZT equivalent beside it.

A currency the file has no rate for cannot be judged by amount. Its amount is taken at
face value, as if it were KZT, and the `unrated_currency` rule holds the payment for an
officer: a bank that starts paying in a new currency adds its rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from screener.domain.events import LoanApproval, Transfer

HOME_CURRENCY = "KZT"


@dataclass(frozen=True, slots=True)
class KztRates:
    """KZT per one unit of each currency, as of a date (the rules file's `currencies`)."""

    kzt_per_unit: Mapping[str, float] = field(default_factory=dict)
    as_of: str = ""

    def rate_of(self, currency: str) -> float | None:
        """KZT per unit of `currency`; 1 for KZT; None when the file has no rate for it."""
        if currency == HOME_CURRENCY:
            return 1.0
        return self.kzt_per_unit.get(currency)


def in_kzt(event: Transfer | LoanApproval, rates: KztRates) -> Transfer | LoanApproval:
    """The event with `amount_minor` in KZT tiyn, the amount as sent kept in
    `sent_amount_minor` and the rate used in `kzt_rate` (None: no rate, face value kept)."""
    if event.currency == HOME_CURRENCY:
        return event
    rate = rates.rate_of(event.currency)
    converted = event.amount_minor if rate is None else kzt_minor(event.amount_minor, rate)
    return replace(
        event,
        amount_minor=converted,
        sent_amount_minor=event.amount_minor,
        kzt_rate=rate,
    )


def kzt_minor(amount_minor: int, rate: float) -> int:
    """`amount_minor` of a currency in tiyn at `rate`, rounded half up as a person would
    (exact in decimals, not in binary floats), and never below one tiyn: an amount is
    greater than 0, however small a unit."""
    exact = Decimal(amount_minor) * Decimal(str(rate))
    return max(1, int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def is_unrated(event: Transfer | LoanApproval) -> bool:
    """In a currency the rules file has no KZT rate for: its amount was not converted."""
    return event.currency != HOME_CURRENCY and event.kzt_rate is None
