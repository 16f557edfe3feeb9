"""unrated_currency: is the amount in a currency the rules file has no KZT rate for?

Every threshold is in KZT or MRP, and an amount in another currency is judged at its KZT
equivalent (domain/currency.py, `currencies.kzt_per_unit`). Without a rate the amount
cannot be judged: a thousand in an unknown currency may be a coffee or a flat. The other
rules took it at face value, as if it were KZT; this rule holds the payment or loan for
an officer, who sees the amount as sent. A bank that starts paying in a new currency adds
its rate to the rules file.
"""

from __future__ import annotations

from screener.domain.config import RuleMode
from screener.domain.context import ScreeningContext
from screener.domain.currency import is_unrated
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import LoanApproval, Transfer
from screener.domain.rules._score_only import Settings, parse_settings

RULE_ID = "unrated_currency"

__all__ = ["RULE_ID", "Settings", "evaluate", "parse_settings"]


def evaluate(
    event: Transfer | LoanApproval, context: ScreeningContext, settings: Settings
) -> RuleHit | None:
    if not is_unrated(event):
        return None
    currency = event.currency
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        min_verdict=Verdict.HOLD,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"The amount is in {currency}, for which the rules file has no KZT rate: the "
            "amount limits took it as if it were tenge and cannot judge it. An officer "
            "should judge the amount as sent.",
            ru=f"Сумма в валюте {currency}, для которой в файле правил нет курса к тенге: "
            "лимиты по сумме приняли её за тенге и не могут её оценить. Сумму в валюте "
            "платежа должен оценить сотрудник.",
            kk=f"Сома {currency} валютасында, ал ережелер файлында оның теңгеге бағамы жоқ: "
            "сома шектері оны теңге деп қабылдады және бағалай алмайды. Төлем валютасындағы "
            "соманы қызметкер бағалауы тиіс.",
        ),
        measured={"currency": currency, "amount_as_sent_minor": event.amount_as_sent},
    )
