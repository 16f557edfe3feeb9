"""cash_out_spread: is the customer sending money to several new crypto exchanges or foreign
accounts within a day?

Where the money of a scam ends up: a dropper forwards what victims paid to one foreign card
after another, or to several exchanges, and an "investment" victim tops up the new "broker"
platforms a caller names one after the other. The money that came in may never be seen (it
arrived at another bank, or the mule's account was bought with its balance), so this rule
looks only at where money goes. An honest customer buys crypto on the exchange they use, or
sends money to family abroad: one new destination, rarely two in a day.

Counted: distinct new beneficiaries that are crypto exchanges or accounts abroad (not a
foreign shop or firm: online shopping abroad is everyday), paid more than
`transfer_above_kzt` each within `window_hours`, this transfer included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    CRYPTO_EXCHANGE,
    MERCHANT_KINDS,
    Payment,
    is_person,
    kzt_setting,
    payments_of,
    span,
)
from screener.domain.texts import kzt

RULE_ID = "cash_out_spread"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    transfer_above_minor: int
    bands: tuple[ScoreBand, ...]  # distinct new cash-out destinations in the window -> score


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        bands=parse_bands(raw, "bands", path, count="destinations"),
    )


def _cash_out(payment: Payment, settings: Settings) -> bool:
    """A new crypto exchange or foreign account, above the floor. A firm or payment service
    abroad is an online shop or a supplier; a person, an exchange or an unknown kind abroad
    is where mules and "brokers" take money."""
    if not payment.to_new_beneficiary or payment.to_self:
        return False
    if payment.amount_minor <= settings.transfer_above_minor:
        return False
    crypto = payment.receiver_kind == CRYPTO_EXCHANGE
    return crypto or (payment.abroad and payment.receiver_kind not in MERCHANT_KINDS)


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    if not _cash_out(payments.current, settings):
        return None
    now = payments.current.at
    spread = [
        p
        for p in payments.earlier_between(now - settings.window_seconds, now)
        if _cash_out(p, settings)
    ] + [payments.current]
    destinations = len({p.receiver_account for p in spread})
    band = band_for(settings.bands, destinations)
    if band is None:
        return None
    total = sum(p.amount_minor for p in spread)
    countries = sorted({p.receiver_country for p in spread if p.abroad and p.receiver_country})
    exchanges = len({p.receiver_account for p in spread if p.receiver_kind == CRYPTO_EXCHANGE})
    window = span(settings.window_seconds)
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{destinations} different new crypto exchanges or foreign accounts paid within "
            f"{window.en} ({kzt(total)}, this payment included): money being moved out of "
            "reach, the way droppers and fake brokers take it.",
            ru=f"За {window.ru} деньги ушли {destinations} разным новым получателям на "
            f"криптобиржах или за рубежом ({kzt(total)}, включая этот платёж): так деньги "
            "выводят дропперы и лжеброкеры.",
            kk=f"{window.kk} ішінде ақша криптобиржалардағы не шетелдегі {destinations} түрлі "
            f"жаңа алушыға кетті ({kzt(total)}, осы төлемді қоса): дропперлер мен жалған "
            "брокерлер ақшаны осылай шығарады.",
        ),
        measured={
            "destinations": destinations,
            "crypto_exchanges": exchanges,
            "countries": countries,
            "total_minor": total,
            "window_hours": settings.window_seconds / 3600,
            "band_destinations": band.at_least,
        },
    )
