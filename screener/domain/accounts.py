"""What the screener has seen of one account: money in and money out, in a recent window.

Dropper (money-mule) rules look at the receiving account of a transfer: how many unrelated
senders paid it lately, whether money that came in left again. Accounts are shared between
customers and so between partitions, so the adapter keeps flows in structures that two
workers can add to at once without losing an update (Redis sorted sets, one member per
event); this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import orjson

from screener.domain.events import Transfer
from screener.domain.profile import AccountProfile


class Flow(NamedTuple):
    """One transfer into or out of an account.

    `party` is the customer on the other side where known: for money in, the sender's
    IIN/BIN; for money out, the receiver's. `counterparty` is the other account.
    A named tuple, not a dataclass: a busy account has hundreds of flows, read for every
    payment to it, and tuples are several times cheaper to build.
    """

    event_id: str
    at: float
    amount_minor: int
    counterparty: str
    party: str | None = None
    receiver_kind: str = "unknown"
    receiver_country: str = "KZ"
    # What was known when the transfer was screened (bits below): for money in, of the
    # sender, so a mule's account can tell victims' money from a trader's buyers; for money
    # out, whether it went to a new beneficiary.
    signals: int = 0

    def encode(self) -> bytes:
        """As stored: a JSON array in field order (one sorted-set member per transfer)."""
        return orjson.dumps(tuple(self))  # orjson writes plain tuples, not NamedTuples

    @classmethod
    def decode(cls, raw: bytes | str) -> Flow:
        """Read a stored flow; ValueError when it is not one (another version's format)."""
        fields = orjson.loads(raw)
        if not isinstance(fields, list) or not 4 <= len(fields) <= 8:
            raise ValueError("not a stored flow")
        return cls(*fields)


# Signals of a flow (bits). Money in: the payment itself was held or refused; the sender
# signed a cash loan shortly before; the sender got a 1414/eGov code or logged in from a
# new device shortly before (each is what a victim of DOMAIN §2 looks like). Money out: to
# a beneficiary the sender had not paid before.
SENDER_HELD = 1
SENDER_BORROWED = 2
SENDER_TAKEOVER_SIGN = 4
TO_NEW_BENEFICIARY = 8
VICTIM_SIGNALS = SENDER_HELD | SENDER_BORROWED | SENDER_TAKEOVER_SIGN


def inbound_flow(transfer: Transfer, sender_signals: int = 0) -> Flow:
    """The transfer as the receiving account sees it."""
    return Flow(
        event_id=transfer.event_id,
        at=transfer.occurred_at.timestamp(),
        amount_minor=transfer.amount_minor,
        counterparty=transfer.sender_account,
        party=transfer.customer_id,
        signals=sender_signals,
    )


def outbound_flow(transfer: Transfer) -> Flow:
    """The transfer as the sending account sees it."""
    return Flow(
        event_id=transfer.event_id,
        at=transfer.occurred_at.timestamp(),
        amount_minor=transfer.amount_minor,
        counterparty=transfer.receiver_account,
        party=transfer.receiver_customer_id,
        receiver_kind=transfer.receiver_kind,
        receiver_country=transfer.receiver_country,
        signals=TO_NEW_BENEFICIARY if transfer.new_beneficiary else 0,
    )


EMPTY_PROFILE = AccountProfile()  # immutable, so one shared default is safe


@dataclass(frozen=True, slots=True)
class AccountActivity:
    """An account's recent flows (oldest first) and what else is known of it."""

    account: str
    inbound: tuple[Flow, ...] = ()
    outbound: tuple[Flow, ...] = ()
    opened_at: float | None = None  # from an `account_opened` event, when this bank saw one
    holder_id: str | None = None  # IIN/BIN of the holder, where known
    blocked: bool = False  # on the screener's block list now
    # Under a heuristic suspension (a rule found mule evidence): payments wait for an officer.
    suspended: bool = False
    profile: AccountProfile = EMPTY_PROFILE
    # The customer whose fraud report suspended the account: where the screener never saw
    # its holder, the account may turn out to be the reporter's own (suspended_account).
    reported_by: str | None = None

    def days_open(self, now: float) -> float | None:
        """Days since this bank saw the account opened (None: it never saw the opening). An
        opening reported a little after `now` (clocks, ordering) is brand new: 0."""
        if self.opened_at is None:
            return None
        return max(0.0, (now - self.opened_at) / 86400)

    def inbound_between(self, start: float, end: float) -> list[Flow]:
        return [flow for flow in self.inbound if start < flow.at <= end]

    def outbound_between(self, start: float, end: float) -> list[Flow]:
        return [flow for flow in self.outbound if start < flow.at <= end]

    def with_flows(
        self,
        inbound: Iterable[Flow] = (),
        outbound: Iterable[Flow] = (),
        profile: AccountProfile | None = None,
    ) -> AccountActivity:
        """This activity with more flows (a flow already present, same event, is kept once)
        and, when given, a new profile. One constructor call: the worker updates an account
        for every transfer that touches it, and `dataclasses.replace` costs several times
        more."""
        return AccountActivity(
            self.account,
            _merged(self.inbound, inbound),
            _merged(self.outbound, outbound),
            self.opened_at,
            self.holder_id,
            self.blocked,
            self.suspended,
            self.profile if profile is None else profile,
            self.reported_by,
        )


def _merged(existing: tuple[Flow, ...], added: Iterable[Flow]) -> tuple[Flow, ...]:
    added = tuple(added)
    if not added:
        return existing
    seen = {flow.event_id for flow in existing}
    new = [flow for flow in added if flow.event_id not in seen]
    if not new:
        return existing
    if len(new) == 1 and (not existing or existing[-1].at <= new[0].at):
        return (*existing, new[0])  # the usual case: a flow later than every other
    return tuple(sorted((*existing, *new), key=lambda flow: flow.at))
