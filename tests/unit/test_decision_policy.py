"""The policy that turns rule hits into a verdict, a score and a self-lifting time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from screener.domain.decision import (
    Message,
    PolicyThresholds,
    RuleHit,
    Verdict,
    combine_scores,
    decide,
)

THRESHOLDS = PolicyThresholds(hold_score=60, block_score=90)
TEXT = Message(en="why", ru="почему", kk="неге")
LATER = datetime(2026, 1, 2, tzinfo=UTC)


def hit(rule: str, score: int, **kwargs: object) -> RuleHit:
    return RuleHit(rule=rule, score=score, message=TEXT, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([], 0), ([0], 0), ([40], 40), ([50, 50], 75), ([100, 10], 100), ([30, 30, 30], 66)],
)
def test_scores_combine_as_noisy_or(scores: list[int], expected: int) -> None:
    assert combine_scores(scores) == expected


@pytest.mark.parametrize(
    ("score", "verdict"),
    [
        (0, Verdict.ALLOW),
        (59, Verdict.ALLOW),
        (60, Verdict.HOLD),
        (89, Verdict.HOLD),
        (90, Verdict.BLOCK),
    ],
)
def test_score_bands(score: int, verdict: Verdict) -> None:
    assert decide([hit("x", score)], THRESHOLDS).verdict is verdict


def test_no_hits_is_a_clean_allow() -> None:
    outcome = decide([], THRESHOLDS)
    assert outcome.verdict is Verdict.ALLOW and outcome.score == 0 and outcome.reasons == ()


def test_a_rule_can_demand_a_verdict_whatever_the_score() -> None:
    outcome = decide([hit("loan_optout", 10, min_verdict=Verdict.BLOCK)], THRESHOLDS)
    assert outcome.verdict is Verdict.BLOCK and outcome.hold_until is None


def test_a_timed_hold_lifts_by_itself() -> None:
    outcome = decide(
        [hit("cooling_period", 40, min_verdict=Verdict.HOLD, hold_until=LATER)], THRESHOLDS
    )
    assert outcome.verdict is Verdict.HOLD and outcome.hold_until == LATER


def test_the_latest_timed_reason_wins() -> None:
    earlier = LATER - timedelta(hours=16)
    outcome = decide(
        [
            hit("a", 10, min_verdict=Verdict.HOLD, hold_until=earlier),
            hit("b", 10, min_verdict=Verdict.HOLD, hold_until=LATER),
        ],
        THRESHOLDS,
    )
    assert outcome.hold_until == LATER


def test_weak_untimed_signals_do_not_stop_a_timed_hold_from_lifting() -> None:
    outcome = decide(
        [
            hit("cooling_period", 40, min_verdict=Verdict.HOLD, hold_until=LATER),
            hit("velocity", 35),
        ],
        THRESHOLDS,
    )
    assert outcome.verdict is Verdict.HOLD and outcome.score == 61
    assert outcome.hold_until == LATER


def test_untimed_signals_that_hold_on_their_own_need_an_officer() -> None:
    outcome = decide(
        [hit("cooling_period", 40, min_verdict=Verdict.HOLD, hold_until=LATER), hit("dropper", 70)],
        THRESHOLDS,
    )
    assert outcome.verdict is Verdict.HOLD and outcome.hold_until is None


def test_shadow_hits_are_reported_but_change_nothing() -> None:
    outcome = decide([hit("new_rule", 95, shadow=True)], THRESHOLDS)
    assert outcome.verdict is Verdict.ALLOW and outcome.score == 0
    assert [h.rule for h in outcome.shadow_reasons] == ["new_rule"]
