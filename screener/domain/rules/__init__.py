"""The registry of rules: one explicit table, read and tested like any other data.

Each rule is a module with a plain-words docstring, `RULE_ID`, `parse_settings` and
`evaluate(event, context, settings) -> RuleHit | None`. Every settings object has `mode`
(enforce, shadow, off).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit
from screener.domain.events import LoanApproval, ScreenedEvent
from screener.domain.rules import cooling_period

Evaluate = Callable[[Any, ScreeningContext, Any], RuleHit | None]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    rule_id: str
    event_types: tuple[type[ScreenedEvent], ...]
    parse_settings: Callable[[Mapping[str, Any], str], Any]
    evaluate: Evaluate
    # Regulatory rules apply the law; the safety cap never turns them into shadow reasons.
    regulatory: bool = False


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        rule_id=cooling_period.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=cooling_period.parse_settings,
        evaluate=cooling_period.evaluate,
        regulatory=True,
    ),
)

RULE_PARSERS: Mapping[str, Callable[[Mapping[str, Any], str], Any]] = {
    spec.rule_id: spec.parse_settings for spec in RULES
}

__all__ = ["RULES", "RULE_PARSERS", "RuleSpec"]
