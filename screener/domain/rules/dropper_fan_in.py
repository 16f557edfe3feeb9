"""dropper_fan_in: are many unrelated people paying this account within a day?

A dropper (money mule) rents out an account that collects the money of several victims at
once, so many different senders paying one person's account in a short window is the
mule's fingerprint. The count includes the payment being screened and leaves out money
from the holder's own accounts.

Shops and utilities are paid by many customers too, and are not droppers:
- receivers the sending bank marks as a business, a payment service or a crypto exchange
  are never counted (money into an exchange is cashout_abroad's question);
- an account paid by very many senders over the longer look-back that keeps the money
  (little goes out again) is a merchant's or a collection's pattern, not a mule's: no hit.
  A mule forwards what it receives within hours; a shop keeps its takings.

In the top band the account is found to be a dropper's and is suspended for the Anti-Fraud
Center's business days, but only if the money also leaves again: a large collection that
keeps its money (a parents' committee, say) is held for an officer, never suspended.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import ConfigError, RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._accounts import (
    money_moved,
    receiver_holder,
    receiving_account,
    suspension_of,
    until_texts,
)
from screener.domain.rules._bands import ScoreBand, band_for, is_top, parse_bands
from screener.domain.texts import number as fmt_number

RULE_ID = "dropper_fan_in"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    bands: tuple[ScoreBand, ...]  # distinct senders in the window -> score
    ignored_receiver_kinds: frozenset[str]
    lookback_seconds: float  # the longer view that tells a merchant from a mule
    merchant_min_senders: int
    kept_max_outflow_share: float  # at or below this share out, the account keeps its money
    block_business_days: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    kept = number(raw, "kept_max_outflow_share", path)
    if kept > 1:
        raise ConfigError(f"{path}.kept_max_outflow_share: must be at most 1, got {kept!r}")
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.01) * 3600,
        bands=parse_bands(raw, "bands", path, count="senders"),
        ignored_receiver_kinds=frozenset(string_list(raw, "ignored_receiver_kinds", path)),
        lookback_seconds=number(raw, "lookback_hours", path, minimum=0.01) * 3600,
        merchant_min_senders=integer(raw, "merchant_min_senders", path, low=1, high=1_000_000),
        kept_max_outflow_share=kept,
        block_business_days=integer(raw, "block_business_days", path, low=1, high=30),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if transfer.receiver_kind in settings.ignored_receiver_kinds:
        return None
    account = receiving_account(transfer, context)
    holder = receiver_holder(transfer, account)
    now = transfer.occurred_at.timestamp()
    recent = money_moved(account, now - settings.window_seconds, now, holder)
    band = band_for(settings.bands, len(recent.senders))
    if band is None:
        return None

    longer = money_moved(account, now - settings.lookback_seconds, now, holder)
    keeps_money = longer.outflow_share <= settings.kept_max_outflow_share
    if keeps_money and len(longer.senders) >= settings.merchant_min_senders:
        return None  # a merchant's pattern: very many payers, the money stays

    suspension = None
    if is_top(settings.bands, band) and not keeps_money:
        suspension = suspension_of(transfer.occurred_at, settings.block_business_days, context)
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            account.account,
            len(recent.senders),
            settings,
            longer.outflow_share,
            None if suspension is None else until_texts(suspension, context.calendar),
        ),
        measured={
            "account": account.account,
            "distinct_senders": len(recent.senders),
            "window_hours": settings.window_seconds / 3600,
            "band_senders": band.at_least,
            "lookback_senders": len(longer.senders),
            "lookback_inflow_minor": longer.inflow_minor,
            "lookback_outflow_minor": longer.outflow_minor,
            "lookback_outflow_share": round(longer.outflow_share, 4),
        },
        block_account=None if suspension is None else account.account,
        block_until=None if suspension is None else suspension.ends_at,
        suspension=suspension,
    )


def _explain(
    account: str,
    senders: int,
    settings: Settings,
    outflow_share: float,
    until: tuple[str, str, str] | None,
) -> Message:
    hours = fmt_number(settings.window_seconds / 3600)
    en = (
        f"{senders} different senders paid account {account} within {hours} h "
        "(this payment included): a dropper's account collects from many victims at once."
    )
    ru = (
        f"За {hours} ч на счёт {account} перевели деньги разные отправители: {senders} "
        "(включая этот платёж); так счёт дроппера собирает деньги многих жертв."
    )
    kk = (
        f"{hours} сағат ішінде {account} шотына {senders} түрлі жіберуші ақша аударды "
        "(осы төлемді қоса): дроппер шоты көп жәбірленушінің ақшасын осылай жинайды."
    )
    if until is None:
        return Message(en=en, ru=ru, kk=kk)
    share = f"{outflow_share:.0%}"
    lookback = fmt_number(settings.lookback_seconds / 3600)
    return Message(
        en=f"{en} {share} of the money it received in {lookback} h went out again: "
        f"the account is suspended as a dropper's until {until[0]}.",
        ru=f"{ru} {share} полученных за {lookback} ч денег уже ушло дальше: "
        f"счёт приостановлен как счёт дроппера до {until[1]}.",
        kk=f"{kk} {lookback} сағатта түскен ақшаның {share} әрі қарай кетті: "
        f"шот дроппер шоты ретінде {until[2]} дейін тоқтатылды.",
    )
