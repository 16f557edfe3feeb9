"""Nothing a bank sends can stall the worker (issue #10, finding 1), and a stalled worker is
visible (metric, /readyz, log). Real Kafka and Redis, a real worker process."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from screener import devinfra
from tests import factories
from tests.integration.conftest import Deployment, free_port
from tests.integration.test_worker import validate
from tests.integration.test_worker_operations import metric


def readyz(deployment: Deployment, process: Any) -> tuple[int, dict[str, Any]]:
    url = f"http://127.0.0.1:{deployment.web_ports[process.pid]}/readyz"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())
        except OSError:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_an_800_kb_record_that_is_not_utf8_is_dead_lettered_and_the_stream_goes_on(
    deployment: Deployment,
) -> None:
    worker = deployment.start_worker()
    huge = bytes([0xFF, 0xFE]) + bytes(range(256)) * 3125  # 800,002 bytes, not UTF-8
    before, after = factories.transfer(), factories.transfer()
    deployment.send("transfers", before)
    deployment.send("transfers", {}, raw=huge)
    deployment.send("transfers", after)

    deployment.wait_for(
        "the dead letter and the next transfer's decision",
        lambda: bool(deployment.outputs.get("dlq"))
        and bool(deployment.decisions_for(after["event_id"])),
        timeout=90,
    )
    assert deployment.decisions_for(before["event_id"])
    [letter] = deployment.outputs["dlq"]
    validate(letter, "dead_letter")
    assert letter["value_encoding"] == "base64"
    assert letter["value_truncated"] is True
    assert letter["value_length"] == len(huge)
    assert letter["value_sha256"] == hashlib.sha256(huge).hexdigest()
    assert len(json.dumps(letter)) < 64 * 1024
    assert letter["error"].startswith("<root>")
    page = deployment.scrape_metrics(worker)
    topic = deployment.settings.topics.transfers
    assert metric(page, "screener_dead_letters_total", topic=topic, reason="json") == 1
    assert metric(page, "screener_worker_stalled") == 0
    status, body = readyz(deployment, worker)
    assert status == 200, body


def test_a_record_whose_decision_cannot_be_serialised_is_isolated_and_dead_lettered(
    deployment: Deployment,
) -> None:
    """Online loans at the amount cap (10**17 tiyn each): after about 185 of them the
    evening's `measured` total passes 2**64 and orjson refuses the decision, so the same
    batch fails the same way every time. The worker splits the batch, dead-letters each
    such loan as poison and screens everything else."""
    worker = deployment.start_worker()
    borrower = factories.customer_id()
    loans = [
        factories.loan(customer_id=borrower, amount="999999999999999.99", channel="online")
        for _ in range(200)
    ]
    neighbours = [factories.transfer() for _ in range(6)]
    for event in [*neighbours[:3], *loans, *neighbours[3:]]:
        topic = "loans" if event["type"] == "loan_approval" else "transfers"
        deployment.producer.send(
            getattr(deployment.settings.topics, topic),
            key=event["customer_id"].encode(),
            value=factories.encode(event),
        )
    deployment.producer.flush()

    def settled(event: dict[str, Any]) -> bool:
        return bool(deployment.decisions_for(event["event_id"])) or any(
            event["event_id"] in d["value"] for d in deployment.outputs.get("dlq", [])
        )

    deployment.wait_for(
        "every neighbour decided and every loan decided or dead-lettered",
        lambda: all(deployment.decisions_for(e["event_id"]) for e in neighbours)
        and all(settled(e) for e in loans),
        timeout=240,
    )
    poison = deployment.outputs.get("dlq", [])
    assert poison and all(letter["reason"] == "poison" for letter in poison)
    assert all("64-bit" in letter["error"] or "Integer" in letter["error"] for letter in poison)
    for letter in poison:
        validate(letter, "dead_letter")
    decided = [e for e in loans if deployment.decisions_for(e["event_id"])]
    assert 150 < len(decided) < 200 and len(decided) + len(poison) == 200
    page = deployment.scrape_metrics(worker)
    topic = deployment.settings.topics.loans
    assert metric(page, "screener_poison_records_total", topic=topic) == len(poison)
    assert metric(page, "screener_dead_letters_total", topic=topic, reason="poison") == len(poison)
    assert metric(page, "screener_worker_stalled") == 0


def test_a_worker_that_cannot_reach_redis_says_it_is_stalled(deployment: Deployment) -> None:
    nowhere = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    worker = deployment.start_worker(SCREENER_REDIS_URL=nowhere, SCREENER_STALL_SECONDS="3")
    deployment.send("transfers", factories.transfer())
    deadline = time.monotonic() + 120
    while True:
        page = deployment.scrape_metrics(worker)
        if metric(page, "screener_worker_stalled") == 1:
            break
        assert time.monotonic() < deadline, "screener_worker_stalled never became 1"
        time.sleep(0.5)
    status, body = readyz(deployment, worker)
    assert status == 503
    assert "stalled" in body["status"] and body["reason"]
    assert 0 < metric(page, "screener_last_progress_timestamp_seconds") < time.time() - 2
    log = deployment.logs[worker.pid].read_text(errors="replace")
    assert "stalled" in log and "retrying" in log


def test_a_worker_waiting_for_a_missing_replica_waits_and_dead_letters_nothing(
    deployment: Deployment, tmp_path: Path
) -> None:
    """`SCREENER_REDIS_WAIT_REPLICAS=1` and no replica, as just after a Sentinel failover
    before the old primary rejoins: Redis is the environment, not the records. The worker
    retries (and says it is stalled) until a replica has the writes, then decides
    everything. Taking it as the records' fault once split batches down to one good record
    and dead-lettered it as poison (test-cluster, a Redis primary killed mid-stream)."""
    worker = deployment.start_worker(SCREENER_REDIS_WAIT_REPLICAS="1", SCREENER_STALL_SECONDS="3")
    transfers = [factories.transfer() for _ in range(5)]
    for transfer in transfers:
        deployment.send("transfers", transfer)
    deadline = time.monotonic() + 120
    while metric(deployment.scrape_metrics(worker), "screener_worker_stalled") != 1:
        assert time.monotonic() < deadline, "screener_worker_stalled never became 1"
        time.sleep(0.5)
    deployment.poll_outputs()
    assert deployment.outputs.get("dlq", []) == []
    assert not any(deployment.decisions_for(t["event_id"]) for t in transfers)

    primary = urlparse(deployment.settings.redis_url)
    port = free_port()
    replica_command = devinfra.redis_command(
        port,
        tmp_path / "replica",
        tmp_path / "replica.log",
        "--replicaof", str(primary.hostname), str(primary.port),
        # A throwaway replica: without a log to write first, it stops when told to.
        "--appendonly", "no",
    )  # fmt: skip
    replica = subprocess.Popen(replica_command)
    try:
        deployment.wait_for(
            "every transfer's decision once a replica has the writes",
            lambda: all(deployment.decisions_for(t["event_id"]) for t in transfers),
            timeout=120,
        )
    finally:
        replica.terminate()
        replica.wait(timeout=30)
    assert deployment.outputs.get("dlq", []) == []


def test_a_tombstone_on_any_input_topic_is_a_dead_letter_and_the_worker_goes_on(
    deployment: Deployment,
) -> None:
    """A record with a key and no value (a tombstone, as compaction tools write) once
    crashed the worker while it built the dead letter, again on every restart."""
    worker = deployment.start_worker()
    topics = deployment.settings.topics
    for topic in (topics.transfers, topics.loans, topics.customer_events):
        deployment.producer.send(topic, key=factories.customer_id().encode(), value=None)
    deployment.producer.flush()
    good = factories.transfer()
    deployment.send("transfers", good)
    deployment.wait_for(
        "three dead letters and the next transfer's decision",
        lambda: len(deployment.outputs.get("dlq", [])) >= 3
        and bool(deployment.decisions_for(good["event_id"])),
        timeout=120,
    )
    letters = deployment.outputs["dlq"]
    assert {letter["source_topic"] for letter in letters} == {
        topics.transfers,
        topics.loans,
        topics.customer_events,
    }
    for letter in letters:
        validate(letter, "dead_letter")
        assert "tombstone" in letter["error"] and letter["value_length"] == 0
    assert worker.poll() is None, "the worker exited"
