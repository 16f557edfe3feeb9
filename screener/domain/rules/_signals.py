"""What the customer-side rules ask of a customer's past, each answered in one place.

Is the customer a person? Is this receiver a stranger to them? Which of their earlier
transfers went where? Which loans put money in their hands? What amount is usual for them?
Plus the few config readers and text pieces those rules share.

These rules (risky_session, loan_then_drain, safe_account, velocity, repeat_victim) judge
people, the targets of the schemes they look for. A legal entity (BIN) is not judged by
them: a payroll run is hundreds of transfers within minutes, and a company pays new
suppliers most of what its customers paid it; its thresholds would need a profile of
their own.

The history holds what the screener saw *before* the event being screened (the service
remembers an event after screening it), so the event itself is added here where it counts.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from screener.domain.config import ConfigError, number
from screener.domain.decision import Message
from screener.domain.events import LoanApproval, ScreenedEvent, Transfer
from screener.domain.history import Attribute, CustomerHistory, HistoryEntry
from screener.domain.identifiers import is_valid_bin
from screener.domain.texts import number as fmt_number

HOME_COUNTRY = "KZ"
CRYPTO_EXCHANGE = "crypto_exchange"
NEW_BENEFICIARY = "new_beneficiary"
ABROAD = "abroad"

# Receivers the sending bank identified as a business or a payment service: a new one at
# home is a new shop, dealer or biller, not the person's account a fake "safe account" is.
# A new business abroad is another matter: the fake investment "broker" is one.
PAYMENT_SERVICE = "payment_service"
BUSINESS = "business"
MERCHANT_KINDS = frozenset({BUSINESS, PAYMENT_SERVICE})
PERSON = "person"
UNKNOWN_KIND = "unknown"  # the contract's default receiver_kind
# Receivers that are never a stranger's account at home: rules judging strangers' accounts
# need no flows of these (see `receiver_kinds_without_flows`).
NEVER_A_STRANGERS_ACCOUNT = MERCHANT_KINDS | {CRYPTO_EXCHANGE}

# Loans whose money the borrower receives and can move on. Goods, auto and mortgage loans
# are paid to the seller and refinancing to the old lender, so they cannot be drained.
CASH_LOAN_PRODUCTS = frozenset({"consumer", "card_limit", "business"})

# Scales the median absolute deviation to a standard deviation's size for normal data, so
# a robust z-score reads like the familiar one.
MAD_TO_SIGMA = 1.4826


def is_person(customer_id: str) -> bool:
    """Is the acting customer a person (IIN), not a legal entity (BIN)?"""
    return not is_valid_bin(customer_id)


def acted_at(event: ScreenedEvent) -> float:
    """When the customer acted, in epoch seconds: a loan counts from the signing."""
    if isinstance(event, LoanApproval):
        return event.contract_signed_at.timestamp()
    return event.occurred_at.timestamp()


# ---- transfers and beneficiaries -------------------------------------------------------


class Payment(NamedTuple):
    """One transfer of the customer, with whether its receiver counted as new then.

    A named tuple: one is built per past transfer in the history for every transfer
    screened, and a tuple is built in a third of a frozen dataclass's time.
    """

    event_id: str
    at: float
    amount_minor: int
    receiver_account: str
    receiver_country: str
    receiver_kind: str
    to_new_beneficiary: bool
    to_self: bool = False  # to an account of the customer's own (the bank named its holder)

    @property
    def abroad(self) -> bool:
        return self.receiver_country != HOME_COUNTRY

    @property
    def to_stranger(self) -> bool:
        """To a new beneficiary other than a shop or biller at home: whom the scams pay (a
        mule's or the fraudster's own account, a fake seller or broker, a crypto exchange)."""
        if self.to_self:
            return False
        return self.to_new_beneficiary and (self.receiver_kind not in MERCHANT_KINDS or self.abroad)

    @property
    def to_firm_abroad(self) -> bool:
        """A business or payment service abroad: a foundation, a shop, a "broker"."""
        return self.abroad and self.receiver_kind in MERCHANT_KINDS

    @property
    def to_private_stranger(self) -> bool:
        """A stranger that is no firm: a person's account or card, a wallet, an exchange,
        at home or abroad, where a "safe account" is. A firm abroad is none; fake brokers
        are investment_escalation's and cash_out_destinations' to judge."""
        return self.to_stranger and not self.to_firm_abroad

    @property
    def to_burst_payee(self) -> bool:
        """A stranger, or a new payment service at home: an e-wallet top-up or a biller.
        One new wallet is everyday; five within minutes is a taken-over account being
        cashed out, so bursts count them (a shop or a firm still does not count)."""
        return self.to_stranger or self.to_new_wallet

    @property
    def to_new_wallet(self) -> bool:
        """A payment service at home not paid before: an e-wallet top-up or a biller (one
        abroad is a firm abroad, and a stranger)."""
        return (
            self.to_new_beneficiary
            and not self.to_self
            and self.receiver_kind == PAYMENT_SERVICE
            and not self.abroad
        )

    def risky_destinations(self) -> tuple[str, ...]:
        """Where money leaves the customer's known circle: a stranger (`new_beneficiary`),
        a foreign account (`abroad`), a crypto exchange (`crypto_exchange`)."""
        found = (
            (NEW_BENEFICIARY, self.to_stranger),
            (ABROAD, self.abroad),
            (CRYPTO_EXCHANGE, self.receiver_kind == CRYPTO_EXCHANGE),
        )
        return tuple(name for name, present in found if present)


@dataclass(frozen=True, slots=True)
class Payments:
    """The transfer being screened and the customer's remembered transfers before it."""

    current: Payment
    earlier: tuple[Payment, ...]  # oldest first

    def earlier_between(self, start: float, end: float) -> list[Payment]:
        """Earlier transfers with start < at <= end."""
        return [payment for payment in self.earlier if start < payment.at <= end]


def _is_new(flag: Attribute, flagged_before: bool | None) -> bool:
    """Is a receiver new, given the bank's flag on this transfer and the earlier ones?

    `flagged_before` is None when the customer never paid the receiver in the remembered
    history, True when the bank flagged one of those payments as to a new beneficiary.

    The bank's flag wins over the history: it knows payees older than the screener's week.
    Where the bank sent no flag, a receiver never seen before is new. A receiver the bank
    flagged as new stays new while that first payment is remembered: the fake "safe
    account" is paid several times in one evening, and the flag is true only the first time.
    """
    if flag is True or flagged_before is True:
        return True
    return flag is None and flagged_before is None


class _LastPayments:
    """The last answer of `payments_of`, reused while the same transfer and history (both
    immutable, compared by identity) are asked about: the customer-side rules all ask it
    of one transfer, and a full history takes a few tenths of a millisecond to walk."""

    last: tuple[Transfer, CustomerHistory, Payments] | None = None


def payments_of(transfer: Transfer, history: CustomerHistory) -> Payments:
    """The transfer and the customer's earlier transfers, each with its receiver's newness."""
    last = _LastPayments.last
    if last is not None and last[0] is transfer and last[1] is history:
        return last[2]
    payments = _payments_of(transfer, history)
    _LastPayments.last = (transfer, history, payments)
    return payments


def _payments_of(transfer: Transfer, history: CustomerHistory) -> Payments:
    flagged: dict[str, bool] = {}  # receiver -> a payment to it was flagged new
    earlier: list[Payment] = []
    now = transfer.occurred_at.timestamp()
    for entry in history.entries:
        if entry.type != "transfer" or entry.event_id == transfer.event_id or entry.at > now:
            continue
        payment = _payment_of_entry(entry, flagged)
        flagged[payment.receiver_account] = (
            flagged.get(payment.receiver_account, False) or entry.attrs.get(NEW_BENEFICIARY) is True
        )
        earlier.append(payment)
    current = Payment(
        event_id=transfer.event_id,
        at=now,
        amount_minor=transfer.amount_minor,
        receiver_account=transfer.receiver_account,
        receiver_country=transfer.receiver_country,
        receiver_kind=transfer.receiver_kind,
        to_new_beneficiary=_is_new(
            transfer.new_beneficiary, flagged.get(transfer.receiver_account)
        ),
        to_self=transfer.receiver_customer_id == transfer.customer_id,
    )
    return Payments(current=current, earlier=tuple(earlier))


def _payment_of_entry(entry: HistoryEntry, flagged: Mapping[str, bool]) -> Payment:
    receiver = str(entry.attrs.get("receiver_account") or "")
    return Payment(
        event_id=entry.event_id,
        at=entry.at,
        amount_minor=entry.amount_minor,
        receiver_account=receiver,
        receiver_country=str(entry.attrs.get("receiver_country") or HOME_COUNTRY),
        receiver_kind=str(entry.attrs.get("receiver_kind") or UNKNOWN_KIND),
        to_new_beneficiary=_is_new(entry.attrs.get(NEW_BENEFICIARY), flagged.get(receiver)),
        to_self=entry.attrs.get("to_self") is True,
    )


def pays_stranger(transfer: Transfer, history: CustomerHistory) -> bool:
    """Does this transfer go to a stranger (see `Payment.to_stranger`, `_is_new`)?"""
    return payments_of(transfer, history).current.to_stranger


# ---- loans -----------------------------------------------------------------------------


def cash_loans(history: CustomerHistory, start: float, end: float) -> list[HistoryEntry]:
    """Unsecured loans paid out as money the borrower can move, signed with start < at <= end."""
    return [
        entry
        for entry in history.since(start, end, frozenset({"loan_approval"}))
        if entry.attrs.get("secured") is not True
        and entry.attrs.get("product", "consumer") in CASH_LOAN_PRODUCTS
    ]


# ---- the customer's usual amounts ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Baseline:
    """Robust statistics of the customer's last transfer amounts, in tiyn."""

    transfers: int
    median_minor: float
    spread_minor: float  # MAD × 1.4826: a standard deviation one outlier cannot inflate


def baseline_of(history: CustomerHistory, min_transfers: int) -> Baseline | None:
    """The customer's usual amounts, or None with fewer than `min_transfers` to judge by."""
    if len(history.baseline_amounts) < max(min_transfers, 1):
        return None
    return _baseline(history.baseline_amounts)


# Two rules ask for the same customer's baseline on each transfer; numpy's fixed cost per
# call dwarfs the arithmetic on 50 amounts, so each distinct set is computed once.
@lru_cache(maxsize=1024)
def _baseline(amounts_minor: tuple[int, ...]) -> Baseline:
    amounts = np.asarray(amounts_minor, dtype=np.float64)
    median = float(np.median(amounts))
    mad = float(np.median(np.abs(amounts - median)))
    return Baseline(
        transfers=int(amounts.size), median_minor=median, spread_minor=MAD_TO_SIGMA * mad
    )


def whole_percent(part: int, whole: int) -> int:
    """`part` of `whole` in whole percent, rounded down (so 79.9 % is not 80 %); 0 of nothing."""
    return 100 * part // whole if whole > 0 else 0


# ---- config readers --------------------------------------------------------------------


def kzt_setting(raw: Mapping[str, Any], key: str, path: str) -> int:
    """A KZT amount setting (`..._kzt`), in tiyn."""
    return round(number(raw, key, path) * 100)


def optional_kzt_setting(raw: Mapping[str, Any], key: str, path: str, default_minor: int) -> int:
    """`kzt_setting`, or `default_minor` when the setting is absent (a rules file written
    before it)."""
    return kzt_setting(raw, key, path) if key in raw else default_minor


def fraction(raw: Mapping[str, Any], key: str, path: str, *, minimum: float = 0) -> float:
    """A share or factor setting in minimum..1."""
    value = number(raw, key, path, minimum=minimum)
    if value > 1:
        raise ConfigError(f"{path}.{key}: must be at most 1, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class PayoutRun:
    """A burst of payments paid out, not an account emptied: nearly every payment of one
    amount (at least `min_share` of them), those at a person's pace (the median gap between
    them at least `min_median_gap_seconds`). A blogger paying forty giveaway winners 50,000
    each about once a minute, a club refunding fees, a foreman paying day wages; "nearly",
    as the blogger may pay a buyer or a friend between two winners. An emptied account goes
    one payment every few seconds, or in amounts that vary to stay under the limits."""

    min_share: float
    min_median_gap_seconds: float

    def matches(self, burst: Sequence[Payment]) -> bool:
        if not burst:
            return False
        amount, count = Counter(p.amount_minor for p in burst).most_common(1)[0]
        if count < self.min_share * len(burst):
            return False
        times = sorted(p.at for p in burst if p.amount_minor == amount)
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        return bool(gaps) and statistics.median(gaps) >= self.min_median_gap_seconds


def payout_run_setting(raw: Mapping[str, Any], path: str) -> PayoutRun:
    """A `payout_run`-shaped section: `min_median_gap_seconds` and `min_share` (optional,
    as rules files written before it keep working: one amount throughout)."""
    share = fraction(raw, "min_share", path, minimum=0.5) if "min_share" in raw else 1.0
    return PayoutRun(share, number(raw, "min_median_gap_seconds", path))


def repeat_victim_factor(raw: Mapping[str, Any], path: str) -> float:
    """`repeat_victim_factor`: a past victim's limits are multiplied by it (0.01..1)."""
    return fraction(raw, "repeat_victim_factor", path, minimum=0.01)


# ---- texts -----------------------------------------------------------------------------


def span(seconds: float) -> Message:
    """A duration as officers read it: `10 min`, `6 h`."""
    if seconds < 3600:
        minutes = fmt_number(round(seconds / 60, 1))
        return Message(en=f"{minutes} min", ru=f"{minutes} мин", kk=f"{minutes} мин")
    hours = fmt_number(round(seconds / 3600, 1))
    return Message(en=f"{hours} h", ru=f"{hours} ч", kk=f"{hours} сағ")


def destinations(names: tuple[str, ...]) -> Message:
    """Risky destinations (see `Payment.risky_destinations`) in words."""
    words = {
        NEW_BENEFICIARY: ("a new beneficiary", "новому получателю", "жаңа алушыға"),
        ABROAD: ("an account abroad", "на счёт за рубежом", "шетелдегі шотқа"),
        CRYPTO_EXCHANGE: ("a crypto exchange", "на криптобиржу", "криптобиржаға"),
    }
    chosen = [words[name] for name in names]
    return Message(
        en=", ".join(item[0] for item in chosen),
        ru=", ".join(item[1] for item in chosen),
        kk=", ".join(item[2] for item in chosen),
    )


def joined(parts: list[Message]) -> Message:
    """Several sentences as one explanation."""
    return Message(
        en=" ".join(part.en for part in parts),
        ru=" ".join(part.ru for part in parts),
        kk=" ".join(part.kk for part in parts),
    )
