"""What a worker tells operators about itself, and how the operators' page judges it.

Each worker publishes a status record every `status_interval_seconds` (worker/status.py
writes it to Redis): its partitions' lag and offsets with the time each offset last moved,
events/s, the rules version in force, the safety cap's state, the rule hits since its last
report and the dead letters since then, masked. The review API reads the records back and
`assess` decides what the page shows: which workers still report, which partitions stall.

The numbers come from the worker's Prometheus metrics (screener/metrics.py), the one place
they are counted: the status is a view of them, so the page and the alerts cannot disagree.
Pure: times are passed in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from prometheus_client.metrics import MetricWrapperBase

from screener.logs import mask

# Dead letters kept for the page between two reports (a burst beyond this is in the DLQ).
RECENT_DEAD_LETTERS_KEPT = 50
# A worker silent for this many report intervals (and at least STALE_MIN_SECONDS) no longer
# reports: its partitions with lag are stalled, whatever its last record said.
STALE_INTERVALS = 5
STALE_MIN_SECONDS = 5.0
ERROR_TEXT_KEPT = 200
# Lag readings kept per partition for the page's sparkline (two minutes at one a second).
LAG_HISTORY_KEPT = 120

_recent_dead_letters: deque[dict[str, Any]] = deque(maxlen=RECENT_DEAD_LETTERS_KEPT)


def note_dead_letter(
    topic: str, partition: int, offset: int, key: bytes | None, error: str
) -> None:
    """Remember a dead letter for the next status report (which stamps its time): where it
    was and why, masked."""
    shown_key = mask(key.decode("utf-8", "replace")) if key is not None else None
    _recent_dead_letters.append(
        {
            "topic": mask(topic),
            "partition": partition,
            "offset": offset,
            "key": shown_key,
            "error": mask(error[:ERROR_TEXT_KEPT]),
        }
    )


def take_dead_letters(now: float) -> list[dict[str, Any]]:
    """The dead letters noted since the last call, stamped `now`, oldest first."""
    taken = [{**letter, "at": now} for letter in _recent_dead_letters]
    _recent_dead_letters.clear()
    return taken


def samples(metric: MetricWrapperBase, suffix: str = "") -> list[tuple[dict[str, str], float]]:
    """A metric's current (labels, value) pairs; `suffix` picks `_total` of a counter."""
    return [
        (sample.labels, sample.value)
        for family in metric.collect()
        for sample in family.samples
        if sample.name == family.name + suffix
    ]


@dataclass
class StatusTracker:
    """Turns metric readings into status records; remembers when each offset last moved."""

    worker: str
    started_at: float
    _progress: dict[tuple[str, int], tuple[float, float]] = field(default_factory=dict)
    _lag_history: dict[tuple[str, int], deque[int]] = field(default_factory=dict)
    _rule_hits: dict[str, float] = field(default_factory=dict)
    _events: tuple[float, float] | None = None  # (at, total) of the last report

    def report(
        self,
        now: float,
        *,
        lag: Iterable[tuple[Mapping[str, str], float]],
        offsets: Iterable[tuple[Mapping[str, str], float]],
        events_total: float,
        rule_hits: Iterable[tuple[Mapping[str, str], float]],
        cap: Iterable[tuple[Mapping[str, str], float]],
        rules_version: str,
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """The status record, and the rule hits (enforce mode) since the last report."""
        offset_of = {(lb["topic"], int(lb["partition"])): value for lb, value in offsets}
        partitions = []
        for labels, value in sorted(lag, key=lambda s: (s[0]["topic"], int(s[0]["partition"]))):
            tp = (labels["topic"], int(labels["partition"]))
            offset = offset_of.get(tp, 0.0)
            last_offset, moved_at = self._progress.get(tp, (offset, now))
            if offset != last_offset:
                moved_at = now
            self._progress[tp] = (offset, moved_at)
            history = self._lag_history.setdefault(tp, deque(maxlen=LAG_HISTORY_KEPT))
            history.append(int(value))
            partitions.append(
                {
                    "topic": tp[0],
                    "partition": tp[1],
                    "lag": int(value),
                    "offset": int(offset),
                    "progress_at": moved_at,
                    "lag_history": list(history),
                }
            )
        rate = 0.0
        if self._events is not None and now > self._events[0]:
            rate = max(0.0, events_total - self._events[1]) / (now - self._events[0])
        self._events = (now, events_total)
        hits: dict[str, int] = {}
        for labels, value in rule_hits:
            if labels.get("mode") != "enforce":
                continue
            rule = labels["rule"]
            delta = value - self._rule_hits.get(rule, 0.0)
            self._rule_hits[rule] = value
            if delta > 0:
                hits[rule] = round(delta)
        capped = [(labels.get("rule", ""), value) for labels, value in cap]
        record = {
            "worker": self.worker,
            "started_at": self.started_at,
            "reported_at": now,
            "rules_version": rules_version,
            "events_per_second": round(rate, 2),
            "events_total": int(events_total),
            "safety_cap": {
                "active": any(value >= 1 for _, value in capped),
                "rules": sorted(rule for rule, value in capped if value >= 1 and rule),
            },
            "partitions": partitions,
        }
        return record, hits


def assess(
    record: Mapping[str, Any], now: float, interval: float, stall_seconds: float
) -> dict[str, Any]:
    """The record as the page shows it: `reporting`, and each partition's `state`
    (`ok`, `behind`: lag but moving, `stalled`: lag and no progress for `stall_seconds`
    or its worker stopped reporting)."""
    silent_for = max(0.0, now - float(record["reported_at"]))
    reporting = silent_for <= max(STALE_INTERVALS * interval, STALE_MIN_SECONDS)
    partitions = []
    for partition in record.get("partitions", []):
        idle = max(0.0, now - float(partition["progress_at"]))
        if partition["lag"] <= 0:
            state = "ok"
        elif not reporting or idle >= stall_seconds:
            state = "stalled"
        else:
            state = "behind"
        partitions.append({**partition, "idle_seconds": round(idle, 1), "state": state})
    return {
        **record,
        "reporting": reporting,
        "silent_seconds": round(silent_for, 1),
        "partitions": partitions,
    }
