"""When a held loan goes (DOMAIN §3, CONTRACT §7): the waiting period, the borrower's
reconfirmation before, at and after its end, cancellation, and the lender without
reconfirmations. Pure: decisions of `screener.domain.loan_release` on hold progress."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from screener.domain.config import EarlyReconfirmation, LoanReleaseSettings, RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import HoldTerms, ReleaseMode, Verdict
from screener.domain.events import CustomerEvent, LoanApproval
from screener.domain.history import CustomerHistory, LoanOnFile
from screener.domain.loan_release import (
    EARLY_RECONFIRMED_AT,
    PERIOD_ENDED_AT,
    RECONFIRMED_AT,
    REGULATORY_DONE_AT,
    HoldProgress,
    Settlement,
    after_answers,
    at_period_end,
    hold_fields,
)
from screener.domain.screening import remember, screen
from screener.settings import load_rules
from tests import factories

CONFIG = load_rules()
SIGNED = datetime(2026, 3, 20, 21, 0, tzinfo=UTC)
ENDS = SIGNED + timedelta(hours=24)
AFTER_PERIOD = LoanReleaseSettings(ReleaseMode.RECONFIRMATION, EarlyReconfirmation.AFTER_PERIOD)
KEEP = LoanReleaseSettings(ReleaseMode.RECONFIRMATION, EarlyReconfirmation.KEEP)
COOLING = HoldTerms(period_ends_at=ENDS, reconfirmation=True, officer=False)


def with_release(mode: ReleaseMode, config: RulesConfig = CONFIG) -> RulesConfig:
    return dataclasses.replace(
        config, loan_release=dataclasses.replace(config.loan_release, mode=mode)
    )


def big_loan(customer_id: str = "850503300129", **overrides: object) -> LoanApproval:
    fields: dict[str, object] = {
        "event_id": "loan-e-1",
        "customer_id": customer_id,
        "occurred_at": SIGNED,
        "loan_id": "L-1",
        "amount_minor": 900_000_000,
        "currency": "KZT",
        "lender_kind": "bank",
        "channel": "online",
        "contract_signed_at": SIGNED,
    }
    fields.update(overrides)
    return LoanApproval(**fields)  # type: ignore[arg-type]


def progress(terms: HoldTerms = COOLING, **overrides: object) -> HoldProgress:
    fields = {"status": "held", **hold_fields(terms, "L-1")}
    return dataclasses.replace(HoldProgress.from_fields("loan-e-1", fields), **overrides)  # type: ignore[arg-type]


def answers(reconfirmed: datetime | None = None, cancelled: datetime | None = None) -> LoanOnFile:
    return LoanOnFile(
        event_id="loan-e-1",
        reconfirmed_at=reconfirmed.timestamp() if reconfirmed else None,
        cancelled_at=cancelled.timestamp() if cancelled else None,
        seen_at=(reconfirmed or cancelled or SIGNED).timestamp(),
    )


def applied(hold: HoldProgress, settlement: Settlement) -> HoldProgress:
    """The hold as Redis would have it after the settlement (settle_hold.lua)."""
    fields = {"status": settlement.status or hold.status, **hold_fields(hold.terms, "L-1")}
    for name, value in (
        (RECONFIRMED_AT, hold.reconfirmed_at),
        (EARLY_RECONFIRMED_AT, hold.early_reconfirmed_at),
    ):
        fields[name] = value.isoformat() if value else ""
    fields[PERIOD_ENDED_AT] = "x" if hold.period_ended else ""
    fields[REGULATORY_DONE_AT] = "x" if hold.regulatory_done else ""
    fields.update(settlement.fields)
    fields["release_version"] = str(hold.version + 1)
    return HoldProgress.from_fields(hold.hold_id, fields)


# --- the policy: what a held loan waits for -------------------------------------------------


def test_a_cooling_period_waits_for_its_end_and_the_reconfirmation() -> None:
    outcome = screen(big_loan(), ScreeningContext(CustomerHistory(), CONFIG.mrp), CONFIG)
    assert outcome.verdict is Verdict.HOLD
    assert outcome.terms == HoldTerms(period_ends_at=ENDS, reconfirmation=True, officer=False)
    assert outcome.hold_until == ENDS and outcome.reconfirmation_required
    assert outcome.terms.wakes_at == ENDS


def test_a_lender_without_reconfirmations_gets_the_timer_alone() -> None:
    config = with_release(ReleaseMode.TIMER_ONLY)
    outcome = screen(big_loan(), ScreeningContext(CustomerHistory(), config.mrp), config)
    assert outcome.terms == HoldTerms(period_ends_at=ENDS, reconfirmation=False, officer=False)
    assert outcome.hold_until == ENDS and not outcome.reconfirmation_required


@pytest.mark.parametrize(
    ("mode", "officer", "reconfirmation"),
    [(ReleaseMode.RECONFIRMATION, False, True), (ReleaseMode.TIMER_ONLY, True, False)],
)
def test_an_age_hold_is_ended_by_the_reconfirmation_or_by_an_officer(
    mode: ReleaseMode, officer: bool, reconfirmation: bool
) -> None:
    config = with_release(mode)
    # Born 1955: 70 when signing; a small loan, below the cooling period's threshold.
    small = big_loan(customer_id=factories.new_iin(date(1955, 1, 1)), amount_minor=20_000_000)
    outcome = screen(small, ScreeningContext(CustomerHistory(), config.mrp), config)
    assert [hit.rule for hit in outcome.reasons] == ["borrower_age"]
    assert outcome.terms == HoldTerms(None, reconfirmation=reconfirmation, officer=officer)
    assert outcome.hold_until is None and outcome.terms.wakes_at is None


def test_fraud_reasons_on_the_same_hold_still_need_an_officer() -> None:
    # A login from a new device before the loan (a 1414 code alone is weak before a loan).
    login = CustomerEvent(
        "login", "l-1", "850503300129", SIGNED - timedelta(minutes=20), new_device=True
    )
    history = remember(login, CustomerHistory(), CONFIG)
    outcome = screen(big_loan(), ScreeningContext(history, CONFIG.mrp), CONFIG)
    assert {hit.rule for hit in outcome.reasons} == {"cooling_period", "risky_session"}
    assert outcome.terms == HoldTerms(period_ends_at=ENDS, reconfirmation=True, officer=True)
    assert outcome.hold_until is None  # an officer decides
    assert outcome.terms.wakes_at == ENDS  # ...and the worker notes the law's part at the end


# --- reconfirmation before, at and after the end of the period --------------------------------


def test_reconfirmed_after_the_period_releases_at_once() -> None:
    settlement = after_answers(progress(), answers(ENDS + timedelta(minutes=5)), AFTER_PERIOD)
    assert settlement is not None and settlement.status == "released"
    assert settlement.fields == {RECONFIRMED_AT: (ENDS + timedelta(minutes=5)).isoformat()}
    assert settlement.stops_timer and settlement.expected_version == 0


@pytest.mark.parametrize("settings", [AFTER_PERIOD, KEEP], ids=["after_period", "keep"])
def test_reconfirmed_exactly_at_the_end_counts(settings: LoanReleaseSettings) -> None:
    settlement = after_answers(progress(), answers(ENDS), settings)
    assert settlement is not None and settlement.status == "released"


def test_reconfirmed_a_second_early_does_not_count_where_the_law_asks_for_after() -> None:
    hold = progress()
    early = ENDS - timedelta(seconds=1)
    settlement = after_answers(hold, answers(early), AFTER_PERIOD)
    assert settlement is not None and settlement.status is None
    assert settlement.fields == {EARLY_RECONFIRMED_AT: early.isoformat()}
    assert not settlement.stops_timer
    hold = applied(hold, settlement)
    assert after_answers(hold, answers(early), AFTER_PERIOD) is None  # redelivered: nothing

    # The period ends without a reconfirmation that counts: still held, off the timer.
    ended = at_period_end(hold, ENDS, AFTER_PERIOD)
    assert ended is not None and ended.status is None and ended.stops_timer
    assert ended.fields == {PERIOD_ENDED_AT: ENDS.isoformat()}
    hold = applied(hold, ended)
    assert hold.status == "held" and hold.period_ended
    # A late delivery of the early reconfirmation still does not count...
    assert after_answers(hold, answers(early), AFTER_PERIOD) is None
    # ...the borrower's new one does.
    again = after_answers(hold, answers(ENDS + timedelta(hours=2)), AFTER_PERIOD)
    assert again is not None and again.status == "released" and again.expected_version == 2


def test_reconfirmed_early_is_kept_and_applied_at_the_end_where_configured() -> None:
    hold = progress()
    early = SIGNED + timedelta(hours=1)
    kept = after_answers(hold, answers(early), KEEP)
    assert kept is not None and kept.status is None and not kept.stops_timer
    assert kept.fields == {RECONFIRMED_AT: early.isoformat()}
    hold = applied(hold, kept)
    assert after_answers(hold, answers(early), KEEP) is None  # redelivered: nothing new
    assert at_period_end(hold, ENDS - timedelta(seconds=1), KEEP) is None  # not yet
    released = at_period_end(hold, ENDS, KEEP)
    assert released is not None and released.status == "released" and released.stops_timer


def test_the_period_ends_first_then_the_reconfirmation_releases() -> None:
    hold = progress()
    ended = at_period_end(hold, ENDS + timedelta(seconds=3), AFTER_PERIOD)
    assert ended is not None and ended.status is None
    hold = applied(hold, ended)
    assert at_period_end(hold, ENDS + timedelta(seconds=4), AFTER_PERIOD) is None
    released = after_answers(hold, answers(ENDS + timedelta(hours=3)), AFTER_PERIOD)
    assert released is not None and released.status == "released"
    assert applied(hold, released).status == "released"
    assert after_answers(applied(hold, released), answers(ENDS), AFTER_PERIOD) is None


def test_a_cancellation_after_a_reconfirmation_cancels() -> None:
    hold = progress()
    reconfirmed = SIGNED + timedelta(hours=2)
    kept = after_answers(hold, answers(reconfirmed), KEEP)
    assert kept is not None
    hold = applied(hold, kept)
    cancelled = after_answers(
        hold, answers(reconfirmed, cancelled=reconfirmed + timedelta(hours=1)), KEEP
    )
    assert cancelled is not None and cancelled.status == "cancelled" and cancelled.stops_timer
    hold = applied(hold, cancelled)
    assert hold.status == "cancelled"
    assert at_period_end(hold, ENDS, KEEP) is None  # the timer finds nothing to do


def test_a_cancellation_after_the_release_changes_nothing() -> None:
    released = dataclasses.replace(progress(), status="released")
    assert after_answers(released, answers(cancelled=ENDS + timedelta(hours=1)), KEEP) is None


def test_the_age_rule_alone_is_released_by_the_reconfirmation() -> None:
    hold = progress(HoldTerms(None, reconfirmation=True, officer=False))
    settlement = after_answers(hold, answers(SIGNED + timedelta(minutes=3)), AFTER_PERIOD)
    assert settlement is not None and settlement.status == "released"
    assert settlement.note == "the borrower reconfirmed the loan"


def test_with_an_officer_needed_the_law_s_part_is_noted_done_and_the_hold_stays() -> None:
    hold = progress(HoldTerms(ENDS, reconfirmation=True, officer=True))
    after = ENDS + timedelta(minutes=10)
    settlement = after_answers(hold, answers(after), AFTER_PERIOD)
    assert settlement is not None and settlement.status is None and settlement.stops_timer
    assert settlement.fields[REGULATORY_DONE_AT] == after.isoformat()
    hold = applied(hold, settlement)
    assert hold.regulatory_done and hold.status == "held"
    assert after_answers(hold, answers(after), AFTER_PERIOD) is None


def test_timer_only_holds_are_released_when_the_period_ends() -> None:
    hold = progress(HoldTerms(ENDS, reconfirmation=False, officer=False))
    assert at_period_end(hold, ENDS - timedelta(seconds=1), AFTER_PERIOD) is None
    settlement = at_period_end(hold, ENDS, AFTER_PERIOD)
    assert settlement is not None and settlement.status == "released"
    assert settlement.note == "hold period ended"
    # Reconfirmations mean nothing to such a hold.
    assert after_answers(hold, answers(ENDS), AFTER_PERIOD) is None


def test_a_hold_made_before_reconfirmations_keeps_its_timer() -> None:
    legacy = HoldProgress.from_fields("old", {"status": "held", "hold_until": ENDS.isoformat()})
    assert legacy.terms == HoldTerms(ENDS, reconfirmation=False, officer=False)
    settlement = at_period_end(legacy, ENDS, AFTER_PERIOD)
    assert settlement is not None and settlement.status == "released"


# --- the answers on file ---------------------------------------------------------------------


def answer(kind: str, at: datetime, event_id: str, loan_id: str = "L-1") -> CustomerEvent:
    return CustomerEvent(kind, event_id, "850503300129", at, loan_id=loan_id)


def test_answers_merge_in_any_order_and_may_come_before_the_loan() -> None:
    events = [
        answer("loan_reconfirmed", ENDS + timedelta(hours=1), "r-2"),
        answer("loan_reconfirmed", SIGNED + timedelta(hours=1), "r-1"),
        big_loan(),
        answer("loan_cancelled", ENDS + timedelta(hours=3), "c-2"),
        answer("loan_cancelled", ENDS + timedelta(hours=2), "c-1"),
    ]
    for order in (events, list(reversed(events))):
        history = CustomerHistory()
        for event in order:
            history = remember(event, history, CONFIG)
        history = remember(events[0], history, CONFIG)  # a redelivery changes nothing
        loan = history.loans["L-1"]
        assert loan.event_id == "loan-e-1"
        assert loan.reconfirmed_at == (ENDS + timedelta(hours=1)).timestamp()
        assert loan.cancelled_at == (ENDS + timedelta(hours=2)).timestamp()
        again = CustomerHistory.from_dict(history.as_dict())
        assert again.loans == history.loans
