"""blocklisted_sender: is the sending account on the block list?

A mule's account found by the dropper rules, or blocked after an officer confirmed fraud,
often still holds victims' money. Its own outgoing payments are what carries that money
abroad or to crypto, so they are stopped the same way payments to it are: the law expects
banks to suspend droppers' online banking, not only to warn those who pay them.
"""

from __future__ import annotations

from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules.blocklisted_receiver import (
    Settings,
    blocked_account_hit,
    parse_settings,
)

RULE_ID = "blocklisted_sender"

__all__ = ["RULE_ID", "Settings", "evaluate", "parse_settings"]


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    account = context.sender_account
    if account is None or not account.blocked:
        return None
    side = Message(en="Sending account", ru="Счёт отправителя", kk="Жіберушінің шоты")
    return blocked_account_hit(RULE_ID, account.account, side, settings)
