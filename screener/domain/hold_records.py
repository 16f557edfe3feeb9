"""What a hold and a block entry hold, built in one place each for the worker and the API.

A hold's fields are CONTRACT §4's hash (plus the screener's own: accounts, score, rules
version); a block entry is CONTRACT §4's JSON (`reason`, `rule`, `hold_id`, `created_at`,
`expires_at`), which a suspension shares. Where they are stored is the adapters' business.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

__all__ = ["block_entry", "new_hold_fields", "outbox_field"]


def block_entry(
    reason: str,
    rule: str,
    created_at: datetime,
    expires_at: datetime | None,
    hold_id: str = "",
    suspension: dict[str, Any] | None = None,
    reported_by: str | None = None,
) -> dict[str, Any]:
    """A block or suspension entry; `expires_at` None for a block until lifted.
    `suspension` says how the end was counted (holidays skipped), when it was;
    `reported_by` the customer whose fraud report asked for it."""
    entry: dict[str, Any] = {
        "reason": reason,
        "rule": rule,
        "hold_id": hold_id,
        "created_at": created_at.isoformat(),
        "expires_at": expires_at.isoformat() if expires_at else None,
    }
    if suspension is not None:
        entry["suspension"] = suspension
    if reported_by is not None:
        entry["reported_by"] = reported_by
    return entry


def new_hold_fields(
    *,
    event_id: str,
    event_type: str,
    customer_id: str,
    amount: str,
    currency: str,
    verdict: str,
    score: int,
    status: str,
    reasons: list[dict[str, Any]],
    created_at: datetime,
    hold_until: str,
    receiver_account: str,
    sender_account: str,
    config_version: str,
    **extra: Any,
) -> dict[str, Any]:
    """A new hold's fields: not yet resolved; `extra` adds the fields of its kind (a loan's
    release terms, the hold follow-the-money traced it from)."""
    return {
        "event_id": event_id,
        "event_type": event_type,
        "customer_id": customer_id,
        "amount": amount,
        "currency": currency,
        "verdict": verdict,
        "score": score,
        "status": status,
        "reasons": orjson.dumps(reasons).decode(),
        "created_at": created_at.isoformat(),
        "hold_until": hold_until,
        "resolved_at": "",
        "resolved_by": "",
        "note": "",
        "receiver_account": receiver_account,
        "sender_account": sender_account,
        "config_version": config_version,
        **extra,
    }


def outbox_field(hold_id: str, status: str) -> str:
    """A status change's name in the outbox: one per hold and status, so a change written
    again (a redelivery, a retried script) replaces itself."""
    return f"{hold_id}|{status}"
