"""`make demo`: everything running locally, a few minutes of realistic traffic with scams,
a summary of what the screener caught, and the officers' page with a demo token.

Starts local Kafka and Redis (`screener dev up`), a worker and the review API as background
processes (stopped by `make demo-stop`), plays generated traffic (`screener generate`: a
synthetic population's everyday payments, loans and logins, with labelled scams on top) at a
steady rate, waits for every decision, and prints what was held and why.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import KafkaError

from screener import devinfra
from screener.adapters.kafka_admin import ensure_topics
from screener.settings import Settings
from screener.traffic.events import ALMATY, Traffic
from screener.traffic.generate import TrafficSpec, generate_traffic
from screener.traffic.sinks import send_to_kafka

SCREENED = ("transfers", "loans")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m screener.demo", description=__doc__)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50, help="events per second")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    started = time.monotonic()
    endpoints = devinfra.up()
    env = {**os.environ, **endpoints, "SCREENER_CONSUMER_GROUP": "screener-demo"}
    settings = Settings.from_env(env)
    stop_background(quiet=True)
    logs = run_dir()
    worker = start(["worker"], env, logs / "worker.log")
    api = start(["api"], env, logs / "api.log")
    officer = add_user("demo-officer", "officer", env)
    supervisor = add_user("demo-supervisor", "supervisor", env)

    # Two days starting three days ago in Almaty: their scenarios run on for hours past their
    # day, and all of it must lie in the past, since the worker refuses events dated after
    # their Kafka record (a clock in the future); recent enough for every window. The
    # cooling-period holds still wait for their borrowers' reconfirmation.
    now = datetime.now(ALMATY)
    first_day = (now - timedelta(days=3)).date()
    traffic = happened_by(
        generate_traffic(
            TrafficSpec(seed=args.seed, customers=args.customers, days=2, first_day=first_day)
        ),
        now,
    )
    screened = [event for topic, event in traffic.records if topic in SCREENED]
    minutes = len(traffic.records) / args.rate / 60
    print(f"\nPlaying {len(traffic.records):,} events at {args.rate:g}/s (~{minutes:.1f} min)…")
    consumer = decisions_consumer(settings)
    send_to_kafka(traffic.records, settings, args.rate)
    decisions = collect(consumer, {e["event_id"] for e in screened}, deadline_seconds=120)

    report(traffic.records, traffic.labels, decisions)
    wait_for_page(settings.api_port)
    print(
        f"\nThe demo took {time.monotonic() - started:.0f} s.\n"
        f"Worker's metrics: http://127.0.0.1:{settings.worker_web_port}/metrics\n"
        f"Officers' page: http://127.0.0.1:{settings.api_port}/\n"
        f"  officer token:    {officer}\n"
        f"  supervisor token: {supervisor}\n"
        f"Worker and API keep running (logs in {logs}); stop them with `make demo-stop`,\n"
        f"and Kafka and Redis with `.venv/bin/screener dev down`."
    )
    if worker.poll() is not None or api.poll() is not None:
        print("warning: the worker or the API exited; see their logs", file=sys.stderr)
        return 1
    return 0


def happened_by(traffic: Traffic, now: datetime) -> Traffic:
    """The traffic without the events still to come at `now`, and their labels: a few run on
    for up to two days past the traffic's last day (an honest loan spent a day or two
    later), and the worker dead-letters an event dated after its Kafka record."""
    records = [
        (topic, event)
        for topic, event in traffic.records
        if datetime.fromisoformat(event["occurred_at"]) <= now
    ]
    kept = {event["event_id"] for _, event in records}
    labels = [label for label in traffic.labels if label["event_id"] in kept]
    return Traffic(records, labels, traffic.afc_list)


def run_dir() -> Path:
    path = Path(os.environ.get("SCREENER_DEV_HOME", Path.home() / ".cache/screener/dev")) / "demo"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(command: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "screener.cli", *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives `make demo`
        )
    (run_dir() / f"{command[0]}.pid").write_text(str(process.pid))
    return process


def stop_background(quiet: bool = False) -> None:
    """Stop the demo's worker and API started by an earlier `make demo`."""
    for pid_file in run_dir().glob("*.pid"):
        try:
            group = int(pid_file.read_text())
            os.killpg(group, signal.SIGTERM)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                time.sleep(0.2)
                os.killpg(group, 0)  # raises ProcessLookupError once it is gone
            os.killpg(group, signal.SIGKILL)  # a worker stuck in shutdown
        except (ProcessLookupError, ValueError):
            pass
        if not quiet:
            print(f"stopped the demo {pid_file.stem}")
        pid_file.unlink()


def add_user(name: str, role: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "screener.cli",
            "users",
            "add",
            f"{name}-{int(time.time())}",
            "--role",
            role,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def decisions_consumer(settings: Settings, wait_seconds: float = 60) -> KafkaConsumer:
    """A consumer of `screener.decisions` whose position is fixed at the topic's end now.

    The position must be settled before the traffic is played: a consumer left to resolve
    `auto_offset_reset="latest"` lazily, on its first poll, does so whenever the broker
    answers, and on a new machine (a cold JVM, a topic created moments before) that was after
    every decision had been written, so none was counted. Hence: the topic is created if it
    does not exist yet, its partitions are assigned explicitly and the consumer seeks to
    their end offsets, as the broker gives them now, before this function returns.
    """
    ensure_topics(settings)
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=None,
        enable_auto_commit=False,
    )
    topic = settings.topics.decisions
    deadline = time.monotonic() + wait_seconds
    while not (partitions := consumer.partitions_for_topic(topic)):
        if time.monotonic() > deadline:
            consumer.close()
            raise RuntimeError(f"topic {topic} has no partitions after {wait_seconds:g} s")
        time.sleep(0.2)
        consumer.topics()  # asks the broker for fresh metadata
    assigned = [TopicPartition(topic, partition) for partition in sorted(partitions)]
    consumer.assign(assigned)
    for partition, offset in end_offsets(consumer, assigned, deadline).items():
        consumer.seek(partition, offset)
    return consumer


def end_offsets(
    consumer: KafkaConsumer, partitions: list[TopicPartition], deadline: float
) -> dict[TopicPartition, int]:
    """The partitions' end offsets, asked until every partition has a leader to answer.

    On a topic created moments before, a partition may have no leader yet; kafka-python
    2.2.15 then fails inside `end_offsets` with an AttributeError (its list-offsets retry
    path reads the exception of a future that succeeded in part) instead of a KafkaError.
    """
    while True:
        try:
            return dict(consumer.end_offsets(partitions))
        except (KafkaError, AttributeError):
            if time.monotonic() > deadline:
                consumer.close()
                raise
            time.sleep(0.2)
            consumer.topics()  # fresh metadata, with the leaders elected since


def collect(
    consumer: KafkaConsumer, wanted: set[str], deadline_seconds: float
) -> dict[str, dict[str, Any]]:
    decisions: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + deadline_seconds
    while len(decisions) < len(wanted) and time.monotonic() < deadline:
        for batch in consumer.poll(timeout_ms=500).values():
            for record in batch:
                decision = json.loads(record.value)
                if decision["event_id"] in wanted:
                    decisions[decision["event_id"]] = decision
    consumer.close()
    return decisions


def report(
    records: list[tuple[str, dict[str, Any]]],
    labels: list[dict[str, Any]],
    decisions: dict[str, dict[str, Any]],
) -> None:
    by_topic = Counter(topic for topic, _ in records)
    verdicts = Counter(d["verdict"] for d in decisions.values())
    rules = Counter(
        reason["rule"]
        for d in decisions.values()
        if d["verdict"] != "allow"
        for reason in d["reasons"]
    )
    screened = sum(by_topic[t] for t in SCREENED)
    print(f"\n{'events':<28}{sum(by_topic.values()):>8,}")
    for topic, count in sorted(by_topic.items()):
        print(f"  {topic:<26}{count:>8,}")
    print(f"{'decisions':<28}{len(decisions):>8,}  (of {screened:,} transfers and loans)")
    for verdict in ("allow", "hold", "block"):
        print(f"  {verdict:<26}{verdicts[verdict]:>8,}")
    print("\nheld or blocked, by rule (a decision can have several reasons)")
    for rule, count in rules.most_common():
        print(f"  {rule:<26}{count:>8,}")

    instances: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for label in labels:
        if label["is_fraud"]:
            instances.setdefault((label["scenario"], label["instance"]), []).append(label)
    print(f"\n{'scam scenario':<28}{'caught':>8}{'missed':>8}")
    caught_by_scenario: Counter[str] = Counter()
    missed_by_scenario: Counter[str] = Counter()
    for (scenario, _), tagged in sorted(instances.items()):
        to_stop = [t["event_id"] for t in tagged if t["should_stop"]]
        stopped = [e for e in to_stop if decisions.get(e, {}).get("verdict") in ("hold", "block")]
        (caught_by_scenario if stopped else missed_by_scenario)[scenario] += 1
    for scenario in sorted(set(caught_by_scenario) | set(missed_by_scenario)):
        print(f"  {scenario:<26}{caught_by_scenario[scenario]:>8}{missed_by_scenario[scenario]:>8}")
    print("  (caught: at least one of the scam's payments or loans was held or blocked)")


def wait_for_page(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop_background()
        sys.exit(0)
    sys.exit(main())
