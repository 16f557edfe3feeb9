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
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from screener.adapters.audit_log import AuditLog
from screener.adapters.kafka_admin import kafka_python_security
from screener.adapters.redis_client import redis_from_url
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
    """Every record of the topic up to its end as it was when asked, partition by partition.

    The end offsets are taken first and the records counted against them (rather than
    asking for positions, which kafka-python may wait on for ever after a seek).
    """
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        group_id=None,
        client_id="screener-audit-verify",
        **kafka_python_security(settings),
    )
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise SystemExit(f"screener audit: no topic {topic}")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        ends = consumer.end_offsets(assigned)
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        remaining = {tp for tp in assigned if ends[tp] > 0}
        deadline = time.monotonic() + timeout_seconds
        while remaining:
            if time.monotonic() > deadline:
                raise SystemExit(f"screener audit: {topic} could not be read to its end")
            for tp, batch in consumer.poll(timeout_ms=1000).items():
                for message in batch:
                    if message.offset < ends[tp]:
                        yield _parse(message.value, tp, message.offset)
                    if message.offset + 1 >= ends[tp]:
                        remaining.discard(tp)
    finally:
        consumer.close()


def _parse(value: bytes, tp: TopicPartition, offset: int) -> dict[str, Any]:
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError:
        record = None
    if not isinstance(record, dict):
        return {"unreadable": f"{tp.topic}[{tp.partition}]@{offset}"}
    return record


async def _redis_heads(settings: Settings) -> tuple[dict[str, ChainHead], list[dict[str, Any]]]:
    redis = redis_from_url(settings.redis_url, decode_responses=True)
    try:
        audit = AuditLog(redis, settings.redis_prefix)
        return await audit.heads(), await audit.pending(datetime.now(UTC), limit=1_000_000)
    finally:
        await redis.aclose()
