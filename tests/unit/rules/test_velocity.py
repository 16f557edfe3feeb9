"""velocity: transfers in sliding windows and against the customer's own baseline."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from screener.domain.config import ConfigError
from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules import velocity
from tests.unit.rules.customer_scenes import (
    COMPANY,
    context_of,
    fraud_report,
    kzt,
    paid,
    to_stranger,
    usual,
)
from tests.unit.rules.scenes import decided, settings, shadow, spec, three_languages, transfer

RULE = velocity.RULE_ID
DAY = 24 * 60.0  # minutes


def evaluate(now: Transfer, context: ScreeningContext, **changes: Any) -> RuleHit | None:
    return velocity.evaluate(now, context, settings(RULE, **changes))


def known(amount_kzt: float, **overrides: Any) -> Transfer:
    """The victim pays a receiver the bank knows they paid before."""
    return to_stranger(amount_kzt, **{"new_beneficiary": False, **overrides})


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


def test_one_ordinary_payment_without_history_is_quiet() -> None:
    now = transfer(amount_minor=kzt(15_000), new_beneficiary=None)
    assert evaluate(now, context_of()) is None


def test_a_salary_sized_amount_the_customer_always_pays_is_quiet() -> None:
    salaries = [
        paid(amount, 12 * 60 * (i + 1), to=f"KZ-payee-{i % 3}", n=i, new_beneficiary=False)
        for i, amount in enumerate([550_000, 600_000, 650_000, 580_000, 620_000] * 2)
    ]
    now = known(640_000, receiver_account="KZ-payee-1")
    assert evaluate(now, context_of(*salaries)) is None


# Sums in a window, this transfer included; a new beneficiary's money counts twice.
@pytest.mark.parametrize(
    ("earlier", "now", "fires"),
    [
        ([], known(999_999.99), False),
        ([], known(1_000_000), False),  # at the 10-minute cap
        ([], known(1_000_000.01), True),
        ([], to_stranger(500_000), False),  # weighs 1 000 000
        ([], to_stranger(500_000.01), True),
        ([paid(1_500_000, 45, new_beneficiary=False)], known(500_000), False),  # 1 h: at cap
        ([paid(1_500_000, 45, new_beneficiary=False)], known(500_000.01), True),
        ([paid(4_500_000, 300, new_beneficiary=False)], known(500_000), False),  # 24 h: at cap
        ([paid(4_500_000, 300, new_beneficiary=False)], known(500_000.01), True),
        ([paid(1_000_000, 10, new_beneficiary=False)], known(1), False),  # 10 min ago: out
        ([paid(1_000_000, 9.99, new_beneficiary=False)], known(1), True),
    ],
)
def test_window_sums_at_their_caps(earlier: list[Transfer], now: Transfer, fires: bool) -> None:
    assert (evaluate(now, context_of(*earlier)) is not None) is fires


# Counts in ten minutes: at most 5, a new beneficiary counting twice.
@pytest.mark.parametrize(
    ("known_before", "strangers_before", "now", "fires"),
    [
        (4, 0, known(1_000), False),
        (5, 0, known(1_000), True),
        (0, 2, to_stranger(1_000), True),  # 2 + 2 + 2
        (1, 1, to_stranger(1_000), False),  # 1 + 2 + 2
    ],
)
def test_window_counts_at_their_caps(
    known_before: int, strangers_before: int, now: Transfer, fires: bool
) -> None:
    earlier = [paid(1_000, 5, n=i, new_beneficiary=False) for i in range(known_before)] + [
        paid(1_000, 5, n=100 + i, new_beneficiary=True) for i in range(strangers_before)
    ]
    assert (evaluate(now, context_of(*earlier)) is not None) is fires


# Baseline of 10 × 100 000 KZT: MAD 0, spread floored at 25 000; z above 5 for a known
# receiver (225 000), above 2.5 for a new one, never at or below 200 000.
@pytest.mark.parametrize(
    ("now", "fires"),
    [
        (known(224_999.99), False),
        (known(225_000), False),
        (known(225_000.01), True),
        (to_stranger(200_000), False),  # z 4, but not above the amount floor
        (to_stranger(200_000.01), True),
    ],
)
def test_baseline_at_its_edges(now: Transfer, fires: bool) -> None:
    hit = evaluate(now, context_of(*usual(100_000)))
    assert (hit is not None) is fires
    if hit is not None:
        assert hit.measured["baseline"]["passed"] and hit.score == 35


@pytest.mark.parametrize(("past", "judged"), [(4, False), (5, True)])
def test_a_baseline_needs_five_past_transfers(past: int, judged: bool) -> None:
    hit = evaluate(known(900_000), context_of(*usual(100_000, past)))
    assert (hit is not None) is judged


def test_one_measure_is_weak_both_score_more_yet_never_hold_alone() -> None:
    window_only = evaluate(to_stranger(600_000), context_of())
    both = evaluate(to_stranger(600_000), context_of(*usual(100_000)))
    assert window_only is not None and both is not None
    assert (window_only.score, both.score) == (35, 50)
    assert decided(window_only).verdict is Verdict.ALLOW
    assert decided(both).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    "victim_context",
    [
        pytest.param(lambda: context_of(victim=True), id="confirmed by an officer"),
        pytest.param(lambda: context_of(fraud_report()), id="reported fraud"),
    ],
)
def test_past_victims_have_their_limits_halved(victim_context: Any) -> None:
    assert evaluate(known(500_000), victim_context()) is None
    hit = evaluate(known(500_000.01), victim_context())
    assert hit is not None and hit.measured["limit_factor"] == 0.5
    assert "×0.5" in hit.message.en and "×0.5" in hit.message.ru and "×0.5" in hit.message.kk
    assert evaluate(known(500_000.01), context_of()) is None


def test_without_a_flag_a_receiver_seen_before_counts_once() -> None:
    seen = paid(1_000, 3 * DAY, to="KZ-landlord", new_beneficiary=None)
    again = to_stranger(500_000.01, receiver_account="KZ-landlord", new_beneficiary=None)
    assert evaluate(again, context_of(seen)) is None
    fresh = to_stranger(500_000.01, receiver_account="KZ-someone", new_beneficiary=None)
    assert evaluate(fresh, context_of(seen)) is not None


def test_a_new_shop_counts_once() -> None:
    assert evaluate(to_stranger(600_000, receiver_kind="business"), context_of()) is None


def test_companies_are_not_judged() -> None:
    burst = [paid(1_000_000, 1 + i, n=i, customer_id=COMPANY) for i in range(8)]
    assert evaluate(known(1_000_000, customer_id=COMPANY), context_of(*burst)) is None


def test_explained_in_three_languages_with_the_measured_values() -> None:
    hit = evaluate(to_stranger(1_800_000), context_of(*usual(100_000)))
    assert hit is not None
    for text in three_languages(hit):
        assert "1 800 000 KZT" in text  # the sum in the window and the amount
        assert "3 600 000 KZT" in text  # weighted
        assert "1 000 000 KZT" in text  # the cap
        assert "100 000 KZT" in text  # the usual amount
    assert [w["passed"] for w in hit.measured["windows"]] == [True, True, False]


def test_shadow_mode() -> None:
    hit = velocity.evaluate(to_stranger(1_800_000), context_of(), shadow(RULE))
    assert hit is not None and hit.shadow


def shipped() -> dict[str, Any]:
    text = resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")
    section: dict[str, Any] = yaml.safe_load(text)["rules"][RULE]
    return section


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"windows": []}, "rules.velocity.windows"),
        (
            {"windows": [{"minutes": 10, "max_count": 5}]},
            r"rules.velocity.windows\[0\].max_sum_kzt",
        ),
        ({"repeat_victim_factor": 1.5}, "rules.velocity.repeat_victim_factor"),
        (
            {"baseline": {**shipped()["baseline"], "z_above": "5"}},
            "rules.velocity.baseline.z_above",
        ),
    ],
)
def test_bad_settings_are_named(change: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        velocity.parse_settings({**shipped(), **change}, "rules.velocity")
