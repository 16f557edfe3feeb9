"""Scenes for the customer-side rules: the victim's own past (codes, logins, loans, transfers)
remembered through the pure core, and contexts with the sending account's money in.

Builds on `scenes`: the same victim, accounts, moment `AT` and shipped settings.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.context import ScreeningContext
from screener.domain.events import CustomerEvent, InputEvent, LoanApproval, Transfer
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember
from tests.unit.rules.scenes import (
    AT,
    CONFIG,
    HOUR,
    MULE_ACCOUNT,
    TENGE,
    VICTIM,
    VICTIM_ACCOUNT,
    iban,
    loan,
    transfer,
)

COMPANY = "080540000011"  # a valid BIN (5th digit 4): a company, not a person
MINUTE = 60.0


def kzt(amount: float) -> int:
    """KZT to tiyn: `kzt(200_000.01)` is 20 000 001."""
    return round(amount * TENGE)


def sign(kind: str, minutes_ago: float, **fields: Any) -> CustomerEvent:
    """A customer event `minutes_ago` before AT: `sign("sms_code_sent", 30, source="1414")`."""
    return CustomerEvent(
        kind, f"{kind}-{minutes_ago}", VICTIM, AT - timedelta(minutes=minutes_ago), **fields
    )


def code(minutes_ago: float, source: str = "1414") -> CustomerEvent:
    return sign("sms_code_sent", minutes_ago, source=source)


def new_device(minutes_ago: float) -> CustomerEvent:
    return sign("login", minutes_ago, new_device=True, device_id="dev-new")


def fraud_report(days_ago: float = 200) -> CustomerEvent:
    return sign("fraud_reported", days_ago * 24 * 60)


def paid(
    amount_kzt: float,
    minutes_ago: float,
    *,
    to: str | None = None,
    n: int = 0,
    **overrides: Any,
) -> Transfer:
    """An earlier transfer of the victim (to a fresh account numbered n unless `to`)."""
    return transfer(
        event_id=f"paid-{n}-{minutes_ago}",
        occurred_at=AT - timedelta(minutes=minutes_ago),
        receiver_account=to or iban(20_000 + n),
        amount_minor=kzt(amount_kzt),
        **overrides,
    )


def usual(amount_kzt: float, count: int = 10) -> list[InputEvent]:
    """`count` past transfers of `amount_kzt` to known receivers, days ago: a baseline."""
    return [
        paid(amount_kzt, 2 * 24 * 60 + 300 * i, n=500 + i, new_beneficiary=False)
        for i in range(count)
    ]


def borrowed(amount_kzt: float, hours_ago: float, n: int = 0, **overrides: Any) -> LoanApproval:
    """A loan the victim signed `hours_ago` before AT (online consumer from a bank)."""
    signed = AT - timedelta(hours=hours_ago)
    return loan(
        event_id=f"loan-{n}-{hours_ago}",
        loan_id=f"L-{n}",
        amount_minor=kzt(amount_kzt),
        contract_signed_at=signed,
        occurred_at=signed + timedelta(minutes=1),
        **overrides,
    )


def history_of(*events: InputEvent) -> CustomerHistory:
    """The victim's history after `events`, remembered in the order given."""
    state = CustomerHistory()
    for event in events:
        state = remember(event, state, CONFIG)
    return state


def paid_in(amount_kzt: float, hours_ago: float = 1.0, n: int = 0) -> Flow:
    """Money into the victim's account (a deposit closed, a salary) `hours_ago` before AT."""
    return Flow(
        event_id=f"in-{n}-{hours_ago}",
        at=AT.timestamp() - hours_ago * HOUR,
        amount_minor=kzt(amount_kzt),
        counterparty=iban(30_000 + n),
    )


def context_of(
    *events: InputEvent, money_in: tuple[Flow, ...] = (), victim: bool = False
) -> ScreeningContext:
    """What a rule sees when the victim pays the mule now, after `events`."""
    return ScreeningContext(
        history_of(*events),
        CONFIG.mrp,
        sender_account=AccountActivity(VICTIM_ACCOUNT, inbound=money_in),
        receiver_account=AccountActivity(MULE_ACCOUNT),
        confirmed_victim=victim,
        busy_merchant_payers_a_day=CONFIG.busy_merchant_payers_a_day,
    )


def to_stranger(amount_kzt: float, **overrides: Any) -> Transfer:
    """The victim pays the mule's account now, the bank flagging it a new beneficiary."""
    fields: dict[str, Any] = {"amount_minor": kzt(amount_kzt), "new_beneficiary": True}
    return transfer(**{**fields, **overrides})


def online_loan(amount_kzt: float, **overrides: Any) -> LoanApproval:
    return dataclasses.replace(loan(**overrides), amount_minor=kzt(amount_kzt))
