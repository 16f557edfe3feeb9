"""`screener audit verify`: read `screener.audit` from the start and check every chain.

Exit 0 when every chain is whole: each entry's hash matches its content, `seq` runs from 1
without a gap and each `prev_hash` is the hash of the entry before. Exit 1 on any gap or
edit, with one line per problem. Where Redis is reachable, its chain heads are compared
too, so entries cut from the end of a chain (or a whole chain) are found; entries still in
the outbox, sealed but not yet on Kafka, are reported as pending, not as missing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from screener.adapters.audit_log import AuditLog
from screener.adapters.kafka_reader import TopicUnreadable, read_records
from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_cluster_store import keys_for
from screener.domain.audit import ChainHead, chain_id, verify
from screener.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "The audit trail (CONTRACT §7)."
    actions = parser.add_subparsers(dest="action", required=True)
    check = actions.add_parser("verify", help="check the hash chains on the audit topic")
    check.add_argument("--topic", help="the audit topic (default SCREENER_TOPIC_AUDIT)")
    check.add_argument(
        "--no-redis", action="store_true", help="check the topic alone, without Redis's heads"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    topic = args.topic or settings.topics.audit
    records = list(read_topic(settings, topic))
    heads: dict[str, ChainHead] | None = None
    pending = 0
    if not args.no_redis:
        heads, pending_records = asyncio.run(_redis_heads(settings))
        pending = len(pending_records)
        # A chain's entries still in the outbox are not on the topic yet: its head, for
        # this check, is the last entry before the first of them.
        for record in sorted(pending_records, key=lambda r: int(r["seq"]), reverse=True):
            chain = chain_id(record["entity_kind"], record["entity_id"])
            heads[chain] = ChainHead(int(record["seq"]) - 1, str(record["prev_hash"]))
    report = verify(records, heads)
    for problem in report.problems:
        print(f"screener audit: {problem}", file=sys.stderr)
    state = "intact" if report.ok else f"{len(report.problems)} problems"
    print(
        f"{topic}: {report.entries} entries in {report.chains} chains, "
        f"{pending} pending in the outbox: {state}"
    )
    return 0 if report.ok else 1


def read_topic(
    settings: Settings, topic: str, timeout_seconds: float = 300.0
) -> Iterator[dict[str, Any]]:
    """Every record of the topic up to its end as it was when asked, parsed."""
    try:
        for message in read_records(settings, topic, "screener-audit-verify", timeout_seconds):
            yield _parse(message.value, message.topic, message.partition, message.offset)
    except TopicUnreadable as exc:
        raise SystemExit(f"screener audit: {exc}") from None


def _parse(value: bytes, topic: str, partition: int, offset: int) -> dict[str, Any]:
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError:
        record = None
    if not isinstance(record, dict):
        return {"unreadable": f"{topic}[{partition}]@{offset}"}
    return record


async def _redis_heads(settings: Settings) -> tuple[dict[str, ChainHead], list[dict[str, Any]]]:
    redis = redis_from_url(settings.redis_url, decode_responses=True)
    try:
        prefix = settings.redis_prefix
        audit = AuditLog(redis, prefix, keys_for(settings.redis_url, prefix))
        return await audit.heads(), await audit.pending(datetime.now(UTC), limit=1_000_000)
    finally:
        await redis.aclose()
