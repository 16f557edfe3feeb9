"""suspended_account: does this payment touch a suspended account?

`mule_evidence` suspends an account when its signals together say "money mule"; a fraud
report that names an account as where the money went suspends it too
(domain/reported_account.py). The suspension is the screener's own judgement, not a
proof: later payments to or from the account are held for a fraud officer, never refused.
A report may name the reporter's own account (banks fill the field differently): once the
reporter is seen sending from it or being paid into it, its payments are not held for that
suspension.
An officer who confirms fraud puts the account on the block list (then
`blocklisted_receiver` refuses); one who releases such a hold lifts the suspension (the
review API does, and audits it).
The suspended account's own shopping is not held: a payment from it to a firm at home, or
to an account many people pay a day that keeps the money (a shop whose kind the bank did not
send, `_accounts.to_busy_merchant`), up to `shop_payments_up_to_kzt` (groceries, a taxi, a
pharmacy). Its holder may be a dropper or a victim of a mistaken judgement, and lives on
the account either way; victims' money leaves to people, wallets, exchanges and accounts
abroad, which stay held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.accounts import AccountActivity
from screener.domain.config import RuleMode, integer, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules._accounts import to_busy_merchant
from screener.domain.rules._signals import BUSINESS, HOME_COUNTRY, optional_kzt_setting

RULE_ID = "suspended_account"

__all__ = ["RULE_ID", "Settings", "evaluate", "parse_settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int
    # A payment from the suspended account to a firm at home, or to a busy merchant's
    # account (`_accounts.to_busy_merchant`), up to this passes (0: held).
    shop_payments_up_to_minor: int = 0


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        shop_payments_up_to_minor=optional_kzt_setting(raw, "shop_payments_up_to_kzt", path, 0),
    )


def _shopping(transfer: Transfer, context: ScreeningContext, settings: Settings) -> bool:
    """The account's holder paying a shop, a biller or a taxi at home, a modest sum."""
    if transfer.amount_minor > settings.shop_payments_up_to_minor:
        return False
    firm_at_home = transfer.receiver_kind == BUSINESS and transfer.receiver_country == HOME_COUNTRY
    return firm_at_home or to_busy_merchant(transfer, context)


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    # Each side with the customer who holds that account in this transfer, where known.
    sides = (
        (
            context.receiver_account,
            transfer.receiver_customer_id,
            ("Receiving account", "Счёт получателя", "Алушының шоты"),
        ),
        (
            context.sender_account,
            transfer.customer_id,
            ("Sending account", "Счёт отправителя", "Жіберушінің шоты"),
        ),
    )
    for account, holder, (en, ru, kk) in sides:
        if account is None or not account.suspended or account.blocked:
            continue  # a blocked account is the block-list rules' case
        if _reporters_own(account, holder):
            continue
        # The holder's own spending from the account; money into it always waits.
        if account is context.sender_account and _shopping(transfer, context, settings):
            continue
        return RuleHit(
            rule=RULE_ID,
            score=settings.score,
            min_verdict=Verdict.HOLD,
            shadow=settings.mode is RuleMode.SHADOW,
            message=Message(
                en=f"{en} {account.account} is suspended (mule evidence, or a fraud report "
                "naming it). The payment waits for a fraud officer.",
                ru=f"{ru} {account.account} приостановлен (признаки дроппера или заявление о "
                "мошенничестве с этим счётом). Платёж ждёт решения специалиста по "
                "мошенничеству.",
                kk=f"{kk} ({account.account}) тоқтатылды (дроппер белгілері немесе осы шот "
                "аталған алаяқтық туралы өтініш). Төлем алаяқтыққа қарсы маманның шешімін "
                "күтеді.",
            ),
            measured={"account": account.account, "suspended": True},
        )
    return None


def _reporters_own(account: AccountActivity, holder_now: str | None) -> bool:
    """Did the fraud report that suspended the account name the reporter's own? The reporter
    holds it in this transfer (sends from it, or is paid into it), or has been seen holding
    it since. A reporter who pays the reported account again is not its holder: held."""
    reporter = account.reported_by
    return reporter is not None and reporter in (
        holder_now,
        account.holder_id,
        account.profile.holder_id,
    )
