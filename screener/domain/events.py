"""Typed input events (CONTRACT §2), built only by the boundary after validation.

Amounts are kept in minor units (tiyn, 1/100 KZT) as integers so sums are exact.
Times are timezone-aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

CUSTOMER_EVENT_TYPES = frozenset(
    {
        "sms_code_sent",
        "login",
        "phone_changed",
        "password_reset",
        "loan_optout_set",
        "loan_optout_lifted",
        "fraud_reported",
        "account_opened",
        "loan_reconfirmed",
        "loan_cancelled",
    }
)
# The borrower's answers to a loan (CONTRACT §7): they carry the lender's `loan_id`.
LOAN_RECONFIRMED, LOAN_CANCELLED = "loan_reconfirmed", "loan_cancelled"
LOAN_ANSWER_TYPES = frozenset({LOAN_RECONFIRMED, LOAN_CANCELLED})


class _PricedInKzt:
    """What transfers and loans share about their amount (domain/currency.py): the rules
    judge `amount_minor`, in KZT; `amount_as_sent` is what the bank sent, in `currency`."""

    __slots__ = ()
    amount_minor: int
    sent_amount_minor: int | None

    @property
    def amount_as_sent(self) -> int:
        return self.amount_minor if self.sent_amount_minor is None else self.sent_amount_minor


@dataclass(frozen=True, slots=True)
class Transfer(_PricedInKzt):
    """A payment from one of the bank's customers (topic `bank.transfers`)."""

    type: ClassVar[str] = "transfer"
    event_id: str
    customer_id: str
    occurred_at: datetime
    sender_account: str
    receiver_account: str
    amount_minor: int  # in KZT tiyn, the amount the rules judge (see sent_amount_minor)
    currency: str
    channel: str
    receiver_bank: str | None = None
    receiver_country: str = "KZ"
    receiver_kind: str = "unknown"
    receiver_customer_id: str | None = None
    new_beneficiary: bool | None = None
    device_id: str | None = None
    # Not in `currency` KZT: `amount_minor` is the KZT equivalent the rules judge
    # (domain/currency.py), the amount as sent is here, and the rate used (None: no rate).
    sent_amount_minor: int | None = None
    kzt_rate: float | None = None


@dataclass(frozen=True, slots=True)
class LoanApproval(_PricedInKzt):
    """A loan approved for a borrower, before disbursement (topic `bank.loans`)."""

    type: ClassVar[str] = "loan_approval"
    event_id: str
    customer_id: str
    occurred_at: datetime
    loan_id: str
    amount_minor: int  # in KZT tiyn, as on Transfer
    currency: str
    lender_kind: str
    channel: str
    contract_signed_at: datetime
    product: str = "consumer"
    secured: bool = False
    lender_id: str | None = None
    disbursement_account: str | None = None
    first_loan: bool | None = None
    in_person_verified: bool | None = None
    # As on Transfer (domain/currency.py).
    sent_amount_minor: int | None = None
    kzt_rate: float | None = None


@dataclass(frozen=True, slots=True)
class CustomerEvent:
    """Account, login and registry events (topic `bank.customer-events`); they get no decision."""

    type: str
    event_id: str
    customer_id: str
    occurred_at: datetime
    source: str | None = None
    new_device: bool | None = None
    device_id: str | None = None
    account: str | None = None
    loan_id: str | None = None  # for loan_reconfirmed and loan_cancelled


ScreenedEvent = Transfer | LoanApproval
InputEvent = Transfer | LoanApproval | CustomerEvent
