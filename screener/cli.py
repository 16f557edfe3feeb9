"""The `screener` command (CONTRACT §6).

Each subcommand lives in its own module with `add_arguments(parser)` and
`run(args, settings) -> int`; this table is the one place that lists them.
"""

from __future__ import annotations

import argparse
import importlib
import logging.config
import sys
from typing import Any

from screener.domain.config import ConfigError
from screener.logs import logging_config
from screener.settings import Settings

COMMANDS: dict[str, tuple[str, str]] = {
    "dev": ("screener.devinfra_cli", "local Kafka (KRaft) and Redis on loopback: up | down"),
    "worker": ("screener.worker.run", "run the screening worker in the foreground"),
    "api": ("screener.api.server", "run the review API and the officers' page"),
    "users": ("screener.api.users", "manage review API users: add | list | disable | rotate"),
    "audit": ("screener.audit_cli", "check the audit trail on its topic: verify"),
    "rebuild": ("screener.rebuild", "restore Redis from the topics into an empty prefix"),
    "generate": ("screener.traffic.generate", "realistic synthetic traffic to Kafka or JSONL"),
    "backtest": ("screener.backtest", "screen a JSONL file offline and report"),
    "fit": ("screener.backtest.fit", "fit mule_evidence's logistic weights on labelled traffic"),
    "labels": ("screener.api.labels", "officers' verdicts as labels for the backtest: export"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="screener", description="Transaction stream screener")
    commands = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        if name == chosen:  # import only the module that runs: `--help` stays fast
            _module(module_name).add_arguments(sub)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        logging.config.dictConfig(logging_config(settings.operations.log_format))
        return int(_module(COMMANDS[args.command][0]).run(args, settings))
    except ConfigError as exc:
        print(f"screener: configuration error: {exc}", file=sys.stderr)
        return 2


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            raise SystemExit(f"screener: this command is not installed ({name})") from exc
        raise


if __name__ == "__main__":
    sys.exit(main())
