"""The statuses a hold goes through (CONTRACT §3.2 and §7), shared by the worker and the API."""

from __future__ import annotations

STATUS_HELD = "held"
STATUS_RELEASED = "released"  # an officer released it, or the law's part ended it
STATUS_CONFIRMED_FRAUD = "confirmed_fraud"
STATUS_BLOCKED = "blocked"
STATUS_CANCELLED = "cancelled"  # the borrower cancelled the held loan (CONTRACT §7)

HOLD_STATUSES = (
    STATUS_HELD,
    STATUS_RELEASED,
    STATUS_CONFIRMED_FRAUD,
    STATUS_BLOCKED,
    STATUS_CANCELLED,
)
