"""Screening: the pure function the worker, the backtest and the tests all call."""

from __future__ import annotations

from dataclasses import replace

from screener.domain.config import RuleMode, RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import Outcome, RuleHit, Verdict, decide
from screener.domain.events import InputEvent, ScreenedEvent
from screener.domain.history import CustomerHistory, entry_for
from screener.domain.rules import RULES

# Rules whose holds the law demands: never capped, and their holds count for no rule's rate.
REGULATORY_RULES = frozenset(spec.rule_id for spec in RULES if spec.regulatory)


def screen(
    event: ScreenedEvent,
    context: ScreeningContext,
    config: RulesConfig,
    *,
    capped_rules: frozenset[str] = frozenset(),
) -> Outcome:
    """Run every applicable rule on `event` against what came before it, and decide.

    Hits of the rules in `capped_rules` (the safety cap caught them running away) become
    capped shadow hits: recorded, but unable to hold a payment. Regulatory rules are never
    capped.
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
        if not spec.may_refuse:
            hit = replace(hit, may_refuse=False)
        if spec.rule_id in capped_rules and not spec.regulatory and not hit.shadow:
            hit = hit.as_capped()
        hits.append(hit)
    return decide(hits, config.policy, config.loan_release.mode)


def remember(event: InputEvent, history: CustomerHistory, config: RulesConfig) -> CustomerHistory:
    """The customer's history after `event`; idempotent on its type and `event_id`."""
    return history.recorded(
        entry_for(event), config.history_keep_seconds, config.history_max_entries
    )


def uncapped(outcome: Outcome, config: RulesConfig) -> Outcome:
    """The decision the rules would have reached without the safety cap."""
    if not any(hit.capped for hit in outcome.shadow_reasons):
        return outcome
    hits = [*outcome.reasons, *outcome.shadow_reasons]
    return decide([hit.as_uncapped() if hit.capped else hit for hit in hits], config.policy)


def holding_rules(outcome: Outcome) -> tuple[str, ...]:
    """The rules a decision counts for in the safety cap's rates: the enforced reasons of a
    hold or a block, unless the law demanded it (then none: see safety_cap.py)."""
    if outcome.verdict is Verdict.ALLOW:
        return ()
    rules = tuple(hit.rule for hit in outcome.reasons)
    if REGULATORY_RULES.intersection(rules):
        return ()
    return rules
