"""What the screener has seen of one account: money in and money out, in a recent window.

Dropper (money-mule) rules look at the receiving account of a transfer: how many unrelated
senders paid it lately, whether money that came in left again. Accounts are shared between
customers and so between partitions, so the adapter keeps flows in structures that two
workers can add to at once without losing an update (Redis sorted sets, one member per
event); this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.events import Transfer


@dataclass(frozen=True, slots=True)
class Flow:
    """One transfer into or out of an account.

    `party` is the customer on the other side where known: for money in, the sender's
    IIN/BIN; for money out, the receiver's. `counterparty` is the other account.
    """

    event_id: str
    at: float
    amount_minor: int
    counterparty: str
    party: str | None = None
    receiver_kind: str = "unknown"
    receiver_country: str = "KZ"

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "at": self.at,
            "amount_minor": self.amount_minor,
            "counterparty": self.counterparty,
            "party": self.party,
            "receiver_kind": self.receiver_kind,
            "receiver_country": self.receiver_country,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flow:
        return cls(
            event_id=data["event_id"],
            at=float(data["at"]),
            amount_minor=int(data["amount_minor"]),
            counterparty=data["counterparty"],
            party=data.get("party"),
            receiver_kind=data.get("receiver_kind", "unknown"),
            receiver_country=data.get("receiver_country", "KZ"),
        )


def inbound_flow(transfer: Transfer) -> Flow:
    """The transfer as the receiving account sees it."""
    return Flow(
        event_id=transfer.event_id,
        at=transfer.occurred_at.timestamp(),
        amount_minor=transfer.amount_minor,
        counterparty=transfer.sender_account,
        party=transfer.customer_id,
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
    )


@dataclass(frozen=True, slots=True)
class AccountActivity:
    """An account's recent flows (oldest first) and what else is known of it."""

    account: str
    inbound: tuple[Flow, ...] = ()
    outbound: tuple[Flow, ...] = ()
    opened_at: float | None = None  # from an `account_opened` event, when this bank saw one
    holder_id: str | None = None  # IIN/BIN of the holder, where known
    blocked: bool = False  # on the screener's block list now

    def inbound_between(self, start: float, end: float) -> list[Flow]:
        return [flow for flow in self.inbound if start < flow.at <= end]

    def outbound_between(self, start: float, end: float) -> list[Flow]:
        return [flow for flow in self.outbound if start < flow.at <= end]

    def with_flows(
        self, inbound: Iterable[Flow] = (), outbound: Iterable[Flow] = ()
    ) -> AccountActivity:
        """This activity with more flows; a flow already present (same event) is kept once."""
        return AccountActivity(
            account=self.account,
            inbound=_merged(self.inbound, inbound),
            outbound=_merged(self.outbound, outbound),
            opened_at=self.opened_at,
            holder_id=self.holder_id,
            blocked=self.blocked,
        )


def _merged(existing: tuple[Flow, ...], added: Iterable[Flow]) -> tuple[Flow, ...]:
    seen = {flow.event_id for flow in existing}
    new = [flow for flow in added if flow.event_id not in seen]
    if not new:
        return existing
    return tuple(sorted((*existing, *new), key=lambda flow: flow.at))
