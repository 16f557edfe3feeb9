"""Kill -9 the worker in the middle of a stream, or add a second worker to it, and check
nothing was lost and no hold was written twice. The expected decisions come from running
the same pure core in this process on the same events, so the tests also prove that
redelivery and handover change no verdict (a customer's loans are never counted twice
towards the cooling threshold)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Any

from screener.adapters.redis_keys import RedisKeys
from screener.boundary import decode_event
from screener.domain.context import ScreeningContext
from screener.domain.decision import Verdict
from screener.domain.events import CustomerEvent
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember, screen
from screener.settings import load_rules
from tests import factories
from tests.integration.conftest import Deployment

CUSTOMERS = 300
EVENTS = 6000


def scam_heavy_stream(rng: random.Random, events: int = EVENTS) -> list[tuple[str, dict[str, Any]]]:
    """Loans of many sizes (many held for the cooling period), transfers and logins.

    Kafka orders records within one topic's partition only, so a customer's login may be
    screened before or after their loan. The logins here are from known devices and the
    transfers to known people, so no verdict depends on the order across topics and the
    offline expectation is exact.
    """
    customers = [factories.customer_id() for _ in range(CUSTOMERS)]
    stream: list[tuple[str, dict[str, Any]]] = []
    for _ in range(events):
        customer = rng.choice(customers)
        kind = rng.random()
        if kind < 0.35:
            amount = rng.choice(["150000", "300000", "400000", "700000", "9000000"])
            stream.append(
                ("loans", factories.loan(customer_id=customer, amount=amount, channel="online"))
            )
        elif kind < 0.85:
            stream.append(("transfers", factories.transfer(customer_id=customer)))
        else:
            stream.append(
                (
                    "customer_events",
                    factories.customer_event("login", customer_id=customer, new_device=False),
                )
            )
    return stream


def expected_verdicts(stream: list[tuple[str, dict[str, Any]]]) -> dict[str, tuple[str, Any]]:
    """What the pure core decides for each event, in per-customer order as Kafka keeps it."""
    config = load_rules()
    histories: dict[str, CustomerHistory] = defaultdict(CustomerHistory)
    expected: dict[str, tuple[str, Any]] = {}
    for role, raw in stream:
        event = decode_event(role, factories.encode(raw))
        history = histories[event.customer_id]
        if not isinstance(event, CustomerEvent):
            outcome = screen(event, ScreeningContext(history, config.mrp), config)
            until = outcome.hold_until.isoformat() if outcome.hold_until else None
            expected[event.event_id] = (outcome.verdict.label, until)
        histories[event.customer_id] = remember(event, history, config)
    return expected


def produce(deployment: Deployment, stream: list[tuple[str, dict[str, Any]]]) -> None:
    for role, event in stream:
        topic = getattr(deployment.settings.topics, role)
        deployment.producer.send(
            topic, key=event["customer_id"].encode(), value=factories.encode(event)
        )
    deployment.producer.flush()


def decided(deployment: Deployment) -> int:
    return len({d["event_id"] for d in deployment.outputs.get("decisions", [])})


def wait_for_every_decision(
    deployment: Deployment, expected: dict[str, Any], timeout: float = 120
) -> None:
    holds = {eid for eid, (verdict, _) in expected.items() if verdict != "allow"}

    def missing() -> tuple[set[str], set[str]]:
        decided_ids = {d["event_id"] for d in deployment.outputs.get("decisions", [])}
        held_ids = {c["hold_id"] for c in deployment.outputs.get("holds", [])}
        return set(expected) - decided_ids, holds - held_ids

    try:
        deployment.wait_for(
            "a decision for every event", lambda: missing() == (set(), set()), timeout=timeout
        )
    except AssertionError:
        decisions, held = missing()
        print(
            f"missing {len(decisions)} decisions, e.g. {sorted(decisions)[:3]}; "
            f"{len(held)} held records, e.g. {sorted(held)[:3]}"
        )
        raise


def assert_nothing_lost_and_no_hold_twice(
    deployment: Deployment, expected: dict[str, tuple[str, Any]], keys: RedisKeys | None = None
) -> tuple[int, int]:
    """Returns how many decisions and `held` records were sent more than once. `keys`: the
    layout the worker wrote (a Redis Cluster's, sharded), CONTRACT §4's by default."""
    expected_holds = {eid for eid, (verdict, _) in expected.items() if verdict != "allow"}
    decisions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for decision in deployment.outputs["decisions"]:
        decisions[decision["event_id"]].append(decision)
    assert set(decisions) == set(expected)
    for event_id, copies in decisions.items():
        assert all(copy == copies[0] for copy in copies), f"{event_id} got different decisions"
        assert (copies[0]["verdict"], copies[0]["hold_until"]) == expected[event_id]

    # Redis: each hold exists once, and its creation was recorded exactly once.
    prefix = deployment.prefix
    keys = keys or RedisKeys(prefix)
    hold_keys = {k.decode() for k in deployment.redis.scan_iter(f"{prefix}hold:*", count=1000)}
    assert hold_keys == {keys.hold(hold_id) for hold_id in expected_holds}
    creations = Counter(
        fields[b"hold_id"].decode()
        for shard in keys.shards
        for _, fields in deployment.redis.xrange(keys.audit_in(shard))
        if fields[b"action"] == b"create"
    )
    assert set(creations) == expected_holds and set(creations.values()) == {1}
    open_holds = sum(deployment.redis.zcard(keys.holds_open_in(shard)) for shard in keys.shards)
    assert open_holds == len(expected_holds)

    # Kafka: every hold's `held` record arrived. A copy can only come from a kill in the
    # instant between Kafka's acknowledgement and clearing the outbox; it is then identical.
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for change in deployment.outputs["holds"]:
        held[change["hold_id"]].append(change)
    assert set(held) == expected_holds
    for copies in held.values():
        # On failure, the copies themselves: which field differs tells where one came from.
        assert all(copy == copies[0] for copy in copies), copies
    redelivered = sum(len(copies) - 1 for copies in decisions.values())
    duplicate_held = sum(len(copies) - 1 for copies in held.values())
    return redelivered, duplicate_held


def test_no_event_lost_and_no_hold_written_twice_when_the_worker_is_killed(
    deployment: Deployment,
) -> None:
    stream = scam_heavy_stream(random.Random(20251130))
    expected = expected_verdicts(stream)
    expected_holds = {eid for eid, (verdict, _) in expected.items() if verdict != "allow"}
    assert 100 < len(expected_holds) < len(expected), "the stream should mix holds and allows"
    assert Verdict.HOLD.label in {verdict for verdict, _ in expected.values()}

    first = deployment.start_worker("first")
    produce(deployment, stream)
    deployment.wait_for(
        "the first worker to be mid-stream",
        lambda: decided(deployment) >= len(expected) // 5,
    )
    deployment.kill(first)
    decided_before_kill = decided(deployment)
    assert decided_before_kill < len(expected), "the kill should land mid-stream"

    deployment.start_worker("second")
    wait_for_every_decision(deployment, expected)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)
    print(
        f"\nkilled after {decided_before_kill}/{len(expected)} decisions; "
        f"{redelivered} decisions re-sent after redelivery; {duplicate_held} duplicate held records"
    )


def test_a_second_worker_takes_over_partitions_mid_stream_without_loss_or_copies(
    deployment: Deployment,
) -> None:
    """A rebalance while the first worker has batches in flight: it finishes and commits
    them before handing partitions over, so the second starts where it stopped."""
    stream = scam_heavy_stream(random.Random(20251201), events=20_000)
    expected = expected_verdicts(stream)
    head, tail = stream[:15_000], stream[15_000:]

    first = deployment.start_worker("first")
    produce(deployment, head)
    deployment.wait_for(
        "the first worker to be mid-stream", lambda: decided(deployment) >= len(head) // 10
    )
    second = deployment.start_worker("second")
    # The rest is sent once the second worker has partitions, so it must screen some.
    deployment.wait_for(
        "the second worker's partitions",
        lambda: "assigned" in deployment.logs[second.pid].read_text(errors="replace"),
    )
    produce(deployment, tail)
    wait_for_every_decision(deployment, expected)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)

    consumed = {
        name: sum(
            float(line.rsplit(" ", 1)[1])
            for line in deployment.scrape_metrics(worker).splitlines()
            if line.startswith("screener_events_consumed_total{")
        )
        for name, worker in (("first", first), ("second", second))
    }
    print(f"\nrebalanced after {len(head) // 10}+ decisions; consumed: {consumed}")
    assert consumed["second"] > 0, "the second worker should have taken partitions over"
    # Both alive, and a clean handover commits first, so nothing was screened twice.
    assert first.poll() is None and second.poll() is None
    assert redelivered == 0 and duplicate_held == 0
    assert sum(consumed.values()) == len(stream)
