"""Screening: the pure function the worker, the backtest and the tests all call."""

from __future__ import annotations

from screener.domain.config import RuleMode, RulesConfig
from screener.domain.decision import Outcome, RuleHit, decide
from screener.domain.events import InputEvent, ScreenedEvent
from screener.domain.history import CustomerHistory, entry_for
from screener.domain.rules import RULES


def screen(event: ScreenedEvent, history: CustomerHistory, config: RulesConfig) -> Outcome:
    """Run every applicable rule on `event` against what came before it, and decide."""
    hits: list[RuleHit] = []
    for spec in RULES:
        if not isinstance(event, spec.event_types):
            continue
        settings = config.settings_for(spec.rule_id)
        if settings.mode is RuleMode.OFF:
            continue
        hit = spec.evaluate(event, history, settings, config.mrp)
        if hit is not None:
            hits.append(hit)
    return decide(hits, config.policy)


def remember(event: InputEvent, history: CustomerHistory, config: RulesConfig) -> CustomerHistory:
    """The customer's history after `event`; idempotent on `event_id`."""
    return history.recorded(
        entry_for(event), config.history_keep_seconds, config.history_max_entries
    )
