"""borrower_age: is the borrower under 21, or 55 or older, so must confirm consent again?

The law asks borrowers under 21 and aged 55 and over to confirm their consent to a loan
again: the young and the elderly are the ones most often talked into loans by fraudsters.
The loan is held until the borrower has reconfirmed it (`loan_reconfirmed`); for a lender
that does not publish reconfirmations (`loan_release.mode: timer_only`) an officer releases
it once the borrower has reconfirmed. Treated as regulatory: the law's requirement is never
capped.

The age is the borrower's on the day the contract was signed (local calendar), from the
IIN; a company's BIN has no age. It covers unsecured consumer credit taken remotely; in a
branch the borrower gives consent in person, in front of an employee.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import ConfigError, RuleMode, integer, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.identifiers import age_on

RULE_ID = "borrower_age"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int
    under_age: int  # younger than this: reconfirm
    from_age: int  # this age or older: reconfirm
    covered_products: frozenset[str]
    channels: frozenset[str]


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    settings = Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        under_age=integer(raw, "under_age", path, low=0, high=150),
        from_age=integer(raw, "from_age", path, low=0, high=150),
        covered_products=frozenset(string_list(raw, "covered_products", path)),
        channels=frozenset(string_list(raw, "channels", path)),
    )
    if settings.under_age > settings.from_age:
        raise ConfigError(f"{path}.under_age: must not exceed from_age")
    return settings


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if loan.channel not in settings.channels or loan.secured:
        return None
    if loan.product not in settings.covered_products:
        return None
    signed_on = loan.contract_signed_at.astimezone(context.mrp.zone).date()
    age = age_on(loan.customer_id, signed_on)
    if age is None or settings.under_age <= age < settings.from_age:
        return None
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        min_verdict=Verdict.HOLD,
        hold_until=None,  # no waiting period: the reconfirmation alone ends it
        until_reconfirmed=True,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(age, settings),
        measured={
            "borrower_age": age,
            "under_age": settings.under_age,
            "from_age": settings.from_age,
            "signed_on": signed_on.isoformat(),
        },
    )


def _explain(age: int, settings: Settings) -> Message:
    under, older = settings.under_age, settings.from_age
    return Message(
        en=f"The borrower is {age} (from the IIN). Borrowers under {under} or aged {older} and "
        "over must confirm their consent to the loan again: pay out only after they have "
        "reconfirmed it.",
        ru=f"Возраст заёмщика по ИИН: {age}. Заёмщики моложе {under} {_ru_years(under)} и "
        f"от {older} {_ru_years(older)} должны повторно подтвердить согласие на заём: выдача "
        "только после повторного подтверждения.",
        kk=f"Қарыз алушының ЖСН бойынша жасы: {age}. {under} жасқа толмаған және {older} "
        "және одан жоғары жастағы қарыз алушылар қарызға келісімін қайта растауы тиіс: ақша "
        "қайта расталғаннан кейін ғана беріледі.",
    )


def _ru_years(n: int) -> str:
    """`года` or `лет` after "моложе N" / "от N": 21 года, 55 лет."""
    return "года" if n % 10 == 1 and n % 100 != 11 else "лет"
