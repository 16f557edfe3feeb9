"""The registry of rules: one explicit table, read and tested like any other data.

Each rule is a module with a plain-words docstring, `RULE_ID`, `parse_settings` and
`evaluate(event, context, settings) -> RuleHit | None`. Every settings object has `mode`
(enforce, shadow, off).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit
from screener.domain.events import LoanApproval, ScreenedEvent, Transfer
from screener.domain.rules import (
    blocklisted_receiver,
    blocklisted_sender,
    borrower_age,
    cash_out_destinations,
    cashout_abroad,
    cooling_period,
    crypto_address,
    dropper_fan_in,
    dropper_pass_through,
    first_loan_in_person,
    follow_up_fee,
    investment_escalation,
    loan_optout,
    loan_then_drain,
    mule_evidence,
    multi_lender_burst,
    new_beneficiary_burst,
    repeat_victim,
    risky_session,
    safe_account,
    savings_drain,
    stop_credit_lifted,
    suspended_account,
    unrated_currency,
    velocity,
    young_account,
)

Evaluate = Callable[[Any, ScreeningContext, Any], RuleHit | None]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    rule_id: str
    event_types: tuple[type[ScreenedEvent], ...]
    parse_settings: Callable[[Mapping[str, Any], str], Any]
    evaluate: Evaluate
    # Regulatory rules apply the law; the safety cap never turns them into shadow reasons.
    regulatory: bool = False
    # Reads the receiving account's flows, except for the kinds its settings'
    # `ignored_receiver_kinds` name (see `receiver_kinds_without_flows`).
    reads_receiver_flows: bool = False
    # False for judgements from patterns that honest customers also show (how money moves,
    # mule evidence): they hold a payment for an officer, however high they score, and never
    # count towards refusing it. Refusals rest on lists, the law and takeover signs.
    may_refuse: bool = True


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        rule_id=cooling_period.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=cooling_period.parse_settings,
        evaluate=cooling_period.evaluate,
        regulatory=True,
    ),
    # Loans: the law's requirements first (never capped), then bursts of borrowing.
    RuleSpec(
        rule_id=loan_optout.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=loan_optout.parse_settings,
        evaluate=loan_optout.evaluate,
        regulatory=True,
    ),
    RuleSpec(
        rule_id=first_loan_in_person.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=first_loan_in_person.parse_settings,
        evaluate=first_loan_in_person.evaluate,
        regulatory=True,
    ),
    RuleSpec(
        rule_id=borrower_age.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=borrower_age.parse_settings,
        evaluate=borrower_age.evaluate,
        regulatory=True,
    ),
    RuleSpec(
        rule_id=stop_credit_lifted.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=stop_credit_lifted.parse_settings,
        evaluate=stop_credit_lifted.evaluate,
    ),
    RuleSpec(
        rule_id=multi_lender_burst.RULE_ID,
        event_types=(LoanApproval,),
        parse_settings=multi_lender_burst.parse_settings,
        evaluate=multi_lender_burst.evaluate,
    ),
    # Droppers: the receiving and the sending account of a transfer.
    RuleSpec(
        rule_id=blocklisted_receiver.RULE_ID,
        event_types=(Transfer,),
        parse_settings=blocklisted_receiver.parse_settings,
        evaluate=blocklisted_receiver.evaluate,
    ),
    RuleSpec(
        rule_id=blocklisted_sender.RULE_ID,
        event_types=(Transfer,),
        parse_settings=blocklisted_sender.parse_settings,
        evaluate=blocklisted_sender.evaluate,
    ),
    RuleSpec(
        rule_id=dropper_fan_in.RULE_ID,
        event_types=(Transfer,),
        parse_settings=dropper_fan_in.parse_settings,
        evaluate=dropper_fan_in.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=dropper_pass_through.RULE_ID,
        event_types=(Transfer,),
        parse_settings=dropper_pass_through.parse_settings,
        evaluate=dropper_pass_through.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=young_account.RULE_ID,
        event_types=(Transfer,),
        parse_settings=young_account.parse_settings,
        evaluate=young_account.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=cashout_abroad.RULE_ID,
        event_types=(Transfer,),
        parse_settings=cashout_abroad.parse_settings,
        evaluate=cashout_abroad.evaluate,
        may_refuse=False,
    ),
    # Mule evidence combined (the single-signal dropper rules above run in shadow beside it).
    RuleSpec(
        rule_id=mule_evidence.RULE_ID,
        event_types=(Transfer,),
        parse_settings=mule_evidence.parse_settings,
        evaluate=mule_evidence.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=suspended_account.RULE_ID,
        event_types=(Transfer,),
        parse_settings=suspended_account.parse_settings,
        evaluate=suspended_account.evaluate,
        may_refuse=False,
    ),
    # The customer's own behaviour: takeover signs, bursts, loans and balances moved away.
    RuleSpec(
        rule_id=risky_session.RULE_ID,
        event_types=(Transfer, LoanApproval),
        parse_settings=risky_session.parse_settings,
        evaluate=risky_session.evaluate,
    ),
    RuleSpec(
        rule_id=loan_then_drain.RULE_ID,
        event_types=(Transfer,),
        parse_settings=loan_then_drain.parse_settings,
        evaluate=loan_then_drain.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=safe_account.RULE_ID,
        event_types=(Transfer,),
        parse_settings=safe_account.parse_settings,
        evaluate=safe_account.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=savings_drain.RULE_ID,
        event_types=(Transfer,),
        parse_settings=savings_drain.parse_settings,
        evaluate=savings_drain.evaluate,
        reads_receiver_flows=True,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=cash_out_destinations.RULE_ID,
        event_types=(Transfer,),
        parse_settings=cash_out_destinations.parse_settings,
        evaluate=cash_out_destinations.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=crypto_address.RULE_ID,
        event_types=(Transfer,),
        parse_settings=crypto_address.parse_settings,
        evaluate=crypto_address.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=follow_up_fee.RULE_ID,
        event_types=(Transfer,),
        parse_settings=follow_up_fee.parse_settings,
        evaluate=follow_up_fee.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=investment_escalation.RULE_ID,
        event_types=(Transfer,),
        parse_settings=investment_escalation.parse_settings,
        evaluate=investment_escalation.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=new_beneficiary_burst.RULE_ID,
        event_types=(Transfer,),
        parse_settings=new_beneficiary_burst.parse_settings,
        evaluate=new_beneficiary_burst.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=velocity.RULE_ID,
        event_types=(Transfer,),
        parse_settings=velocity.parse_settings,
        evaluate=velocity.evaluate,
        may_refuse=False,
    ),
    RuleSpec(
        rule_id=repeat_victim.RULE_ID,
        event_types=(Transfer, LoanApproval),
        parse_settings=repeat_victim.parse_settings,
        evaluate=repeat_victim.evaluate,
        may_refuse=False,
    ),
    # An amount no rate converts to KZT: the amount rules above could not judge it.
    RuleSpec(
        rule_id=unrated_currency.RULE_ID,
        event_types=(Transfer, LoanApproval),
        parse_settings=unrated_currency.parse_settings,
        evaluate=unrated_currency.evaluate,
        may_refuse=False,
    ),
)

RULE_PARSERS: Mapping[str, Callable[[Mapping[str, Any], str], Any]] = {
    spec.rule_id: spec.parse_settings for spec in RULES
}


def receiver_kinds_without_flows(config: RulesConfig) -> frozenset[str]:
    """Kinds of receiving account (shops, billers, exchanges) whose flows no running rule
    reads, so the worker need not load them: a busy shop has hundreds of flows, read for
    every payment to it. Derived from the rules file, so a rule told to judge a kind after
    all gets its flows."""
    ignored_by_all: frozenset[str] | None = None
    for spec in RULES:
        settings = config.settings_for(spec.rule_id)
        if not spec.reads_receiver_flows or settings.mode is RuleMode.OFF:
            continue
        ignored = frozenset(settings.ignored_receiver_kinds)
        ignored_by_all = ignored if ignored_by_all is None else ignored_by_all & ignored
    # With no such rule running, loading every flow is merely slower, never wrong.
    return ignored_by_all or frozenset()


__all__ = ["RULES", "RULE_PARSERS", "RuleSpec", "receiver_kinds_without_flows"]
