"""Screening: the pure function the worker, the backtest and the tests all call."""

from __future__ import annotations

from screener.domain.config import RuleMode, RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import Outcome, RuleHit, decide
from screener.domain.events import InputEvent, ScreenedEvent
from screener.domain.history import CustomerHistory, entry_for
from screener.domain.rules import RULES


def screen(
    event: ScreenedEvent,
    context: ScreeningContext,
    config: RulesConfig,
    *,
    cap_non_regulatory: bool = False,
) -> Outcome:
    """Run every applicable rule on `event` against what came before it, and decide.

    With `cap_non_regulatory` (the hold-rate safety cap is on), hits of rules that are not
    regulatory become shadow hits: recorded, but unable to hold a payment.
    """
    hits: list[RuleHit] = []
    for spec in RULES:
        if not isinstance(event, spec.event_types):
            continue
        settings = config.settings_for(spec.rule_id)
        if settings.mode is RuleMode.OFF:
            continue
        hit = spec.evaluate(event, context, settings)
        if hit is None:
            continue
        if cap_non_regulatory and not spec.regulatory and not hit.shadow:
            hit = hit.as_capped()
        hits.append(hit)
    return decide(hits, config.policy, config.loan_release.mode)


def remember(event: InputEvent, history: CustomerHistory, config: RulesConfig) -> CustomerHistory:
    """The customer's history after `event`; idempotent on `event_id`."""
    return history.recorded(
        entry_for(event), config.history_keep_seconds, config.history_max_entries
    )
