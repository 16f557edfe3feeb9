"""Formatting of amounts and times inside the trilingual explanations."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def kzt(amount_minor: int) -> str:
    """`900000050` tiyn -> `9 000 000.50 KZT`: spaces group thousands in all three languages."""
    whole, cents = divmod(amount_minor, 100)
    grouped = f"{whole:,}".replace(",", " ")
    return f"{grouped} KZT" if cents == 0 else f"{grouped}.{cents:02d} KZT"


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """A time as the customer's clock shows it, with the zone named."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") + f" ({zone.key})"


def number(value: float) -> str:
    """`150.0` -> `150`, `7.5` -> `7.5`."""
    return f"{value:g}"
