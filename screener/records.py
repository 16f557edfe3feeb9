"""The output messages of CONTRACT §3, built from core results. Pure: no I/O, no clock."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from screener.domain.currency import HOME_CURRENCY, is_unrated
from screener.domain.decision import Outcome, Verdict
from screener.domain.events import ScreenedEvent


@dataclass(frozen=True, slots=True)
class OutMessage:
    """One record to publish: `topic` is a role (decisions, holds, dlq) resolved by the adapter."""

    topic: str
    key: str | None
    value: dict[str, Any]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def amount_text(amount_minor: int) -> str:
    """Minor units back to the contract's decimal string: 180000000 -> "1800000.00"."""
    whole, cents = divmod(amount_minor, 100)
    return f"{whole}.{cents:02d}"


def decision_record(
    event: ScreenedEvent,
    outcome: Outcome,
    decided_at: datetime,
    config_version: str,
    event_digest: str,
) -> dict[str, Any]:
    """`event_digest` (domain/redelivery.py) tells a redelivery from a reused event id."""
    held = outcome.verdict is not Verdict.ALLOW
    return {
        "event_id": event.event_id,
        "event_type": event.type,
        "customer_id": event.customer_id,
        "verdict": outcome.verdict.label,
        "score": outcome.score,
        "reasons": [hit.as_reason() for hit in outcome.reasons],
        "shadow_reasons": [hit.as_reason() for hit in outcome.shadow_reasons],
        "hold_id": event.event_id if held else None,
        "hold_until": iso(outcome.hold_until) if outcome.hold_until else None,
        "reconfirmation_required": outcome.reconfirmation_required,
        "decided_at": iso(decided_at),
        "config_version": config_version,
        "amount": amount_text(event.amount_as_sent),
        "currency": event.currency,
        # Another currency: the KZT equivalent the rules judged and its rate, both null when
        # the rules file has no rate for it (domain/currency.py); absent for KZT.
        **(
            {
                "amount_kzt": None if is_unrated(event) else amount_text(event.amount_minor),
                "kzt_rate": event.kzt_rate,
            }
            if event.currency != HOME_CURRENCY
            else {}
        ),
        "event_digest": event_digest,
    }


# `changed_by` of a hold the screener made itself: a rule's, or follow-the-money's when an
# officer confirmed a fraud upstream (its first change carries a note saying so).
HOLD_CREATOR = "screener"


def hold_change(
    hold_id: str,
    status: str,
    previous_status: str | None,
    changed_at: datetime,
    changed_by: str,
    note: str,
) -> dict[str, Any]:
    return {
        "hold_id": hold_id,
        "status": status,
        "previous_status": previous_status,
        "changed_at": iso(changed_at),
        "changed_by": changed_by,
        "note": note,
    }


# A dead letter carries a prefix of the record, never all of it: a copy of a megabyte record
# (base64 or JSON-escaped, 1.3-6 times larger) would pass the producer's 1 MB request limit,
# fail to publish, and stall the partition on that record for good (issue #10). 16 KiB of
# raw bytes stay under 100 KiB of JSON whatever the bytes are; the full length and SHA-256
# identify the original, which stays on its input topic at the given offset.
DEAD_LETTER_VALUE_BYTES = 16 * 1024
DEAD_LETTER_KEY_BYTES = 1024
DEAD_LETTER_ERROR_CHARS = 2000


def dead_letter(
    error: str,
    source_topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes,
    reason: str,
) -> dict[str, Any]:
    """CONTRACT §3.3, bounded in size; `reason` is a short code (metrics' `reason` label)."""
    value_text, value_encoding = _text(value, DEAD_LETTER_VALUE_BYTES)
    if len(error) > DEAD_LETTER_ERROR_CHARS:
        error = error[:DEAD_LETTER_ERROR_CHARS] + " [cut]"
    return {
        "error": error,
        "source_topic": source_topic,
        "partition": partition,
        "offset": offset,
        "key": _text(key, DEAD_LETTER_KEY_BYTES)[0] if key is not None else None,
        "value": value_text,
        "value_encoding": value_encoding,
        "reason": reason,
        "value_truncated": len(value) > DEAD_LETTER_VALUE_BYTES,
        "value_length": len(value),
        "value_sha256": hashlib.sha256(value).hexdigest(),
    }


def dead_letter_key(key: bytes | None) -> str | None:
    """The dead letter's Kafka key: the input key as text, cut like the letter's `key`."""
    return key[:DEAD_LETTER_KEY_BYTES].decode("utf-8", "replace") if key is not None else None


def _text(raw: bytes, limit: int) -> tuple[str, str]:
    """The first `limit` bytes as text, or base64 when the whole is not UTF-8 (CONTRACT §3.3).
    A cut inside a UTF-8 sequence drops that character's leading bytes."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(raw[:limit]).decode("ascii"), "base64"
    return raw[:limit].decode("utf-8", "ignore"), "utf-8"
