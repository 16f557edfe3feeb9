"""dropper_pass_through: does the money that came into an account leave again within hours?

A dropper (money mule) forwards the victims' money at once, keeping a small cut (1-10 %) or
nothing, so money out is about money in within a few hours. Both accounts of a transfer
are checked:
- the sending account: the transfer being screened may be the forward itself, and holding
  it is what saves the money; it counts in the money out;
- the receiving account: money that came in earlier has already gone on, so this payment is
  going to a dropper. This payment is not counted in its money in: it cannot have been
  forwarded yet, and counting it would hide the dropper exactly when the next victim pays.
The stronger side is reported (the sending side when both are equal).

Not a forward: payments to shops (receiver kind `business`) and moves between the holder's
own accounts. Payment agents and marketplaces pay out what they collect by design, so a
company (BIN) sending and a business, payment service or exchange receiving are not checked.

Bands count the distinct people whose money went through: one (a salary passed on to the
family) is weak; several unrelated payers forwarded within hours is a mule. In the top band
the account is suspended for the Anti-Fraud Center's business days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.accounts import AccountActivity
from screener.domain.config import ConfigError, RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.identifiers import is_valid_bin
from screener.domain.rules._accounts import (
    MoneyMoved,
    money_moved,
    receiver_holder,
    sending_account,
    suspension_of,
    until_texts,
)
from screener.domain.rules._bands import ScoreBand, band_for, is_top, parse_bands
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "dropper_pass_through"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    min_inflow_minor: int
    min_forwarded_share: float
    max_forwarded_share: float
    bands: tuple[ScoreBand, ...]  # distinct payers whose money went through -> score
    spending_kinds: frozenset[str]
    ignored_receiver_kinds: frozenset[str]
    block_business_days: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    low = number(raw, "min_forwarded_share", path)
    high = number(raw, "max_forwarded_share", path)
    if not low <= high:
        raise ConfigError(f"{path}.min_forwarded_share: must not exceed max_forwarded_share")
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=0.01) * 3600,
        min_inflow_minor=round(number(raw, "min_inflow_kzt", path) * 100),
        min_forwarded_share=low,
        max_forwarded_share=high,
        bands=parse_bands(raw, "bands", path, count="payers"),
        spending_kinds=frozenset(string_list(raw, "spending_kinds", path)),
        ignored_receiver_kinds=frozenset(string_list(raw, "ignored_receiver_kinds", path)),
        block_business_days=integer(raw, "block_business_days", path, low=1, high=30),
    )


@dataclass(frozen=True, slots=True)
class _Side:
    side: str  # "sender" or "receiver"
    account: str
    money: MoneyMoved
    band: ScoreBand


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    now = transfer.occurred_at.timestamp()
    start = now - settings.window_seconds
    sides: list[_Side | None] = []
    if not is_valid_bin(transfer.customer_id):
        sender = sending_account(transfer, context)
        sides.append(_measure("sender", sender, transfer.customer_id, start, now, settings))
    if transfer.receiver_kind not in settings.ignored_receiver_kinds:
        receiver = context.receiver_account or AccountActivity(transfer.receiver_account)
        holder = receiver_holder(transfer, receiver)
        sides.append(_measure("receiver", receiver, holder, start, now, settings))
    found = [side for side in sides if side is not None]
    if not found:
        return None
    worst = max(found, key=lambda side: side.band.score)  # the first (sender) wins a tie

    suspension = None
    if is_top(settings.bands, worst.band):
        suspension = suspension_of(transfer.occurred_at, settings.block_business_days, context)
    return RuleHit(
        rule=RULE_ID,
        score=worst.band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            worst,
            settings,
            None if suspension is None else until_texts(suspension, context.calendar),
        ),
        measured={
            "side": worst.side,
            "account": worst.account,
            "window_hours": settings.window_seconds / 3600,
            "inflow_minor": worst.money.inflow_minor,
            "outflow_minor": worst.money.outflow_minor,
            "forwarded_share": round(worst.money.outflow_share, 4),
            "distinct_payers": len(worst.money.senders),
            "band_payers": worst.band.at_least,
        },
        block_account=None if suspension is None else worst.account,
        block_until=None if suspension is None else suspension.ends_at,
        suspension=suspension,
    )


def _measure(
    side: str,
    account: AccountActivity,
    holder: str | None,
    start: float,
    end: float,
    settings: Settings,
) -> _Side | None:
    money = money_moved(account, start, end, holder, spending_kinds=settings.spending_kinds)
    if money.inflow_minor < settings.min_inflow_minor or money.inflow_minor == 0:
        return None
    if not settings.min_forwarded_share <= money.outflow_share <= settings.max_forwarded_share:
        return None
    band = band_for(settings.bands, len(money.senders))
    return None if band is None else _Side(side, account.account, money, band)


def _explain(found: _Side, settings: Settings, until: tuple[str, str, str] | None) -> Message:
    money = found.money
    hours = fmt_number(settings.window_seconds / 3600)
    received, sent, payers = kzt(money.inflow_minor), kzt(money.outflow_minor), len(money.senders)
    share = f"{money.outflow_share:.0%}"
    if found.side == "sender":
        en_this, ru_this, kk_this = (
            ", this transfer included",
            ", включая этот перевод",
            ", осы аударымды қоса",
        )
    else:
        en_this = ru_this = kk_this = ""
    en = (
        f"Account {found.account} received {received} from {payers} sender(s) within {hours} h "
        f"and sent {sent} ({share}) on{en_this}: money passing straight through is a "
        "dropper's pattern."
    )
    ru = (
        f"На счёт {found.account} за {hours} ч поступило {received} (отправителей: {payers}), "
        f"и {sent} ({share}) уже переведено дальше{ru_this}: деньги идут транзитом, как "
        "через счёт дроппера."
    )
    kk = (
        f"{found.account} шотына {hours} сағатта {payers} жіберушіден {received} түсті, "
        f"оның {sent} ({share}) әрі қарай аударылды{kk_this}: ақшаның транзитпен өтуі — "
        "дроппер шотының белгісі."
    )
    if until is None:
        return Message(en=en, ru=ru, kk=kk)
    return Message(
        en=f"{en} The account is suspended as a dropper's until {until[0]}.",
        ru=f"{ru} Счёт приостановлен как счёт дроппера до {until[1]}.",
        kk=f"{kk} Шот дроппер шоты ретінде {until[2]} дейін тоқтатылды.",
    )
