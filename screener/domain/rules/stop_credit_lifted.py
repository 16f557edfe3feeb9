"""stop_credit_lifted: is an online loan signed minutes after the borrower's Stop-credit was lifted?

A Stop-credit refusal protects exactly the victims of the "1414" scheme (loan_optout refuses
every loan while it stands). Fraudsters who got the victim's eGov access lift it and borrow
in the victim's name at once, before the victim notices. Someone who lifts their own refusal
to borrow does it ahead of the loan: in the morning for a branch loan that afternoon, the day
before a car loan. An online loan signed within `window_minutes` after the lifting holds for
an officer on its own. A loan signed in a branch is not judged: the borrower is there in
person. Not regulatory: the lifting was legal; this is the fraud picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import LoanApproval
from screener.domain.texts import kzt, local_time

RULE_ID = "stop_credit_lifted"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    channels: frozenset[str]
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_minutes", path, minimum=1) * 60,
        channels=frozenset(string_list(raw, "channels", path)),
        score=integer(raw, "score", path, low=0, high=100),
    )


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    history = context.history
    lifted_at = history.optout_lifted_at
    if lifted_at is None or history.loan_optout_active or loan.channel not in settings.channels:
        return None
    signed_at = loan.contract_signed_at.timestamp()
    if not lifted_at <= signed_at <= lifted_at + settings.window_seconds:
        return None
    minutes = max(1, round((signed_at - lifted_at) / 60))
    zone = context.mrp.zone
    lifted_moment = datetime.fromtimestamp(lifted_at, zone)
    lifted = local_time(lifted_moment, zone)
    amount = kzt(loan.amount_minor)
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"The borrower's Stop-credit refusal was lifted at {lifted}, and this online loan "
            f"of {amount} was signed {minutes} min later. Fraudsters with the victim's eGov "
            "access lift the refusal and borrow at once; people who lift their own do it "
            "ahead of the loan.",
            ru=f"Отказ заёмщика от займов («Стоп-кредит») снят в {lifted}, а этот онлайн-заём "
            f"на {amount} подписан через {minutes} мин. Мошенники с доступом к eGov жертвы "
            "снимают отказ и сразу берут заём; кто снимает свой отказ сам, делает это заранее.",
            kk=f"Қарыз алушының қарыздан бас тартуы («Стоп-кредит») {lifted} алынып тасталды, "
            f"ал {amount} осы онлайн қарызға {minutes} минуттан кейін қол қойылды. Құрбанның "
            "eGov-қа кіру мүмкіндігін алған алаяқтар бас тартуды алып тастап, бірден қарыз "
            "алады; өз бас тартуын алып тастаған адам мұны алдын ала жасайды.",
        ),
        measured={
            "optout_lifted_at": lifted_moment.isoformat(),
            "minutes_after_lifting": minutes,
            "window_minutes": settings.window_seconds / 60,
            "amount_minor": loan.amount_minor,
        },
    )
