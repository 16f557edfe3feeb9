"""The benchmark's pure parts: percentiles, the profile summary, BENCHMARKS.md's markers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from screener.bench import markdown
from screener.bench.deployment import all_rules_enforced
from screener.bench.profiling import summarise
from screener.bench.results import BenchResults, Latencies, Machine, Throughput, percentile

SITE = "/venv/lib/python3.11/site-packages"
REPO = "/work/main/screener"


@pytest.mark.parametrize(
    ("p", "expected"), [(50, 50.0), (99, 99.0), (100, 100.0), (1, 1.0), (0, 1.0)]
)
def test_nearest_rank_percentiles(p: float, expected: float) -> None:
    assert percentile([float(v) for v in range(100, 0, -1)], p) == expected


def test_latencies_of_nothing_are_not_a_number() -> None:
    empty = Latencies.of([])
    assert empty.count == 0 and empty.p50 != empty.p50  # NaN


def test_the_profile_charges_samples_to_the_innermost_screener_frame(tmp_path: Path) -> None:
    raw = tmp_path / "profile.txt"
    run = f"run ({REPO}/worker/run.py:20);execute_from_commandline ({SITE}/mode/worker.py:9)"
    load = f"{run};RedisScreeningStore.load ({REPO}/adapters/redis_store.py:50)"
    raw.write_text(
        f"thread (1): MainThread;{load};loads ({SITE}/orjson/__init__.py:1) 30\n"
        f"thread (1): MainThread;{load};RedisScreeningStore.load.<locals>.<genexpr> "
        f"({REPO}/adapters/redis_store.py:70) 10\n"
        f"thread (1): MainThread;{run};getmany ({SITE}/aiokafka/consumer.py:5) 20\n"
        f"thread (1): MainThread;{run};_run_once (/usr/lib/python3.11/asyncio/base.py:1) 40\n"
        f"thread (2): Thread-1;{load} 1000\n"
    )
    summary = summarise(raw, seconds=2.0)
    assert summary["samples"] == 100  # only the main thread
    assert summary["busy_share"] == pytest.approx(0.5)  # 100 of 200 possible samples
    areas = dict(summary["areas"])
    assert areas["Redis: load state and parse it"] == pytest.approx(0.4)
    assert areas["outside the screener: Kafka client (aiokafka: fetch, produce)"] == 0.2
    assert areas["outside the screener: asyncio event loop"] == 0.4


def results() -> BenchResults:
    machine = Machine(2, 23.5, "Xeon", "3.11.7", "Linux")
    r = BenchResults(quick=True, machine=machine, started_at="now", seed=7, events_generated=9)
    r.ceiling = Throughput(1000, 0, 0.5)
    r.worker = Throughput(1000, 500, 2.0)
    return r


def test_benchmarks_md_keeps_what_was_written_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "BENCHMARKS.md"
    markdown.write(path, results())
    text = path.read_text()
    assert "| a | ceiling" in text and "2,000/s | 1.00×" in text
    assert "| b | one worker" in text and "0.25×" in text  # 500/s of a 2,000/s ceiling
    path.write_text(text.replace("## Where the time goes", "## Where the time goes\n\nMy notes."))
    markdown.write(path, results())
    assert "My notes." in path.read_text()
    assert path.read_text().count(markdown.BENCH[0]) == 1


def test_the_bench_rules_enforce_every_rule() -> None:
    rules = yaml.safe_load(all_rules_enforced())["rules"]
    assert rules and {settings["mode"] for settings in rules.values()} == {"enforce"}
