"""young_account: is the receiving account new, or its holder 18-24 years old?

Droppers' accounts are often opened for the purpose shortly before use, and those who rent
out their accounts and cards are mostly young people. Both are common among honest
customers too, so the signal is weak alone (it never holds a payment by itself) and serves
to strengthen the other dropper signals: scored on its own, the two parts combine the way
the policy combines rules.

The opening date is known when this bank saw the account opened. The holder's age comes
from the IIN the transfer names for the receiver, else the account's known holder; a BIN
has no age. Businesses, payment services and exchanges are not someone's young account.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import ConfigError, RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, combine_scores
from screener.domain.events import Transfer
from screener.domain.identifiers import age_on
from screener.domain.rules._accounts import receiver_holder
from screener.domain.texts import number as fmt_number

RULE_ID = "young_account"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    new_account_days: float
    new_account_score: int
    young_holder_min_age: int
    young_holder_max_age: int
    young_holder_score: int
    ignored_receiver_kinds: frozenset[str]


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    settings = Settings(
        mode=rule_mode(raw, path),
        new_account_days=number(raw, "new_account_days", path),
        new_account_score=integer(raw, "new_account_score", path, low=0, high=100),
        young_holder_min_age=integer(raw, "young_holder_min_age", path, low=0, high=150),
        young_holder_max_age=integer(raw, "young_holder_max_age", path, low=0, high=150),
        young_holder_score=integer(raw, "young_holder_score", path, low=0, high=100),
        ignored_receiver_kinds=frozenset(string_list(raw, "ignored_receiver_kinds", path)),
    )
    if settings.young_holder_min_age > settings.young_holder_max_age:
        raise ConfigError(f"{path}.young_holder_min_age: must not exceed young_holder_max_age")
    return settings


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if transfer.receiver_kind in settings.ignored_receiver_kinds:
        return None
    account = context.receiver_account
    account_days = _days_open(transfer, context)
    holder = receiver_holder(transfer, account)
    local_day = transfer.occurred_at.astimezone(context.mrp.zone).date()
    age = age_on(holder, local_day) if holder else None

    new_account = account_days is not None and account_days < settings.new_account_days
    young_holder = (
        age is not None and settings.young_holder_min_age <= age <= settings.young_holder_max_age
    )
    if not (new_account or young_holder):
        return None
    scores = [settings.new_account_score] if new_account else []
    if young_holder:
        scores.append(settings.young_holder_score)
    return RuleHit(
        rule=RULE_ID,
        score=combine_scores(scores),
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            transfer.receiver_account,
            account_days if new_account else None,
            age if young_holder else None,
        ),
        measured={
            "account": transfer.receiver_account,
            "account_age_days": None if account_days is None else round(account_days, 2),
            "new_account": new_account,
            "holder_age": age,
            "young_holder": young_holder,
        },
    )


def _days_open(transfer: Transfer, context: ScreeningContext) -> float | None:
    """Days since the receiving account was opened, when this bank saw it opened."""
    account = context.receiver_account
    return None if account is None else account.days_open(transfer.occurred_at.timestamp())


def _explain(account: str, days: float | None, age: int | None) -> Message:
    en: list[str] = []
    ru: list[str] = []
    kk: list[str] = []
    if days is not None:
        opened = fmt_number(round(days, 1))
        en.append(f"opened {opened} day(s) ago")
        ru.append(f"открыт {opened} дн. назад")
        kk.append(f"{opened} күн бұрын ашылған")
    if age is not None:
        en.append(f"holder aged {age}")
        ru.append(f"возраст владельца: {age}")
        kk.append(f"иесі {age} жаста")
    return Message(
        en=f"Receiving account {account}: {'; '.join(en)}. Droppers often use new accounts "
        "of young people.",
        ru=f"Счёт получателя {account}: {'; '.join(ru)}. Дропперы часто используют новые "
        "счета молодых людей.",
        kk=f"Алушының {account} шоты: {'; '.join(kk)}. Дропперлер көбіне жастардың жаңа "
        "шоттарын пайдаланады.",
    )
