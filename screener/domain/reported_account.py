"""A fraud report that names an account: the account the money went to is suspended.

A customer who reports fraud (`fraud_reported`) tells the bank where the money went: the
account of the fraudster or of a mule, which the contract's optional `account` carries.
The Anti-Fraud Center suspends such an account while it checks, and so does the screener:
for `accounts.reported_suspend_business_days` business days, payments to or from the account
are held for a fraud officer (rule `suspended_account`), never refused, since one report is
not a proof. An officer who confirms fraud on such a hold blocks the account; one who
releases it lifts the suspension.

Banks fill `account` differently (the contract says only "`account` (optional)"), so the
account is left alone when it is the reporter's own: the screener knows its holder (from
`account_opened`, or as the customer who sends from it) and that holder is the reporter.
Any other account is suspended, including one the screener knows nothing of: a victim's own
account at this bank is one the screener has seen them use or open, while a fraudster's or
a mule's is usually at another bank, or first seen when the next victim pays it. Were it
after all an unused account of the reporter's, the cost is small: its payments wait for an
officer for a few days, which a customer who has just been defrauded would want.
"""

from __future__ import annotations

from dataclasses import dataclass

from screener.domain.accounts import AccountActivity
from screener.domain.calendar import BusinessCalendar, Suspension
from screener.domain.decision import Message
from screener.domain.events import CustomerEvent
from screener.domain.rules._accounts import until_texts

RULE_ID = "fraud_report"


@dataclass(frozen=True, slots=True)
class ReportedAccount:
    suspension: Suspension
    message: Message


def reported_account(
    event: CustomerEvent,
    account: AccountActivity,
    business_days: int,
    calendar: BusinessCalendar,
) -> ReportedAccount | None:
    """The suspension a fraud report asks for, or None (no account named, the reporter's
    own, or suspensions by report switched off). An account already suspended
    or blocked keeps that: the service suspends only those that are not."""
    if event.type != "fraud_reported" or not event.account or business_days <= 0:
        return None
    if not _someone_elses(event, account):
        return None
    suspension = calendar.suspension(event.occurred_at, business_days)
    en, ru, kk = until_texts(suspension, calendar)
    return ReportedAccount(
        suspension=suspension,
        message=Message(
            en=f"A customer reported fraud naming account {event.account} as where the money "
            f"went; it is suspended until {en}: payments to or from it wait for a fraud "
            "officer.",
            ru=f"Клиент сообщил о мошенничестве и указал счёт {event.account}, куда ушли "
            f"деньги; счёт приостановлен до {ru}: платежи на него и с него ждут решения "
            "специалиста по мошенничеству.",
            kk=f"Клиент алаяқтық туралы хабарлап, ақша кеткен {event.account} шотын атады; "
            f"шот {kk} дейін тоқтатылды: оған және одан төлемдер алаяқтыққа қарсы маманның "
            "шешімін күтеді.",
        ),
    )


def _someone_elses(event: CustomerEvent, account: AccountActivity) -> bool:
    holders = {account.holder_id, account.profile.holder_id} - {None}
    return event.customer_id not in holders
