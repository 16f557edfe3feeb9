"""Everything a rule may know besides the event: the pure core's view of the world."""

from __future__ import annotations

from dataclasses import dataclass

from screener.domain.accounts import AccountActivity
from screener.domain.calendar import KAZAKHSTAN, BusinessCalendar
from screener.domain.config import MrpTable
from screener.domain.history import CustomerHistory


@dataclass(frozen=True, slots=True)
class ScreeningContext:
    """The acting customer's history and, for a transfer, both accounts' recent activity.

    `confirmed_victim` is set when a fraud officer confirmed fraud against this customer.
    `calendar` counts business days (the rules file's, holidays and the bank's days off).
    """

    history: CustomerHistory
    mrp: MrpTable
    sender_account: AccountActivity | None = None
    receiver_account: AccountActivity | None = None
    confirmed_victim: bool = False
    calendar: BusinessCalendar = KAZAKHSTAN
    # From the rules file's accounts section (rules/_accounts.to_busy_merchant).
    busy_merchant_payers_a_day: float = 0.0
