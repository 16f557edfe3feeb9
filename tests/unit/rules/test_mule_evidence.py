"""mule_evidence: signals combined, traders and hosts left alone, suspension that only holds."""

from __future__ import annotations

import dataclasses
import math
from importlib import resources

import pytest
import yaml

from screener.domain.accounts import (
    SENDER_BORROWED,
    SENDER_TAKEOVER_SIGN,
    AccountActivity,
    Flow,
)
from screener.domain.decision import Verdict, decide
from screener.domain.profile import AccountProfile
from screener.domain.rules import mule_evidence, suspended_account
from tests.unit.rules.scenes import (
    AT,
    CONFIG,
    MULE,
    MULE_ACCOUNT,
    TENGE,
    context,
    paid_in,
    paid_out,
    settings,
    spec,
    three_languages,
    transfer,
)

RULE = mule_evidence.RULE_ID
SETTINGS = settings(RULE)
CONFIG_RAW_MULE = yaml.safe_load(
    (resources.files("screener") / "config" / "rules.yaml").read_text(encoding="utf-8")
)["rules"][RULE]


def forward(amount_kzt: int, **overrides: object) -> object:
    """The mule sends money on from its own account now."""
    fields: dict[str, object] = {
        "customer_id": MULE,
        "sender_account": MULE_ACCOUNT,
        "receiver_account": "KZ-CRYPTO",
        "receiver_kind": "crypto_exchange",
        "amount_minor": amount_kzt * TENGE,
        "new_beneficiary": True,
    }
    return transfer(**{**fields, **overrides})


def collected(payers: int, amount_kzt: int = 100_000, **flows: object) -> AccountActivity:
    return AccountActivity(
        MULE_ACCOUNT, inbound=paid_in(payers, amount_minor=amount_kzt * TENGE), **flows
    )


def expected_score(logit: float) -> int:
    return round(100 / (1 + math.exp(-logit)))


def test_collected_from_strangers_and_sent_to_crypto_is_held_and_suspended() -> None:
    hit = mule_evidence.evaluate(forward(950_000), context(sender=collected(10)), SETTINGS)
    assert hit is not None and hit.measured["side"] == "sender"
    terms = hit.measured["terms"]
    assert terms["fan_in"]["signal"] == 1.0 and terms["forwarded"]["signal"] == 0.95
    assert terms["risky_destinations"]["signal"] == 1.0
    assert hit.suspend_account == MULE_ACCOUNT and hit.suspend_until is not None
    assert hit.score == SETTINGS.max_score  # never above: mule evidence holds, never refuses
    assert decide([hit], CONFIG.policy).verdict is Verdict.HOLD
    en, ru, kk = three_languages(hit)
    assert "suspended" in en and "приостановлен" in ru and "тоқтатылды" in kk


def test_every_term_of_the_logit_is_reported_with_its_weight() -> None:
    hit = mule_evidence.evaluate(forward(190_000), context(sender=collected(2)), SETTINGS)
    assert hit is not None
    logit = SETTINGS.bias + sum(
        term["signal"] * term["weight"] for term in hit.measured["terms"].values()
    )
    assert hit.score == min(SETTINGS.max_score, expected_score(logit))


@pytest.mark.parametrize(
    ("out_kzt", "forwarded"),
    [(1_000_000, 1.0), (1_000_001, 0.0)],  # more out than in: money it had, not a forward
)
def test_forwarding_stops_at_the_money_in(out_kzt: int, forwarded: float) -> None:
    hit = mule_evidence.evaluate(forward(out_kzt), context(sender=collected(10)), SETTINGS)
    signal = 0.0 if hit is None else hit.measured["terms"].get("forwarded", {}).get("signal", 0.0)
    assert signal == forwarded


def test_many_payers_alone_never_hold() -> None:
    """A sole trader or a toi host: thirty payers, the money kept."""
    trader = collected(30, amount_kzt=8_000)
    payment = transfer(receiver_account=MULE_ACCOUNT, receiver_customer_id=MULE)
    hit = mule_evidence.evaluate(payment, context(receiver=trader), SETTINGS)
    assert hit is None or decide([hit], CONFIG.policy).verdict is Verdict.ALLOW
    assert hit is None or hit.suspend_account is None


def test_an_established_receiver_counts_against() -> None:
    profile = AccountProfile(active_days=5, senders_per_day=3.0, in_per_day_minor=1e6)
    fresh = collected(10, opened_at=AT.timestamp() - 86400)  # a young account
    weak = dataclasses.replace(fresh, profile=profile)
    payment = transfer(receiver_account=MULE_ACCOUNT, receiver_customer_id=MULE)
    base = mule_evidence.evaluate(payment, context(receiver=fresh), SETTINGS)
    assert base is not None
    known = mule_evidence.evaluate(payment, context(receiver=weak), SETTINGS)
    assert known is None or known.score < base.score
    below = dataclasses.replace(profile, active_days=4)  # one day short of established
    same = mule_evidence.evaluate(
        payment, context(receiver=dataclasses.replace(fresh, profile=below)), SETTINGS
    )
    assert same is not None and "established" not in same.measured["terms"]


@pytest.mark.parametrize(("above_limit_kzt", "small"), [(0, 1.0), (1, 0.0)])
def test_many_small_payers_count_against_fan_in(above_limit_kzt: int, small: float) -> None:
    """Forty buyers paying a trader a few thousand tenge, who then bought crypto with 60 %
    of it: fan-in, forwarding to a risky destination, and yet a trader's takings. A ticket
    at the small-ticket limit is small; one tenge above it is not."""
    ticket_kzt = SETTINGS.small_ticket_minor // TENGE + above_limit_kzt
    trader = collected(
        40,
        amount_kzt=ticket_kzt,
        outbound=(paid_out(ticket_kzt * 24 * TENGE, kind="crypto_exchange"),),
    )
    payment = transfer(
        receiver_account=MULE_ACCOUNT, receiver_customer_id=MULE, amount_minor=ticket_kzt * TENGE
    )
    hit = mule_evidence.evaluate(payment, context(receiver=trader), SETTINGS)
    assert hit is not None
    terms = hit.measured["terms"]
    assert terms["fan_in"]["signal"] == 1.0
    assert terms.get("small_tickets", {}).get("signal", 0.0) == small
    assert hit.measured["small_ticket_payers"] == (41 if small else 0)  # this payment too
    if small:
        assert terms["small_tickets"]["weight"] == SETTINGS.weights["small_tickets"] < 0
        assert "small retail sums" in three_languages(hit)[0]
        assert decide([hit], CONFIG.policy).verdict is Verdict.ALLOW
    else:  # the same account paid 10 001 a head by forty people: held
        assert decide([hit], CONFIG.policy).verdict is Verdict.HOLD


def test_a_rules_file_without_the_small_tickets_weight_still_loads() -> None:
    raw = dict(CONFIG_RAW_MULE)
    raw["weights"] = {k: v for k, v in raw["weights"].items() if k != "small_tickets"}
    raw.pop("small_ticket_kzt")
    older = mule_evidence.parse_settings(raw, "rules.mule_evidence")
    assert older.weights["small_tickets"] == 0.0 and older.small_ticket_minor == 0


@pytest.mark.parametrize(
    ("signals", "victim_signal"),
    [
        (SENDER_TAKEOVER_SIGN, 1.0),  # a 1414 code or a new device just before paying
        (SENDER_BORROWED | SENDER_TAKEOVER_SIGN, 1.0),
        # Borrowing is everyday: half a victim (and one half-victim of the one needed).
        (SENDER_BORROWED, 0.25),
    ],
)
def test_payers_with_a_victims_signs_are_victims(signals: int, victim_signal: float) -> None:
    flows = tuple(
        flow._replace(signals=signals) for flow in paid_in(1, amount_minor=500_000 * TENGE)
    )
    account = AccountActivity(MULE_ACCOUNT, inbound=flows)
    hit = mule_evidence.evaluate(forward(480_000), context(sender=account), SETTINGS)
    assert hit is not None and hit.measured["terms"]["victim_senders"]["signal"] == victim_signal


def test_a_payer_held_for_a_burst_or_velocity_is_no_victim() -> None:
    """A giveaway's forty prizes held by new_beneficiary_burst: the winners are not mules."""
    held_by = SETTINGS.victim_held_by
    assert "new_beneficiary_burst" not in held_by and "velocity" not in held_by
    assert {"risky_session", "safe_account", "savings_drain", "loan_then_drain"} <= held_by


def test_spending_at_shops_is_not_judged_on_the_sending_side() -> None:
    shop = forward(950_000, receiver_kind="business", receiver_account="KZ-SHOP")
    assert mule_evidence.evaluate(shop, context(sender=collected(10)), SETTINGS) is None
    # Nor at a shop whose kind the bank did not send: an account 30 people pay a day that
    # keeps the money.
    busy = AccountActivity(
        "KZ-SHOP", profile=AccountProfile(senders_per_day=30.0, in_per_day_minor=100)
    )
    unsent = forward(950_000, receiver_kind="unknown", receiver_account="KZ-SHOP")
    spending = context(sender=collected(10), receiver=busy)
    assert mule_evidence.evaluate(unsent, spending, SETTINGS) is None
    forwarding = context(sender=collected(10), receiver=AccountActivity("KZ-SHOP"))
    assert mule_evidence.evaluate(unsent, forwarding, SETTINGS) is not None


def test_a_suspended_account_holds_payments_but_never_refuses() -> None:
    rule = settings(suspended_account.RULE_ID)
    account = AccountActivity(MULE_ACCOUNT, suspended=True)
    hit = suspended_account.evaluate(transfer(), context(receiver=account), rule)
    assert hit is not None and hit.min_verdict is Verdict.HOLD
    assert not spec(suspended_account.RULE_ID).may_refuse  # screening marks its hits so
    hit = dataclasses.replace(hit, may_refuse=False)
    strong = dataclasses.replace(hit, score=95)
    assert decide([strong, hit], CONFIG.policy).verdict is Verdict.HOLD
    assert all(three_languages(hit))
    blocked = dataclasses.replace(account, blocked=True)  # the block list's rules decide
    assert suspended_account.evaluate(transfer(), context(receiver=blocked), rule) is None
    assert (
        suspended_account.evaluate(
            transfer(), context(receiver=AccountActivity(MULE_ACCOUNT)), rule
        )
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "held"),
    [
        ({"receiver_kind": "business", "receiver_account": "KZ-SHOP"}, False),  # groceries
        (
            {
                "receiver_kind": "business",
                "receiver_account": "KZ-SHOP",
                "amount_minor": 100_000_01,
            },
            True,
        ),
        ({"receiver_kind": "business", "receiver_country": "AE"}, True),  # a firm abroad
        ({"receiver_kind": "payment_service"}, True),  # a wallet: a cash-out's road
        ({"receiver_kind": "person"}, True),
        ({"receiver_kind": "crypto_exchange"}, True),
    ],
)
def test_a_suspended_accounts_own_shopping_is_not_held(
    overrides: dict[str, object], held: bool
) -> None:
    rule = settings(suspended_account.RULE_ID)
    suspended = AccountActivity(MULE_ACCOUNT, suspended=True)
    payment = forward(20_000, **overrides)
    hit = suspended_account.evaluate(payment, context(sender=suspended), rule)
    assert (hit is not None) is held
    # To a shop whose kind the bank did not send: an account many pay a day that keeps it.
    shop = AccountActivity(
        "KZ-SHOP", profile=AccountProfile(senders_per_day=30.0, in_per_day_minor=100)
    )
    unsent = forward(20_000, receiver_kind="unknown", receiver_account="KZ-SHOP")
    assert (
        suspended_account.evaluate(unsent, context(sender=suspended, receiver=shop), rule) is None
    )
    # Paid *into* a suspended account, a shop's or not, the payment waits.
    shop_payment = transfer(receiver_kind="business", amount_minor=5_000 * TENGE)
    assert suspended_account.evaluate(shop_payment, context(receiver=suspended), rule)


def test_the_profile_decays_daily_means_and_learns_the_holder() -> None:
    day = 86400.0
    start = AT.timestamp()
    profile = AccountProfile()
    for n in range(10):
        profile = profile.with_money_in(start, 1_000, f"buyer-{n}", 30)
    profile = profile.with_money_out(start, 500, MULE, 30)
    assert profile.today_senders and len(profile.today_senders) == 10
    next_day = profile.with_money_in(start + day, 1_000, "buyer-x", 30)
    assert next_day.active_days == 1 and next_day.senders_per_day == 10.0
    assert next_day.holder_id == MULE and next_day.days_known(start + day) == 1.0
    assert next_day.today_senders == ("buyer-x",)
    assert AccountProfile.from_dict(next_day.as_dict()).as_dict() == next_day.as_dict()
    assert isinstance(Flow.decode(paid_out(1).encode()), Flow)


def test_only_money_out_after_the_first_money_in_can_be_forwarding() -> None:
    """A mule paid out its takings from other banks' victims (never seen here) in the
    morning; in the evening a victim here pays it 93 000 and it forwards 87 700 abroad."""
    earlier = paid_out(500_000 * TENGE, hours_ago=8, kind="person", country="GE", n=1)
    victim = paid_in(1, hours_ago=1, amount_minor=93_000 * TENGE)
    account = AccountActivity(MULE_ACCOUNT, inbound=victim, outbound=(earlier,))
    hit = mule_evidence.evaluate(
        forward(87_700, receiver_kind="person", receiver_country="GE"),
        context(sender=account),
        SETTINGS,
    )
    assert hit is not None
    assert hit.measured["terms"]["forwarded"]["signal"] == round(87_700 / 93_000, 3)
    assert hit.measured["outflow_minor"] == 87_700 * TENGE  # the morning's 500 000 left out
