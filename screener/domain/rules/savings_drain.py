"""savings_drain: are large sums leaving for strangers within hours, without a loan behind?

The "safe account" caller often has the victim move savings the bank never saw arrive in
the screener's window: a balance built up over months, emptied in one go or in chunks minutes
apart, to one new beneficiary or to several. `safe_account` judges the share of money seen
coming in; this rule judges what it can without a balance: the money sent to strangers
(`_signals`: new beneficiaries other than a new shop or biller at home, never the customer's
own account) within `window_hours`, this transfer included.

Chunks (two or more such payments) are the scheme's habit and score more; one large payment
alone stays weak, since a used car or a flat's deposit is paid to a stranger in one go too,
and holds only with other evidence (velocity, the receiver's mule evidence, a takeover
sign). A customer whose usual transfer (median of the last ones) is already this large is
doing what they always do. For a past victim the amounts are multiplied by
`repeat_victim_factor`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    baseline_of,
    is_person,
    joined,
    kzt_setting,
    payments_of,
    repeat_victim_factor,
    span,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt

RULE_ID = "savings_drain"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    transfer_above_minor: int
    one_payment_bands: tuple[ScoreBand, ...]  # KZT sent in one payment -> score
    chunk_bands: tuple[ScoreBand, ...]  # KZT sent in two or more payments -> score
    baseline_min_transfers: int
    baseline_multiple: float
    repeat_victim_factor: float


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        one_payment_bands=parse_bands(raw, "one_payment_bands", path, count="kzt"),
        chunk_bands=parse_bands(raw, "chunk_bands", path, count="kzt"),
        baseline_min_transfers=integer(raw, "baseline_min_transfers", path, low=3, high=10_000),
        baseline_multiple=number(raw, "baseline_multiple", path, minimum=1),
        repeat_victim_factor=repeat_victim_factor(raw, path),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    strict = tightening(context, settings.repeat_victim_factor)
    current = payments.current
    if not current.to_stranger or current.amount_minor <= settings.transfer_above_minor * strict:
        return None
    now = current.at
    sent = [
        p
        for p in payments.earlier_between(now - settings.window_seconds, now)
        if p.to_stranger and p.amount_minor > settings.transfer_above_minor * strict
    ] + [current]
    total = sum(p.amount_minor for p in sent)
    baseline = baseline_of(context.history, settings.baseline_min_transfers)
    if baseline is not None and total <= baseline.median_minor * settings.baseline_multiple:
        return None
    bands = settings.chunk_bands if len(sent) > 1 else settings.one_payment_bands
    # Bands are in whole KZT; for a past victim each starts at `strict` times its amount.
    band = band_for(bands, int(total / 100 / strict))
    if band is None:
        return None
    window = span(settings.window_seconds)
    receivers = len({p.receiver_account for p in sent})
    message = Message(
        en=f"{kzt(total)} sent to new beneficiaries within {window.en} in {len(sent)} "
        f"payment(s) to {receivers} receiver(s), this one included: savings emptied to a "
        "'safe account' leave like this.",
        ru=f"За {window.ru} новым получателям ушло {kzt(total)}: платежей {len(sent)}, "
        f"получателей {receivers}, включая этот: так сбережения уходят на «безопасный счёт».",
        kk=f"{window.kk} ішінде жаңа алушыларға {kzt(total)} кетті: {len(sent)} төлем, "
        f"{receivers} алушы, осыны қоса: жинақ «қауіпсіз шотқа» осылай кетеді.",
    )
    if strict < 1:
        message = joined([message, stricter_note(strict)])
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=message,
        measured={
            "sent_to_new_beneficiaries_minor": total,
            "payments": len(sent),
            "receivers": receivers,
            "window_hours": settings.window_seconds / 3600,
            "band_kzt": band.at_least,
            "usual_transfer_minor": None if baseline is None else round(baseline.median_minor),
            "limit_factor": strict,
        },
    )
