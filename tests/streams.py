"""Kafka records for service-level tests: events as the worker's consumer would hand them
over (with the record's Kafka timestamp), and the "1414" takeover evening as events."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import orjson

from screener.service import RawRecord
from tests import factories


def record(
    role: str, event: dict[str, Any], offset: int, written: datetime | None = None
) -> RawRecord:
    """`event` on the input topic of `role` (transfers, loans, customer_events); the record's
    Kafka timestamp is `written`, by default the event's own time (a producer in real time)."""
    kafka_time = written or datetime.fromisoformat(event["occurred_at"])
    return RawRecord(
        topic=role,
        partition=0,
        offset=offset,
        key=str(event.get("customer_id", "")).encode(),
        value=orjson.dumps(event),
        timestamp_ms=int(kafka_time.timestamp() * 1000),
    )


def records(pairs: list[tuple[str, dict[str, Any]]], start_offset: int = 0) -> list[RawRecord]:
    return [record(role, event, start_offset + n) for n, (role, event) in enumerate(pairs)]


def at(moment: datetime) -> str:
    return factories.timestamp(moment)


def takeover_signs(customer: str, start: datetime) -> list[tuple[str, dict[str, Any]]]:
    """A 1414 code, then a login from a new device a minute later."""
    return [
        (
            "customer_events",
            factories.customer_event(
                "sms_code_sent", customer_id=customer, occurred_at=at(start), source="1414"
            ),
        ),
        (
            "customer_events",
            factories.customer_event(
                "login",
                customer_id=customer,
                occurred_at=at(start + timedelta(minutes=1)),
                new_device=True,
            ),
        ),
    ]
