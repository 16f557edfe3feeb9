"""Fuzzing the real worker (issue #10): whatever arrives on the input topics, every record is
decided or dead-lettered, the worker never stalls, and a control customer's decisions are
the same as in a run without the fuzz.

Records come from the input schemas (hypothesis-jsonschema: valid in shape, mostly invalid
in identifiers, with odd text and dates) and from mutations of valid events: truncation,
wrong types, huge strings and numbers, bytes that are not UTF-8, values of a megabyte,
extreme dates, a transfer on the loans topic, and an earlier event's id with new content.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from tests import factories
from tests.integration.conftest import Deployment
from tests.integration.test_worker_operations import metric
from tests.integration.test_worker_resilience import readyz

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
# Examples per half of the fuzz; each publishes 1 to 4 records. CI keeps the default.
EXAMPLES = int(os.environ.get("SCREENER_FUZZ_EXAMPLES", "80"))
ROLE_OF_TYPE = {"transfer": "transfers", "loan_approval": "loans"}
EXTREME_DATES = (
    "9999-12-31T23:59:59.999999+14:00",
    "0001-01-01T00:00:00-12:00",
    "1970-01-01T00:00:00Z",
    "2262-04-11T23:47:16.854775807Z",
    "2026-02-30T10:00:00+05:00",
    "2026-12-31T23:59:60Z",
    "2026-13-01T00:00:00+05:00",
)


@dataclass(frozen=True)
class Fuzzed:
    role: str  # transfers, loans, customer_events
    key: bytes | None
    value: bytes
    mutation: str


def schema_records(schema: str, role: str) -> st.SearchStrategy[Fuzzed]:
    document = json.loads((SCHEMAS / f"{schema}.schema.json").read_text())
    return from_schema(document).map(
        lambda event: Fuzzed(
            role, str(event.get("customer_id", "")).encode(), json.dumps(event).encode(), "schema"
        )
    )


def valid_event(kind: str) -> dict[str, Any]:
    if kind == "transfer":
        return factories.transfer()
    if kind == "loan":
        return factories.loan()
    return factories.customer_event(kind)


def role_of(event: dict[str, Any]) -> str:
    return ROLE_OF_TYPE.get(event["type"], "customer_events")


VALID_KINDS = ("transfer", "loan", "login", "sms_code_sent", "account_opened", "loan_optout_set")
ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=5,
)


@st.composite
def mutated(draw: st.DrawFn, earlier: list[dict[str, Any]]) -> Fuzzed:
    event = valid_event(draw(st.sampled_from(VALID_KINDS)))
    role, key = role_of(event), event["customer_id"].encode()
    mutation = draw(
        st.sampled_from(
            (
                "valid",
                "truncated",
                "wrong_type",
                "huge_string",
                "huge_number",
                "not_utf8",
                "megabyte",
                "extreme_date",
                "wrong_topic",
                "reused_id",
            )
        )
    )
    field = draw(st.sampled_from(sorted(event)))
    # Positions and picks are drawn as plain numbers and fitted to what they apply to, so
    # that Hypothesis sees the same draws however long the record and however many events
    # came before (it rejects generation that depends on outside state).
    pick = draw(st.integers(0, 10**9))
    if mutation == "truncated":
        raw = factories.encode(event)
        return Fuzzed(role, key, raw[: pick % len(raw)], mutation)
    if mutation == "wrong_type":
        event[field] = draw(ANY_JSON.filter(lambda value: type(value) is not type(event[field])))
    elif mutation == "huge_string":
        event[field] = draw(st.sampled_from("x9й\x00")) * draw(st.integers(10_000, 150_000))
    elif mutation == "huge_number":
        event[draw(st.sampled_from(("amount", field)))] = draw(
            st.sampled_from((10**30, 2**64, 10**400, 1e308, -1, 0, 0.001))
        )
    elif mutation == "not_utf8":
        raw = factories.encode(event)
        at = pick % (len(raw) + 1)
        bad = draw(st.binary(min_size=1, max_size=8).filter(lambda b: b[0] >= 0x80))
        return Fuzzed(role, key, raw[:at] + bad + raw[at:], mutation)
    elif mutation == "megabyte":
        if draw(st.booleans()):
            event["attachment"] = "m" * 1_000_000  # valid JSON, an unknown field
        else:
            return Fuzzed(role, key, b"\xfe" * 1_000_000, mutation)
    elif mutation == "extreme_date":
        event[draw(st.sampled_from(("occurred_at", "contract_signed_at")))] = draw(
            st.sampled_from(EXTREME_DATES)
        )
    elif mutation == "wrong_topic":
        role = draw(st.sampled_from(sorted({"transfers", "loans", "customer_events"} - {role})))
    elif mutation == "reused_id" and earlier:
        first = earlier[pick % len(earlier)]
        event = {**first, "amount": "777777.77", "occurred_at": factories.timestamp()}
        role, key = role_of(event), event["customer_id"].encode()
    if mutation == "valid" and event["type"] in ROLE_OF_TYPE:
        earlier.append(event)
    # UTF-8 as banks send it; under a megabyte even when every character is escaped (\u0000).
    return Fuzzed(role, key, json.dumps(event, ensure_ascii=False).encode(), mutation)


def fuzz_records(earlier: list[dict[str, Any]]) -> st.SearchStrategy[list[Fuzzed]]:
    from_schemas = st.one_of(
        schema_records("transfer", "transfers"),
        schema_records("loan_approval", "loans"),
        schema_records("customer_event", "customer_events"),
    )
    # Two records in three are mutations of valid events, one straight from the schemas.
    one = st.integers(0, 2).flatmap(lambda n: from_schemas if n == 0 else mutated(earlier))
    return st.lists(one, min_size=1, max_size=4)


def control_scenario(customer: str, account: str, start: datetime) -> list[dict[str, Any]]:
    """One customer's evening, decided by regulatory rules and plain allows only (neither is
    affected by the hold-rate safety cap, whatever the fuzz makes the others decide)."""
    at = factories.timestamp
    return [
        factories.customer_event("loan_optout_set", customer_id=customer, occurred_at=at(start)),
        factories.loan(
            customer_id=customer,
            amount="150000.00",
            channel="branch",
            occurred_at=at(start + timedelta(minutes=20)),
            disbursement_account=account,
        ),
        factories.customer_event(
            "loan_optout_lifted",
            customer_id=customer,
            occurred_at=at(start + timedelta(minutes=25)),
        ),
        factories.loan(
            customer_id=customer,
            amount="9000000.00",
            channel="online",
            occurred_at=at(start + timedelta(minutes=30)),
            contract_signed_at=at(start + timedelta(minutes=30)),
            disbursement_account=account,
        ),
        factories.transfer(
            customer_id=customer,
            sender_account=account,
            amount="25000.00",
            occurred_at=at(start + timedelta(minutes=40)),
        ),
    ]


def comparable(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision without what names the customer or the moment it was made (the digest
    covers the event's ids, so it differs between the two runs' control customers too)."""
    names = ("event_id", "customer_id", "hold_id", "event_digest")
    kept = {k: v for k, v in decision.items() if k not in names}
    kept.pop("decided_at")
    return kept


class Ledger:
    """What was published, by (topic, partition, offset)."""

    def __init__(self, deployment: Deployment) -> None:
        self.deployment = deployment
        self.sent: dict[tuple[str, int, int], Fuzzed] = {}
        self.pending: list[tuple[Any, Fuzzed]] = []

    def publish(self, record: Fuzzed) -> None:
        topic = getattr(self.deployment.settings.topics, record.role)
        future = self.deployment.producer.send(topic, key=record.key, value=record.value)
        self.pending.append((future, record))

    def publish_event(self, event: dict[str, Any]) -> None:
        """A control event, acknowledged before the next is sent: records sent to two
        topics may otherwise reach the broker in either order, as from a bank that
        published them late, which no ordering by the worker can put right."""
        self.publish(
            Fuzzed(
                role_of(event), event["customer_id"].encode(), factories.encode(event), "control"
            )
        )
        self.settle()

    def settle(self) -> None:
        self.deployment.producer.flush()
        for future, record in self.pending:
            meta = future.get(timeout=60)
            self.sent[(meta.topic, meta.partition, meta.offset)] = record
        self.pending.clear()


def group_caught_up(deployment: Deployment) -> bool:
    settings = deployment.settings
    inputs = [
        TopicPartition(topic, partition)
        for topic in (
            settings.topics.transfers,
            settings.topics.loans,
            settings.topics.customer_events,
        )
        for partition in range(settings.topic_partitions)
    ]
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    reader = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap)
    try:
        committed = admin.list_consumer_group_offsets(settings.consumer_group)
        ends = reader.end_offsets(inputs)
    finally:
        admin.close()
        reader.close()
    return all(committed.get(tp) is not None and committed[tp].offset == ends[tp] for tp in inputs)


@pytest.mark.timeout(900)
def test_fuzzed_input_is_decided_or_dead_lettered_and_a_control_customer_is_unaffected(
    deployment: Deployment,
) -> None:
    worker = deployment.start_worker()
    ledger = Ledger(deployment)
    start = factories.now().replace(microsecond=0) - timedelta(hours=1)

    # The control customer alone: its decisions without any fuzz around them.
    alone = control_scenario(factories.customer_id(), factories.new_kz_iban(), start)
    for event in alone:
        ledger.publish_event(event)
    ledger.settle()
    screened = [e for e in alone if e["type"] in ROLE_OF_TYPE]
    deployment.wait_for(
        "the control customer's decisions",
        lambda: all(deployment.decisions_for(e["event_id"]) for e in screened),
    )

    earlier: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz_records(earlier))
    def publish_fuzz(records: list[Fuzzed]) -> None:
        for record in records:
            ledger.publish(record)

    # The same evening for a second customer, in the middle of the fuzz.
    publish_fuzz()
    amid = control_scenario(factories.customer_id(), factories.new_kz_iban(), start)
    for event in amid:
        ledger.publish_event(event)
    publish_fuzz()
    ledger.settle()

    deadline = time.monotonic() + 600
    stalls = 0
    while not group_caught_up(deployment):
        assert worker.poll() is None, "the worker stopped"
        stalls += int(metric(deployment.scrape_metrics(worker), "screener_worker_stalled"))
        assert time.monotonic() < deadline, "the worker did not read every record"
        deployment.poll_outputs()
        time.sleep(1)
    deployment.poll_outputs()

    topics = deployment.settings.topics
    dead = {(d["source_topic"], d["partition"], d["offset"]) for d in deployment.outputs["dlq"]}
    decisions = Counter(d["event_id"] for d in deployment.outputs["decisions"])
    wanted: Counter[str] = Counter()
    accepted = 0
    for where, record in ledger.sent.items():
        topic = where[0]
        if where in dead:
            continue
        if topic == topics.customer_events:
            accepted += 1  # customer events get no decision; read and not dead-lettered
            continue
        wanted[json.loads(record.value)["event_id"]] += 1
    undecided = {event_id: n for event_id, n in wanted.items() if decisions[event_id] < n}
    assert not undecided, f"records neither decided nor dead-lettered: {undecided}"

    fuzzed = [r for r in ledger.sent.values() if r.mutation != "control"]
    page = deployment.scrape_metrics(worker)
    print(
        f"fuzz: {len(fuzzed)} records fuzzed ({dict(Counter(r.mutation for r in fuzzed))}), "
        f"{sum(wanted.values())} transfers and loans decided, {accepted} customer events "
        f"accepted, {len(dead)} dead-lettered, stalls: {stalls}"
    )
    assert stalls == 0 and metric(page, "screener_worker_stalled") == 0
    assert readyz(deployment, worker)[0] == 200
    assert "worker stalled" not in deployment.logs[worker.pid].read_text(errors="replace")

    def decisions_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            comparable(deployment.decisions_for(e["event_id"])[0])
            for e in events
            if e["type"] in ROLE_OF_TYPE
        ]

    baseline = decisions_of(alone)
    assert [d["verdict"] for d in baseline] == ["block", "hold", "allow"]
    assert decisions_of(amid) == baseline
