"""`make demo` plays only what has happened: an event still to come would be refused by the
worker (dated after its Kafka record) and never decided."""

from __future__ import annotations

from datetime import datetime, timedelta

from screener.demo import happened_by
from screener.traffic.events import ALMATY, Traffic

NOW = datetime(2026, 12, 2, 1, 30, tzinfo=ALMATY)


def event(event_id: str, at: datetime) -> dict[str, str]:
    return {"event_id": event_id, "occurred_at": at.isoformat(), "type": "transfer"}


def test_events_still_to_come_and_their_labels_are_left_out() -> None:
    past, soon = event("past", NOW - timedelta(hours=30)), event("soon", NOW + timedelta(hours=11))
    label = {"event_id": "soon", "scenario": "loan_then_spend"}
    traffic = Traffic(
        [("transfers", past), ("transfers", soon)],
        [label, {"event_id": "past", "scenario": "x"}],
        [("KZ-AFC", "listed")],
    )
    played = happened_by(traffic, NOW)
    assert played.records == [("transfers", past)]
    assert [label["event_id"] for label in played.labels] == ["past"]
    assert played.afc_list == traffic.afc_list
    assert happened_by(traffic, NOW + timedelta(hours=12)).records == traffic.records
