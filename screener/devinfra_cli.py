"""`screener dev up|down [--cluster]`: the local Kafka and Redis of `screener.devinfra`,
or the 3-broker Kafka and Redis Cluster of `screener.devinfra_cluster`."""

from __future__ import annotations

import argparse

from screener import devinfra, devinfra_cluster
from screener.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["up", "down"])
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="a 3-broker KRaft Kafka, a Redis Cluster of 3 primaries with a replica each, "
        "and a Redis primary with a replica and 3 Sentinels, the one the worker uses "
        "(down: stop only those; without it, down stops both setups)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "up":
        started = devinfra_cluster.up() if args.cluster else devinfra.up()
        for name, value in started.items():
            print(f"{name}={value}", flush=True)
        return 0
    stopped = devinfra_cluster.down() if args.cluster else devinfra_cluster.down() + devinfra.down()
    for name in stopped:
        print(f"stopped {name}", flush=True)
    return 0
