"""Which receiving accounts' flows the worker may leave unloaded follows the rules file."""

from __future__ import annotations

import dataclasses

from screener.domain.config import RuleMode, RulesConfig
from screener.domain.rules import RULES, receiver_kinds_without_flows
from screener.settings import load_rules

FLOW_READERS = (
    "dropper_fan_in",
    "dropper_pass_through",
    "young_account",
    "mule_evidence",
    # Whether a stranger's account is someone's everyday account (it pays shops).
    "savings_drain",
    "safe_account",
    "loan_then_drain",
)


def changed(config: RulesConfig, rule_id: str, **fields: object) -> RulesConfig:
    settings = dataclasses.replace(config.settings_for(rule_id), **fields)
    return dataclasses.replace(config, rules={**config.rules, rule_id: settings})


def test_the_rules_that_read_receivers_flows_are_marked() -> None:
    assert {spec.rule_id for spec in RULES if spec.reads_receiver_flows} == set(FLOW_READERS)


def test_shipped_rules_skip_the_flows_of_shops_billers_and_exchanges() -> None:
    assert receiver_kinds_without_flows(load_rules()) == {
        "business",
        "payment_service",
        "crypto_exchange",
    }


def test_a_rule_told_to_judge_exchanges_gets_their_flows() -> None:
    config = changed(
        load_rules(),
        "dropper_fan_in",
        ignored_receiver_kinds=frozenset({"business", "payment_service"}),
    )
    assert receiver_kinds_without_flows(config) == {"business", "payment_service"}


def test_a_rule_switched_off_does_not_count() -> None:
    config = changed(
        load_rules(), "young_account", ignored_receiver_kinds=frozenset(), mode=RuleMode.OFF
    )
    assert "crypto_exchange" in receiver_kinds_without_flows(config)
    shadow = changed(config, "young_account", mode=RuleMode.SHADOW)
    assert receiver_kinds_without_flows(shadow) == frozenset()


def test_with_no_reader_running_every_flow_is_loaded() -> None:
    config = load_rules()
    for rule_id in FLOW_READERS:
        config = changed(config, rule_id, mode=RuleMode.OFF)
    assert receiver_kinds_without_flows(config) == frozenset()
