"""What the screener remembers of a customer: a short, time-bounded log of their events.

Rules are pure functions of (event, history, settings), so everything a rule needs to know
about the past is in this log. The same log is the timeline officers see for a hold.
Recording is idempotent on `event_id`, so a redelivered event is never counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from screener.domain.events import CustomerEvent, InputEvent, LoanApproval, Transfer

Attribute = str | int | bool | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One past event, reduced to what rules and officers need.

    `at` is event time in epoch seconds; for a loan it is when the contract was signed,
    since cooling periods count from the signing.
    """

    event_id: str
    type: str
    at: float
    amount_minor: int = 0
    attrs: Mapping[str, Attribute] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "type": self.type,
            "at": self.at,
            "amount_minor": self.amount_minor,
            "attrs": dict(self.attrs),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        return cls(
            event_id=data["event_id"],
            type=data["type"],
            at=float(data["at"]),
            amount_minor=int(data.get("amount_minor", 0)),
            attrs=dict(data.get("attrs", {})),
        )


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """A customer's recent events, oldest first."""

    entries: tuple[HistoryEntry, ...] = ()

    def contains(self, event_id: str) -> bool:
        return any(entry.event_id == event_id for entry in self.entries)

    def since(self, start: float, end: float, types: frozenset[str]) -> list[HistoryEntry]:
        """Entries of the given types with start < at <= end."""
        return [e for e in self.entries if e.type in types and start < e.at <= end]

    def recorded(
        self, entry: HistoryEntry, keep_seconds: float, max_entries: int
    ) -> CustomerHistory:
        """This history with `entry` added, pruned to the retention window and size.

        The window is measured back from the newest event seen, not the clock, so a replay
        of old traffic keeps the same history as live traffic did.
        """
        if self.contains(entry.event_id):
            return self
        merged = sorted((*self.entries, entry), key=lambda e: e.at)
        horizon = merged[-1].at - keep_seconds
        kept = [e for e in merged if e.at >= horizon]
        return CustomerHistory(tuple(kept[-max_entries:]))

    def as_list(self) -> list[dict[str, Any]]:
        return [entry.as_dict() for entry in self.entries]

    @classmethod
    def from_list(cls, data: list[Mapping[str, Any]]) -> CustomerHistory:
        return cls(tuple(HistoryEntry.from_dict(item) for item in data))


def entry_for(event: InputEvent) -> HistoryEntry:
    """Reduce an input event to the history entry rules and officers need."""
    if isinstance(event, LoanApproval):
        return HistoryEntry(
            event_id=event.event_id,
            type=event.type,
            at=event.contract_signed_at.timestamp(),
            amount_minor=event.amount_minor,
            attrs={
                "channel": event.channel,
                "lender_kind": event.lender_kind,
                "lender_id": event.lender_id,
                "product": event.product,
                "secured": event.secured,
            },
        )
    if isinstance(event, Transfer):
        return HistoryEntry(
            event_id=event.event_id,
            type=event.type,
            at=event.occurred_at.timestamp(),
            amount_minor=event.amount_minor,
            attrs={
                "receiver_account": event.receiver_account,
                "receiver_country": event.receiver_country,
                "receiver_kind": event.receiver_kind,
                "new_beneficiary": event.new_beneficiary,
                "channel": event.channel,
            },
        )
    return _customer_event_entry(event)


def _customer_event_entry(event: CustomerEvent) -> HistoryEntry:
    attrs: dict[str, Attribute] = {
        name: value
        for name, value in (
            ("source", event.source),
            ("new_device", event.new_device),
            ("device_id", event.device_id),
            ("account", event.account),
        )
        if value is not None
    }
    return HistoryEntry(
        event_id=event.event_id, type=event.type, at=event.occurred_at.timestamp(), attrs=attrs
    )
