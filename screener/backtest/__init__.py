"""`screener backtest`: screen a JSONL file offline with the worker's own core, and report.

`replay` feeds the records to `ScreeningService` with an in-memory store (`memory_store`)
and event time as the clock; `evaluation` scores the decisions against labels; `report`
and `svg` write the findings.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from screener.backtest.evaluation import Comparison, compare, evaluate
from screener.backtest.replay import raw_records, read_blocklist, read_jsonl, replay
from screener.backtest.report import html_report, text_summary
from screener.settings import Settings, load_rules


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Replay a JSONL file of input events ({'topic': ..., 'event': ...} per line, as "
        "`screener generate --out` writes) through the screening core, offline, and report "
        "per-rule hits, hold rate, and precision and recall against labels."
    )
    parser.add_argument("file", type=Path, help="events, one JSON object per line")
    parser.add_argument("--labels", type=Path, help="labels JSONL (`screener generate --labels`)")
    parser.add_argument(
        "--rules", type=Path, help="rules YAML (default: SCREENER_RULES_FILE or the packaged one)"
    )
    parser.add_argument(
        "--compare", type=Path, help="a second rules YAML to run side by side with --rules"
    )
    parser.add_argument(
        "--blocklist",
        type=Path,
        help="accounts on the block list from the start: the Anti-Fraud Center's list as a "
        "supervisor imports it (CSV account,reason[,ttl_seconds]; `screener generate --afc-list`)",
    )
    parser.add_argument("--report", type=Path, help="write an HTML report here")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="records per batch (default: the worker's)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    records = raw_records(read_jsonl(args.file))
    blocklist = read_blocklist(args.blocklist) if args.blocklist else []
    labels = read_jsonl(args.labels) if args.labels else []
    rules_a = args.rules or settings.rules_file
    runs = [(str(rules_a or "packaged rules.yaml"), load_rules(rules_a))]
    if args.compare is not None:
        runs.append((str(args.compare), load_rules(args.compare)))
    evaluations = []
    for name, config in runs:
        print(f"replaying {len(records):,} records with {name} ...", file=sys.stderr)
        result = replay(records, config, settings, args.batch_size, blocklist)
        evaluations.append(evaluate(result, labels))
    comparison: Comparison | None = (
        compare(evaluations[0], evaluations[1]) if len(evaluations) == 2 else None
    )
    print(text_summary(evaluations, comparison))
    if args.report is not None:
        page = html_report(
            str(args.file),
            str(args.labels) if args.labels else None,
            evaluations,
            [name for name, _ in runs],
            comparison,
        )
        args.report.write_text(page, encoding="utf-8")
        print(f"report: {args.report}", file=sys.stderr)
    return 0
