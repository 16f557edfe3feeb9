"""Short codes for why a record was dead-lettered: the `reason` field of a dead letter and
the `reason` label of `screener_dead_letters_total` (alert rules match on them)."""

from __future__ import annotations

from typing import Final

from screener.boundary import InvalidEvent

JSON: Final = "json"  # not UTF-8, not JSON, not an object
SCHEMA: Final = "schema"  # a field missing, of the wrong type or format, or on the wrong topic
IDENTIFIER: Final = "identifier"  # an IIN, BIN or IBAN whose check digits fail
TOO_LARGE: Final = "too_large"
EVENT_TIME: Final = "event_time"
EVENT_ID_REUSED: Final = "event_id_reused"
POISON: Final = "poison"  # valid input that screening, saving or publishing fails on every time

_IDENTIFIER_PROBLEMS: Final = ("check digit", "IBAN", "neither a valid IIN")


def reason_for(error: InvalidEvent) -> str:
    """The code of a boundary error. An `InvalidEvent` that carries a `reason` of its own
    (set where the boundary knows it, e.g. an event time out of bounds) keeps it."""
    own = getattr(error, "reason", None)
    if isinstance(own, str) and own:
        return own
    if error.field is None:
        return (
            JSON
            if error.problem.startswith(("not UTF-8", "not valid JSON", "not a JSON"))
            else SCHEMA
        )
    if any(marker in error.problem for marker in _IDENTIFIER_PROBLEMS):
        return IDENTIFIER
    return SCHEMA
