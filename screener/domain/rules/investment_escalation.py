"""investment_escalation: is the customer paying an exchange or a firm abroad ever larger
sums, the way a fake broker's victim does?

A fake "investment platform" asks for a small first deposit, shows made-up profits, and the
victim sends more and more: 20,000, then 50,000, then 150,000, then 400,000 KZT, to the same
crypto exchange or foreign "broker" within days. An honest buyer of crypto buys similar
amounts, or tries the exchange with a small sum and then buys once. So: this transfer goes
to a crypto exchange, or to a firm or payment service abroad, that the customer first paid
within the history the screener keeps (`history.keep_days`), and it is at least
`growth_factor` times that first payment and above `transfer_above_kzt`. Weak alone (an
honest buyer can try small and then buy), it holds with another signal (velocity's outlier,
a loan just taken, a takeover sign). Companies (BIN) are not judged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._signals import (
    CRYPTO_EXCHANGE,
    Payment,
    is_person,
    kzt_setting,
    payments_of,
)
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "investment_escalation"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    growth_factor: float  # this payment / the first one to the same platform
    transfer_above_minor: int
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        growth_factor=number(raw, "growth_factor", path, minimum=1),
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        score=integer(raw, "score", path, low=0, high=100),
    )


def _platform(payment: Payment) -> bool:
    """A crypto exchange, or a firm or payment service abroad: where fake brokers take money."""
    return payment.receiver_kind == CRYPTO_EXCHANGE or payment.to_firm_abroad


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if (
        not is_person(transfer.customer_id)
        or transfer.amount_minor <= settings.transfer_above_minor
    ):
        return None
    payments = payments_of(transfer, context.history)
    current = payments.current
    if not _platform(current):
        return None
    earlier = [p for p in payments.earlier if p.receiver_account == current.receiver_account]
    if not earlier:
        return None
    first = earlier[0]  # oldest first: the first payment the kept history holds
    if current.amount_minor < first.amount_minor * settings.growth_factor:
        return None
    growth = current.amount_minor / max(first.amount_minor, 1)
    days = (current.at - first.at) / 86400
    amount, began = kzt(current.amount_minor), kzt(first.amount_minor)
    times, span_days = fmt_number(round(growth, 1)), fmt_number(round(days, 1))
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{amount} to a crypto exchange or a foreign firm first paid {began} "
            f"{span_days} day(s) ago, {times} times as much ({len(earlier) + 1} payments): "
            "fake brokers' victims send more and more.",
            ru=f"{amount} на криптобиржу или зарубежную компанию, которой {span_days} дн. "
            f"назад впервые заплатили {began}: в {times} раза больше (платежей: "
            f"{len(earlier) + 1}); жертвы лжеброкеров переводят всё больше.",
            kk=f"{amount} криптобиржаға не шетелдік компанияға: оған {span_days} күн бұрын "
            f"алғаш {began} төленген, қазір {times} есе көп (төлемдер: {len(earlier) + 1}); "
            "жалған брокерлердің құрбандары барған сайын көбірек аударады.",
        ),
        measured={
            "amount_minor": current.amount_minor,
            "first_minor": first.amount_minor,
            "growth": round(growth, 2),
            "payments": len(earlier) + 1,
            "days_since_first": round(days, 2),
        },
    )
