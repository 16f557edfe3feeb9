"""The cooling period at its band edges: every MRP year, ±1 tenge, exemptions, aggregation."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from screener.domain.config import RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import Outcome, Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember
from screener.domain.screening import screen as screen_in_context
from screener.settings import load_rules

ALMATY = timezone(timedelta(hours=5))
UTC_ZONE = UTC
MRP = {2023: 3450, 2024: 3692, 2025: 3932, 2026: 4325}
TENGE = 100  # minor units


def screen(event: LoanApproval, history: CustomerHistory, config: RulesConfig) -> Outcome:
    return screen_in_context(event, ScreeningContext(history, config.mrp), config)


def loan(amount_minor: int, signed: datetime, **overrides: object) -> LoanApproval:
    fields: dict[str, object] = {
        "event_id": f"loan-{amount_minor}-{signed.timestamp()}",
        "customer_id": "850503300129",
        "occurred_at": signed + timedelta(minutes=1),
        "loan_id": "L-1",
        "amount_minor": amount_minor,
        "currency": "KZT",
        "lender_kind": "bank",
        "channel": "online",
        "contract_signed_at": signed,
    }
    fields.update(overrides)
    return LoanApproval(**fields)  # type: ignore[arg-type]


def with_profile(config: RulesConfig, profile: str) -> RulesConfig:
    from screener.domain.rules import cooling_period

    raw_bands = {
        "seed_24h": {"bank": [(150, 24)], "mfo": [(75, 24)]},
        "regulator_bands": {"bank": [(150, 8), (255, 24)], "mfo": [(75, 24)]},
    }[profile]
    settings = config.settings_for("cooling_period")
    bands = {
        kind: tuple(cooling_period.Band(float(mrp), float(hours)) for mrp, hours in pairs)
        for kind, pairs in raw_bands.items()
    }
    changed = dataclasses.replace(settings, profile=profile, bands=bands)
    return dataclasses.replace(config, rules={**config.rules, "cooling_period": changed})


@pytest.fixture(scope="module")
def seed_config() -> RulesConfig:
    return load_rules()


@pytest.fixture(scope="module")
def regulator_config(seed_config: RulesConfig) -> RulesConfig:
    return with_profile(seed_config, "regulator_bands")


def signed_in(year: int) -> datetime:
    return datetime(year, 6, 15, 12, 0, tzinfo=ALMATY)


@pytest.mark.parametrize("year", sorted(MRP))
@pytest.mark.parametrize(("lender_kind", "mrp_count"), [("bank", 150), ("mfo", 75)])
def test_threshold_is_strict_in_every_year(
    seed_config: RulesConfig, year: int, lender_kind: str, mrp_count: int
) -> None:
    threshold = MRP[year] * mrp_count * TENGE
    at = signed_in(year)
    at_threshold = screen(
        loan(threshold, at, lender_kind=lender_kind), CustomerHistory(), seed_config
    )
    above = screen(
        loan(threshold + TENGE, at, lender_kind=lender_kind), CustomerHistory(), seed_config
    )
    below = screen(
        loan(threshold - TENGE, at, lender_kind=lender_kind), CustomerHistory(), seed_config
    )

    assert at_threshold.verdict is Verdict.ALLOW and not at_threshold.reasons
    assert below.verdict is Verdict.ALLOW
    assert above.verdict is Verdict.HOLD
    assert [hit.rule for hit in above.reasons] == ["cooling_period"]
    assert above.hold_until == at + timedelta(hours=24)
    assert above.reasons[0].measured["mrp_kzt"] == MRP[year]


def test_hold_counts_from_contract_signing_not_event_time(seed_config: RulesConfig) -> None:
    signed = datetime(2026, 3, 1, 22, 0, tzinfo=ALMATY)
    outcome = screen(
        loan(9_000_000 * TENGE, signed, occurred_at=signed + timedelta(hours=3)),
        CustomerHistory(),
        seed_config,
    )
    assert outcome.hold_until == signed + timedelta(hours=24)


def test_the_year_of_signing_is_taken_in_kazakhstan_time(seed_config: RulesConfig) -> None:
    # 31 Dec 2025 20:30 UTC is already 1 Jan 2026 in Almaty: the 2026 MRP applies.
    signed = datetime(2025, 12, 31, 20, 30, tzinfo=UTC_ZONE)
    between = 150 * 3932 * TENGE + TENGE  # above 150 MRP of 2025, below that of 2026
    assert screen(loan(between, signed), CustomerHistory(), seed_config).verdict is Verdict.ALLOW


def test_a_year_missing_from_the_table_uses_the_latest_known(seed_config: RulesConfig) -> None:
    signed = signed_in(2027)
    threshold = MRP[2026] * 150 * TENGE
    assert screen(loan(threshold, signed), CustomerHistory(), seed_config).verdict is Verdict.ALLOW
    assert (
        screen(loan(threshold + TENGE, signed), CustomerHistory(), seed_config).verdict
        is Verdict.HOLD
    )


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"channel": "branch"}, "taken in a branch"),
        ({"product": "goods"}, "goods loan"),
        ({"product": "refinancing"}, "internal refinancing"),
        ({"product": "mortgage"}, "mortgage is not unsecured consumer credit"),
        ({"product": "auto"}, "auto loan"),
        ({"product": "business"}, "business loan"),
        ({"secured": True}, "secured"),
    ],
)
def test_exemptions(seed_config: RulesConfig, overrides: dict[str, object], why: str) -> None:
    big = loan(9_000_000 * TENGE, signed_in(2026), **overrides)
    assert screen(big, CustomerHistory(), seed_config).verdict is Verdict.ALLOW, why


def test_card_limit_loans_are_exempt_up_to_150_mrp_only(seed_config: RulesConfig) -> None:
    limit = MRP[2026] * 150 * TENGE
    at = signed_in(2026)
    small = loan(limit, at, product="card_limit", lender_kind="mfo")
    large = loan(limit + TENGE, at, product="card_limit", lender_kind="mfo")
    assert screen(small, CustomerHistory(), seed_config).verdict is Verdict.ALLOW
    assert screen(large, CustomerHistory(), seed_config).verdict is Verdict.HOLD


def history_of(config: RulesConfig, *loans: LoanApproval) -> CustomerHistory:
    history = CustomerHistory()
    for earlier in loans:
        history = remember(earlier, history, config)
    return history


def test_online_loans_within_a_day_count_together(seed_config: RulesConfig) -> None:
    at = signed_in(2026)
    first = loan(400_000 * TENGE, at - timedelta(hours=23), event_id="first")
    second = loan(300_000 * TENGE, at, event_id="second")
    outcome = screen(second, history_of(seed_config, first), seed_config)
    assert outcome.verdict is Verdict.HOLD
    measured = outcome.reasons[0].measured
    assert measured["online_loans_total_minor"] == 700_000 * TENGE
    assert measured["other_online_loans"] == 1
    assert "700 000 KZT" in outcome.reasons[0].message.en


def test_loans_more_than_a_day_apart_do_not_count_together(seed_config: RulesConfig) -> None:
    at = signed_in(2026)
    first = loan(400_000 * TENGE, at - timedelta(hours=24), event_id="first")
    second = loan(300_000 * TENGE, at, event_id="second")
    assert screen(second, history_of(seed_config, first), seed_config).verdict is Verdict.ALLOW


def test_exempt_loans_do_not_count_towards_the_total(seed_config: RulesConfig) -> None:
    at = signed_in(2026)
    in_branch = loan(600_000 * TENGE, at - timedelta(hours=1), event_id="branch", channel="branch")
    online = loan(100_000 * TENGE, at, event_id="online")
    assert screen(online, history_of(seed_config, in_branch), seed_config).verdict is Verdict.ALLOW


def test_a_redelivered_loan_is_not_counted_twice(seed_config: RulesConfig) -> None:
    at = signed_in(2026)
    only = loan(400_000 * TENGE, at, event_id="same")
    history = history_of(seed_config, only, only)
    assert len(history.entries) == 1
    assert screen(only, history, seed_config).verdict is Verdict.ALLOW


def test_mfo_and_bank_loans_aggregate_against_the_current_lender_threshold(
    seed_config: RulesConfig,
) -> None:
    at = signed_in(2026)
    bank = loan(200_000 * TENGE, at - timedelta(hours=2), event_id="bank")
    mfo = loan(150_000 * TENGE, at, event_id="mfo", lender_kind="mfo")  # total 350k > 75 MRP
    assert screen(mfo, history_of(seed_config, bank), seed_config).verdict is Verdict.HOLD


@pytest.mark.parametrize(
    ("mrp_above", "tenge_offset", "expected_hours"),
    [
        (150, 0, None),
        (150, 1, 8),
        (255, 0, 8),
        (255, 1, 24),
    ],
)
def test_regulator_profile_bands(
    regulator_config: RulesConfig, mrp_above: int, tenge_offset: int, expected_hours: int | None
) -> None:
    at = signed_in(2026)
    amount = MRP[2026] * mrp_above * TENGE + tenge_offset * TENGE
    outcome = screen(loan(amount, at), CustomerHistory(), regulator_config)
    if expected_hours is None:
        assert outcome.verdict is Verdict.ALLOW
    else:
        assert outcome.verdict is Verdict.HOLD
        assert outcome.hold_until == at + timedelta(hours=expected_hours)


def test_regulator_profile_mfo_band(regulator_config: RulesConfig) -> None:
    at = signed_in(2025)
    amount = MRP[2025] * 75 * TENGE + TENGE
    outcome = screen(loan(amount, at, lender_kind="mfo"), CustomerHistory(), regulator_config)
    assert outcome.hold_until == at + timedelta(hours=24)


def test_explanations_exist_in_three_languages_and_name_the_amount(
    seed_config: RulesConfig,
) -> None:
    outcome = screen(loan(9_000_000 * TENGE, signed_in(2026)), CustomerHistory(), seed_config)
    message = outcome.reasons[0].message
    for text in (message.en, message.ru, message.kk):
        assert "9 000 000 KZT" in text
        assert "648 750 KZT" in text
    assert "МРП" in message.ru and "АЕК" in message.kk


def test_shadow_mode_reports_but_does_not_hold(seed_config: RulesConfig) -> None:
    from screener.domain.config import RuleMode

    settings = seed_config.settings_for("cooling_period")
    shadow = dataclasses.replace(
        seed_config,
        rules={
            **seed_config.rules,
            "cooling_period": dataclasses.replace(settings, mode=RuleMode.SHADOW),
        },
    )
    outcome = screen(loan(9_000_000 * TENGE, signed_in(2026)), CustomerHistory(), shadow)
    assert outcome.verdict is Verdict.ALLOW
    assert [hit.rule for hit in outcome.shadow_reasons] == ["cooling_period"]
