"""new_beneficiary_burst: is the customer paying many strangers within minutes?

A taken-over account, or a victim following a caller's script, is emptied by many small
transfers to different new beneficiaries within minutes, each below any single-payment
limit (25 payments of 50,000 KZT to 25 new payees in five minutes). People pay new
beneficiaries every day, but rarely more than two or three within a few minutes; splitting
a restaurant bill is a few small sums, hence a floor on the money moved.

Counted: distinct strangers and new payment services (see `_signals`, `to_burst_payee`:
new beneficiaries other than a new shop or firm at home; an e-wallet counts) paid within
the window, this transfer included. A past victim's bands are
multiplied by the repeat-victim factor (rounded up, at least 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    is_person,
    joined,
    kzt_setting,
    payments_of,
    repeat_victim_factor,
    span,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt

RULE_ID = "new_beneficiary_burst"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    min_total_minor: int
    bands: tuple[ScoreBand, ...]  # distinct strangers paid in the window -> score
    repeat_victim_factor: float


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_minutes", path, minimum=0.1) * 60,
        min_total_minor=kzt_setting(raw, "min_total_kzt", path),
        bands=parse_bands(raw, "bands", path, count="payees"),
        repeat_victim_factor=repeat_victim_factor(raw, path),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    if not payments.current.to_burst_payee:
        return None
    now = payments.current.at
    burst = [
        p for p in payments.earlier_between(now - settings.window_seconds, now) if p.to_burst_payee
    ] + [payments.current]
    total = sum(p.amount_minor for p in burst)
    payees = len({p.receiver_account for p in burst})
    factor = tightening(context, settings.repeat_victim_factor)
    if total < settings.min_total_minor * factor:
        return None
    bands = tuple(
        ScoreBand(max(2, math.ceil(b.at_least * factor)), b.score) for b in settings.bands
    )
    band = band_for(bands, payees)
    if band is None:
        return None
    window = span(settings.window_seconds)
    message = Message(
        en=f"{payees} different new beneficiaries paid within {window.en} ({kzt(total)}, this "
        "payment included): an account being emptied in many small transfers.",
        ru=f"За {window.ru} переведено {payees} разным новым получателям ({kzt(total)}, "
        "включая этот платёж): так счёт опустошают множеством мелких переводов.",
        kk=f"{window.kk} ішінде {payees} түрлі жаңа алушыға аударылды ({kzt(total)}, осы "
        "төлемді қоса): шотты көп ұсақ аударыммен осылай босатады.",
    )
    if factor < 1:
        message = joined([message, stricter_note(factor)])
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=message,
        measured={
            "new_beneficiaries": payees,
            "window_minutes": settings.window_seconds / 60,
            "total_minor": total,
            "band_payees": band.at_least,
            "limits_factor": factor,
        },
    )
