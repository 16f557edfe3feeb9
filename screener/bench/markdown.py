"""BENCHMARKS.md: the generated figures between markers; everything else is kept as written.

A run rewrites only the text between `<!-- bench:begin -->` and `<!-- bench:end -->` (and,
with `--profile`, between the profile markers), so the hand-written analysis around the
figures survives a re-run.
"""

from __future__ import annotations

import math
from pathlib import Path

from screener.bench.results import BenchResults, BlockCheck

BENCH = ("<!-- bench:begin -->", "<!-- bench:end -->")
PROFILE = ("<!-- profile:begin -->", "<!-- profile:end -->")

TEMPLATE = f"""# Benchmarks

The figures between the markers are written by `make bench` (`python -m screener.bench`);
the profile by `python -m screener.bench --profile`. The rest is written by hand and kept.

{BENCH[0]}
{BENCH[1]}

## Where the time goes

{PROFILE[0]}
{PROFILE[1]}
"""


def write(path: Path, results: BenchResults) -> None:
    text = path.read_text("utf-8") if path.exists() else TEMPLATE
    text = _between(text, BENCH, render_figures(results))
    if results.profile is not None:
        text = _between(text, PROFILE, render_profile(results))
    path.write_text(text, encoding="utf-8")


def _between(text: str, markers: tuple[str, str], content: str) -> str:
    begin, end = markers
    if begin not in text or end not in text:
        text = f"{text.rstrip()}\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{content.strip()}\n{end}{tail}"


def ms(seconds: float) -> str:
    if math.isnan(seconds):
        return "–"
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def ratio(value: float, ceiling: float) -> str:
    if not ceiling or math.isnan(value) or math.isnan(ceiling):
        return "–"
    return f"{value / ceiling:.2f}×" if value / ceiling >= 0.1 else f"{value / ceiling:.3f}×"


def rate(value: float) -> str:
    return f"{value:,.0f}/s"


def render_figures(r: BenchResults) -> str:
    m, s = r.machine, r.settings
    lines = [
        f"## Results{' (quick smoke run: too small to quote)' if r.quick else ''}",
        "",
        f"Measured {r.started_at} on {m.cpus} vCPU ({m.cpu_model}), {m.memory_gib:.1f} GiB "
        f"RAM, {m.system}, Python {m.python}. Kafka, Redis, the worker and the load "
        f"generator all ran on this one machine and shared its {m.cpus} vCPU.",
        "",
        "| # | figure | value | ratio to its ceiling |",
        "|---|---|---|---|",
    ]
    ceiling = r.ceiling.events_per_second if r.ceiling else math.nan
    if r.ceiling is not None:
        lines.append(
            f"| a | ceiling: plain aiokafka consumer, read + `orjson.loads`, "
            f"{r.ceiling.events:,} events | {rate(ceiling)} | 1.00× |"
        )
    if r.worker is not None:
        w = r.worker
        lines.append(
            f"| b | one worker, backlog of {w.events:,} events ({w.decisions:,} decisions), "
            f"every rule enforced | {rate(w.events_per_second)} "
            f"({rate(w.decisions_per_second)} decisions) | "
            f"{ratio(w.events_per_second, ceiling)} |"
        )
    for load in r.loads:
        saturated = load.achieved_per_second < 0.95 * load.offered_per_second
        lines.append(
            f"| c | decision latency at {load.offered_per_second:,} events/s offered for "
            f"{load.seconds:.0f} s ({load.decisions.count:,} decisions): p50 / p99 / max"
            f"{' — **saturated**' if saturated else ''} | {ms(load.decisions.p50)} / "
            f"{ms(load.decisions.p99)} / {ms(load.decisions.max)} | "
            f"{ratio(load.decisions.p50, load.plain.p50)} / "
            f"{ratio(load.decisions.p99, load.plain.p99)} of a plain consumer's "
            f"{ms(load.plain.p50)} / {ms(load.plain.p99)} |"
        )
    for name, check in (("idle", r.blocks_idle), ("under 2,000 events/s", r.blocks_loaded)):
        if check is not None:
            lines.append(_block_row(name, check))
    lines += ["", *_throughput_notes(r), "", *_method(r, s)]
    return "\n".join(lines)


def _block_row(name: str, check: BlockCheck) -> str:
    return (
        f"| d | block-list `EXISTS` from a client, {name} ({check.exists.count:,} checks, "
        f"{check.hit_share:.0%} blocked): p50 / p99 | {us(check.exists.p50)} / "
        f"{us(check.exists.p99)} | {ratio(check.exists.p50, check.ping.p50)} / "
        f"{ratio(check.exists.p99, check.ping.p99)} of `PING`'s {us(check.ping.p50)} / "
        f"{us(check.ping.p99)} |"
    )


def _throughput_notes(r: BenchResults) -> list[str]:
    notes = []
    if r.produce is not None:
        notes.append(
            f"- Producing the backlog (aiokafka, acks=all): {rate(r.produce.events_per_second)}."
        )
    if r.worker is not None:
        w = r.worker
        notes.append(
            f"- The worker started its first decision {w.startup_seconds:.1f} s after "
            f"its process started (Faust start-up and the consumer group's join)."
        )
        notes.append(
            f"- On the backlog it screened {rate(w.first_quarter_per_second)} over the first "
            f"quarter of the decisions and {rate(w.last_quarter_per_second)} over the last, "
            f"using {w.cpu_share:.2f} CPU (CPU seconds per wall second, start-up included)."
        )
    if r.worker_batches.batches:
        b = r.worker_batches
        notes.append(
            f"- Its batches on the backlog: {b.batches:,.0f}, of {b.mean_events:.0f} events "
            f"and {ms(b.mean_seconds)} each on average (the worker's own metrics)."
        )
    for load in r.loads:
        notes.append(
            f"- At {load.offered_per_second:,}/s offered it screened "
            f"{rate(load.achieved_per_second)}; the last decision came "
            f"{load.drain_seconds:.1f} s after the last event was due; batches of "
            f"{load.batches.mean_events:.0f} events, {ms(load.batches.mean_seconds)} each. "
            f"CPU: worker {load.worker_cpu_share:.2f}, load generator and watchers "
            f"{load.bench_cpu_share:.2f}."
        )
    notes += [f"- {note}" for note in r.notes]
    return notes


def _method(r: BenchResults, s: dict[str, object]) -> list[str]:
    return [
        "### Method",
        "",
        f"- Traffic: {r.events_generated:,} events from `screener generate` (seed {r.seed}, "
        f"{int(str(s.get('customers', 0))):,} customers, {s.get('days', '?')} days from "
        f"{s.get('first_day', '?')}; about half customer events, half transfers and loans; "
        f"scams included). The first {r.worker.events if r.worker else 0:,} form the "
        f"backlog, the rest feed the fixed loads in order.",
        f"- Deployment: its own topics ({s.get('partitions', '?')} partitions each), "
        f"consumer group and Redis prefix; one `screener worker` subprocess (one batch "
        f"consumer, batches of up to {s.get('batch_max', '?')} with "
        f"{s.get('batch_wait_ms', '?')} ms wait); rules "
        f"`{s.get('rules_version', '?')}` with "
        f"every rule switched to `enforce`"
        + (f", worker environment {s['worker_env']}" if s.get("worker_env") else "")
        + ". Removed afterwards.",
        "- (a) Ceiling: before the worker starts, a plain aiokafka consumer (no group) reads "
        "the backlog from the three input topics and parses every value with orjson; events "
        "per second from its first fetch to its last record, the best of three reads.",
        "- (b) Throughput: the worker starts on the backlog; input events per second from "
        "the first decision's record timestamp on `screener.decisions` to the last one's.",
        "- (c) Latency: events produced at a fixed rate against a schedule (open loop, "
        "5 ms linger); latency = when this process saw the decision on `screener.decisions` "
        "minus the event's *scheduled* send time, so a slow producer cannot hide latency. "
        "Its ceiling: a plain consumer of the input topics in the same process, timed the "
        "same way.",
        "- (d) Block list: 10,000 accounts on the block list; a separate process with "
        "a blocking redis-py client calls `EXISTS` on block keys one at a time (half of them "
        "blocked), each followed by a `PING` (the ceiling: a round trip with no work). Once "
        "back to back with the worker idle, once during the 2,000 events/s phase at 2,000 "
        "checks a second (one per payment; a loop without pauses would take a core from the "
        "worker it runs beside).",
    ]


def render_profile(r: BenchResults) -> str:
    p = r.profile or {}
    lines = [
        f"py-spy sampled the worker's main thread at 100 Hz for {p.get('seconds', 0):.0f} s "
        f"while it worked through the backlog (a fresh consumer group and Redis prefix, so "
        f"from an empty state); it screened {rate(p.get('events_per_second', math.nan))} "
        f"with the sampler attached. The main thread was busy (running Python, not waiting "
        f"on Kafka or Redis) {p.get('busy_share', 0):.0%} of the time.",
        "",
        "Time by area (share of the busy samples; each sample charged to the innermost "
        "screener frame, library callees included):",
        "",
        "| area | share |",
        "|---|---|",
    ]
    lines += [f"| {name} | {share:.1%} |" for name, share in p.get("areas", [])]
    lines += [
        "",
        "Inclusive time per step of the service's `screen_and_save` and `deliver` "
        "(everything a step calls, libraries included), and the time outside them:",
        "",
        "| step | share |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {share:.1%} |" for name, share in p.get("steps", [])]
    lines += [
        "",
        "Top screener functions (same charging):",
        "",
        "| function | share |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {share:.1%} |" for name, share in p.get("functions", [])]
    lines += ["", "Top leaf frames (self time):", "", "| frame | share |", "|---|---|"]
    lines += [f"| `{name}` | {share:.1%} |" for name, share in p.get("leaves", [])]
    return "\n".join(lines)
