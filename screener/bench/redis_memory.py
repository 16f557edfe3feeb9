"""What Redis holds per customer, per account and per decision in a steady state.

Generated traffic is screened through the worker's own `ScreeningService` and Redis store
on a real Redis, under a fresh key prefix; then every key the screener wrote is measured
with `MEMORY USAGE` and grouped by kind, and every key is checked for a lifetime. The
per-customer, per-account and per-decision figures scale to a population: the estimate for
10 million customers uses the generated traffic's own rates (decisions and accounts per
customer) and the keys' lifetimes (decisions 7 days, closed holds 90 days).

    python -m screener.bench.redis_memory [--customers N] [--days D]

prints a Markdown section for BENCHMARKS.md. Needs SCREENER_REDIS_URL (screener dev up).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_keys import CLOSED_HOLD_KEEP_SECONDS, RedisKeys
from screener.adapters.redis_store import RedisScreeningStore
from screener.backtest.replay import TOPIC_KINDS, CollectingPublisher, raw_records
from screener.service import ScreeningService
from screener.settings import Settings, load_rules
from screener.traffic.generate import TrafficSpec, generate_traffic

# Key kinds, by the key's name after the prefix (redis_keys.RedisKeys), in match order.
KINDS: tuple[tuple[str, str], ...] = (
    ("decision", r"decision:"),
    ("customer history", r"customer:.*:history$"),
    ("confirmed victim", r"customer:.*:confirmed-victim$"),
    ("account flows in", r"account:.*:in$"),
    ("account flows out", r"account:.*:out$"),
    ("account details", r"account:.*:info$"),
    ("account profile", r"account:.*:profile$"),
    ("block", r"block:account:"),
    ("suspension", r"suspended:account:"),
    ("hold", r"hold:"),
    ("safety cap bucket", r"safety-cap:"),
    ("open/timed hold indexes", r"holds:(open|timed)$"),
    ("outbox", r"outbox(:due)?$"),
    ("audit stream", r"audit$"),
)
# Keys without a lifetime by design (redis_keys.CLOSED_HOLD_KEEP_SECONDS): open holds wait
# for an officer, the indexes and the outbox are trimmed by their own updates, the audit
# stream by MAXLEN.
WITHOUT_TTL_BY_DESIGN = frozenset({"open/timed hold indexes", "outbox", "audit stream", "hold"})


@dataclass(slots=True)
class KindUsage:
    keys: int = 0
    bytes: int = 0
    without_ttl: int = 0


@dataclass(slots=True)
class MemoryReport:
    customers: int
    accounts: int
    decisions: int
    holds: int
    open_holds: int
    days: int
    used_memory_delta: int
    kinds: dict[str, KindUsage] = field(default_factory=dict)
    unknown_keys: list[str] = field(default_factory=list)

    def per(self, kinds: Sequence[str], count: int) -> float:
        return sum(self.kinds.get(k, KindUsage()).bytes for k in kinds) / max(1, count)


CUSTOMER_KINDS = ("customer history",)
ACCOUNT_KINDS = (
    "account flows in",
    "account flows out",
    "account details",
    "account profile",
    "block",
    "suspension",
)


def kind_of(name: str) -> str | None:
    return next((kind for kind, pattern in KINDS if re.match(pattern, name)), None)


async def measure(redis_url: str, customers: int, days: int) -> MemoryReport:
    config = load_rules()
    settings = Settings()
    traffic = generate_traffic(TrafficSpec(customers=customers, days=days))
    records = raw_records({"topic": role, "event": event} for role, event in traffic.records)
    prefix = f"bench-memory-{uuid.uuid4().hex[:8]}:"
    redis = redis_from_url(redis_url)
    try:
        before = int((await redis.info("memory"))["used_memory"])
        store = RedisScreeningStore(
            redis,
            RedisKeys(prefix),
            decision_ttl_seconds=settings.decision_memory_seconds,
            history_ttl_seconds=config.history_ttl_seconds,
            account_keep_seconds=config.account_keep_seconds,
            account_max_flows=config.account_max_flows,
        )
        publisher = CollectingPublisher()
        service = ScreeningService(
            store, publisher, lambda: config, TOPIC_KINDS, clock=lambda e: e.occurred_at
        )
        for start in range(0, len(records), settings.batch_max):
            await service.process(records[start : start + settings.batch_max])
        after = int((await redis.info("memory"))["used_memory"])
        report = await _usage(redis, prefix, traffic.records, publisher, days, after - before)
        await _delete(redis, prefix)
        return report
    finally:
        await redis.aclose()


async def _usage(
    redis: Any,
    prefix: str,
    events: list[tuple[str, dict[str, Any]]],
    publisher: CollectingPublisher,
    days: int,
    used_memory_delta: int,
) -> MemoryReport:
    accounts = {
        account
        for role, event in events
        if role == "transfers"
        for account in (event["sender_account"], event["receiver_account"])
    }
    decisions = publisher.values("decisions")
    report = MemoryReport(
        customers=len({event["customer_id"] for _, event in events}),
        accounts=len(accounts),
        decisions=len(decisions),
        holds=sum(1 for d in decisions if d.get("hold_id")),
        open_holds=sum(1 for d in decisions if d["verdict"] == "hold"),
        days=days,
        used_memory_delta=used_memory_delta,
    )
    names = [key async for key in redis.scan_iter(f"{prefix}*", count=1000)]
    for start in range(0, len(names), 1000):
        chunk = names[start : start + 1000]
        async with redis.pipeline(transaction=False) as pipe:
            for key in chunk:
                pipe.execute_command("MEMORY", "USAGE", key, "SAMPLES", "0")
                pipe.ttl(key)
            replies = await pipe.execute()
        for key, size, ttl in zip(chunk, replies[::2], replies[1::2], strict=True):
            name = key.decode()[len(prefix) :]
            kind = kind_of(name)
            if kind is None:
                report.unknown_keys.append(name)
                continue
            usage = report.kinds.setdefault(kind, KindUsage())
            usage.keys += 1
            usage.bytes += int(size or 0)
            usage.without_ttl += int(ttl) == -1
    return report


async def _delete(redis: Any, prefix: str) -> None:
    batch: list[bytes] = []
    async for key in redis.scan_iter(f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            await redis.delete(*batch)
            batch = []
    if batch:
        await redis.delete(*batch)


def markdown(report: MemoryReport, population: int = 10_000_000) -> str:
    """The BENCHMARKS.md section: usage by kind, per unit, and the estimate."""
    lines = [
        f"Generated traffic: {report.customers:,} customers over {report.days} days, "
        f"{report.accounts:,} accounts, {report.decisions:,} decisions, "
        f"{report.holds:,} holds. Redis `used_memory` grew by "
        f"{report.used_memory_delta / 2**20:.1f} MiB.",
        "",
        "| key kind | keys | bytes (MEMORY USAGE) | bytes per key | keys without TTL |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, _ in KINDS:
        usage = report.kinds.get(kind)
        if usage is None:
            continue
        by_design = " (by design)" if usage.without_ttl and kind in WITHOUT_TTL_BY_DESIGN else ""
        lines.append(
            f"| {kind} | {usage.keys:,} | {usage.bytes:,} | {usage.bytes / usage.keys:,.0f} | "
            f"{usage.without_ttl:,}{by_design} |"
        )
    histories = report.kinds.get("customer history", KindUsage()).keys
    per_customer = report.per(CUSTOMER_KINDS, histories)
    per_account = report.per(ACCOUNT_KINDS, report.accounts)
    per_decision = report.per(("decision",), report.decisions)
    per_hold = report.per(("hold",), report.holds)
    decisions_per_customer_day = report.decisions / max(1, report.customers * report.days)
    accounts_per_customer = report.accounts / max(1, report.customers)
    holds_per_decision = report.holds / max(1, report.decisions)
    decision_days, hold_days = 7, CLOSED_HOLD_KEEP_SECONDS / 86400
    customers_gib = population * per_customer / 2**30
    accounts_gib = population * accounts_per_customer * per_account / 2**30
    decisions_gib = population * decisions_per_customer_day * decision_days * per_decision / 2**30
    holds_gib = (
        population * decisions_per_customer_day * holds_per_decision * hold_days * per_hold / 2**30
    )
    total = customers_gib + accounts_gib + decisions_gib + holds_gib
    lines += [
        "",
        f"- per customer (history): **{per_customer:,.0f} B**",
        f"- per account (flows in and out, details, block): **{per_account:,.0f} B** "
        f"({accounts_per_customer:.2f} accounts per customer in this traffic)",
        f"- per decision: **{per_decision:,.0f} B**, kept {decision_days} days "
        f"({decisions_per_customer_day:.2f} decisions per customer and day)",
        f"- per hold: **{per_hold:,.0f} B**, kept {hold_days:.0f} days once closed "
        f"({100 * holds_per_decision:.2f} % of decisions held)",
        "",
        f"For {population:,} customers at these rates: histories {customers_gib:.1f} GiB, "
        f"accounts {accounts_gib:.1f} GiB, decisions {decisions_gib:.1f} GiB, "
        f"holds {holds_gib:.1f} GiB: **{total:.1f} GiB** of data. With Redis's "
        f"allocator overhead and room for a fork's copy-on-write during a save, plan "
        f"**{2 * total:.0f} GiB** (twice the data).",
    ]
    lines.append(
        "\nSafety cap buckets are a fixed set in live operation (the window's minutes and "
        "the baseline's hours, about 33 keys); a replay of days of traffic leaves one per "
        "minute replayed until their TTL passes."
    )
    if report.unknown_keys:
        lines.append(f"\nUnclassified keys: {', '.join(sorted(report.unknown_keys)[:10])}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--days", type=int, default=3)
    args = parser.parse_args(argv)
    url = Settings.from_env().redis_url
    report = asyncio.run(measure(url, args.customers, args.days))
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
