"""An account's long-term profile: what is normal for it, kept far beyond the 72-hour flows.

A trader paid by many buyers every day for months, or a family that collected money for a
toi once a year, is not a fresh account that suddenly receives from strangers: the profile
says how many distinct people usually pay the account a day, how much comes in and goes out
a day, on how many days money came in, and since when the screener has seen it receive.

The daily figures are exponentially decayed means (half-life in the rules file), so a year
of history costs a few numbers. Each day's distinct senders are counted exactly (a small
set, dropped when the day ends). Updated in event time; idempotent per event is not needed
because a flow is added to the profile only when its transfer is first screened.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

DAY = 86400.0
# Distinct senders remembered for the current day; beyond this the day is "very many".
MAX_SENDERS_TODAY = 64


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """Decayed daily means of an account's activity and when it was first seen receiving."""

    first_seen_in: float | None = None  # event time of the first money in the screener saw
    day: int | None = None  # the day (event time, UTC days) the `today_*` figures are for
    active_days: int = 0  # days with money in
    senders_per_day: float = 0.0  # decayed mean of distinct senders on active days
    in_per_day_minor: float = 0.0  # decayed mean of money in a day
    out_per_day_minor: float = 0.0  # decayed mean of money out a day
    today_senders: tuple[str, ...] = ()
    today_in_minor: int = 0
    today_out_minor: int = 0
    # Who sends money from the account: its holder, learnt from the account's own payments
    # (an account opened at another bank is never announced here).
    holder_id: str | None = None

    def days_known(self, now: float) -> float:
        """Days since the account was first seen receiving money (0 when never)."""
        return 0.0 if self.first_seen_in is None else max(0.0, (now - self.first_seen_in) / DAY)

    def with_money_in(
        self, at: float, amount_minor: int, sender: str, half_life_days: float
    ) -> AccountProfile:
        rolled = self._rolled(at, half_life_days)
        senders = rolled.today_senders
        if sender not in senders and len(senders) < MAX_SENDERS_TODAY:
            senders = (*senders, sender)
        first = at if rolled.first_seen_in is None else min(rolled.first_seen_in, at)
        # Constructors with every field rather than `dataclasses.replace`: this runs twice
        # per transfer on the worker's hot path, and `replace` costs several times more.
        return AccountProfile(
            first,
            rolled.day,
            rolled.active_days,
            rolled.senders_per_day,
            rolled.in_per_day_minor,
            rolled.out_per_day_minor,
            senders,
            rolled.today_in_minor + amount_minor,
            rolled.today_out_minor,
            rolled.holder_id,
        )

    def with_money_out(
        self, at: float, amount_minor: int, holder_id: str, half_life_days: float
    ) -> AccountProfile:
        rolled = self._rolled(at, half_life_days)
        return AccountProfile(
            rolled.first_seen_in,
            rolled.day,
            rolled.active_days,
            rolled.senders_per_day,
            rolled.in_per_day_minor,
            rolled.out_per_day_minor,
            rolled.today_senders,
            rolled.today_in_minor,
            rolled.today_out_minor + amount_minor,
            holder_id,
        )

    def _rolled(self, at: float, half_life_days: float) -> AccountProfile:
        """The profile with days before `at`'s day folded into the decayed means."""
        day = int(at // DAY)
        if self.day is None:
            return replace(self, day=day)  # once per account
        if day <= self.day:  # the same day, or a late event: counted in the current day
            return self
        gap = day - self.day
        keep = 0.5 ** (1.0 / half_life_days)  # one day's decay
        active = self.today_in_minor > 0
        days = self.active_days + (1 if active else 0)
        # The mean over active days: a day without money in does not dilute the senders.
        senders = self.senders_per_day
        if active:
            weight = 1.0 / days if days < 1 / (1 - keep) else 1 - keep
            senders += weight * (len(self.today_senders) - senders)
        decay_gap = keep ** (gap - 1)
        return AccountProfile(
            first_seen_in=self.first_seen_in,
            day=day,
            active_days=days,
            senders_per_day=senders,
            in_per_day_minor=(keep * self.in_per_day_minor + (1 - keep) * self.today_in_minor)
            * decay_gap,
            out_per_day_minor=(keep * self.out_per_day_minor + (1 - keep) * self.today_out_minor)
            * decay_gap,
            holder_id=self.holder_id,
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_seen_in": self.first_seen_in,
            "day": self.day,
            "active_days": self.active_days,
            "senders_per_day": round(self.senders_per_day, 3),
            "in_per_day_minor": round(self.in_per_day_minor),
            "out_per_day_minor": round(self.out_per_day_minor),
            "today_senders": list(self.today_senders),
            "today_in_minor": self.today_in_minor,
            "today_out_minor": self.today_out_minor,
            "holder_id": self.holder_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccountProfile:
        return cls(
            first_seen_in=data.get("first_seen_in"),
            day=data.get("day"),
            active_days=int(data.get("active_days", 0)),
            senders_per_day=float(data.get("senders_per_day", 0.0)),
            in_per_day_minor=float(data.get("in_per_day_minor", 0.0)),
            out_per_day_minor=float(data.get("out_per_day_minor", 0.0)),
            today_senders=tuple(data.get("today_senders", ())),
            today_in_minor=int(data.get("today_in_minor", 0)),
            today_out_minor=int(data.get("today_out_minor", 0)),
            holder_id=data.get("holder_id"),
        )
