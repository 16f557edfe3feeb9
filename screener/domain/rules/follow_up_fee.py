"""follow_up_fee: is the customer paying a new person again, less, within hours?

A fake seller on a marketplace takes a prepayment, then asks for more before the goods come:
"delivery", "insurance", "a refundable deposit". The fake "security service" and the
"recovery" fraudster do the same. Seen by the bank: a payment to a new person's account or
card, then within `window_hours` a smaller one (at least `min_share_percent` of the first)
to the same account. An honest purchase from a private seller is paid once; a landlord is
paid a deposit and the same again as rent; a car's seller an advance and then more. So a
smaller second payment to someone who was a stranger hours ago holds for an officer.

Judged: a person's transfer to an account whose first payment in the window went to a
private stranger (`Payment.to_private_stranger`: a new beneficiary, no shop or firm; the
bank's `new_beneficiary` flag on it says so) and was more than `first_above_kzt`; this one
smaller than it, at least `min_share_percent` of it and more than `above_kzt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._signals import is_person, kzt_setting, payments_of, span
from screener.domain.texts import kzt

RULE_ID = "follow_up_fee"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    first_above_minor: int
    above_minor: int
    min_share_percent: int
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.1) * 3600,
        first_above_minor=kzt_setting(raw, "first_above_kzt", path),
        above_minor=kzt_setting(raw, "above_kzt", path),
        min_share_percent=integer(raw, "min_share_percent", path, low=1, high=99),
        score=integer(raw, "score", path, low=0, high=100),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id) or transfer.amount_minor <= settings.above_minor:
        return None
    payments = payments_of(transfer, context.history)
    current = payments.current
    # Still a stranger (`_signals._is_new`) only while the bank's flag on the first payment
    # is remembered: a receiver first paid without a flag may be a payee older than the
    # screener's history (a relative paid again), and is not judged.
    if not current.to_private_stranger:
        return None
    start = current.at - settings.window_seconds
    to_them = [
        p
        for p in payments.earlier_between(start, current.at)
        if p.receiver_account == current.receiver_account
    ]
    if not to_them or not to_them[0].to_private_stranger:
        return None
    first = to_them[0]
    if first.amount_minor <= settings.first_above_minor:
        return None
    if not (
        first.amount_minor * settings.min_share_percent
        <= current.amount_minor * 100
        < first.amount_minor * 100
    ):
        return None
    share = current.amount_minor * 100 // first.amount_minor
    minutes = round((current.at - first.at) / 60)
    amount, paid, window = (
        kzt(current.amount_minor),
        kzt(first.amount_minor),
        span(settings.window_seconds),
    )
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{amount} ({share}% of the first payment) to a new beneficiary first paid "
            f"{paid} {minutes} min ago, within {window.en}: a fake seller asks for "
            "'delivery' or 'insurance' after the prepayment.",
            ru=f"{amount} ({share}% первого платежа) новому получателю, которому {minutes} "
            f"мин назад заплатили {paid}, в пределах {window.ru}: лжепродавец после "
            "предоплаты просит оплатить «доставку» или «страховку».",
            kk=f"{amount} (алғашқы төлемнің {share}%) жаңа алушыға, оған {minutes} минут "
            f"бұрын {paid} төленген, {window.kk} ішінде: жалған сатушы алдын ала төлемнен "
            "кейін «жеткізу» не «сақтандыру» ақысын сұрайды.",
        ),
        measured={
            "amount_minor": current.amount_minor,
            "first_minor": first.amount_minor,
            "share_percent": share,
            "minutes_since_first": minutes,
        },
    )
