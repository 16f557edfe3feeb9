"""`screener dev up|down`: the local Kafka and Redis of `screener.devinfra`."""

from __future__ import annotations

import argparse

from screener import devinfra
from screener.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["up", "down"])


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "up":
        for name, value in devinfra.up().items():
            print(f"{name}={value}", flush=True)
    else:
        for name in devinfra.down():
            print(f"stopped {name}", flush=True)
    return 0
