"""Integration fixtures: real Kafka and real Redis from `screener dev up`, and real workers.

Nothing here skips: if Kafka or Redis cannot start, `dev up` raises and every test that
needs them errors, so CI goes red instead of green-with-nothing-tested.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from screener import devinfra
from screener.adapters.kafka_admin import delete_topics, ensure_topics
from screener.adapters.kafka_producers import close_producer
from screener.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture(scope="session")
def services() -> dict[str, str]:
    return devinfra.up()


@dataclass
class Deployment:
    """One isolated screener deployment: its own topics, consumer group and Redis prefix."""

    env: dict[str, str]
    settings: Settings
    redis: redis.Redis
    producer: KafkaProducer
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    outputs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    web_ports: dict[int, int] = field(default_factory=dict)
    logs: dict[int, Path] = field(default_factory=dict)
    _consumer: KafkaConsumer | None = None

    @property
    def prefix(self) -> str:
        return self.settings.redis_prefix

    def send(self, topic_role: str, event: dict[str, Any], raw: bytes | None = None) -> None:
        topic = getattr(self.settings.topics, topic_role)
        key = str(event.get("customer_id", "")).encode() if event else None
        value = raw if raw is not None else json.dumps(event).encode()
        self.producer.send(topic, key=key, value=value)
        self.producer.flush()

    def start_worker(self, name: str = "worker", **extra_env: str) -> subprocess.Popen[bytes]:
        port = free_port()
        env = {**self.env, "SCREENER_WORKER_WEB_PORT": str(port), **extra_env}
        ARTIFACTS.mkdir(exist_ok=True)
        log_path = ARTIFACTS / f"{self.settings.consumer_group}-{name}-{len(self.workers)}.log"
        with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "screener.cli", "worker"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.workers.append(process)
        self.web_ports[process.pid] = port
        self.logs[process.pid] = log_path
        return process

    def scrape_metrics(self, process: subprocess.Popen[bytes]) -> str:
        """The worker's /metrics page, waiting for its web server to come up."""
        url = f"http://127.0.0.1:{self.web_ports[process.pid]}/metrics"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return str(response.read().decode())
            except urllib.error.HTTPError:
                raise
            except OSError:  # not listening yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def poll_outputs(self) -> None:
        if self._consumer is None:
            topics = self.settings.topics
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.settings.kafka_bootstrap,
                auto_offset_reset="earliest",
                enable_auto_commit=False,
                group_id=None,
                consumer_timeout_ms=200,
            )
            self._consumer.assign(
                [
                    TopicPartition(topic, partition)
                    for topic in (topics.decisions, topics.holds, topics.dlq)
                    for partition in range(self.settings.topic_partitions)
                ]
            )
        role = {
            self.settings.topics.decisions: "decisions",
            self.settings.topics.holds: "holds",
            self.settings.topics.dlq: "dlq",
        }
        for batch in self._consumer.poll(timeout_ms=200, max_records=5000).values():
            for record in batch:
                self.outputs.setdefault(role[record.topic], []).append(json.loads(record.value))

    def wait_for(self, what: str, done: Callable[[], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll_outputs()
            if done():
                return
            for worker in self.workers:
                if worker.poll() is not None and worker.returncode not in (-9, 0):
                    raise AssertionError(
                        f"a worker exited with {worker.returncode} while waiting for {what}"
                    )
        raise AssertionError(
            f"timed out after {timeout} s waiting for {what}; outputs: "
            f"{ {k: len(v) for k, v in self.outputs.items()} }"
        )

    def decisions_for(self, event_id: str) -> list[dict[str, Any]]:
        return [d for d in self.outputs.get("decisions", []) if d["event_id"] == event_id]

    def hold_changes_for(self, hold_id: str) -> list[dict[str, Any]]:
        return [c for c in self.outputs.get("holds", []) if c["hold_id"] == hold_id]

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        if self._consumer is not None:
            self._consumer.close()
        close_producer(self.producer)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_env(services: dict[str, str], name: str) -> dict[str, str]:
    """The environment of one deployment on `services`: its own consumer group, Redis
    prefix and topics, all named `name-<run>`."""
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        **services,
        "SCREENER_CONSUMER_GROUP": f"screener-{name}-{run}",
        "SCREENER_REDIS_PREFIX": f"{name}-{run}:",
        "SCREENER_RELEASE_INTERVAL_SECONDS": "0.5",
    }
    for role in ("transfers", "loans", "customer_events", "decisions", "holds", "dlq", "audit"):
        env[f"SCREENER_TOPIC_{role.upper()}"] = f"{name}-{run}.{role}"
    return env


@pytest.fixture
def deployment(services: dict[str, str]) -> Iterator[Deployment]:
    env = isolated_env(services, "test")
    settings = Settings.from_env(env)
    ensure_topics(settings)
    client = redis.Redis.from_url(settings.redis_url)
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    deployment = Deployment(env=env, settings=settings, redis=client, producer=producer)
    yield deployment
    deployment.stop()
    for key in client.scan_iter(f"{settings.redis_prefix}*"):
        client.delete(key)
    delete_topics(settings)
