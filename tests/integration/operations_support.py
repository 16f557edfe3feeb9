"""Helpers for the operators' tests: a partition flooded faster than a deliberately slow
worker (one record per batch) screens it, and the workers' status records in Redis."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from typing import Any

from screener.adapters.redis_keys import RedisKeys
from tests import factories
from tests.integration.conftest import Deployment

# One record per batch: every record costs its own Redis and Kafka round trips, so a few
# thousand records keep a partition behind for seconds even on a fast machine.
SLOW_WORKER = {"SCREENER_BATCH_MAX": "1"}


def flood_one_partition(deployment: Deployment, count: int) -> tuple[str, int]:
    """`count` transfers of one customer (one key, so one partition); their partition."""
    customer = factories.customer_id()
    topic = deployment.settings.topics.transfers
    futures = [
        deployment.producer.send(
            topic,
            key=customer.encode(),
            value=json.dumps(factories.transfer(customer_id=customer)).encode(),
        )
        for _ in range(count)
    ]
    deployment.producer.flush()
    partitions = {future.get(timeout=30).partition for future in futures}
    assert len(partitions) == 1
    return customer, partitions.pop()


def status_records(deployment: Deployment) -> list[dict[str, Any]]:
    keys = RedisKeys(deployment.prefix)
    ids = deployment.redis.zrange(keys.status_workers, 0, -1)
    raw = [deployment.redis.get(keys.status_worker(i.decode())) for i in ids]
    return [json.loads(r) for r in raw if r is not None]


def wait_for_status(
    deployment: Deployment,
    what: str,
    done: Callable[[list[dict[str, Any]]], bool],
    timeout: float = 120.0,
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = status_records(deployment)
        if done(records):
            return records
        for worker in deployment.workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker exited ({worker.returncode}) waiting for {what}")
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}: {records}")


def partition_lag(records: list[dict[str, Any]], topic: str, partition: int) -> int:
    return max(
        (
            p["lag"]
            for r in records
            for p in r["partitions"]
            if p["topic"] == topic and p["partition"] == partition
        ),
        default=0,
    )


def freeze_while_behind(
    deployment: Deployment, worker: subprocess.Popen[bytes], attempts: int = 3
) -> int:
    """Flood a partition, then SIGSTOP the worker (a hung process) while its last status
    record still shows lag there; the flooded partition. A fast worker may drain the flood
    between the check and the signal: then it is woken and flooded again."""
    topic = deployment.settings.topics.transfers
    for _ in range(attempts):
        _, partition = flood_one_partition(deployment, 3000)
        wait_for_status(
            deployment,
            "lag on the flooded partition",
            lambda records, flooded=partition: partition_lag(records, topic, flooded) > 0,
        )
        os.kill(worker.pid, signal.SIGSTOP)
        time.sleep(0.5)  # a report already sent to Redis lands
        if partition_lag(status_records(deployment), topic, partition) > 0:
            return partition
        os.kill(worker.pid, signal.SIGCONT)
    raise AssertionError(f"the worker drained every flood of 3000 records {attempts} times")
