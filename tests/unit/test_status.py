"""The workers' status records and how the operators' page judges them."""

from __future__ import annotations

import logging

import pytest
from redis.asyncio import Redis

from screener import status
from screener.adapters.redis_keys import RedisKeys
from screener.adapters.redis_status import RedisStatusStore
from screener.settings import OperationsSettings
from screener.status import StatusTracker, assess
from screener.worker.status import StatusReporter


def lag(topic: str, partition: int, value: float) -> tuple[dict[str, str], float]:
    return ({"topic": topic, "partition": str(partition)}, value)


def report(tracker: StatusTracker, now: float, offset: float, lag_value: float, **extra: object):
    kwargs = {
        "lag": [lag("bank.transfers", 0, lag_value)],
        "offsets": [lag("bank.transfers", 0, offset)],
        "events_total": offset,
        "rule_hits": [],
        "cap": [({}, 0.0)],
        "rules_version": "2026-12-01",
        **extra,
    }
    return tracker.report(now, **kwargs)  # type: ignore[arg-type]


def test_progress_is_when_the_offset_last_moved() -> None:
    tracker = StatusTracker("w1", started_at=100.0)
    first, _ = report(tracker, 100.0, offset=10, lag_value=5)
    moved, _ = report(tracker, 101.0, offset=15, lag_value=5)
    still, _ = report(tracker, 140.0, offset=15, lag_value=5)
    assert [r["partitions"][0]["progress_at"] for r in (first, moved, still)] == [100, 101, 101]
    assert moved["events_per_second"] == 5.0 and still["events_per_second"] == 0.0
    assert still["partitions"][0]["lag_history"] == [5, 5, 5]


def state(record: dict[str, object], now: float) -> str:
    return str(assess(record, now, interval=1, stall_seconds=30)["partitions"][0]["state"])


def test_a_partition_with_lag_and_no_progress_stalls() -> None:
    tracker = StatusTracker("w1", started_at=100.0)
    report(tracker, 100.0, offset=10, lag_value=5)
    record, _ = report(tracker, 101.0, offset=11, lag_value=5)
    assert state(record, 102.0) == "behind"
    record, _ = report(tracker, 140.0, offset=11, lag_value=5)
    assert state(record, 140.0) == "stalled"
    caught_up, _ = report(tracker, 141.0, offset=11, lag_value=0)
    assert state(caught_up, 141.0) == "ok"


def test_a_silent_worker_stalls_its_partitions_with_lag() -> None:
    tracker = StatusTracker("w1", started_at=100.0)
    record, _ = report(tracker, 100.0, offset=10, lag_value=5)
    live = assess(record, 101.0, interval=1, stall_seconds=30)
    silent = assess(record, 110.0, interval=1, stall_seconds=30)
    assert live["reporting"] and live["partitions"][0]["state"] == "behind"
    assert not silent["reporting"] and silent["partitions"][0]["state"] == "stalled"
    assert silent["silent_seconds"] == 10.0


def test_rule_hits_are_reported_once_and_only_in_enforce_mode() -> None:
    tracker = StatusTracker("w1", started_at=100.0)
    hits = [
        ({"rule": "velocity", "mode": "enforce"}, 3.0),
        ({"rule": "young_account", "mode": "shadow"}, 7.0),
    ]
    _, first = report(tracker, 100.0, 0, 0, rule_hits=hits)
    _, again = report(tracker, 101.0, 0, 0, rule_hits=hits)
    _, more = report(tracker, 102.0, 0, 0, rule_hits=[({"rule": "velocity", "mode": "enforce"}, 5)])
    assert (first, again, more) == ({"velocity": 3}, {}, {"velocity": 2})


def test_safety_cap_unlabelled_or_per_rule() -> None:
    tracker = StatusTracker("w1", started_at=100.0)
    on, _ = report(tracker, 100.0, 0, 0, cap=[({}, 1.0)])
    per_rule, _ = report(
        tracker, 101.0, 0, 0, cap=[({"rule": "velocity"}, 1.0), ({"rule": "x"}, 0)]
    )
    assert on["safety_cap"] == {"active": True, "rules": []}
    assert per_rule["safety_cap"] == {"active": True, "rules": ["velocity"]}


def test_dead_letters_are_masked_and_stamped_when_taken() -> None:
    status.take_dead_letters(0.0)  # whatever other tests left
    status.note_dead_letter(
        "bank.transfers", 2, 41, b"900101300123", "bad receiver_account 'KZ86125KZT5004100643'"
    )
    [letter] = status.take_dead_letters(123.0)
    assert letter == {
        "topic": "bank.transfers",
        "partition": 2,
        "offset": 41,
        "key": "…0123",
        "error": "bad receiver_account 'KZ86…0643'",
        "at": 123.0,
    }
    assert status.take_dead_letters(124.0) == []


def test_the_worker_logs_a_line_when_a_partition_stalls_resumes_and_the_cap_turns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reporter = StatusReporter(
        RedisStatusStore(Redis(), RedisKeys()),  # never called here: no I/O in _log_changes
        lambda: "v1",
        OperationsSettings(stall_seconds=30),
    )
    tracker = StatusTracker("w1", started_at=100.0)
    caplog.set_level(logging.INFO, logger="screener.worker.status")
    for now, offset, cap in ((100.0, 10, 0.0), (140.0, 10, 1.0), (141.0, 10, 1.0), (142, 20, 0)):
        record, _ = report(tracker, now, offset=offset, lag_value=5, cap=[({}, cap)])
        reporter._log_changes(now, record)
    assert [r.getMessage() for r in caplog.records] == [
        "partition bank.transfers[0] stalled: lag 5, no progress for 40 s",
        "safety cap on: non-regulatory holds capped",
        "partition bank.transfers[0] moves again",
        "safety cap off",
    ]
