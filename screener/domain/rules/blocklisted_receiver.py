"""blocklisted_receiver: is the receiving account on the block list?

Accounts land on the screener's block list when a dropper rule found them to be a mule's,
when an officer confirmed fraud, or when a supervisor put them there (for instance from the
Anti-Fraud Center's lists). Money sent to such an account is as good as lost, so by default
the payment is refused outright; a bank that prefers an officer's call can choose `hold`.
It is the bank's own list, not a legal requirement, so the rule is not regulatory and the
hold-rate safety cap may silence it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, choice, integer, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import Transfer

RULE_ID = "blocklisted_receiver"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    verdict: Verdict
    score: int


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        verdict=choice(raw, "verdict", path, {"block": Verdict.BLOCK, "hold": Verdict.HOLD}),
        score=integer(raw, "score", path, low=0, high=100),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    account = context.receiver_account
    if account is None or not account.blocked:
        return None
    side = Message(en="Receiving account", ru="Счёт получателя", kk="Алушының шоты")
    return blocked_account_hit(RULE_ID, account.account, side, settings)


def blocked_account_hit(rule: str, account: str, side: Message, settings: Settings) -> RuleHit:
    """The hit for a payment touching a blocked account; `side` names which account it is."""
    if settings.verdict is Verdict.BLOCK:
        action = Message(
            en="The payment is refused.", ru="Платёж отклонён.", kk="Төлем қабылданбады."
        )
    else:
        action = Message(
            en="The payment waits for a fraud officer.",
            ru="Платёж ждёт решения специалиста по мошенничеству.",
            kk="Төлем алаяқтыққа қарсы маманның шешімін күтеді.",
        )
    return RuleHit(
        rule=rule,
        score=settings.score,
        min_verdict=settings.verdict,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{side.en} {account} is on the block list. {action.en}",
            ru=f"{side.ru} {account} в списке блокировки. {action.ru}",
            kk=f"{side.kk} ({account}) бұғаттау тізімінде. {action.kk}",
        ),
        measured={"account": account, "blocked": True, "verdict": settings.verdict.label},
    )
