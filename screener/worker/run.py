"""Start the worker in the foreground (`screener worker`)."""

from __future__ import annotations

import faust

from screener.adapters.kafka_admin import ensure_topics
from screener.settings import Settings, load_rules
from screener.worker.app import create_app


def run_worker(settings: Settings) -> None:
    rules = load_rules(settings.rules_file)  # fails fast on a bad rules file
    ensure_topics(settings)
    app = create_app(settings, lambda: rules)
    faust.Worker(app, loglevel="INFO").execute_from_commandline()
