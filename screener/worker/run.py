"""`screener worker`: the screening worker in the foreground."""

from __future__ import annotations

import argparse

import faust

from screener.adapters.kafka_admin import ensure_topics
from screener.logs import logging_config
from screener.rules_source import RulesSource
from screener.settings import Settings
from screener.worker.app import create_app


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Consume the input topics, screen, publish decisions and holds."


def run(args: argparse.Namespace, settings: Settings) -> int:
    rules = RulesSource(settings.rules_file)  # fails fast on a bad rules file
    ensure_topics(settings)
    app = create_app(settings, rules)
    # Faust sets up logging again when it starts: with the screener's masking formatter.
    config = logging_config(settings.operations.log_format)
    faust.Worker(app, loglevel="INFO", logging_config=config).execute_from_commandline()
    return 0
