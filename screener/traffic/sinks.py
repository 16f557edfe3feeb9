"""Where generated traffic goes: JSONL files, or the input topics at a chosen rate."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

import orjson

from screener.settings import Settings


def write_jsonl(path: Path, records: Iterable[tuple[str, dict[str, Any]]]) -> int:
    """One `{"topic": role, "event": {...}}` per line, in stream order; returns the count."""
    count = 0
    with path.open("wb") as out:
        for topic, event in records:
            out.write(orjson.dumps({"topic": topic, "event": event}))
            out.write(b"\n")
            count += 1
    return count


def write_labels(path: Path, labels: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("wb") as out:
        for label in labels:
            out.write(orjson.dumps(label))
            out.write(b"\n")
            count += 1
    return count


def write_afc_list(path: Path, entries: Iterable[tuple[str, str]]) -> int:
    """`account,reason` CSV with a header, as `POST /api/blocklist/import` takes it."""
    rows = ["account,reason"] + [
        f"{account},{reason.replace(',', ';')}" for account, reason in entries
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, what: str, out: TextIO = sys.stderr, width: int = 30) -> None:
        self._total, self._what, self._out, self._width = max(total, 1), what, out, width
        self._started = time.monotonic()
        self._drawn = 0.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._drawn < 0.2:
            return
        self._drawn = now
        filled = self._width * done // self._total
        rate = done / max(now - self._started, 1e-9)
        self._out.write(
            f"\r[{'#' * filled}{'.' * (self._width - filled)}] {done:,}/{self._total:,} "
            f"{self._what} {rate:,.0f}/s"
        )
        self._out.flush()

    def finish(self, done: int) -> None:
        self.update(done, force=True)
        self._out.write("\n")
        self._out.flush()


def send_to_kafka(
    records: Sequence[tuple[str, dict[str, Any]]],
    settings: Settings,
    rate: float,
    progress: bool = True,
) -> int:
    """Produce every record to its input topic, keyed by customer, at `rate` events a second
    (0: as fast as the producer goes). Returns once Kafka has acknowledged all of them."""
    # The JSONL path must not need a Kafka client.
    from screener.adapters.kafka_admin import ensure_topics
    from screener.adapters.kafka_producers import close_producer, kafka_python_producer

    ensure_topics(settings)
    producer = kafka_python_producer(settings, linger_ms=5)
    bar = ProgressBar(len(records), "events") if progress else None
    started = time.monotonic()
    try:
        for sent, (role, event) in enumerate(records):
            if rate > 0:
                # Open-loop pacing against the schedule, so a slow moment is caught up.
                ahead = started + sent / rate - time.monotonic()
                if ahead > 0.001:
                    time.sleep(ahead)
            producer.send(
                getattr(settings.topics, role),
                key=str(event["customer_id"]).encode(),
                value=orjson.dumps(event),
            )
            if bar is not None:
                bar.update(sent + 1)
    finally:
        close_producer(producer)
    if bar is not None:
        bar.finish(len(records))
    return len(records)
