"""What the dropper rules measure on an account: who paid it, what came in and what went out.

The context's account activity is what the screener saw before the transfer being screened;
`receiving_account` and `sending_account` add that transfer, so it counts in. Money moved
between one holder's own accounts is left out everywhere: it is neither an unrelated sender
nor a forward.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from screener.domain.accounts import AccountActivity, Flow, inbound_flow, outbound_flow
from screener.domain.calendar import BusinessCalendar, Suspension
from screener.domain.context import ScreeningContext
from screener.domain.events import Transfer
from screener.domain.identifiers import age_on
from screener.domain.rules._signals import CRYPTO_EXCHANGE, HOME_COUNTRY, MERCHANT_KINDS, PERSON
from screener.domain.texts import local_time


def receiving_account(transfer: Transfer, context: ScreeningContext) -> AccountActivity:
    """The receiving account's activity with this transfer's money in it."""
    seen = context.receiver_account or AccountActivity(transfer.receiver_account)
    return seen.with_flows(inbound=[inbound_flow(transfer)])


def sending_account(transfer: Transfer, context: ScreeningContext) -> AccountActivity:
    """The sending account's activity with this transfer's money out of it."""
    seen = context.sender_account or AccountActivity(transfer.sender_account)
    return seen.with_flows(outbound=[outbound_flow(transfer)])


# Holders of this age are the droppers' usual recruits (students renting out the card
# they live on): their everyday account is no proof of anything. As young_account's
# `young_holder_min_age` and `young_holder_max_age`.
DROPPER_RECRUIT_MIN_AGE = 18
DROPPER_RECRUIT_MAX_AGE = 24


def receiver_age(transfer: Transfer, context: ScreeningContext) -> int | None:
    """The receiving account's holder's age, where the screener knows the holder (a BIN
    has none)."""
    holder = receiver_holder(transfer, context.receiver_account)
    return None if holder is None else age_on(holder, transfer.occurred_at.date())


def to_dropper_recruit(transfer: Transfer, context: ScreeningContext) -> bool:
    """Is the receiving account's holder of the droppers' usual recruits' age?"""
    age = receiver_age(transfer, context)
    return age is not None and DROPPER_RECRUIT_MIN_AGE <= age <= DROPPER_RECRUIT_MAX_AGE


def to_everyday_account(transfer: Transfer, context: ScreeningContext) -> bool:
    """Does the transfer go to someone's everyday account: one the screener saw pay a shop,
    a biller or a payment service at home (within the flows it keeps, `accounts.keep_hours`)
    before this transfer, held by someone older than the droppers' usual recruits? Its
    holder lives on it; a "safe account", or a mule's account kept for money passing
    through, does not buy groceries. A landlord, a car's seller or a private seller is paid
    like this."""
    account = context.receiver_account
    if account is None:
        return False
    now = transfer.occurred_at.timestamp()
    lived_in = any(
        flow.at <= now
        and flow.receiver_kind in MERCHANT_KINDS
        and flow.receiver_country == HOME_COUNTRY
        for flow in account.outbound
    )
    if not lived_in:
        return False
    age = receiver_age(transfer, context)
    return age is not None and age > DROPPER_RECRUIT_MAX_AGE


# Share of its money in a shop's or biller's account pays out again, at most (a mule's
# forwards most of it within hours).
SHOP_MAX_OUT_SHARE = 0.3


def to_busy_merchant(transfer: Transfer, context: ScreeningContext) -> bool:
    """Does the transfer go to an account at home that at least
    `context.busy_merchant_payers_a_day` distinct people pay a day (its long-term profile:
    the decayed mean over its active days, or its latest day's count where more) and that
    keeps most of what comes in? A utility's, a shop's or a wallet service's account,
    whatever `receiver_kind` the bank sent (often none); a fraudster's "law firm" is paid
    by the few it called, and a mule's account paid by many forwards the money. Never a
    person's or an exchange's: those the dropper rules judge. Nor an account suspended or
    blocked: an account at another bank shows the screener only the money its customers
    pay in, so a mule's there can look as if it kept it until mule_evidence or an officer
    says otherwise."""
    account = context.receiver_account
    payers_a_day = context.busy_merchant_payers_a_day
    if (
        account is None
        or payers_a_day <= 0
        or account.suspended
        or account.blocked
        or transfer.receiver_kind in (PERSON, CRYPTO_EXCHANGE)
        or transfer.receiver_country != HOME_COUNTRY
    ):
        return False
    profile = account.profile
    if max(profile.senders_per_day, float(len(profile.today_senders))) < payers_a_day:
        return False
    money_in = profile.in_per_day_minor + profile.today_in_minor
    money_out = profile.out_per_day_minor + profile.today_out_minor
    return money_out <= SHOP_MAX_OUT_SHARE * money_in


def receiver_holder(transfer: Transfer, account: AccountActivity | None) -> str | None:
    """IIN/BIN of the receiving account's holder: from the transfer, else from the account
    (its opening, or who sent money from it)."""
    if transfer.receiver_customer_id:
        return transfer.receiver_customer_id
    if account is None:
        return None
    return account.holder_id or account.profile.holder_id


def sender_of(flow: Flow) -> str:
    """Who paid: the sender's IIN/BIN where known, else the account the money came from."""
    return flow.party or flow.counterparty


def _own(flow: Flow, holder: str | None) -> bool:
    return holder is not None and flow.party == holder


@dataclass(frozen=True, slots=True)
class MoneyMoved:
    """An account's money in and out in a window, and the distinct people who paid it."""

    inflow_minor: int
    outflow_minor: int
    senders: frozenset[str]

    @property
    def outflow_share(self) -> float:
        """Money out as a share of money in (0 when nothing came in)."""
        return self.outflow_minor / self.inflow_minor if self.inflow_minor else 0.0


def money_moved(
    account: AccountActivity,
    start: float,
    end: float,
    holder: str | None,
    *,
    spending_kinds: Iterable[str] = (),
) -> MoneyMoved:
    """Flows with start < at <= end, the holder's own accounts and spending left out.

    `spending_kinds` are receiver kinds (a shop, say) whose payments are spending, not a
    forward of the money.
    """
    spending = frozenset(spending_kinds)
    inbound = [flow for flow in account.inbound_between(start, end) if not _own(flow, holder)]
    outbound = [
        flow
        for flow in account.outbound_between(start, end)
        if not _own(flow, holder) and flow.receiver_kind not in spending
    ]
    return MoneyMoved(
        inflow_minor=sum(flow.amount_minor for flow in inbound),
        outflow_minor=sum(flow.amount_minor for flow in outbound),
        senders=frozenset(sender_of(flow) for flow in inbound),
    )


def suspension_of(moment: datetime, business_days: int, context: ScreeningContext) -> Suspension:
    """A dropper's account suspension, in business days on the rules file's calendar
    (weekends, Kazakhstan's public holidays and the bank's own days off are skipped).

    A Friday-evening transfer in UTC is already Saturday in Almaty; the week is counted there.
    """
    return context.calendar.suspension(moment, business_days)


def until_texts(suspension: Suspension, calendar: BusinessCalendar) -> tuple[str, str, str]:
    """The suspension's end and how it was counted, in English, Russian and Kazakh."""
    when = local_time(suspension.ends_at, calendar.zone)
    en, ru, kk = suspension.note()
    return f"{when} ({en})", f"{when} ({ru})", f"{when} ({kk})"
