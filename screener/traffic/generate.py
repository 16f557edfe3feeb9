"""`screener generate`: realistic synthetic traffic with labelled scams, to Kafka or JSONL.

The same seed and options give the same bytes: every random choice comes from generators
seeded with the seed (strings hash with SHA-512, so no PYTHONHASHSEED dependence), nothing
reads the clock, and nothing iterates a set.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from screener.settings import Settings
from screener.traffic.benign import play_everyday_life
from screener.traffic.events import ALMATY, Traffic, TrafficStream
from screener.traffic.population import build_population
from screener.traffic.scenarios import SCENARIOS, play_scams
from screener.traffic.sinks import send_to_kafka, write_afc_list, write_jsonl, write_labels

DEFAULT_FIRST_DAY = date(2026, 3, 2)  # a Monday, after the cooling-period rule came in force
# Scams are far rarer in real traffic; one per this many customer-days gives a backtest
# enough of every scenario to measure recall without drowning the everyday traffic.
CUSTOMER_DAYS_PER_SCAM = 250


@dataclass(frozen=True, slots=True)
class TrafficSpec:
    seed: int = 7
    customers: int = 2_000
    days: int = 3
    first_day: date = DEFAULT_FIRST_DAY
    scams: int | None = None  # None: one per CUSTOMER_DAYS_PER_SCAM customer-days
    scenarios: tuple[str, ...] = tuple(SCENARIOS)
    rare_look_alikes: float = 1.0  # multiplies the rates of the rare honest look-alikes

    @property
    def scam_count(self) -> int:
        if not self.scenarios:
            return 0
        if self.scams is not None:
            return self.scams
        return max(len(self.scenarios), self.customers * self.days // CUSTOMER_DAYS_PER_SCAM)


def generate_traffic(spec: TrafficSpec) -> Traffic:
    """Everyday traffic for the population and the scams on top, in event-time order.

    Everyday life and scams draw from separate random sources, so the everyday part of a
    stream is the same with or without scams.
    """
    unknown = [name for name in spec.scenarios if name not in SCENARIOS]
    if unknown:
        raise ValueError(f"unknown scenarios {unknown}; known: {', '.join(SCENARIOS)}")
    scams = spec.scam_count
    population = build_population(
        random.Random(f"screener-traffic-population:{spec.seed}"),
        customers=spec.customers,
        mules=max(3, 2 * scams),  # scams with a second dropper use two
        reference_day=spec.first_day,
    )
    stream = TrafficStream(spec.seed)
    play_everyday_life(
        stream,
        population,
        random.Random(f"screener-traffic-benign:{spec.seed}"),
        spec.first_day,
        spec.days,
        spec.rare_look_alikes,
    )
    if scams:
        play_scams(
            stream,
            population,
            random.Random(f"screener-traffic-scams:{spec.seed}"),
            spec.first_day,
            spec.days,
            scams,
            spec.scenarios,
        )
    return stream.traffic()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Generate everyday traffic for a synthetic population (salaries, shopping, bills, "
        "family transfers, loans, logins) with labelled scams on top (DOMAIN §2)."
    )
    parser.add_argument("--seed", type=int, default=7, help="same seed, same bytes (default 7)")
    parser.add_argument("--customers", type=int, default=2_000, help="people (default 2000)")
    parser.add_argument("--days", type=int, default=3, help="days of traffic (default 3)")
    parser.add_argument(
        "--start",
        default=DEFAULT_FIRST_DAY.isoformat(),
        help="first day, YYYY-MM-DD or 'today' (Almaty time; default %(default)s)",
    )
    parser.add_argument(
        "--scams",
        type=int,
        default=None,
        help=f"scam instances (default: one per {CUSTOMER_DAYS_PER_SCAM} customer-days)",
    )
    parser.add_argument(
        "--scenarios",
        default="all",
        help=f"'all', 'none' (benign only) or a comma list of: {', '.join(SCENARIOS)}",
    )
    parser.add_argument(
        "--rare-look-alikes",
        type=float,
        default=1.0,
        help="multiply the rates of rare honest look-alikes (cars bought from strangers, "
        "family abroad, crypto, new phones, savings moved) by this, to measure their hold "
        "rates (default 1)",
    )
    parser.add_argument("--out", type=Path, help="write the events to this JSONL file")
    parser.add_argument("--labels", type=Path, help="write the labels to this JSONL file")
    parser.add_argument(
        "--afc-list",
        type=Path,
        help="write the accounts the Anti-Fraud Center had listed before the traffic (CSV "
        "account,reason, as `POST /api/blocklist/import` and `backtest --blocklist` take it)",
    )
    parser.add_argument("--kafka", action="store_true", help="produce to the input topics")
    parser.add_argument(
        "--rate", type=float, default=1_000, help="events/s to Kafka; 0 = unpaced (default 1000)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.out is None and not args.kafka:
        print("screener generate: give --out FILE.jsonl, --kafka, or both", file=sys.stderr)
        return 2
    try:
        spec = TrafficSpec(
            seed=args.seed,
            customers=args.customers,
            days=args.days,
            first_day=_first_day(args.start),
            scams=args.scams,
            scenarios=_scenarios(args.scenarios),
            rare_look_alikes=args.rare_look_alikes,
        )
        traffic = generate_traffic(spec)
    except ValueError as exc:
        print(f"screener generate: {exc}", file=sys.stderr)
        return 2
    topics = Counter(topic for topic, _ in traffic.records)
    instances = Counter(
        label["scenario"] for label in {lb["instance"]: lb for lb in traffic.labels}.values()
    )
    print(
        f"{len(traffic.records):,} events ({', '.join(f'{t} {n:,}' for t, n in topics.items())}); "
        f"scenario instances: {dict(sorted(instances.items()))}",
        file=sys.stderr,
    )
    if args.out is not None:
        write_jsonl(args.out, traffic.records)
        print(f"events: {args.out}", file=sys.stderr)
    if args.labels is not None:
        write_labels(args.labels, traffic.labels)
        print(f"labels: {args.labels} ({len(traffic.labels):,})", file=sys.stderr)
    if args.afc_list is not None:
        write_afc_list(args.afc_list, traffic.afc_list)
        print(
            f"Anti-Fraud Center list: {args.afc_list} ({len(traffic.afc_list):,})", file=sys.stderr
        )
    if args.kafka:
        send_to_kafka(traffic.records, settings, args.rate, progress=not args.no_progress)
    return 0


def _first_day(text: str) -> date:
    if text == "today":
        return datetime.now(ALMATY).date()  # explicitly asked for: not reproducible by design
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--start: expected YYYY-MM-DD or 'today', got {text!r}") from None


def _scenarios(text: str) -> tuple[str, ...]:
    if text == "all":
        return tuple(SCENARIOS)
    if text == "none":
        return ()
    return tuple(name.strip() for name in text.split(",") if name.strip())
