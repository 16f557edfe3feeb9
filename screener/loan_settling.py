"""Applying the borrower's answers and the end of waiting periods to held loans.

The decision is the pure core's (`screener.domain.loan_release`); this module reads the
holds' progress through a port, asks the core what to do, and hands the settlement back to
the port, which applies it only if the hold has not changed since it was read (a Lua guard
in Redis). When another worker or an officer got there first, the hold is read and decided
again, so every release or cancellation is made, and published, exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from screener.domain.config import LoanReleaseSettings
from screener.domain.history import CustomerHistory, LoanOnFile
from screener.domain.loan_release import (
    HoldProgress,
    Settlement,
    after_answers,
    at_period_end,
)

T = TypeVar("T")
# A settlement lost to a concurrent change is decided again at most this many times in a
# row; what is left is settled by the next answer or timer tick (it stays in Redis).
ATTEMPTS = 5


class HoldSettlements(Protocol):
    async def hold_progress(self, hold_ids: list[str]) -> dict[str, HoldProgress]: ...

    async def settle(self, settlement: Settlement, now: datetime) -> tuple[bool, Any]:
        """(applied, the status-change record or None); not applied: read and decide again."""
        ...


async def settle(
    store: HoldSettlements,
    targets: Mapping[str, T],
    decide: Callable[[HoldProgress, T], Settlement | None],
    now: datetime,
) -> list[dict[str, Any]]:
    """Decide and apply a settlement for each hold in `targets`; the status changes made."""
    changes: list[dict[str, Any]] = []
    pending = dict(targets)
    for _ in range(ATTEMPTS):
        if not pending:
            break
        progress = await store.hold_progress(list(pending))
        again: dict[str, T] = {}
        for hold_id, target in pending.items():
            found = progress.get(hold_id)
            settlement = None if found is None else decide(found, target)
            if settlement is None:
                continue
            applied, record = await store.settle(settlement, now)
            if not applied:
                again[hold_id] = target
            elif record is not None:
                changes.append(record)
        pending = again
    return changes


def answered_holds(
    histories: Mapping[str, CustomerHistory],
    answered: set[tuple[str, str]],
    held_loans: Mapping[str, tuple[str, str]],
) -> dict[str, LoanOnFile]:
    """The holds a batch's answers concern, with the answers on file.

    `answered`: (customer, loan id) of the batch's loan_reconfirmed and loan_cancelled
    events; `held_loans`: hold id -> (customer, loan id) of the loans the batch held, whose
    answers may have arrived first (they travel on another topic).
    """
    found: dict[str, LoanOnFile] = {}
    for customer_id, loan_id in (*answered, *held_loans.values()):
        history = histories.get(customer_id)
        loan = history.loans.get(loan_id) if history is not None else None
        if loan is None or loan.event_id is None:
            continue  # its loan is not screened yet: the answer waits on file for it
        if loan.reconfirmed_at is not None or loan.cancelled_at is not None:
            found[loan.event_id] = loan
    return found


async def settle_answers(
    store: HoldSettlements,
    holds: Mapping[str, LoanOnFile],
    settings: LoanReleaseSettings,
    now: datetime,
) -> list[dict[str, Any]]:
    return await settle(
        store, holds, lambda progress, loan: after_answers(progress, loan, settings), now
    )


async def settle_due(
    store: HoldSettlements, hold_ids: list[str], settings: LoanReleaseSettings, now: datetime
) -> list[dict[str, Any]]:
    """The timer's part: holds whose waiting period ended by `now`."""
    return await settle(
        store,
        dict.fromkeys(hold_ids, now),
        lambda progress, at: at_period_end(progress, at, settings),
        now,
    )
