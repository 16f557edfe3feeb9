"""Business days, for suspensions counted the way the Anti-Fraud Center counts them."""

from __future__ import annotations

from datetime import datetime, timedelta


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Monday to Friday), at the same time of day.

    Public holidays are not skipped: the suspension may end a day early around a holiday,
    never late, which is the safe side for a customer whose account is wrongly suspended.
    """
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment
