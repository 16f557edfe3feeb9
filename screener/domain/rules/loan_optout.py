"""loan_optout: has the borrower registered a voluntary refusal of loans (Stop-credit)?

A person can register on eGov that they refuse loans; while the refusal stands, lenders must
refuse to lend, and a loan issued in breach is written off. It protects exactly the victims
of the "1414" scheme, whose loans are taken in their name, so the loan is refused outright
(verdict block). This is the law, so the rule is regulatory and never capped.
"""

from __future__ import annotations

from datetime import datetime

from screener.domain.config import RuleMode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.rules._score_only import Settings, parse_settings
from screener.domain.texts import kzt, local_time

RULE_ID = "loan_optout"

__all__ = ["RULE_ID", "Settings", "evaluate", "parse_settings"]


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    history = context.history
    if not history.loan_optout_active or history.optout_set_at is None:
        return None
    registered = datetime.fromtimestamp(history.optout_set_at, context.mrp.zone)
    since, amount = local_time(registered, context.mrp.zone), kzt(loan.amount_minor)
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        min_verdict=Verdict.BLOCK,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"The borrower registered a voluntary refusal of loans (Stop-credit) on {since}. "
            f"While it stands the loan of {amount} must be refused; a loan issued in breach "
            "is written off.",
            ru=f"Заёмщик зарегистрировал добровольный отказ от займов («Стоп-кредит») {since}. "
            f"Пока отказ действует, в займе на {amount} нужно отказать; заём, выданный вопреки "
            "отказу, списывается.",
            kk=f"Қарыз алушы {since} қарыз алудан өз еркімен бас тартуды («Стоп-кредит») "
            f"тіркеген. Ол күшінде тұрғанда {amount} қарыз берілмеуі тиіс; бас тартуға қарамай "
            "берілген қарыз есептен шығарылады.",
        ),
        measured={
            "loan_optout_active": True,
            "optout_set_at": registered.isoformat(),
            "amount_minor": loan.amount_minor,
        },
    )
