"""Contract-shaped input events (CONTRACT §2) and the labelled stream that collects them.

Events are plain JSON-ready dicts, exactly what a bank would publish. Their ids come from a
random source of their own: the same seed always gives the same ids, and drawing an id
never shifts the population's or the scenarios' random choices.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from screener.records import amount_text
from screener.traffic.population import Lender, Payee, Payer

ALMATY = ZoneInfo("Asia/Almaty")

TRANSFERS, LOANS, CUSTOMER_EVENTS = "transfers", "loans", "customer_events"


@dataclass(frozen=True, slots=True)
class Tag:
    """What a scenario says about one of its events (one line of the labels file).

    `is_fraud`: the event is part of a scam. `should_stop`: the bank should hold or refuse
    it (only transfers and loans get decisions, so customer events never need stopping).
    Benign look-alikes (a wedding collection, a car bought from a stranger) carry tags too,
    with `is_fraud` false, so a report can show which everyday patterns a rule mistakes.
    """

    scenario: str
    instance: str
    role: str
    is_fraud: bool = True
    should_stop: bool = False


@dataclass(frozen=True, slots=True)
class Traffic:
    """Generated traffic: (topic role, event) in time order, and the labels."""

    records: list[tuple[str, dict[str, Any]]]
    labels: list[dict[str, Any]]
    # (account, reason): accounts the Anti-Fraud Center had listed before this traffic, as
    # a bank imports them (`POST /api/blocklist/import`, `screener backtest --blocklist`).
    afc_list: list[tuple[str, str]] = field(default_factory=list)


class TrafficStream:
    """Collects events as scenarios produce them (in any order) and their labels."""

    def __init__(self, seed: int) -> None:
        # Seeding with a string hashes it with SHA-512: stable across runs and processes.
        self._ids = random.Random(f"screener-traffic-ids:{seed}")
        self._items: list[tuple[float, int, str, dict[str, Any]]] = []
        self._labels: list[dict[str, Any]] = []
        self._afc_list: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._items)

    def transfer(
        self,
        at: datetime,
        payer: Payer,
        payee: Payee,
        amount_minor: int,
        *,
        channel: str = "mobile",
        new_beneficiary: bool = False,
        reveal_receiver: bool = True,
        describe_receiver: bool = True,
        tag: Tag | None = None,
    ) -> str:
        """A payment; `reveal_receiver` false when the sending bank does not know the
        receiver's IIN/BIN (a card-to-card transfer to another bank, say);
        `describe_receiver` false when it sends neither `receiver_country` nor
        `receiver_kind` (both optional: a SWIFT payment order names only the IBAN)."""
        event = self._common("transfer", at, payer.customer_id)
        event["sender_account"] = payer.account
        event["receiver_account"] = payee.account
        event["amount"] = amount_text(amount_minor)
        event["currency"] = "KZT"
        event["channel"] = channel
        if payee.bank_bic is not None:
            event["receiver_bank"] = payee.bank_bic
        if describe_receiver:
            event["receiver_country"] = payee.country
            event["receiver_kind"] = payee.kind
        if reveal_receiver and payee.customer_id is not None:
            event["receiver_customer_id"] = payee.customer_id
        event["new_beneficiary"] = new_beneficiary
        if payer.device is not None and channel in ("mobile", "web"):
            event["device_id"] = payer.device
        return self._add(at, TRANSFERS, event, tag)

    def loan(
        self,
        at: datetime,
        borrower: Payer,
        lender: Lender,
        amount_minor: int,
        *,
        product: str = "consumer",
        channel: str = "online",
        secured: bool = False,
        first_loan: bool | None = None,
        signed_before: timedelta = timedelta(minutes=2),
        tag: Tag | None = None,
    ) -> str:
        """A loan approval, signed `signed_before` the approval reaches the screener."""
        event = self._common("loan_approval", at, borrower.customer_id)
        event["loan_id"] = f"{lender.kind.upper()}-{self._ids.getrandbits(40):010x}"
        event["amount"] = amount_text(amount_minor)
        event["currency"] = "KZT"
        event["lender_kind"] = lender.kind
        event["lender_id"] = lender.bin
        event["channel"] = channel
        event["product"] = product
        event["secured"] = secured
        event["contract_signed_at"] = _timestamp(at - signed_before)
        event["disbursement_account"] = borrower.account
        if first_loan is not None:
            event["first_loan"] = first_loan
        event["in_person_verified"] = channel == "branch"
        return self._add(at, LOANS, event, tag)

    def customer_event(
        self, at: datetime, customer_id: str, event_type: str, tag: Tag | None = None, **fields: Any
    ) -> str:
        """A customer event (CONTRACT §2.3); `fields` are its extra fields (source, ...)."""
        event = self._common(event_type, at, customer_id)
        event.update(fields)
        return self._add(at, CUSTOMER_EVENTS, event, tag)

    def traffic(self) -> Traffic:
        """Everything so far in event-time order (ties in the order they were added)."""
        ordered = sorted(self._items, key=lambda item: (item[0], item[1]))
        return Traffic(
            [(topic, event) for _, _, topic, event in ordered],
            list(self._labels),
            list(self._afc_list.items()),
        )

    def afc_list(self, account: str, reason: str) -> None:
        """An account on the Anti-Fraud Center's list before the traffic starts."""
        self._afc_list.setdefault(account, reason)

    def _common(self, event_type: str, at: datetime, customer_id: str) -> dict[str, Any]:
        return {
            "event_id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
            "type": event_type,
            "occurred_at": _timestamp(at),
            "customer_id": customer_id,
        }

    def _add(self, at: datetime, topic: str, event: dict[str, Any], tag: Tag | None) -> str:
        self._items.append((at.timestamp(), len(self._items), topic, event))
        if tag is not None:
            self._labels.append(
                {
                    "event_id": event["event_id"],
                    "event_type": event["type"],
                    "scenario": tag.scenario,
                    "instance": tag.instance,
                    "role": tag.role,
                    "is_fraud": tag.is_fraud,
                    "should_stop": tag.should_stop,
                }
            )
        event_id: str = event["event_id"]
        return event_id


def _timestamp(moment: datetime) -> str:
    """RFC 3339 in Almaty time with milliseconds, as banks' systems tend to write it."""
    return moment.astimezone(ALMATY).isoformat(timespec="milliseconds")


def kzt(amount: float) -> int:
    """Whole KZT to minor units (tiyn)."""
    return round(amount) * 100


def whole_kzt(amount_minor: float) -> int:
    """A share of an amount, in minor units, cut down to whole KZT (people send round sums)."""
    return max(100, int(amount_minor) // 100 * 100)


def rounded(amount: float, step: int) -> int:
    """`amount` KZT to the nearest `step` (prices end in zeros), at least `step`."""
    return max(step, round(amount / step) * step)


# Share of payments abroad that reach the screener as a bare IBAN: the sending bank fills
# neither receiver_country nor receiver_kind (both optional in the contract).
UNDESCRIBED_ABROAD_SHARE = 0.4


def described_abroad(rng: random.Random) -> bool:
    """Does the sending bank describe this payment abroad (`describe_receiver`), or send
    only the IBAN (`UNDESCRIBED_ABROAD_SHARE` of them)?"""
    return rng.random() >= UNDESCRIBED_ABROAD_SHARE


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    """Amounts spread evenly over orders of magnitude between `low` and `high`."""
    return math.exp(rng.uniform(math.log(low), math.log(high)))
