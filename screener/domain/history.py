"""What the screener remembers of a customer: a short, time-bounded log of their events.

Rules are pure functions of (event, history, settings), so everything a rule needs to know
about the past is in this log. The same log is the timeline officers see for a hold.
Recording is idempotent on the event's type and `event_id`, so a redelivered event is never
counted twice, even after it has left the window, and a customer event sharing a transfer's
or a loan's id (a bank numbering each topic on its own) is kept beside it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

from screener.domain.events import (
    LOAN_CANCELLED,
    LOAN_RECONFIRMED,
    CustomerEvent,
    InputEvent,
    LoanApproval,
    Transfer,
)

Attribute = str | int | bool | None


class HistoryEntry(NamedTuple):
    """One past event, reduced to what rules and officers need.

    `at` is event time in epoch seconds; for a loan it is when the contract was signed,
    since cooling periods count from the signing. A named tuple rather than a dataclass:
    a worker builds thousands per batch from stored state, and a tuple is built in a
    third of the time of a frozen dataclass.
    """

    event_id: str
    type: str
    at: float
    amount_minor: int = 0
    attrs: Mapping[str, Attribute] = MappingProxyType({})

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
            data["event_id"],
            data["type"],
            float(data["at"]),
            int(data.get("amount_minor", 0)),
            data.get("attrs") or {},
        )


# How many of a customer's past transfer amounts are kept for their baseline.
BASELINE_TRANSFERS = 50
# How many of a customer's loans, and for how long after the last word about them, the
# borrower's answers are kept: far beyond any waiting period, so an answer that arrives
# before its loan (they travel on different topics) or a late one still finds its hold.
LOANS_KEPT = 50
LOAN_KEEP_SECONDS = 90 * 86400


class LoanOnFile(NamedTuple):
    """One of the customer's loans and the borrower's answers to it (CONTRACT §7).

    `event_id` is the loan_approval's (its hold's id), None while only an answer is known;
    `reconfirmed_at` the latest reconfirmation, `cancelled_at` the first cancellation
    (event time, epoch seconds); `seen_at` the latest event about the loan.
    """

    event_id: str | None = None
    reconfirmed_at: float | None = None
    cancelled_at: float | None = None
    seen_at: float = 0.0


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    """A customer's recent events (oldest first), plus what must outlive the window.

    The Stop-credit registration and past fraud reports are kept for as long as the
    customer's state is kept: a refusal of loans registered a month ago still stands.
    `baseline_amounts` are the customer's last transfers, the base of their usual spending.
    """

    entries: tuple[HistoryEntry, ...] = ()
    optout_set_at: float | None = None
    optout_lifted_at: float | None = None
    fraud_reports: int = 0
    last_fraud_report_at: float | None = None
    baseline_amounts: tuple[int, ...] = ()
    loans: Mapping[str, LoanOnFile] = field(default_factory=dict)  # by the lender's loan_id
    # The event ids of the latest fraud reports, so a report read again is counted once
    # even after it has left the window of entries.
    fraud_report_ids: tuple[str, ...] = ()

    @property
    def loan_optout_active(self) -> bool:
        if self.optout_set_at is None:
            return False
        return self.optout_lifted_at is None or self.optout_lifted_at < self.optout_set_at

    def recorded_as(self, entry: HistoryEntry) -> HistoryEntry | None:
        """The entry recorded for this event, if any. Ids are compared with the type: a bank
        numbering each topic on its own sends a login and a transfer with one id, two
        events (taken as one, the transfer went missing from the history, or a fraud report
        did). A redelivery is recorded as it was; one recorded otherwise (another time or
        other fields) is a correction sent under the old id (an entry gone from the window
        can no longer be compared)."""
        return next(
            (e for e in self.entries if e.event_id == entry.event_id and e.type == entry.type),
            None,
        )

    def contains(self, entry: HistoryEntry) -> bool:
        """Is this event recorded already (see `recorded_as`)?"""
        return self.recorded_as(entry) is not None

    def since(self, start: float, end: float, types: frozenset[str]) -> list[HistoryEntry]:
        """Entries of the given types with start < at <= end."""
        return [e for e in self.entries if e.type in types and start < e.at <= end]

    def recorded(
        self, entry: HistoryEntry, keep_seconds: float, max_entries: int
    ) -> CustomerHistory:
        """This history with `entry` added, pruned to the retention window and size.

        The window is measured in event time, never the clock, so a replay of old traffic
        keeps the same history as live traffic did. It ends at the newest entry, except
        entries more than `FAR_AHEAD_SECONDS` ahead of `entry`: no genuine entry lies that far
        from another (state expires long before), so such an entry was left by a clock set
        to the year 9999 before the boundary checked event time; letting it end the window
        would push every genuine entry out, so it is dropped. An entry older than the window
        (a replay, a late event) changes no entry and no baseline; it only brings what must
        outlive the window (Stop-credit, a fraud report not yet counted). Each kind of entry
        (loans, transfers, customer events) is capped at `max_entries` on its own, so a
        flood of logins cannot push a loan out of the cooling period's aggregation.
        """
        if self.contains(entry) or (
            entry.type == "fraud_reported" and entry.event_id in self.fraud_report_ids
        ):
            return self
        # Entries are in time order, so the implausible ones are the last few, if any.
        ceiling = entry.at + FAR_AHEAD_SECONDS
        plausible = self.entries
        while plausible and plausible[-1].at > ceiling:
            plausible = plausible[:-1]
        newest = max(entry.at, plausible[-1].at) if plausible else entry.at
        horizon = newest - keep_seconds
        if entry.at < horizon:
            return self._changed(self.entries, _profile_change(self, entry, in_window=False))
        if not plausible or plausible[-1].at <= entry.at:
            merged = (*plausible, entry)  # the usual case: the newest event so far
        else:
            merged = tuple(sorted((*plausible, entry), key=_at))
        kept = _capped_per_kind(merged[bisect_left(merged, horizon, key=_at) :], max_entries)
        return self._changed(kept, _profile_change(self, entry, in_window=True))

    def _changed(
        self, entries: tuple[HistoryEntry, ...], changes: Mapping[str, Any]
    ) -> CustomerHistory:
        """This history with other entries and `changes` (`dataclasses.replace` without its
        cost: this runs for every event the worker reads)."""
        get = changes.get
        return CustomerHistory(
            entries,
            get("optout_set_at", self.optout_set_at),
            get("optout_lifted_at", self.optout_lifted_at),
            get("fraud_reports", self.fraud_reports),
            get("last_fraud_report_at", self.last_fraud_report_at),
            get("baseline_amounts", self.baseline_amounts),
            get("loans", self.loans),
            get("fraud_report_ids", self.fraud_report_ids),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": [entry.as_dict() for entry in self.entries],
            "optout_set_at": self.optout_set_at,
            "optout_lifted_at": self.optout_lifted_at,
            "fraud_reports": self.fraud_reports,
            "last_fraud_report_at": self.last_fraud_report_at,
            "baseline_amounts": list(self.baseline_amounts),
            "loans": {loan_id: list(loan) for loan_id, loan in self.loans.items()},
            "fraud_report_ids": list(self.fraud_report_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CustomerHistory:
        return cls(
            entries=tuple(map(HistoryEntry.from_dict, data.get("entries", ()))),
            optout_set_at=data.get("optout_set_at"),
            optout_lifted_at=data.get("optout_lifted_at"),
            fraud_reports=int(data.get("fraud_reports", 0)),
            last_fraud_report_at=data.get("last_fraud_report_at"),
            baseline_amounts=tuple(data.get("baseline_amounts", ())),
            loans={
                str(loan_id): LoanOnFile(*loan) for loan_id, loan in data.get("loans", {}).items()
            },
            fraud_report_ids=tuple(data.get("fraud_report_ids", ())),
        )


# An entry this far ahead of the event being recorded cannot be genuine: customer state
# expires after at most this long without events (config.LONG_LIVED_STATE_SECONDS).
FAR_AHEAD_SECONDS = 400 * 86400

# Customer events whose effect outlives the window of entries: a Stop-credit registration,
# its lifting, a fraud report, an account's opening. The boundary accepts them however old
# (a registration published late must still refuse loans); recording an old one changes
# only what outlives the window.
OUTLIVING_WINDOW_TYPES = frozenset(
    {"loan_optout_set", "loan_optout_lifted", "fraud_reported", "account_opened"}
)

# How many fraud reports' event ids are kept to recognise a report read again.
FRAUD_REPORT_IDS = 50

# Entry types capped separately: loans and transfers each have their own cap, all customer
# events share one.
_KIND_OF_TYPE = {"loan_approval": "loan_approval", "transfer": "transfer"}


def _at(entry: HistoryEntry) -> float:
    return entry.at


def _capped_per_kind(
    entries: tuple[HistoryEntry, ...], max_entries: int
) -> tuple[HistoryEntry, ...]:
    """The newest `max_entries` of each kind, in time order."""
    if len(entries) <= max_entries:  # the usual case: no kind can be over its cap
        return entries
    counts: dict[str, int] = {}
    kept: list[HistoryEntry] = []
    for entry in reversed(entries):
        kind = _KIND_OF_TYPE.get(entry.type, "customer_event")
        if counts.get(kind, 0) < max_entries:
            counts[kind] = counts.get(kind, 0) + 1
            kept.append(entry)
    kept.reverse()
    return tuple(kept)


def _profile_change(
    history: CustomerHistory, entry: HistoryEntry, in_window: bool
) -> dict[str, Any]:
    """What a new entry changes in the long-lived part of the state. An entry older than
    the window changes what must outlive it, and no baseline."""
    if entry.type == "loan_optout_set" and (history.optout_set_at or 0) <= entry.at:
        return {"optout_set_at": entry.at}
    if entry.type == "loan_optout_lifted" and (history.optout_lifted_at or 0) <= entry.at:
        return {"optout_lifted_at": entry.at}
    if entry.type == "fraud_reported":
        return {
            "fraud_reports": history.fraud_reports + 1,
            "last_fraud_report_at": max(entry.at, history.last_fraud_report_at or 0),
            "fraud_report_ids": (*history.fraud_report_ids, entry.event_id)[-FRAUD_REPORT_IDS:],
        }
    if entry.type == "transfer" and in_window and entry.attrs.get("to_self") is not True:
        # Moves between one's own accounts are not spending: a deposit closed is not a usual
        # payment that would make the next large one look ordinary.
        amounts = (*history.baseline_amounts, entry.amount_minor)
        return {"baseline_amounts": amounts[-BASELINE_TRANSFERS:]}
    loan_id = entry.attrs.get("loan_id")
    if isinstance(loan_id, str) and entry.type in ("loan_approval", *LOAN_ANSWER_FIELDS):
        return {"loans": _loans_after(history.loans, loan_id, entry)}
    return {}


LOAN_ANSWER_FIELDS = (LOAN_RECONFIRMED, LOAN_CANCELLED)


def _loans_after(
    loans: Mapping[str, LoanOnFile], loan_id: str, entry: HistoryEntry
) -> dict[str, LoanOnFile]:
    """The loans on file with `entry` taken in: answers merge in any order (the latest
    reconfirmation, the first cancellation), so a redelivery or a late answer changes nothing
    it should not."""
    loan = loans.get(loan_id, LoanOnFile())
    if entry.type == "loan_approval":
        loan = loan._replace(event_id=entry.event_id)
    elif entry.type == LOAN_RECONFIRMED:
        loan = loan._replace(reconfirmed_at=max(entry.at, loan.reconfirmed_at or entry.at))
    else:
        loan = loan._replace(cancelled_at=min(entry.at, loan.cancelled_at or entry.at))
    merged = {**loans, loan_id: loan._replace(seen_at=max(loan.seen_at, entry.at))}
    horizon = max(item.seen_at for item in merged.values()) - LOAN_KEEP_SECONDS
    kept = sorted(
        ((i, item) for i, item in merged.items() if item.seen_at >= horizon),
        key=lambda pair: pair[1].seen_at,
    )
    return dict(kept[-LOANS_KEPT:])


def entry_for(event: InputEvent) -> HistoryEntry:
    """Reduce an input event to the history entry rules and officers need."""
    if isinstance(event, LoanApproval):
        return HistoryEntry(
            event_id=event.event_id,
            type=event.type,
            at=event.contract_signed_at.timestamp(),
            amount_minor=event.amount_minor,
            attrs={
                "loan_id": event.loan_id,
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
                "to_self": event.receiver_customer_id == event.customer_id,
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
            ("loan_id", event.loan_id),
        )
        if value is not None
    }
    return HistoryEntry(
        event_id=event.event_id, type=event.type, at=event.occurred_at.timestamp(), attrs=attrs
    )
