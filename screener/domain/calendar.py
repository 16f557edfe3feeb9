"""Business days, for suspensions counted the way the Anti-Fraud Center counts them.

A business day is a weekday that is neither one of Kazakhstan's public holidays (from the
`holidays` package: the fixed ones, Nauryz, the moving Kurban Ait and the days the
government moves to make bridges) nor one of the extra non-working days a bank lists in its
rules file (`calendar.extra_days_off`). The worker and the review API build their calendar
from the same rules file, so a dropper's suspension and a confirmed-fraud block end on the
same day. Computing the holidays is arithmetic on dates: no I/O, fit for the pure core.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

COUNTRY = "KZ"
BANK_DAY_OFF = "bank's non-working day"


@cache
def public_holidays(year: int) -> Mapping[date, str]:
    """Kazakhstan's public holidays and moved days off of `year`, by date, named in English."""
    return dict(holidays.country_holidays(COUNTRY, years=year, language="en_US"))


@dataclass(frozen=True, slots=True)
class Suspension:
    """When a suspension of `business_days` ends, and the holidays it had to skip."""

    ends_at: datetime
    business_days: int
    days_off_skipped: tuple[tuple[date, str], ...]  # weekday holidays passed over, in order

    def as_entry(self) -> dict[str, Any]:
        """What a block entry in Redis says about how its end was counted."""
        return {
            "business_days": self.business_days,
            "calendar": f"weekends, {COUNTRY} public holidays and the bank's days off skipped",
            "days_off_skipped": [
                {"date": day.isoformat(), "name": name} for day, name in self.days_off_skipped
            ],
        }

    def note(self) -> tuple[str, str, str]:
        """The count in words, in English, Russian and Kazakh, for reasons officers read."""
        days = self.business_days
        if not self.days_off_skipped:
            return (
                f"{days} business days",
                f"{days} рабочих дн.",
                f"{days} жұмыс күні",
            )
        skipped = ", ".join(day.strftime("%d.%m") for day, _ in self.days_off_skipped)
        names = ", ".join(dict.fromkeys(name for _, name in self.days_off_skipped))
        return (
            f"{days} business days, not counting the days off {skipped} ({names})",
            f"{days} рабочих дн. без учёта праздничных и выходных дней {skipped}",
            f"{days} жұмыс күні, {skipped} мереке және демалыс күндерін есептемегенде",
        )


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Kazakhstan's working calendar in `zone`, plus a bank's own days off."""

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Almaty"))
    extra_days_off: frozenset[date] = frozenset()

    def day_off(self, day: date) -> str | None:
        """Why `day` is not a business day, or None when it is one."""
        if day.weekday() >= 5:
            return "weekend"
        if day in self.extra_days_off:
            return BANK_DAY_OFF
        return public_holidays(day.year).get(day)

    def suspension(self, start: datetime, business_days: int) -> Suspension:
        """`start` plus `business_days` business days, at the same local time of day.

        The days are counted on the local calendar: a Friday-evening event in UTC is already
        Saturday in Almaty.
        """
        moment = start.astimezone(self.zone)
        remaining = business_days
        skipped: list[tuple[date, str]] = []
        while remaining > 0:
            moment += timedelta(days=1)
            why = self.day_off(moment.date())
            if why is None:
                remaining -= 1
            elif why != "weekend":
                skipped.append((moment.date(), why))
        return Suspension(moment, business_days, tuple(skipped))


KAZAKHSTAN = BusinessCalendar()


def add_business_days(
    start: datetime, days: int, calendar: BusinessCalendar = KAZAKHSTAN
) -> datetime:
    """`start` plus `days` business days on `calendar` (Kazakhstan's, by default)."""
    return calendar.suspension(start, days).ends_at
