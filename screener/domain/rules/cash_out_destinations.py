"""cash_out_destinations: is money leaving for new crypto exchanges or foreign accounts the
way droppers and fake brokers take it?

Where the money of a scam ends up: a dropper forwards what victims paid to one foreign card
after another, or to several exchanges, and an "investment" victim tops up the new "broker"
platforms a caller names one after the other. The money that came in may never be seen (it
arrived at another bank, or the mule's account was bought with its balance), so this rule
looks at where money goes and from what account:
- **several destinations**: distinct new beneficiaries that are crypto exchanges or
  accounts abroad, paid within `window_hours`, this transfer included; `bands`. An honest
  customer buys crypto on the exchange they use, or sends money to family abroad: one new
  destination, rarely two in a day;
- **from an account opened days ago**: this bank saw the sending account opened fewer than
  `young_account_days` days before, and it already pays a new exchange or foreign account:
  an account opened to be sold or rented to droppers; `young_account_score`.
Each payment counted is above `transfer_above_kzt`. A firm or payment service abroad is an
online shop or a supplier and does not count; a person, an exchange or an unknown kind
abroad does.
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
    CRYPTO_EXCHANGE,
    MERCHANT_KINDS,
    Payment,
    is_person,
    joined,
    kzt_setting,
    payments_of,
    span,
)
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "cash_out_destinations"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    transfer_above_minor: int
    bands: tuple[ScoreBand, ...]  # distinct new cash-out destinations in the window -> score
    young_account_days: float
    young_account_score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        bands=parse_bands(raw, "bands", path, count="destinations"),
        young_account_days=number(raw, "young_account_days", path),
        young_account_score=integer(raw, "young_account_score", path, low=0, high=100),
    )


def _cash_out(payment: Payment, settings: Settings) -> bool:
    """A new crypto exchange or foreign account (not a firm abroad), above the floor."""
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
    days_open = context.sender_account.days_open(now) if context.sender_account else None
    young = days_open is not None and days_open < settings.young_account_days
    if band is None and not young:
        return None
    score = max(band.score if band else 0, settings.young_account_score if young else 0)
    total = sum(p.amount_minor for p in spread)
    parts = [_destinations_text(destinations, total, settings)]
    if young:
        parts.append(_young_text(days_open or 0.0))
    return RuleHit(
        rule=RULE_ID,
        score=score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=joined(parts),
        measured={
            "destinations": destinations,
            "crypto_exchanges": len(
                {p.receiver_account for p in spread if p.receiver_kind == CRYPTO_EXCHANGE}
            ),
            "countries": sorted({p.receiver_country for p in spread if p.abroad}),
            "total_minor": total,
            "window_hours": settings.window_seconds / 3600,
            "band_destinations": band.at_least if band else None,
            "sending_account_days_open": None if days_open is None else round(days_open, 2),
        },
    )


def _destinations_text(destinations: int, total: int, settings: Settings) -> Message:
    window, amount = span(settings.window_seconds), kzt(total)
    return Message(
        en=f"{destinations} new crypto exchange(s) or foreign account(s) paid within "
        f"{window.en} ({amount}, this payment included): money moved out of reach, the way "
        "droppers and fake brokers take it.",
        ru=f"За {window.ru} деньги ушли новым получателям на криптобиржах или за рубежом: "
        f"{destinations} ({amount}, включая этот платёж); так деньги выводят дропперы и "
        "лжеброкеры.",
        kk=f"{window.kk} ішінде ақша криптобиржалардағы не шетелдегі жаңа алушыларға кетті: "
        f"{destinations} ({amount}, осы төлемді қоса); дропперлер мен жалған брокерлер ақшаны "
        "осылай шығарады.",
    )


def _young_text(days_open: float) -> Message:
    days = fmt_number(round(days_open, 1))
    return Message(
        en=f"The sending account was opened {days} day(s) ago: accounts opened to be sold "
        "or rented to droppers cash out at once.",
        ru=f"Счёт отправителя открыт {days} дн. назад: счета, открытые для продажи или сдачи "
        "дропперам, сразу выводят деньги.",
        kk=f"Жіберушінің шоты {days} күн бұрын ашылған: дропперлерге сату не жалға беру үшін "
        "ашылған шоттар ақшаны бірден шығарады.",
    )
