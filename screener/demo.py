"""`make demo`: local Kafka and Redis, a worker, a short scam evening, and what was held.

Plays a handful of events that show the cooling period at work: the "1414" evening from the
first seed article (a code from 1414, a login from a new device, a 9,000,000 KZT online
loan), a loan signed almost a day ago whose hold lifts by itself a few seconds later, loans
that pass, and one malformed event that goes to the dead-letter topic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import redis
from kafka import KafkaConsumer, KafkaProducer

from screener import devinfra
from screener.adapters.kafka_admin import ensure_topics
from screener.domain.identifiers import make_iin, make_kz_iban
from screener.settings import Settings

ALMATY = timezone(timedelta(hours=5))


def main() -> int:
    endpoints = devinfra.up()
    for name, value in endpoints.items():
        print(f"{name}={value}")
    run = uuid.uuid4().hex[:6]
    env = {**os.environ, **endpoints, "SCREENER_CONSUMER_GROUP": f"screener-demo-{run}"}
    settings = Settings.from_env(env)
    ensure_topics(settings)

    log_path = Path("artifacts") / "demo-worker.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "screener.cli", "worker"], env=env, stdout=log, stderr=log
        )
    try:
        events = _scenario()
        _play(settings, events)
        decisions, changes, dead = _collect(settings, events, wait_seconds=60)
        _report(settings, events, decisions, changes, dead)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    print(f"\nWorker log: {log_path}. Stop Kafka and Redis with: .venv/bin/screener dev down")
    return 0


def _scenario() -> list[tuple[str, str, dict[str, Any]]]:
    """(topic role, label, event) in the order a bank would publish them."""
    now = datetime.now(ALMATY).replace(microsecond=0)
    victim = _iin(date(1979, 4, 12), "M")
    neighbour = _iin(date(1990, 9, 1), "F")
    late_signer = _iin(date(1985, 1, 20), "M")

    def event(kind: str, customer: str, at: datetime, **fields: Any) -> dict[str, Any]:
        return {
            "event_id": f"demo-{uuid.uuid4().hex[:12]}",
            "type": kind,
            "customer_id": customer,
            "occurred_at": at.isoformat(),
            **fields,
        }

    almost_a_day_ago = now - timedelta(hours=24) + timedelta(seconds=8)
    return [
        ("customer_events", "1414 code sent", event("sms_code_sent", victim, now, source="1414")),
        (
            "customer_events",
            "login, new device",
            event("login", victim, now, new_device=True, device_id="android-unknown"),
        ),
        (
            "loans",
            "9,000,000 KZT online loan (1414 evening)",
            event(
                "loan_approval",
                victim,
                now,
                loan_id="L-9M",
                amount="9000000.00",
                lender_kind="bank",
                channel="online",
                product="consumer",
            ),
        ),
        (
            "loans",
            "700,000 KZT online loan signed ~24 h ago",
            event(
                "loan_approval",
                late_signer,
                now,
                loan_id="L-700K",
                amount="700000",
                lender_kind="bank",
                channel="online",
                contract_signed_at=almost_a_day_ago.isoformat(),
            ),
        ),
        (
            "loans",
            "2,000,000 KZT mortgage in a branch",
            event(
                "loan_approval",
                neighbour,
                now,
                loan_id="L-MORT",
                amount="2000000",
                lender_kind="bank",
                channel="branch",
                product="mortgage",
                secured=True,
            ),
        ),
        (
            "loans",
            "200,000 KZT online MFO microcredit",
            event(
                "loan_approval",
                neighbour,
                now,
                loan_id="L-200K",
                amount="200000",
                lender_kind="mfo",
                channel="online",
            ),
        ),
        (
            "transfers",
            "rent to a landlord",
            event(
                "transfer",
                neighbour,
                now,
                sender_account=make_kz_iban("601", "0000000000077"),
                receiver_account=make_kz_iban("722", "S000012345678"),
                amount="250000",
                channel="mobile",
            ),
        ),
        (
            "transfers",
            "malformed: bad IIN check digit",
            event(
                "transfer",
                "850503300128",
                now,
                sender_account="KZ18722S000012345678",
                receiver_account="KZ31601A000000000001",
                amount="1000",
                channel="web",
            ),
        ),
    ]


def _iin(birth: date, sex: Literal["M", "F"]) -> str:
    """A valid IIN; about one serial in eleven has no check digit, so try the next."""
    for serial in range(1, 100):
        try:
            return make_iin(birth, sex, serial)
        except ValueError:
            continue
    raise AssertionError("unreachable: some serial below 100 has a check digit")


def _play(settings: Settings, events: list[tuple[str, str, dict[str, Any]]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for role, _, event in events:
        topic = getattr(settings.topics, role)
        producer.send(topic, key=event["customer_id"].encode(), value=json.dumps(event).encode())
    producer.flush()
    producer.close()
    print(f"\nPlayed {len(events)} events.")


def _collect(
    settings: Settings, events: list[tuple[str, str, dict[str, Any]]], wait_seconds: float
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    topics = settings.topics
    consumer = KafkaConsumer(
        topics.decisions,
        topics.holds,
        topics.dlq,
        bootstrap_servers=settings.kafka_bootstrap,
        auto_offset_reset="latest",
        group_id=None,
        enable_auto_commit=False,
    )
    consumer.poll(timeout_ms=1000)
    consumer.seek_to_beginning()
    ids = {event["event_id"] for _, _, event in events}
    screened = {e["event_id"] for role, _, e in events if role != "customer_events"}
    decisions: dict[str, dict[str, Any]] = {}
    changes: list[dict[str, Any]] = []
    dead: list[dict[str, Any]] = []
    deadline = time.monotonic() + wait_seconds
    print("Waiting for decisions and for the short hold to lift by itself…")
    while time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            for record in batch:
                value = json.loads(record.value)
                if record.topic == topics.decisions and value["event_id"] in ids:
                    decisions[value["event_id"]] = value
                elif record.topic == topics.holds and value["hold_id"] in ids:
                    changes.append(value)
                elif record.topic == topics.dlq and any(i in value["value"] for i in ids):
                    dead.append(value)
        released = any(change["status"] == "released" for change in changes)
        if released and len(decisions) + len(dead) >= len(screened):
            break
    consumer.close()
    return decisions, changes, dead


def _report(
    settings: Settings,
    events: list[tuple[str, str, dict[str, Any]]],
    decisions: dict[str, dict[str, Any]],
    changes: list[dict[str, Any]],
    dead: list[dict[str, Any]],
) -> None:
    print(f"\n{'event':<44} {'verdict':<8} {'hold until / reason'}")
    for role, label, event in events:
        if role == "customer_events":
            print(f"{label:<44} {'-':<8} (remembered, no decision)")
            continue
        decision = decisions.get(event["event_id"])
        if decision is None:
            letter = next((d for d in dead if event["event_id"] in d["value"]), None)
            print(f"{label:<44} {'DLQ' if letter else '?':<8} {letter['error'] if letter else ''}")
            continue
        until = decision["hold_until"] or ""
        print(f"{label:<44} {decision['verdict']:<8} {until}")
        for reason in decision["reasons"]:
            print(f"{'':<53}{reason['message']['en']}")
    print("\nHold status changes on screener.holds:")
    for change in changes:
        print(
            f"  {change['changed_at']}  {change['hold_id']}  "
            f"{change['previous_status'] or '-'} -> {change['status']}  by {change['changed_by']}"
        )
    client = redis.Redis.from_url(settings.redis_url)
    open_holds = int(client.zcard(f"{settings.redis_prefix}holds:open"))  # type: ignore[arg-type]
    print(f"\nOpen holds in Redis ({settings.redis_prefix}holds:open): {open_holds}")
    print("The officers' review page arrives with the review API (issue 4).")


if __name__ == "__main__":
    sys.exit(main())
