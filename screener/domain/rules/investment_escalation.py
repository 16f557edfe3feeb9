"""investment_escalation: is the customer paying an exchange or a firm abroad, or anyone
new, ever larger sums, the way a fake broker's victim does?

A fake "investment platform" asks for a small first deposit, shows made-up profits, and the
victim sends more and more: 20,000, then 50,000, then 150,000, then 400,000 KZT, to the same
crypto exchange or foreign "broker" within days. An honest buyer of crypto buys similar
amounts, or tries the exchange with a small sum and then buys once. So: this transfer goes
to a crypto exchange, or to a firm or payment service abroad, that the customer first paid
within the history the screener keeps (`history.keep_days`), and it is at least
`growth_factor` times that first payment and above `transfer_above_kzt`. Weak alone (an
honest buyer can try small and then buy), it holds with another signal (velocity's outlier,
a loan just taken, a takeover sign). Companies (BIN) are not judged.

Fake brokers also take the money through a payment service at home or a person's card, and
banks often send no `receiver_kind`. Any receiver but a firm at home or a person abroad
(family, sent what it needs) is judged too when it was new at its first payment and the
last `ladder_payments` payments to it, this one included, each were larger than the one
before (20,000, 50,000, 130,000): an advance and the rest, or equal parts, is how a seller,
a landlord or a builder is paid. Such a ladder to a receiver abroad other than a crypto
exchange holds alone (`abroad_ladder_score`): 45,000, 258,000, 710,000 to one Cypriot
"broker"; tuition abroad is an advance and the rest, and honest buyers at an exchange buy
more as they come to trust it. An account once paid as an exchange or a firm abroad is one
on every later payment, whatever `receiver_kind` that payment carries.

The platform's "withdrawal" is the last stage: the victim is told to pay a tax, then an
insurance, then a commission before the profits are paid out, each fee larger than the one
before and each to a card or wallet the caller names anew. So a fee ladder holds alone:
the last `fee_ladder_payments` payments to strangers or new wallets within
`fee_ladder_hours`, this one included, each to a different receiver and each at least
`fee_ladder_growth` times the one before (25,000, 60,000, 150,000, 350,000). An honest
customer paying new people pays them what things cost, in no order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from screener.domain.config import RuleMode, integer, number, optional_integer, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._signals import (
    BUSINESS,
    CRYPTO_EXCHANGE,
    PERSON,
    Payment,
    Payments,
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
    # Any other receiver but a shop or firm at home is judged from this many payments, this
    # one included, each larger than the one before, the first to a new beneficiary.
    ladder_payments: int = 0
    # ... and to a receiver abroad (a foreign "broker", firm or unnamed account) such a
    # ladder scores this (0: as `score`).
    abroad_ladder_score: int = 0
    # Fees to different strangers, each at least fee_ladder_growth times the one before
    # (0 payments: not judged).
    fee_ladder_payments: int = 0
    fee_ladder_growth: float = 2.0
    fee_ladder_seconds: float = 0.0
    fee_ladder_score: int = 0


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        growth_factor=number(raw, "growth_factor", path, minimum=1),
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        score=integer(raw, "score", path, low=0, high=100),
        ladder_payments=integer(raw, "ladder_payments", path, low=3, high=100),
        abroad_ladder_score=optional_integer(raw, "abroad_ladder_score", path, 0, low=0, high=100),
        fee_ladder_payments=integer(raw, "fee_ladder_payments", path, low=3, high=100),
        fee_ladder_growth=number(raw, "fee_ladder_growth", path, minimum=1),
        fee_ladder_seconds=number(raw, "fee_ladder_hours", path, minimum=1) * 3600,
        fee_ladder_score=integer(raw, "fee_ladder_score", path, low=0, high=100),
    )


def _platform(payment: Payment) -> bool:
    """A crypto exchange, or a firm or payment service abroad: where fake brokers take money."""
    return payment.receiver_kind == CRYPTO_EXCHANGE or payment.to_firm_abroad


def _ladder(earlier: list[Payment], current: Payment, growing: bool) -> bool:
    """Payments to one receiver first paid as a stranger or a new wallet, the last
    `ladder_payments` of them (this one included) each larger than the one before: the
    platform's name or kind unknown, this is still how a fake broker's victim pays (a
    builder or a seller paid in parts is paid an advance and the rest, or equal parts)."""
    first = earlier[0]
    if current.receiver_kind == BUSINESS or current.to_self:
        return False
    if first.abroad and current.receiver_kind == PERSON:  # family abroad, sent what they need
        return False
    return growing and first.to_burst_payee  # a stranger, or a new wallet at home


def _growing(earlier: list[Payment], current: Payment, settings: Settings) -> bool:
    """The last `ladder_payments` payments to the receiver, this one included, each larger
    than the one before."""
    steps = [*earlier, current][-settings.ladder_payments :]
    return len(steps) == settings.ladder_payments and all(
        later.amount_minor > before.amount_minor for before, later in pairwise(steps)
    )


def _fee_ladder(payments: Payments, settings: Settings) -> list[Payment] | None:
    """The last `fee_ladder_payments` payments to strangers or new wallets within the window,
    this one last, when each went to a different receiver and each was at least
    `fee_ladder_growth` times the one before; else None."""
    current = payments.current
    if not current.to_burst_payee or current.receiver_kind == BUSINESS:
        return None
    start = current.at - settings.fee_ladder_seconds
    fees = [
        p
        for p in payments.earlier_between(start, current.at)
        if p.to_burst_payee and p.receiver_kind != BUSINESS
    ][-(settings.fee_ladder_payments - 1) :] + [current]
    if len(fees) < settings.fee_ladder_payments:
        return None
    if len({p.receiver_account for p in fees}) < len(fees):
        return None
    if all(
        later.amount_minor >= before.amount_minor * settings.fee_ladder_growth
        for before, later in pairwise(fees)
    ):
        return fees
    return None


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if (
        not is_person(transfer.customer_id)
        or transfer.amount_minor <= settings.transfer_above_minor
    ):
        return None
    payments = payments_of(transfer, context.history)
    current = payments.current
    earlier = [p for p in payments.earlier if p.receiver_account == current.receiver_account]
    if not earlier:
        fees = _fee_ladder(payments, settings) if settings.fee_ladder_payments else None
        return None if fees is None else _fee_ladder_hit(fees, settings)
    first = earlier[0]  # oldest first: the first payment the kept history holds
    if current.amount_minor < first.amount_minor * settings.growth_factor:
        return None
    # Banks send receiver_kind on some payments to an account and not on others: an
    # account once paid as a foreign firm or an exchange is one on every payment.
    platform = _platform(current) or any(_platform(p) for p in earlier)
    growing = _growing(earlier, current, settings)
    if not (platform or _ladder(earlier, current, growing)):
        return None
    # A ladder abroad holds, but not to a crypto exchange: honest buyers there try small
    # and buy more as they trust it, whatever the country.
    abroad_ladder = (
        growing
        and settings.abroad_ladder_score > 0
        and current.abroad
        and not any(p.receiver_kind == CRYPTO_EXCHANGE for p in [*earlier, current])
    )
    growth = current.amount_minor / max(first.amount_minor, 1)
    days = (current.at - first.at) / 86400
    return RuleHit(
        rule=RULE_ID,
        score=settings.abroad_ladder_score if abroad_ladder else settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=(
            _abroad_ladder_text if abroad_ladder else _platform_text if platform else _ladder_text
        )(
            kzt(current.amount_minor),
            kzt(first.amount_minor),
            fmt_number(round(growth, 1)),
            fmt_number(round(days, 1)),
            len(earlier) + 1,
        ),
        measured={
            "amount_minor": current.amount_minor,
            "first_minor": first.amount_minor,
            "growth": round(growth, 2),
            "payments": len(earlier) + 1,
            "days_since_first": round(days, 2),
            "ladder": not platform,
            "abroad_ladder": abroad_ladder,
        },
    )


def _fee_ladder_hit(fees: list[Payment], settings: Settings) -> RuleHit:
    first, current = fees[0], fees[-1]
    hours = (current.at - first.at) / 3600
    amounts = ", ".join(kzt(p.amount_minor) for p in fees)
    count, span_hours = len(fees), fmt_number(round(hours, 1))
    return RuleHit(
        rule=RULE_ID,
        score=settings.fee_ladder_score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{count} payments to {count} different new receivers within {span_hours} h, "
            f"each at least {fmt_number(settings.fee_ladder_growth)} times the one before "
            f"({amounts}): a fake platform's victim paying ever larger 'fees' to withdraw "
            "made-up profits looks like this.",
            ru=f"{count} платежей {count} разным новым получателям за {span_hours} ч, каждый "
            f"минимум в {fmt_number(settings.fee_ladder_growth)} раза больше предыдущего "
            f"({amounts}): так жертва лжеплатформы платит всё большие «комиссии», чтобы "
            "вывести несуществующую прибыль.",
            kk=f"{span_hours} сағ ішінде {count} түрлі жаңа алушыға {count} төлем, әрқайсысы "
            f"алдыңғысынан кемінде {fmt_number(settings.fee_ladder_growth)} есе көп "
            f"({amounts}): жалған платформаның құрбаны жоқ пайданы шығару үшін барған "
            "сайын үлкен «комиссия» төлегенде осылай көрінеді.",
        ),
        measured={
            "amount_minor": current.amount_minor,
            "first_minor": first.amount_minor,
            "payments": count,
            "hours_since_first": round(hours, 2),
            "fee_ladder": True,
            "ladder": False,
        },
    )


def _platform_text(amount: str, began: str, times: str, days: str, payments: int) -> Message:
    return Message(
        en=f"{amount} to a crypto exchange or a foreign firm first paid {began} "
        f"{days} day(s) ago, {times} times as much ({payments} payments): "
        "fake brokers' victims send more and more.",
        ru=f"{amount} на криптобиржу или зарубежную компанию, которой {days} дн. "
        f"назад впервые заплатили {began}: в {times} раза больше (платежей: "
        f"{payments}); жертвы лжеброкеров переводят всё больше.",
        kk=f"{amount} криптобиржаға не шетелдік компанияға: оған {days} күн бұрын "
        f"алғаш {began} төленген, қазір {times} есе көп (төлемдер: {payments}); "
        "жалған брокерлердің құрбандары барған сайын көбірек аударады.",
    )


def _ladder_text(amount: str, began: str, times: str, days: str, payments: int) -> Message:
    return Message(
        en=f"{amount} to a receiver first paid {began} {days} day(s) ago as a new "
        f"beneficiary, {times} times as much, each of the last payments larger than the one "
        f"before ({payments} payments): fake brokers' victims send more and more.",
        ru=f"{amount} получателю, которому {days} дн. назад впервые заплатили {began} как "
        f"новому: в {times} раза больше, каждый из последних платежей больше предыдущего "
        f"(платежей: {payments}); жертвы лжеброкеров переводят всё больше.",
        kk=f"{amount} алушыға: оған {days} күн бұрын алғаш жаңа алушы ретінде {began} "
        f"төленген, қазір {times} есе көп, соңғы төлемдердің әрқайсысы алдыңғысынан көп "
        f"(төлемдер: {payments}); жалған брокерлердің құрбандары барған сайын көбірек "
        "аударады.",
    )


def _abroad_ladder_text(amount: str, began: str, times: str, days: str, payments: int) -> Message:
    return Message(
        en=f"{amount} to a receiver abroad first paid {began} {days} day(s) ago, {times} "
        f"times as much, each of the last payments larger than the one before ({payments} "
        "payments): a fake foreign broker's victim pays like this; family abroad is sent "
        "like amounts.",
        ru=f"{amount} зарубежному получателю, которому {days} дн. назад впервые заплатили "
        f"{began}: в {times} раза больше, каждый из последних платежей больше предыдущего "
        f"(платежей: {payments}); так платит жертва лжеброкера, родным за рубеж переводят "
        "похожие суммы.",
        kk=f"{amount} шетелдегі алушыға: оған {days} күн бұрын алғаш {began} төленген, "
        f"қазір {times} есе көп, соңғы төлемдердің әрқайсысы алдыңғысынан көп (төлемдер: "
        f"{payments}); жалған шетелдік брокердің құрбаны осылай төлейді, шетелдегі туыстарға "
        "ұқсас сомалар жіберіледі.",
    )
