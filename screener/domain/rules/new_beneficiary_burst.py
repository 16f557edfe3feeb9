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

A payout run (`_signals.PayoutRun`: nearly every payment of the burst of one amount, at a
person's pace) scores at most `payout_run.max_score`, below the hold score with velocity. A
blogger paying forty giveaway winners 50,000 each, a club refunding its members' fees, a
foreman paying day wages: one amount, typed in one payee at a time. An account being
emptied goes faster (25 payments of 50,000 in five minutes, one every twelve seconds) or in
amounts that vary to stay under the limits; a taken-over account paying out at any pace is
risky_session's to hold (its burst rule).
A past victim's payout run is one too: the scammers' second approach ("we will get your
money back") asks for fees to one "agency", not for one prize to each of thirty strangers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode, section
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    PayoutRun,
    is_person,
    joined,
    kzt_setting,
    payments_of,
    payout_run_setting,
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
    payout_run: PayoutRun
    payout_max_score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    payout_path = f"{path}.payout_run"
    payout = section(raw, "payout_run", path)
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_minutes", path, minimum=0.1) * 60,
        min_total_minor=kzt_setting(raw, "min_total_kzt", path),
        bands=parse_bands(raw, "bands", path, count="payees"),
        repeat_victim_factor=repeat_victim_factor(raw, path),
        payout_run=payout_run_setting(payout, payout_path),
        payout_max_score=integer(payout, "max_score", payout_path, low=0, high=100),
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
    score = band.score
    payout_run = settings.payout_run.matches(burst)
    if payout_run:
        score = min(score, settings.payout_max_score)
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
    if payout_run:
        message = joined([message, _payout_note(burst[-1].amount_minor)])
    return RuleHit(
        rule=RULE_ID,
        score=score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=message,
        measured={
            "new_beneficiaries": payees,
            "window_minutes": settings.window_seconds / 60,
            "total_minor": total,
            "band_payees": band.at_least,
            "limits_factor": factor,
            "payout_run": payout_run,
        },
    )


def _payout_note(amount_minor: int) -> Message:
    amount = kzt(amount_minor)
    return Message(
        en=f"Every one of them {amount}, one payee at a time: prizes, refunds or wages paid "
        "out, weak alone.",
        ru=f"Каждому по {amount}, по одному получателю за раз: так выплачивают призы, "
        "возвраты или зарплату; само по себе слабый признак.",
        kk=f"Әрқайсысына {amount}, бір уақытта бір алушыға: жүлде, қайтарым не жалақы осылай "
        "төленеді; өздігінен әлсіз белгі.",
    )
