"""`screener rebuild` on a real Kafka and Redis: Kafka is the record, Redis is rebuilt.

A worker and the review API run traffic with cooling-period holds, a first-loan hold, a
dropper's account put on the block list by a rule, an officer's release, a confirmed fraud
(its receiver blocked, its customer marked a victim), a supervisor's block and unblock and
a payment the supervisor's block stops. Then the key prefix is wiped and rebuilt from the
topics with the real command; the block list (entries and TTLs), the open-hold set, every
hold's hash, the suspensions, the victims and the audit view must be what they were, and a
worker started afterwards must answer a redelivered event with its first decision and
create nothing twice.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from screener.adapters.audit_log import AuditKeys
from screener.adapters.redis_keys import RedisKeys, outbox_field
from screener.api.auth import Role
from screener.api.users import add_user
from screener.records import HOLD_CREATOR, hold_change
from screener.settings import Settings
from tests import factories
from tests.integration.api.support import ReviewApi, delete_prefix, in_own_thread, start_review
from tests.integration.conftest import Deployment
from tests.integration.test_worker_killed import (
    assert_nothing_lost_and_no_hold_twice,
    expected_verdicts,
    produce,
    scam_heavy_stream,
    wait_for_every_decision,
)
from tests.integration.test_worker_killed import decided as decided_count

# The rule that puts a dropper's account on the block list runs in shadow by default:
# enforced here so that the worker writes block-list entries of its own.
RULES = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"
TTL_TOLERANCE_SECONDS = 30


@pytest.fixture
def rules_file(tmp_path: Path) -> Path:
    text = RULES.read_text("utf-8")
    shadow = "  dropper_pass_through:\n    mode: shadow"
    assert shadow in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(shadow, "  dropper_pass_through:\n    mode: enforce"), "utf-8")
    return path


@pytest.fixture
def review(deployment: Deployment, rules_file: Path) -> Iterator[ReviewApi]:
    deployment.env["SCREENER_RULES_FILE"] = str(rules_file)
    settings = Settings.from_env(deployment.env)
    deployment.settings = settings
    server, api = start_review(
        settings, [("officer", "officer"), ("supervisor", "supervisor"), ("boss", "supervisor")]
    )
    try:
        yield api
    finally:
        server.stop()
        api.close()


def ago(minutes: float) -> str:
    return factories.timestamp(datetime.now(UTC) - timedelta(minutes=minutes))


def decided(deployment: Deployment, *events: dict[str, Any]) -> list[dict[str, Any]]:
    ids = [e["event_id"] for e in events]
    deployment.wait_for(
        f"decisions of {len(ids)} events",
        lambda: all(deployment.decisions_for(i) for i in ids),
        timeout=120,
    )
    return [deployment.decisions_for(i)[0] for i in ids]


def play_traffic(deployment: Deployment) -> dict[str, Any]:
    """Loans, transfers and logins of 40 customers, and a dropper's ring; returns what the
    officers' part needs."""
    events: list[tuple[str, dict[str, Any]]] = []
    customers = [factories.customer_id() for _ in range(40)]
    for index, customer in enumerate(customers):
        amount = ("150000", "400000", "700000", "9000000")[index % 4]
        events.append(("customer_events", factories.customer_event("login", customer_id=customer)))
        events.append(
            ("loans", factories.loan(customer_id=customer, amount=amount, occurred_at=ago(30)))
        )
        events.append(("transfers", factories.transfer(customer_id=customer, occurred_at=ago(29))))
    first_loan = factories.loan(
        amount="700000.00", lender_kind="bank", first_loan=True, occurred_at=ago(28)
    )
    events.append(("loans", first_loan))
    for role, event in events:
        deployment.send(role, event)
    decided(deployment, *(e for role, e in events if role != "customer_events"))

    # A dropper: three strangers pay the mule's account, which sends it all on at once.
    mule, mule_account = factories.customer_id(), factories.new_kz_iban()
    payments = [
        factories.transfer(
            receiver_account=mule_account,
            amount="150000.00",
            new_beneficiary=True,
            occurred_at=ago(20 - i),
        )
        for i in range(3)
    ]
    for payment in payments:
        deployment.send("transfers", payment)
        decided(deployment, payment)
    cash_out = factories.transfer(
        customer_id=mule,
        sender_account=mule_account,
        amount="440000.00",
        new_beneficiary=True,
        occurred_at=ago(10),
    )
    deployment.send("transfers", cash_out)
    decided(deployment, cash_out)
    # The "1414" evening: a code, a new device, a big online loan, the money sent on.
    victim = factories.customer_id()
    for minutes, kind, fields in (
        (60, "sms_code_sent", {"source": "1414"}),
        (55, "login", {"new_device": True, "device_id": "android-new"}),
    ):
        deployment.send(
            "customer_events",
            factories.customer_event(kind, customer_id=victim, occurred_at=ago(minutes), **fields),
        )
    loan = factories.loan(customer_id=victim, amount="9000000.00", occurred_at=ago(40))
    deployment.send("loans", loan)
    decided(deployment, loan)
    scam = factories.transfer(
        customer_id=victim, amount="1800000.00", new_beneficiary=True, occurred_at=ago(30)
    )
    deployment.send("transfers", scam)
    decided(deployment, scam)
    # The scam's receiver sends much of it on: what follow-the-money finds.
    onward = factories.transfer(
        sender_account=scam["receiver_account"], amount="1000000.00", occurred_at=ago(25)
    )
    deployment.send("transfers", onward)
    decided(deployment, onward)
    events += [("loans", loan), ("transfers", scam), ("transfers", onward)]
    events += [("transfers", p) for p in payments]
    events.append(("transfers", cash_out))
    return {
        "first_loan": first_loan,
        "mule_account": mule_account,
        "scam": scam,
        "onward": onward,
        "events": events,
    }


def snapshot(client: Redis, settings: Settings, hold_ids: set[str]) -> dict[str, Any]:
    keys = RedisKeys(settings.redis_prefix)
    entries = {}
    for pattern in (keys.block("*"), keys.suspension("*"), keys.confirmed_victim("*")):
        for key in client.scan_iter(match=pattern, count=1000):
            entries[key] = (json.loads(client.get(key) or b"null"), client.ttl(key))
    holds = {}
    for hold_id in hold_ids:
        fields = client.hgetall(keys.hold(hold_id))
        if fields:
            holds[hold_id] = {k.decode(): v.decode() for k, v in fields.items()}
    return {
        "entries": entries,
        "open": client.zrange(keys.holds_open, 0, -1, withscores=True),
        "timed": client.zrange(keys.holds_timed, 0, -1, withscores=True),
        "holds": holds,
        "audit_heads": client.hgetall(AuditKeys(settings.redis_prefix).heads),
    }


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def assert_same_entries(before: dict[Any, Any], after: dict[Any, Any]) -> None:
    assert set(after) == set(before)
    for key, (entry, ttl) in before.items():
        rebuilt, rebuilt_ttl = after[key]
        assert rebuilt == entry, key
        if ttl < 0:
            assert rebuilt_ttl == ttl, key  # permanent stays permanent
        else:
            assert abs(rebuilt_ttl - ttl) <= TTL_TOLERANCE_SECONDS, (key, ttl, rebuilt_ttl)


def test_redis_wiped_and_rebuilt_from_the_topics_is_what_it_was(
    deployment: Deployment, review: ReviewApi
) -> None:
    worker = deployment.start_worker()
    played = play_traffic(deployment)
    keys = RedisKeys(deployment.prefix)
    mule_account = played["mule_account"]
    assert deployment.redis.get(keys.block(mule_account)) is not None, "no rule block"

    held = [
        d
        for d in deployment.outputs["decisions"]
        if d["verdict"] == "hold"
        and deployment.redis.hget(keys.hold(d["event_id"]), "status") == b"held"
    ]
    first_loan = played["first_loan"]["event_id"]
    # A cooling period too: a supervisor lifts it (two, if it scores for four eyes).
    for releaser in ("supervisor", "boss"):
        reply = review.call(
            "POST", f"/api/holds/{first_loan}/release", releaser, json_body={"note": "visited"}
        )
        assert reply.status == 200, reply.text
        if not reply.body.get("pending_second"):
            break
    fraud = played["scam"]["event_id"]
    assert fraud in {d["event_id"] for d in held}
    reply = review.call(
        "POST", f"/api/holds/{fraud}/confirm-fraud", "officer", json_body={"note": "called"}
    )
    assert reply.status == 200, reply.text
    # A supervisor approves what follow-the-money proposed: the onward transfer is held by
    # the review API (a hold no worker made) and its receiver blocked.
    reply = review.call(
        "POST", f"/api/holds/{fraud}/follow/approve", "boss", json_body={"steps": []}
    )
    assert reply.status == 200, reply.text
    followed = played["onward"]["event_id"]
    timed = factories.new_kz_iban()
    reply = review.call(
        "PUT",
        f"/api/blocklist/{timed}",
        "supervisor",
        json_body={"reason": "police request", "ttl_seconds": 3600},
    )
    assert reply.status == 200, reply.text
    lifted = factories.new_kz_iban()
    for method, body in (("PUT", {"reason": "typo", "ttl_seconds": None}), ("DELETE", None)):
        reply = review.call(method, f"/api/blocklist/{lifted}", "supervisor", json_body=body)
        assert reply.status == 200, reply.text
    # A supervisor lifts the rule's block on the dropper's account, then blocks it for good.
    reply = review.call("DELETE", f"/api/blocklist/{mule_account}", "boss")
    assert reply.status == 200, reply.text
    reply = review.call(
        "PUT",
        f"/api/blocklist/{mule_account}",
        "boss",
        json_body={"reason": "dropper, confirmed", "ttl_seconds": None},
    )
    assert reply.status == 200, reply.text
    # Screened after the supervisor's block: refused because of it.
    stopped = factories.transfer(receiver_account=timed, amount="50000.00")
    deployment.send("transfers", stopped)
    [stopped_decision] = decided(deployment, stopped)
    assert stopped_decision["verdict"] == "block"
    deployment.wait_for(
        "the audit outbox to drain",
        lambda: deployment.redis.zcard(f"{deployment.prefix}audit:outbox:due") == 0,
    )
    worker.terminate()
    worker.wait(timeout=60)
    deployment.poll_outputs()
    decisions_before = len(deployment.outputs["decisions"])
    hold_ids = {c["hold_id"] for c in deployment.outputs["holds"]}
    before = snapshot(deployment.redis, deployment.settings, hold_ids)
    assert len(before["open"]) >= 10 and before["timed"]
    assert before["holds"][first_loan]["status"] == "released"
    assert before["holds"][fraud]["status"] == "confirmed_fraud"
    assert before["holds"][followed]["source_hold"] == fraud

    delete_prefix(deployment.redis, deployment.prefix)
    assert not list(deployment.redis.scan_iter(match=f"{deployment.prefix}*"))
    result = run_cli(deployment.env, "rebuild")
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stderr
    assert "replayed differently (the published one kept): 0" in result.stdout
    assert "not restored" not in result.stdout
    after = snapshot(deployment.redis, deployment.settings, hold_ids)

    assert_same_entries(before["entries"], after["entries"])
    assert after["open"] == before["open"]
    assert after["timed"] == before["timed"]
    assert after["holds"] == before["holds"]
    assert after["audit_heads"] == before["audit_heads"]
    verified = run_cli(deployment.env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # Users are not on any topic: an operator adds them again (new tokens).
    review.tokens["officer"] = in_own_thread(
        partial(add_user, deployment.settings, "officer", Role.OFFICER)
    )
    trail = review.call("GET", f"/api/holds/{fraud}", "officer").body["audit"]
    assert [e["action"] for e in trail if e.get("by") == "officer"].count("confirm_fraud") == 1

    # Rebuilt once, refused the second time: the prefix is no longer empty.
    again = run_cli(deployment.env, "rebuild")
    assert again.returncode == 1 and "not empty" in again.stderr

    # A worker on the rebuilt Redis: a redelivered held event gets its first decision and
    # no second hold; a new payment to the supervisor's permanent block is refused.
    deployment.start_worker("after-rebuild")
    redelivered = next(e for role, e in played["events"] if e["event_id"] == held[0]["event_id"])
    deployment.send("loans" if redelivered["type"] == "loan_approval" else "transfers", redelivered)
    fresh = factories.transfer(receiver_account=mule_account, amount="20000.00")
    deployment.send("transfers", fresh)
    [fresh_decision] = decided(deployment, fresh)
    assert fresh_decision["verdict"] == "block"
    deployment.wait_for(
        "the redelivered event's decision again",
        lambda: len(deployment.decisions_for(redelivered["event_id"])) == 2,
        timeout=120,
    )
    first, second = deployment.decisions_for(redelivered["event_id"])
    assert first == second
    deployment.poll_outputs()
    assert len(deployment.outputs["decisions"]) == decisions_before + 2
    held_changes = [c for c in deployment.outputs["holds"] if c["status"] == "held"]
    assert len({c["hold_id"] for c in held_changes}) == len(held_changes), "a hold made twice"


def wipe_and_rebuild_mid_stream(deployment: Deployment, events: int) -> dict[str, Any]:
    """The fault: the worker is SIGKILLed mid-stream and Redis is lost with it (the prefix
    wiped); `screener rebuild` restores it and a new worker finishes the stream. Every
    event must have exactly its pure-core decision (identical copies only), every hold once.
    Shared with tests/cluster/test_faults.py."""
    stream = scam_heavy_stream(random.Random(20251203), events=events)
    expected = expected_verdicts(stream)
    first = deployment.start_worker("first")
    produce(deployment, stream)
    deployment.wait_for(
        "the worker to be mid-stream",
        lambda: decided_count(deployment) >= len(expected) // 3,
        timeout=300,
    )
    deployment.kill(first)
    decided_before = decided_count(deployment)
    delete_prefix(deployment.redis, deployment.prefix)
    started = time.monotonic()
    result = run_cli(deployment.env, "rebuild")
    rebuild_seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "replayed differently (the published one kept): 0" in result.stdout, result.stdout
    deployment.start_worker("after-rebuild")
    wait_for_every_decision(deployment, expected, timeout=300)
    redelivered, duplicate_held = assert_nothing_lost_and_no_hold_twice(deployment, expected)
    measured = {
        "decided_before_kill": decided_before,
        "decisions": len(expected),
        "rebuild_seconds": round(rebuild_seconds, 1),
        "redelivered": redelivered,
        "duplicate_held": duplicate_held,
        "report": result.stdout.strip().splitlines(),
    }
    print(f"\nwiped and rebuilt mid-stream: {measured}")
    return measured


def test_redis_lost_with_a_killed_worker_mid_stream_is_rebuilt_and_the_stream_finished(
    deployment: Deployment,
) -> None:
    measured = wipe_and_rebuild_mid_stream(deployment, events=3000)
    assert measured["decided_before_kill"] < measured["decisions"]


def test_a_hold_change_the_topic_lacks_is_left_in_the_outbox_for_the_workers(
    deployment: Deployment,
) -> None:
    """A worker killed after Kafka had its decision and before it had the hold's `held`
    record: the rebuilt hold's change stays in the outbox, so a worker still sends it."""
    loan = factories.loan(amount="9000000.00", occurred_at=ago(10))
    deployment.send("loans", loan)
    decision = {
        "event_id": loan["event_id"],
        "event_type": "loan_approval",
        "customer_id": loan["customer_id"],
        "verdict": "hold",
        "hold_id": loan["event_id"],
        "decided_at": datetime.now(UTC).isoformat(),
    }
    deployment.producer.send(
        deployment.settings.topics.decisions,
        key=loan["customer_id"].encode(),
        value=json.dumps(decision).encode(),
    )
    deployment.producer.flush()
    result = run_cli(deployment.env, "rebuild")
    assert result.returncode == 0, result.stderr
    assert "left in the outbox for the workers: 1" in result.stdout, result.stdout
    keys = RedisKeys(deployment.prefix)
    assert deployment.redis.hget(keys.hold(loan["event_id"]), "status") == b"held"
    pending = deployment.redis.hget(keys.outbox, outbox_field(loan["event_id"], "held"))
    assert pending is not None and json.loads(pending)["status"] == "held"
    # A worker started now sends it (the sweeper republishes what waited in the outbox).
    deployment.start_worker()
    deployment.wait_for(
        "the held record",
        lambda: bool(deployment.hold_changes_for(loan["event_id"])),
        timeout=120,
    )


def test_a_hold_on_the_topic_whose_decision_is_not_is_replayed_as_it_was_decided(
    deployment: Deployment,
) -> None:
    """A worker killed while delivering a batch, its hold's `held` record acknowledged and
    its decision not yet (another broker leads `screener.decisions`): the event was
    screened, at the hold's creation. The rebuild replays it at that moment, so a worker
    started afterwards publishes that decision and does not decide, or hold, it again."""
    loan = factories.loan(amount="9000000.00", occurred_at=ago(10))
    deployment.send("loans", loan)
    decided_at = datetime.now(UTC) - timedelta(seconds=5)
    held = hold_change(loan["event_id"], "held", None, decided_at, HOLD_CREATOR, "")
    deployment.producer.send(
        deployment.settings.topics.holds,
        key=loan["event_id"].encode(),
        value=json.dumps(held).encode(),
    )
    deployment.producer.flush()
    result = run_cli(deployment.env, "rebuild")
    assert result.returncode == 0, result.stderr
    assert "left in the outbox for the workers: 0" in result.stdout, result.stdout
    keys = RedisKeys(deployment.prefix)
    assert deployment.redis.hget(keys.hold(loan["event_id"]), "status") == b"held"
    deployment.start_worker()
    deployment.wait_for(
        "the loan's decision",
        lambda: bool(deployment.decisions_for(loan["event_id"])),
        timeout=120,
    )
    [decision] = deployment.decisions_for(loan["event_id"])
    assert decision["verdict"] == "hold" and decision["hold_id"] == loan["event_id"]
    assert decision["decided_at"] == held["changed_at"], "decided again, not replayed"
    assert deployment.hold_changes_for(loan["event_id"]) == [held]
