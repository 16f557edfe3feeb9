"""`screener labels export`: officers' verdicts from Redis as labels for `screener backtest`.

Confirmed-fraud holds become `is_fraud`/`should_stop` labels, released ones honest labels
(scenario `officer_verdict`, see `verdicts.labels_of`), so a backtest of the bank's own
recorded traffic reports each rule's precision and recall against what officers decided.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_cluster_store import keys_for
from screener.api import verdicts
from screener.api.store import ReviewStore
from screener.settings import Settings
from screener.traffic.sinks import write_labels


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Officers' verdicts on holds as labels JSONL for `screener backtest`."
    actions = parser.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write confirmed and released holds as labels")
    export.add_argument("--out", type=Path, required=True, help="labels JSONL to write")
    export.add_argument("--days", type=int, default=30, help="verdicts of the last N days")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not 1 <= args.days <= 400:
        print("screener labels: --days must be 1..400", file=sys.stderr)
        return 2
    labels = asyncio.run(_labels(settings, args.days))
    count = write_labels(args.out, labels)
    fraud = sum(1 for label in labels if label["is_fraud"])
    print(f"{count} labels ({fraud} confirmed fraud, {count - fraud} released): {args.out}")
    return 0


async def _labels(settings: Settings, days: int) -> list[dict[str, Any]]:
    redis = redis_from_url(settings.redis_url, decode_responses=True)
    try:
        store = ReviewStore(redis, keys_for(settings.redis_url, settings.redis_prefix))
        holds = await verdicts.decided_holds(store)
    finally:
        await redis.aclose()
    return verdicts.labels_of(holds, verdicts.period_start(datetime.now(UTC), days))
