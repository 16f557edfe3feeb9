"""What makes a redelivery the same event: a digest of the event's content as screened.

Decisions are remembered by `event_id`, so a redelivered event gets its first decision
again. An id reused for different content (a loan whose id equals an earlier transfer's)
must not get that decision: the digest stored with the decision tells the two apart. It is
taken over the typed event, not the raw bytes, so a producer that serialises the same event
again (keys in another order, a default left out) still redelivers the same event.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import datetime
from typing import Any

import orjson

from screener.domain.events import CustomerEvent, InputEvent, LoanApproval, Transfer

__all__ = ["event_digest"]


# What the screener derives on decoding (the KZT equivalent of a foreign amount and its
# rate, domain/currency.py) is not content: a redelivery after the rates changed is the
# same event. The amount counts as sent (`amount_as_sent`).
_DERIVED = frozenset({"sent_amount_minor", "kzt_rate"})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    event_type: tuple(field.name for field in fields(event_type) if field.name not in _DERIVED)
    for event_type in (Transfer, LoanApproval, CustomerEvent)
}


def event_digest(event: InputEvent) -> str:
    """SHA-256 (hex) of the event's type and fields; equal for equal events."""
    values: list[Any] = [event.type]
    for name in _FIELD_NAMES[type(event)]:
        value = getattr(event, "amount_as_sent" if name == "amount_minor" else name)
        # An instant is the same content whatever offset the producer wrote it with.
        values.append(value.timestamp() if isinstance(value, datetime) else value)
    return hashlib.sha256(orjson.dumps(values)).hexdigest()
