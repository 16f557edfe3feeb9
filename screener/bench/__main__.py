"""`python -m screener.bench [--quick] [--profile] [--cluster]`: measure, then write
BENCHMARKS.md.

Phases, in one run against the local Kafka and Redis (`screener dev up` starts them; with
`--cluster`, the 3-broker Kafka and the Redis Cluster of `screener dev up --cluster`):
(a) the ceiling, a plain consumer reading and parsing the backlog; (b) one worker's
throughput on that backlog; (c) decision latency at fixed offered loads; (d) block-list
check latency from a client, idle and under load. With `--profile`, a second worker on a
fresh group is sampled with py-spy while it works through the topics.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import logging
import math
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from screener import devinfra, devinfra_cluster
from screener.adapters.kafka_admin import ensure_topics
from screener.adapters.redis_client import blocking_redis_from_url
from screener.adapters.redis_cluster_store import keys_for
from screener.bench import blockcheck, markdown
from screener.bench.deployment import INPUT_ROLES, BenchDeployment
from screener.bench.kafka_io import (
    BenchRecord,
    TopicWatcher,
    bench_records,
    produce_all,
    produce_paced,
    read_and_parse,
)
from screener.bench.profiling import Sampler, summarise
from screener.bench.results import (
    BenchResults,
    BlockCheck,
    Latencies,
    LoadResult,
    Machine,
    Throughput,
    cpu_seconds,
    other_activity,
)
from screener.settings import load_rules
from screener.traffic.events import ALMATY
from screener.traffic.generate import TrafficSpec, generate_traffic

ARTIFACTS = Path("artifacts")
BLOCKED_ACCOUNTS = 10_000
EVENTS_PER_CUSTOMER_DAY = 3.0  # what `screener generate` produces, roughly
DAYS = 4


@dataclasses.dataclass(frozen=True, slots=True)
class Options:
    quick: bool
    profile: bool
    out: Path
    seed: int
    backlog: int
    loads: tuple[int, ...]
    seconds: float
    block_seconds: float
    profile_seconds: float
    keep: bool
    worker_env: dict[str, str]
    cluster: bool = False


def parse_options(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m screener.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--profile", action="store_true", help="also sample a worker (py-spy)")
    parser.add_argument("--out", type=Path, help="default BENCHMARKS.md (quick: artifacts/)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backlog", type=int, help="backlog events (default 100000)")
    parser.add_argument("--loads", default="500,2000,5000", help="offered loads, events/s")
    parser.add_argument("--seconds", type=float, help="seconds per load (default 20)")
    parser.add_argument("--keep", action="store_true", help="keep topics and Redis keys")
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="on `screener dev up --cluster`: 3 brokers and the Redis Cluster",
    )
    parser.add_argument(
        "--worker-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the worker, e.g. PYTHONPATH=DIR to try a change",
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    return Options(
        quick=quick,
        profile=bool(args.profile),
        out=args.out or (ARTIFACTS / "BENCHMARKS.quick.md" if quick else Path("BENCHMARKS.md")),
        seed=args.seed,
        backlog=args.backlog or (10_000 if quick else 100_000),
        loads=tuple(int(v) for v in args.loads.split(",") if v.strip()),
        seconds=args.seconds or (3.0 if quick else 20.0),
        block_seconds=2.0 if quick else 10.0,
        profile_seconds=10.0 if quick else 60.0,
        keep=bool(args.keep),
        worker_env=dict(item.split("=", 1) for item in args.worker_env),
        cluster=bool(args.cluster),
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_options(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Producing right after the topics are created meets "not leader" answers until the
    # partitions have leaders; aiokafka retries them, and the warnings only add noise.
    logging.getLogger("aiokafka").setLevel(logging.ERROR)
    results = asyncio.run(run(options))
    ARTIFACTS.mkdir(exist_ok=True)
    raw = ARTIFACTS / f"{options.out.stem}.json"  # the raw figures beside each report
    raw.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    markdown.write(options.out, results)
    print(f"wrote {options.out} and {raw}", file=sys.stderr)
    return 0


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def note_activity(results: BenchResults, deployment: BenchDeployment, phase: str) -> None:
    ours = {os.getpid()}
    if deployment.worker is not None:
        ours.add(deployment.worker.pid)
    results.notes.append(f"Machine at the start of {phase}: {other_activity(ours)}.")


async def run(options: Options) -> BenchResults:
    endpoints = cluster_endpoints() if options.cluster else devinfra.up()
    bootstrap = endpoints["SCREENER_KAFKA_BOOTSTRAP"]
    needed = options.backlog + int(sum(load * options.seconds for load in options.loads))
    spec = TrafficSpec(
        seed=options.seed,
        customers=math.ceil(needed / (EVENTS_PER_CUSTOMER_DAY * DAYS) * 1.1),
        days=DAYS,
        # The traffic's last day is yesterday, so holds and blocks get live TTLs, and all
        # of it lies in the past: the worker refuses an event dated after its Kafka record
        # (a dead letter), and a bench whose last day was today lost the evening still to
        # come (and waited for its decisions) whenever it ran before midnight in Almaty.
        first_day=datetime.now(ALMATY).date() - timedelta(days=DAYS),
    )
    say(f"generating traffic for {spec.customers:,} customers over {spec.days} days ...")
    traffic = generate_traffic(spec)
    if len(traffic.records) < needed:
        raise SystemExit(f"generated {len(traffic.records):,} events, {needed:,} needed")
    deployment = BenchDeployment.create(endpoints, ARTIFACTS)
    deployment.env.update(options.worker_env)
    settings = deployment.settings
    results = BenchResults(
        quick=options.quick,
        machine=Machine.here(),
        started_at=datetime.now(ALMATY).strftime("%Y-%m-%d %H:%M %Z"),
        seed=options.seed,
        events_generated=len(traffic.records),
        settings={
            "customers": spec.customers,
            "days": spec.days,
            "first_day": spec.first_day.isoformat(),
            "partitions": settings.topic_partitions,
            "batch_max": settings.batch_max,
            "batch_wait_ms": settings.batch_wait_seconds * 1000,
            "rules_version": load_rules(settings.rules_file).version,
            "worker_env": options.worker_env,
        },
    )
    records = bench_records(traffic.records, deployment.topic)
    backlog, rest = records[: options.backlog], records[options.backlog :]
    # The generated traffic (hundreds of thousands of objects) lives until the end: out of
    # the collector's sight, its full collections cannot pause the load generator and the
    # watchers (a pause there would show as latency of the worker and the ceiling alike).
    gc.freeze()
    inputs = [deployment.topic(role) for role in INPUT_ROLES]
    partitions = settings.topic_partitions
    decisions = TopicWatcher(bootstrap, [deployment.topic("decisions")], partitions, True)
    ensure_topics(settings)
    try:
        note_activity(results, deployment, "the run")
        say(f"producing a backlog of {len(backlog):,} events ...")
        results.produce = await produce_all(bootstrap, backlog)
        say("(a) ceiling: a plain consumer reads and parses the backlog ...")
        # Best of three: the ceiling is what the plain path can do, not one noisy read.
        reads = [
            await read_and_parse(bootstrap, inputs, partitions, len(backlog)) for _ in range(3)
        ]
        results.ceiling = min(reads, key=lambda read: read.seconds)
        say("(b) one worker on the backlog ...")
        note_activity(results, deployment, "(b)")
        await decisions.start()
        results.worker = await worker_throughput(deployment, decisions, backlog)
        results.worker_batches = deployment.batch_totals()
        populate_block_list(deployment)
        offset = 0
        for load in options.loads:
            count = int(load * options.seconds)
            phase = rest[offset : offset + count]
            offset += count
            say(f"(c) {load:,} events/s for {options.seconds:.0f} s ...")
            note_activity(results, deployment, f"the {load:,} events/s phase")
            checker = None
            if load == 2_000:
                # One check per payment, at the payments' rate.
                checker = await start_block_check(deployment, options.seconds, 10**9, rate=load)
            results.loads.append(await fixed_load(deployment, decisions, phase, load))
            if checker is not None:
                results.blocks_loaded = await finish_block_check(checker)
            await asyncio.sleep(2)  # let the worker settle between loads
        say("(d) block-list checks with the worker idle ...")
        idle = await start_block_check(deployment, options.block_seconds, 20_000)
        results.blocks_idle = await finish_block_check(idle)
        if options.profile:
            try:
                await profile_worker(deployment, options, results)
            except RuntimeError as exc:  # the figures above still stand; say what failed
                say(f"profiling failed: {exc} (see {deployment.log_path})")
                results.notes.append(f"Profiling failed: {exc}.")
    finally:
        await decisions.stop()
        if options.keep:
            deployment.stop_worker()
            say(f"kept topics and Redis keys of run {deployment.run_id}")
        else:
            deployment.cleanup()
    return results


async def worker_throughput(
    deployment: BenchDeployment, decisions: TopicWatcher, backlog: list[BenchRecord]
) -> Throughput:
    started = time.time()
    pid = deployment.start_worker()
    screened = [record.event_id for record in backlog if record.screened]
    await decisions.wait_for(
        screened, timeout=max(600.0, len(backlog) / 50), alive=deployment.worker_alive
    )
    cpu, wall = cpu_seconds(pid), time.time() - started
    stamps = sorted(decisions.seen[event_id][0] for event_id in screened)
    first, last = stamps[0], stamps[-1]
    quarter = len(stamps) // 4
    events_per_decision = len(backlog) / len(screened)

    def rate_between(low: int, high: int) -> float:
        span = stamps[high] - stamps[low]
        return (high - low) * events_per_decision / span if span > 0 else math.nan

    return Throughput(
        len(backlog),
        len(screened),
        last - first,
        startup_seconds=first - started,
        first_quarter_per_second=rate_between(0, quarter),
        last_quarter_per_second=rate_between(len(stamps) - 1 - quarter, len(stamps) - 1),
        cpu_share=cpu / wall,
    )


async def fixed_load(
    deployment: BenchDeployment,
    decisions: TopicWatcher,
    phase: list[BenchRecord],
    load: int,
) -> LoadResult:
    bootstrap = deployment.settings.kafka_bootstrap
    inputs = [deployment.topic(role) for role in INPUT_ROLES]
    plain = TopicWatcher(bootstrap, inputs, deployment.settings.topic_partitions, False)
    await plain.start()
    assert deployment.worker is not None
    worker_pid = deployment.worker.pid
    cpu_before = (cpu_seconds(worker_pid), cpu_seconds(os.getpid()), time.time())
    batches_before = deployment.batch_totals()
    try:
        scheduled = await produce_paced(bootstrap, phase, load)
        screened = [record.event_id for record in phase if record.screened]
        await decisions.wait_for(
            screened, timeout=300, alive=deployment.worker_alive, what="decisions"
        )
        await plain.wait_for([r.event_id for r in phase], timeout=60, what="input records")
        wall = time.time() - cpu_before[2]
        worker_cpu = (cpu_seconds(worker_pid) - cpu_before[0]) / wall
        bench_cpu = (cpu_seconds(os.getpid()) - cpu_before[1]) / wall
        batches = deployment.batch_totals().since(batches_before)
    finally:
        await plain.stop()
    seen = [decisions.seen[event_id][1] for event_id in screened]
    first_due, last_due = min(scheduled.values()), max(scheduled.values())
    return LoadResult(
        offered_per_second=load,
        seconds=last_due - first_due,
        events=len(phase),
        decisions=Latencies.of([decisions.seen[i][1] - scheduled[i] for i in screened]),
        plain=Latencies.of([plain.seen[r.event_id][1] - scheduled[r.event_id] for r in phase]),
        achieved_per_second=len(phase) / max(max(seen) - first_due, 1e-9),
        drain_seconds=max(0.0, max(seen) - last_due),
        worker_cpu_share=worker_cpu,
        bench_cpu_share=bench_cpu,
        batches=batches,
    )


def cluster_endpoints() -> dict[str, str]:
    """The dev cluster's settings, the worker on its Redis Cluster."""
    endpoints = devinfra_cluster.up()
    return {**endpoints, "SCREENER_REDIS_URL": endpoints["SCREENER_REDIS_CLUSTER_URL"]}


def populate_block_list(deployment: BenchDeployment) -> None:
    settings = deployment.settings
    with blocking_redis_from_url(settings.redis_url) as client:
        keys = keys_for(settings.redis_url, settings.redis_prefix)
        blockcheck.populate(client, keys, BLOCKED_ACCOUNTS)


async def start_block_check(
    deployment: BenchDeployment, seconds: float, max_checks: int, rate: float | None = None
) -> asyncio.subprocess.Process:
    settings = deployment.settings
    paced = ["--rate", str(rate)] if rate is not None else []
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "screener.bench.blockcheck",
        "--redis-url",
        settings.redis_url,
        "--prefix",
        settings.redis_prefix,
        "--blocked",
        str(BLOCKED_ACCOUNTS),
        "--seconds",
        str(seconds),
        "--max-checks",
        str(max_checks),
        *paced,
        stdout=asyncio.subprocess.PIPE,
    )


async def finish_block_check(process: asyncio.subprocess.Process) -> BlockCheck:
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"the block-list checker exited with {process.returncode}")
    data: dict[str, Any] = orjson.loads(out)
    return BlockCheck(
        exists=Latencies.of(data["exists"]),
        ping=Latencies.of(data["ping"]),
        keys=BLOCKED_ACCOUNTS,
        hit_share=float(data["hit_share"]),
    )


async def profile_worker(
    deployment: BenchDeployment, options: Options, results: BenchResults
) -> None:
    """A fresh worker (new group, new Redis prefix) re-reads the topics from the start;
    py-spy samples it for a while once its first decision is out."""
    say(f"profiling a fresh worker for {options.profile_seconds:.0f} s ...")
    deployment.stop_worker()
    settings = deployment.settings
    fresh = TopicWatcher(
        settings.kafka_bootstrap, [deployment.topic("decisions")], settings.topic_partitions, False
    )
    await fresh.start()
    try:
        pid = deployment.start_worker(group_suffix="-profile", redis_suffix="p")
        while not fresh.seen:
            if not deployment.worker_alive():
                raise RuntimeError("the profiled worker exited before its first decision")
            await asyncio.sleep(0.1)
        output = ARTIFACTS / "bench-profile.txt"
        sampler = Sampler(pid, output, ARTIFACTS / "bench-py-spy.log")
        started, before = time.time(), len(fresh.seen)
        await asyncio.sleep(options.profile_seconds)
        decided = len(fresh.seen) - before
        sampler.stop()
        elapsed = time.time() - started
    finally:
        await fresh.stop()
    profile = summarise(output, elapsed)
    # Decisions are about half of the events; report input events, like (b).
    screened_share = (results.worker.decisions / results.worker.events) if results.worker else 1
    profile["events_per_second"] = decided / screened_share / elapsed
    results.profile = profile


if __name__ == "__main__":
    sys.exit(main())
