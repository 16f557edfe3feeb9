"""Amounts in other currencies are judged at their KZT equivalent (domain/currency.py),
through the worker's own service (the backtest's replay): every threshold is in KZT."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from screener.backtest.replay import raw_records, replay
from screener.boundary import decode_event, priced_in_kzt
from screener.domain.config import ConfigError, RulesConfig
from screener.domain.currency import KztRates, in_kzt, kzt_minor
from screener.domain.events import Transfer
from screener.domain.redelivery import event_digest
from screener.schemas import compiled_validator
from screener.settings import load_rules
from tests import factories

CONFIG = load_rules(None)
PACKAGED_RULES = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


def decided(*lines: tuple[str, dict[str, Any]], config: RulesConfig = CONFIG) -> Any:
    return replay(raw_records([{"topic": t, "event": e} for t, e in lines]), config)


def a_recent_victims_payment(amount: str, currency: str) -> list[tuple[str, dict[str, Any]]]:
    """A customer who reported fraud an hour ago pays a new person `amount`: above
    repeat_victim's recent limit in KZT it holds, below it it passes."""
    customer = factories.customer_id()
    now = factories.now()
    report = factories.customer_event(
        "fraud_reported",
        customer_id=customer,
        occurred_at=factories.timestamp(now - timedelta(hours=1)),
    )
    payment = factories.transfer(
        customer_id=customer, amount=amount, currency=currency, new_beneficiary=True
    )
    return [("customer_events", report), ("transfers", payment)]


def test_a_foreign_amount_is_judged_at_its_kzt_equivalent() -> None:
    usd = CONFIG.currencies.rate_of("USD")
    limit_kzt = CONFIG.settings_for("repeat_victim").recent_above_minor / 100
    assert usd is not None and 100 * usd > limit_kzt, "100 USD must pass the limit in KZT"
    in_dollars = decided(*a_recent_victims_payment("100.00", "USD"))
    in_tenge = decided(*a_recent_victims_payment("100.00", "KZT"))
    [held] = in_dollars.decisions
    [allowed] = in_tenge.decisions
    assert held["verdict"] == "hold"
    assert "repeat_victim" in [reason["rule"] for reason in held["reasons"]]
    assert allowed["verdict"] == "allow"


def test_the_decision_shows_the_amount_as_sent_and_what_the_rules_judged() -> None:
    [_, (_, payment)] = lines = a_recent_victims_payment("100.00", "USD")
    [decision] = decided(*lines).decisions
    usd = CONFIG.currencies.rate_of("USD")
    assert usd is not None
    assert (decision["amount"], decision["currency"]) == ("100.00", "USD")
    assert decision["amount_kzt"] == f"{100 * usd:.2f}" and decision["kzt_rate"] == usd
    compiled_validator("decision")(decision)
    result = decided(*lines)
    [held] = result.hold_changes
    assert held["status"] == "held"
    assert payment["event_id"] == decision["hold_id"]
    fields = result.store.holds[payment["event_id"]].fields
    assert (fields["amount"], fields["currency"]) == ("100.00", "USD")
    assert fields["amount_kzt"] == decision["amount_kzt"]  # the officers' amount filter


def test_a_kzt_decision_carries_no_conversion() -> None:
    [decision] = decided(("transfers", factories.transfer(amount="15000.00"))).decisions
    assert decision["amount"] == "15000.00" and decision["currency"] == "KZT"
    assert "amount_kzt" not in decision and "kzt_rate" not in decision


def test_a_currency_without_a_rate_is_held_for_an_officer_in_three_languages() -> None:
    assert CONFIG.currencies.rate_of("CHF") is None
    [decision] = decided(
        ("transfers", factories.transfer(amount="15000.00", currency="CHF"))
    ).decisions
    assert decision["verdict"] == "hold"
    [reason] = [r for r in decision["reasons"] if r["rule"] == "unrated_currency"]
    assert all("CHF" in reason["message"][language] for language in ("en", "ru", "kk"))
    assert decision["amount_kzt"] is None and decision["kzt_rate"] is None
    compiled_validator("decision")(decision)


def test_a_kzt_equivalent_too_large_to_keep_is_a_dead_letter_not_a_poison_record() -> None:
    huge = factories.transfer(amount="999999999999999.00", currency="USD")
    result = decided(("transfers", huge))
    assert result.decisions == []
    [letter] = result.dead_letters
    assert "KZT equivalent" in letter["error"] and letter["reason"] != "poison"


def test_a_redelivery_after_the_rates_changed_is_the_same_event() -> None:
    """The rate is the screener's, not the event's content: a redelivery judged with a new
    rules file must get its first decision, not a dead letter for a reused id."""
    raw = factories.encode(factories.transfer(amount="250.00", currency="EUR"))
    event = decode_event("transfers", raw)
    before = priced_in_kzt(event, KztRates({"EUR": 600.0}))
    after = priced_in_kzt(event, KztRates({"EUR": 610.0}))
    assert isinstance(before, Transfer) and isinstance(after, Transfer)
    assert (before.amount_minor, after.amount_minor) == (15_000_000, 15_250_000)
    assert event_digest(before) == event_digest(after) == event_digest(event)
    assert before.amount_as_sent == after.amount_as_sent == event.amount_minor == 25_000


def test_kzt_is_left_as_it_is() -> None:
    event = decode_event("transfers", factories.encode(factories.transfer()))
    assert isinstance(event, Transfer)
    assert in_kzt(event, CONFIG.currencies) is event


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"kzt_per_unit": {"KZT": 1}}, "KZT is the unit itself"),
        ({"kzt_per_unit": {"usd": 500}}, "ISO 4217"),
        ({"kzt_per_unit": {"USD": 0}}, "positive KZT amount"),
        ({"kzt_per_unit": {"USD": True}}, "positive KZT amount"),
        ({"kzt_per_unit": ["USD", 500]}, "mapping of codes"),
        ("USD=500", "expected a mapping"),
    ],
)
def test_a_bad_currencies_section_stops_the_worker_with_a_clear_error(
    section: Any, problem: str, tmp_path: Path
) -> None:
    raw = yaml.safe_load(PACKAGED_RULES.read_text("utf-8"))
    raw["currencies"] = section
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw), "utf-8")
    with pytest.raises(ConfigError, match=f"currencies.*{problem}"):
        load_rules(path)


def test_the_packaged_rates_are_loaded() -> None:
    assert CONFIG.currencies.as_of
    assert CONFIG.currencies.rate_of("KZT") == 1.0
    assert replace(CONFIG.currencies, kzt_per_unit={}).rate_of("USD") is None


def test_conversion_rounds_half_up_in_decimals_and_keeps_at_least_a_tiyn() -> None:
    assert kzt_minor(1500, 0.043) == 65  # 64.5: half up (a float's round() gives 64)
    assert kzt_minor(10, 0.043) == 1  # 0.10 UZS is more than nothing
    assert kzt_minor(10_000, 520.0) == 5_200_000
