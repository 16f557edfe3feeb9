"""The `screener` command (CONTRACT §6)."""

from __future__ import annotations

import argparse
import logging
import sys

from screener.domain.config import ConfigError
from screener.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="screener", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="local Kafka (KRaft) and Redis on loopback")
    dev.add_argument("action", choices=["up", "down"])

    commands.add_parser("worker", help="run the screening worker in the foreground")
    commands.add_parser("api", help="run the review API and the officers' page")

    users = commands.add_parser("users", help="manage review API users")
    user_commands = users.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create a user and print its token")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["viewer", "officer", "supervisor"])

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return _run(args)
    except ConfigError as exc:
        print(f"screener: configuration error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.command == "dev":
        from screener import devinfra

        if args.action == "up":
            for name, value in devinfra.up().items():
                print(f"{name}={value}", flush=True)
        else:
            devinfra.down()
        return 0
    settings = Settings.from_env()
    if args.command == "worker":
        from screener.worker.run import run_worker

        run_worker(settings)
        return 0
    print(f"screener: '{args.command}' is not available yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
