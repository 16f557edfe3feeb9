"""repeat_victim: is a customer who was defrauded before doing what fraudsters ask for?

Fraudsters come back to their victims: with "we will get your money back" calls, or with the
same scheme years later (one man lost 200 million KZT in 2022 and 90 million more in 2025).
A past victim is a customer who reported fraud (`fraud_reported`, kept beyond the history
window) or whom a fraud officer confirmed as a victim. Such a customer is judged more
strictly in two ways, because each catches what the other misses:

(a) This rule scores a past victim's risky action on its own: a transfer to a new
    beneficiary above a modest amount (not a new shop or biller at home, see `_signals`; for
    a recent victim a new firm at home counts too, the "recovery agency"), or an online loan
    above it. Alone it stays below the hold score (past victims pay new plumbers
    too), but it adds to any other rule's signal. A recent victim's such action holds
    alone from a lower limit; a transfer to a person's account at a bank at home (a KZ
    IBAN) from a higher one than a card's, a wallet's or an account's abroad, where the
    "recovery fee" is asked to go, unless its holder is young or a 1414/eGov code was
    just sent (`PersonAccountLimit`).
(b) `is_repeat_victim` and `tightening`, used by velocity, safe_account and risky_session:
    those rules multiply their limits by their own `repeat_victim_factor` for a past victim,
    so a weaker form of their pattern fires. The factor sits in each rule's section because
    how much stricter a limit may get depends on what it measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode, section, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import ScreenedEvent, Transfer
from screener.domain.identifiers import is_valid_kz_iban
from screener.domain.rules._accounts import to_busy_merchant, to_dropper_recruit
from screener.domain.rules._signals import (
    BUSINESS,
    HOME_COUNTRY,
    PERSON,
    UNKNOWN_KIND,
    is_person,
    kzt_setting,
    payments_of,
)
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "repeat_victim"


def is_repeat_victim(context: ScreeningContext) -> bool:
    """Did this customer report fraud before, or did an officer confirm fraud against them?"""
    return context.confirmed_victim or context.history.fraud_reports > 0


def tightening(context: ScreeningContext, factor: float) -> float:
    """What a rule multiplies its limits by: `factor` for a past victim, else 1."""
    return factor if is_repeat_victim(context) else 1.0


def stricter_note(factor: float) -> Message:
    """The sentence a tightened rule adds to its explanation."""
    times = fmt_number(factor)
    return Message(
        en=f"Limits ×{times}: the customer was a fraud victim before.",
        ru=f"Лимиты ×{times}: клиент уже был жертвой мошенников.",
        kk=f"Шектеулер ×{times}: клиент бұрын алаяқтардың құрбаны болған.",
    )


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int
    above_minor: int  # transfers to new beneficiaries and online loans above this count
    # Within recent_days of the last fraud report (or for a confirmed victim) the second
    # approach ("we will get your money back") is most likely: a lower limit and a score
    # that holds on its own.
    recent_seconds: float
    recent_above_minor: int
    recent_score: int
    # None in a rules file written before it: the recent limit applies to every payee.
    person_account: PersonAccountLimit | None = None


@dataclass(frozen=True, slots=True)
class PersonAccountLimit:
    """A recent victim's transfer to a person's account at a bank at home (a KZ IBAN)
    counts only above `above_minor`: the "recovery fee" goes to a card, a wallet or abroad,
    while a victim's everyday life goes on paying people's accounts (a plumber, a relative).
    Not when the holder is of the droppers' recruits' age (18-24, `_accounts`) or a code
    from `code_sources` came within `code_seconds` (someone is at the victim's ear)."""

    above_minor: int
    code_sources: frozenset[str]
    code_seconds: float


def _person_account_limit(raw: Mapping[str, Any], path: str) -> PersonAccountLimit:
    return PersonAccountLimit(
        above_minor=kzt_setting(raw, "above_kzt", path),
        code_sources=frozenset(string_list(raw, "code_sources", path)),
        code_seconds=number(raw, "code_hours", path, minimum=0) * 3600,
    )


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        above_minor=kzt_setting(raw, "above_kzt", path),
        recent_seconds=number(raw, "recent_days", path) * 86400,
        recent_above_minor=kzt_setting(raw, "recent_above_kzt", path),
        recent_score=integer(raw, "recent_score", path, low=0, high=100),
        person_account=(
            _person_account_limit(
                section(raw, "recent_person_account", path), f"{path}.recent_person_account"
            )
            if "recent_person_account" in raw
            else None
        ),
    )


def _recent(event: ScreenedEvent, context: ScreeningContext, settings: Settings) -> bool:
    """Is the customer's victimhood recent: a report within `recent_days`, or confirmed?"""
    last = context.history.last_fraud_report_at
    now = event.occurred_at.timestamp()
    return context.confirmed_victim or (last is not None and now - last <= settings.recent_seconds)


def _judged_payee(transfer: Transfer, context: ScreeningContext, recent: bool) -> bool:
    """A stranger; for a recent victim any new beneficiary, a firm at home too: the "we will
    get your money back" approach asks for fees to a "law firm" or a "recovery agency".
    A business at home counts only when the bank flags it a new beneficiary: one merely not
    paid within the screener's week is the customer's usual shop as often as not. (A
    payment service is a wallet, a person's as often as a shop's: judged as before.) An
    account at home that many people pay every day and that keeps the money is a biller's
    or a shop's, whatever kind the bank sent: a victim's everyday life goes on
    (`_accounts.to_busy_merchant`)."""
    current = payments_of(transfer, context.history).current
    if not recent:
        return current.to_stranger
    if not current.to_new_beneficiary or current.to_self:
        return False
    if to_busy_merchant(transfer, context):
        return False
    if current.receiver_kind == BUSINESS and not current.abroad:
        return transfer.new_beneficiary is True
    return True


def _to_person_account_at_home(transfer: Transfer) -> bool:
    """To a KZ IBAN of a person (or of a holder the bank did not name a kind for) at home:
    an account at a Kazakh bank, not a card, a wallet or an account abroad."""
    return (
        is_valid_kz_iban(transfer.receiver_account)
        and transfer.receiver_country == HOME_COUNTRY
        and transfer.receiver_kind in (PERSON, UNKNOWN_KIND)
    )


_CODES = frozenset({"sms_code_sent"})


def _warned(transfer: Transfer, context: ScreeningContext, limit: PersonAccountLimit) -> bool:
    """A young holder, or a code just sent: the everyday allowance does not apply."""
    if to_dropper_recruit(transfer, context):
        return True
    now = transfer.occurred_at.timestamp()
    codes = context.history.since(now - limit.code_seconds, now, _CODES)
    return any(entry.attrs.get("source") in limit.code_sources for entry in codes)


def _limit(
    event: ScreenedEvent, context: ScreeningContext, recent: bool, settings: Settings
) -> int:
    if not recent:
        return settings.above_minor
    person_account = settings.person_account
    if (
        person_account is not None
        and isinstance(event, Transfer)
        and _to_person_account_at_home(event)
        and not _warned(event, context, person_account)
    ):
        return person_account.above_minor
    return settings.recent_above_minor


def evaluate(event: ScreenedEvent, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(event.customer_id) or not is_repeat_victim(context):
        return None
    recent = _recent(event, context, settings)
    limit = _limit(event, context, recent, settings)
    if event.amount_minor <= limit:
        return None
    if isinstance(event, Transfer):
        if not _judged_payee(event, context, recent):
            return None
        action = "transfer_to_new_beneficiary"
    elif event.channel == "online":
        action = "online_loan"
    else:
        return None
    history = context.history
    return RuleHit(
        rule=RULE_ID,
        score=settings.recent_score if recent else settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(action, event.amount_minor, limit, context),
        measured={
            "action": action,
            "amount_minor": event.amount_minor,
            "above_minor": limit,
            "recent_victim": recent,
            "fraud_reports": history.fraud_reports,
            "last_fraud_report_at": history.last_fraud_report_at,
            "confirmed_victim": context.confirmed_victim,
        },
    )


def _explain(
    action: str, amount_minor: int, above_minor: int, context: ScreeningContext
) -> Message:
    amount, limit = kzt(amount_minor), kzt(above_minor)
    reports = context.history.fraud_reports
    why_en, why_ru, why_kk = [], [], []
    if reports:
        why_en.append(f"{reports} fraud report(s)")
        why_ru.append(f"заявлений о мошенничестве: {reports}")
        why_kk.append(f"алаяқтық туралы арыздар: {reports}")
    if context.confirmed_victim:
        why_en.append("fraud confirmed by an officer")
        why_ru.append("мошенничество подтверждено сотрудником")
        why_kk.append("алаяқтықты қызметкер растаған")
    if action == "online_loan":
        did_en = f"an online loan of {amount}"
        did_ru = f"онлайн-заём на {amount}"
        did_kk = f"{amount} онлайн қарыз"
    else:
        did_en = f"a transfer of {amount} to a new beneficiary"
        did_ru = f"перевод {amount} новому получателю"
        did_kk = f"жаңа алушыға {amount} аударым"
    return Message(
        en=f"The customer was a fraud victim before ({'; '.join(why_en)}) and now makes "
        f"{did_en}, above {limit}. Fraudsters return to their victims: checked more strictly.",
        ru=f"Клиент уже был жертвой мошенников ({'; '.join(why_ru)}), теперь — {did_ru}, "
        f"больше {limit}. Мошенники возвращаются к своим жертвам: проверка строже.",
        kk=f"Клиент бұрын алаяқтардың құрбаны болған ({'; '.join(why_kk)}), енді — {did_kk}, "
        f"{limit} асады. Алаяқтар құрбандарына қайта оралады: тексеру қатаңырақ.",
    )
