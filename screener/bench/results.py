"""The benchmark's figures, the machine they were measured on, and percentiles."""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of `values`; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class Latencies:
    """Latencies in seconds, summarised."""

    count: int
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Latencies:
        return cls(len(values), percentile(values, 50), percentile(values, 99), max(values or [0]))


@dataclass(frozen=True, slots=True)
class Machine:
    cpus: int
    memory_gib: float
    cpu_model: str
    python: str
    system: str

    @classmethod
    def here(cls) -> Machine:
        return cls(
            cpus=len(os.sched_getaffinity(0)),
            memory_gib=_mem_total_kib() / 1024 / 1024,
            cpu_model=_cpu_model(),
            python=platform.python_version(),
            system=platform.platform(),
        )


@dataclass(frozen=True, slots=True)
class BatchTotals:
    """The worker's batches: how many, their events and their processing time, summed."""

    batches: float = 0.0
    events: float = 0.0
    seconds: float = 0.0

    def since(self, earlier: BatchTotals) -> BatchTotals:
        return BatchTotals(
            self.batches - earlier.batches,
            self.events - earlier.events,
            self.seconds - earlier.seconds,
        )

    @property
    def mean_events(self) -> float:
        return self.events / self.batches if self.batches else math.nan

    @property
    def mean_seconds(self) -> float:
        return self.seconds / self.batches if self.batches else math.nan


@dataclass(frozen=True, slots=True)
class Throughput:
    events: int
    decisions: int
    seconds: float  # first to last
    startup_seconds: float = 0.0  # worker start to first decision
    # Events per second over the first and the last quarter of the decisions: the rate
    # falls as busy accounts fill up with flows, so the tail is the steady state.
    first_quarter_per_second: float = math.nan
    last_quarter_per_second: float = math.nan
    cpu_share: float = math.nan  # the worker's CPU seconds per wall second

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else math.nan

    @property
    def decisions_per_second(self) -> float:
        return self.decisions / self.seconds if self.seconds > 0 else math.nan


@dataclass(frozen=True, slots=True)
class LoadResult:
    offered_per_second: int
    seconds: float
    events: int
    decisions: Latencies  # produce (scheduled time) -> decision seen on screener.decisions
    plain: Latencies  # produce (scheduled time) -> record seen by a plain consumer
    achieved_per_second: float  # input events screened per second during the phase
    drain_seconds: float  # after the last send, until the last decision was seen
    worker_cpu_share: float = math.nan  # the worker's CPU seconds per wall second
    bench_cpu_share: float = math.nan  # this process's (producer and watchers)
    batches: BatchTotals = field(default_factory=BatchTotals)


@dataclass(frozen=True, slots=True)
class BlockCheck:
    exists: Latencies
    ping: Latencies
    keys: int
    hit_share: float


@dataclass(slots=True)
class BenchResults:
    quick: bool
    machine: Machine
    started_at: str
    seed: int
    events_generated: int
    settings: dict[str, Any] = field(default_factory=dict)
    produce: Throughput | None = None
    ceiling: Throughput | None = None
    worker: Throughput | None = None
    worker_batches: BatchTotals = field(default_factory=BatchTotals)
    loads: list[LoadResult] = field(default_factory=list)
    blocks_idle: BlockCheck | None = None
    blocks_loaded: BlockCheck | None = None
    profile: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (its own threads, not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def other_activity(ours: set[int]) -> str:
    """The load average and any test runs or screener processes not started by this run:
    on a shared machine they take CPU from what is being measured, and the reader should
    know."""
    load = Path("/proc/loadavg").read_text().split()[0]
    others = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in ours:
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # the process ended while we looked
            continue
        text = " ".join(a.decode(errors="replace") for a in argv if a)
        if ("pytest" in text or "screener" in text) and "screener.bench" not in text:
            if "kafka.Kafka" in text or "redis-server" in text:
                continue
            others.append(text.split("/")[-1][:60])
    busy = f"; also running: {', '.join(sorted(set(others)))}" if others else ""
    return f"load average {load}{busy}"


def _mem_total_kib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return float(line.split()[1])
    return math.nan


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
