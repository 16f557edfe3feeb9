"""risky_session: online loans and large payments to strangers right after takeover signs."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from screener.domain.context import ScreeningContext
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import CustomerEvent, LoanApproval, ScreenedEvent, Transfer
from screener.domain.rules import risky_session
from tests.unit.rules.customer_scenes import (
    COMPANY,
    code,
    context_of,
    fraud_report,
    new_device,
    online_loan,
    paid,
    sign,
    to_stranger,
)
from tests.unit.rules.scenes import AT, decided, settings, shadow, spec, three_languages

RULE = risky_session.RULE_ID


def evaluate(event: ScreenedEvent, context: ScreeningContext) -> RuleHit | None:
    return risky_session.evaluate(event, context, settings(RULE))


def test_registered_for_transfers_and_loans_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer, LoanApproval) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("signs", "score"),
    [
        ([code(30)], 65),
        ([code(30, source="egov")], 65),
        ([code(30, source="bank")], None),  # the bank's own code is no sign
        ([new_device(30)], 65),
        ([sign("login", 30, new_device=False)], None),
        ([sign("phone_changed", 30)], 65),
        ([sign("password_reset", 30)], 65),
        ([code(40), new_device(30)], 75),  # the textbook takeover
        ([code(50), code(40, source="egov"), new_device(30)], 75),
        ([code(40), sign("phone_changed", 35), new_device(30)], 75),
    ],
)
def test_signs_and_scores(signs: list[CustomerEvent], score: int | None) -> None:
    hit = evaluate(to_stranger(1_800_000), context_of(*signs))
    assert (hit.score if hit else None) == score


def test_one_sign_and_a_risky_action_hold_alone_and_two_signs_do_not_block() -> None:
    one = evaluate(to_stranger(200_000.01), context_of(code(30)))
    two = evaluate(online_loan(9_000_000), context_of(code(40), new_device(30)))
    assert decided(one).verdict is Verdict.HOLD
    assert decided(two).verdict is Verdict.HOLD


@pytest.mark.parametrize(
    ("event", "fires"),
    [
        (to_stranger(200_000), False),
        (to_stranger(200_000.01), True),
        (to_stranger(5_000_000, new_beneficiary=False), False),  # a known receiver
        (to_stranger(5_000_000, receiver_kind="business"), False),  # a new shop
        (to_stranger(5_000_000, new_beneficiary=None), True),  # unknown: never paid before
        (online_loan(100_000), False),
        (online_loan(100_000.01), True),
        (online_loan(9_000_000, channel="branch"), False),
    ],
)
def test_risky_actions_at_their_edges(event: ScreenedEvent, fires: bool) -> None:
    assert (evaluate(event, context_of(code(30))) is not None) is fires


@pytest.mark.parametrize(("minutes_ago", "fires"), [(360, False), (359.9, True), (-1, False)])
def test_the_window_is_six_hours_before(minutes_ago: float, fires: bool) -> None:
    assert (evaluate(to_stranger(1_800_000), context_of(code(minutes_ago))) is not None) is fires


def test_a_loan_counts_from_its_signing() -> None:
    late = online_loan(
        1_000_000, contract_signed_at=AT, occurred_at=AT + timedelta(hours=2)
    )  # approved 8 h after the code, signed 6 h less a minute after it
    assert evaluate(late, context_of(code(359))) is not None


@pytest.mark.parametrize(
    ("context", "fires"),
    [
        (context_of(code(30), victim=True), True),
        (context_of(fraud_report(), code(30)), True),
        (context_of(code(30)), False),
    ],
)
def test_past_victims_have_their_limits_halved(context: ScreeningContext, fires: bool) -> None:
    assert (evaluate(to_stranger(100_000.01), context) is not None) is fires
    assert evaluate(to_stranger(100_000), context) is None


def test_companies_are_not_judged() -> None:
    company_code = CustomerEvent("sms_code_sent", "c", COMPANY, AT - timedelta(hours=1), "1414")
    event = to_stranger(5_000_000, customer_id=COMPANY)
    assert evaluate(event, context_of(company_code)) is None


def test_explained_in_three_languages_with_the_signs_and_the_amount() -> None:
    hit = evaluate(online_loan(9_000_000), context_of(code(40), new_device(30)))
    assert hit is not None
    for text in three_languages(hit):
        assert "9 000 000 KZT" in text and "100 000 KZT" in text
        assert "1414" in text and "11:20" in text and "11:30" in text
    assert [s["kind"] for s in hit.measured["signs"]] == ["code", "new_device"]
    assert hit.measured["action"] == "online_loan"


def test_shadow_mode() -> None:
    hit = risky_session.evaluate(to_stranger(1_800_000), context_of(code(30)), shadow(RULE))
    assert hit is not None and hit.shadow


def test_no_history_no_hit() -> None:
    empty = context_of()
    assert evaluate(to_stranger(9_000_000), empty) is None
    assert evaluate(online_loan(9_000_000), empty) is None


@pytest.mark.parametrize(
    ("signs", "score"),
    [
        ([code(30)], 40),  # eGov's consent code comes with honest online loans too
        ([code(30, source="egov")], 40),
        ([new_device(30)], 65),
        ([sign("phone_changed", 30)], 65),
        ([code(40), new_device(30)], 75),
    ],
)
def test_an_online_loan_after_only_a_1414_code_is_weak(
    signs: list[CustomerEvent], score: int
) -> None:
    hit = evaluate(online_loan(1_000_000), context_of(*signs))
    assert hit is not None and hit.score == score
    if score == 40:
        assert decided(hit).verdict is Verdict.ALLOW
        # ...while the same code before a large payment to a stranger still holds alone.
        payment = evaluate(to_stranger(1_000_000), context_of(*signs))
        assert payment is not None and decided(payment).verdict is Verdict.HOLD


@pytest.mark.parametrize(("payees", "held"), [(4, False), (5, True)])
def test_a_burst_to_new_beneficiaries_after_a_sign_is_risky_whatever_the_amounts(
    payees: int, held: bool
) -> None:
    """A password reset, a new device at 5 am, then 5 000 KZT to one stranger after another."""
    earlier = [paid(5_000, 1 + i, n=i, new_beneficiary=True) for i in range(payees - 1)]
    context = context_of(sign("password_reset", 30), *earlier)
    hit = evaluate(to_stranger(5_000), context)
    assert (hit is not None) is held
    if hit is not None:
        assert hit.measured["action"] == "burst_to_new_beneficiaries"
        assert hit.measured["new_beneficiaries_in_burst"] == payees
        assert decided(hit).verdict is Verdict.HOLD
        assert all(str(payees) in text for text in three_languages(hit))
    # Without a sign the same burst is new_beneficiary_burst's and velocity's to judge.
    assert evaluate(to_stranger(5_000), context_of(*earlier)) is None


def test_new_wallets_topped_up_one_after_another_count_in_a_burst_shops_do_not() -> None:
    """A new-device login, then 49 984 KZT to one new e-wallet after another."""
    wallet = {"receiver_kind": "payment_service", "new_beneficiary": True}
    wallets = [paid(49_984, 2 + i, n=i, **wallet) for i in range(4)]
    hit = evaluate(to_stranger(49_984, **wallet), context_of(new_device(20), *wallets))
    assert hit is not None and hit.measured["new_beneficiaries_in_burst"] == 5
    shop = {"receiver_kind": "business", "new_beneficiary": True}
    shops = [paid(49_984, 2 + i, n=i, **shop) for i in range(4)]
    assert evaluate(to_stranger(49_984, **shop), context_of(new_device(20), *shops)) is None


@pytest.mark.parametrize(
    ("paid_from", "old_phone_logged_in", "other_signs", "score"),
    [
        ("dev-old", True, [], None),  # the customer's own older phone pays: no takeover sign
        ("dev-new", True, [], 65),  # the new device pays
        (None, True, [], 65),  # the bank does not say which device paid
        ("dev-old", False, [], 65),  # the paying device was never seen before the new one
        ("dev-old", True, [code(90)], 65),  # the 1414 code stays a sign
    ],
    ids=["old_phone", "new_device", "device_unknown", "old_phone_unseen", "code_too"],
)
def test_a_new_device_is_no_sign_for_payments_from_the_phone_used_before_it(
    paid_from: str | None,
    old_phone_logged_in: bool,
    other_signs: list[CustomerEvent],
    score: int | None,
) -> None:
    """A new phone logs in at noon; at five twenty strangers are paid 20 000-30 000 each,
    from the old one (in amounts that vary: no payout run, which a code alone excuses)."""
    old_phone = [sign("login", 300, new_device=False, device_id="dev-old")]
    winners = [paid(20_000 + 500 * i, 1 + i, n=i, new_beneficiary=True) for i in range(19)]
    context = context_of(
        *(old_phone if old_phone_logged_in else []), new_device(120), *other_signs, *winners
    )
    hit = evaluate(to_stranger(20_000, device_id=paid_from), context)
    assert (hit.score if hit else None) == score


@pytest.mark.parametrize(
    ("signs", "minutes_apart", "risky"),
    [
        ([code(90)], 1.0, False),  # a 1414 code, then prizes one a minute: paid out
        ([code(90)], 0.1, True),  # the same amounts every six seconds: emptied
        ([new_device(90)], 1.0, True),  # a new device: a takeover pays out at any pace
        ([sign("password_reset", 90)], 1.0, True),
    ],
    ids=["code_then_prizes", "code_then_script", "new_device", "password_reset"],
)
def test_a_payout_run_after_only_a_1414_code_is_no_risky_burst(
    signs: list[CustomerEvent], minutes_apart: float, risky: bool
) -> None:
    winners = [paid(25_000, minutes_apart * (i + 1), n=i, new_beneficiary=True) for i in range(9)]
    hit = evaluate(to_stranger(25_000), context_of(*signs, *winners))
    assert (hit is not None) is risky
    if hit is not None:
        assert hit.measured["action"] == "burst_to_new_beneficiaries"


def test_without_the_setting_a_payout_run_after_a_code_stays_risky() -> None:
    rule = dataclasses.replace(settings(RULE), code_only_payout_run=None)
    winners = [paid(25_000, i + 1, n=i, new_beneficiary=True) for i in range(9)]
    assert risky_session.evaluate(to_stranger(25_000), context_of(code(90), *winners), rule)


def test_a_fraudsters_device_that_logged_in_new_earlier_stays_a_sign() -> None:
    """The fraudster's device logs in as new at two, the customer's own new phone at three;
    at half past three the fraudster pays from the first. Neither new device is one the
    customer used before, so the logins stay a sign."""
    fraudster = sign("login", 90, new_device=True, device_id="dev-fraudster")
    own_new_phone = sign("login", 30, new_device=True, device_id="dev-own-new")
    old_phone = sign("login", 300, new_device=False, device_id="dev-old")
    strangers = [paid(20_000 + 500 * i, 1 + i, n=i, new_beneficiary=True) for i in range(9)]
    context = context_of(old_phone, fraudster, own_new_phone, *strangers)
    hit = evaluate(to_stranger(20_000, device_id="dev-fraudster"), context)
    assert hit is not None and hit.score == 65
    # The customer's old phone, used before both, is no takeover.
    assert evaluate(to_stranger(20_000, device_id="dev-old"), context) is None
