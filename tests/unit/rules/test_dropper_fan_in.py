"""dropper_fan_in at its band edges, with merchants, collections and suspensions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.config import ConfigError
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules import dropper_fan_in
from tests.unit.rules.scenes import (
    ALMATY,
    AT,
    MULE,
    MULE_ACCOUNT,
    TENGE,
    VICTIM,
    context,
    decided,
    enforced,
    paid_in,
    paid_out,
    shadow,
    spec,
    three_languages,
    transfer,
)

RULE = dropper_fan_in.RULE_ID
SETTINGS = enforced(RULE)


def mule_account(
    inbound: tuple[Flow, ...], *, forwarded: float = 0.9, holder_id: str | None = None
) -> AccountActivity:
    """An account that received `inbound` and sent on `forwarded` of it half an hour ago."""
    sent = round(sum(flow.amount_minor for flow in inbound) * forwarded)
    outbound = (paid_out(sent),) if sent else ()
    return AccountActivity(MULE_ACCOUNT, inbound=inbound, outbound=outbound, holder_id=holder_id)


def evaluate(
    account: AccountActivity | None, event: Transfer | None = None, **changes: object
) -> RuleHit | None:
    return dropper_fan_in.evaluate(
        event or transfer(), context(receiver=account), enforced(RULE, **changes)
    )


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("earlier_senders", "score"),
    [(3, None), (4, 30), (8, 30), (9, 60), (18, 60), (19, 85), (40, 85)],
)
def test_bands_count_this_payment_in(earlier_senders: int, score: int | None) -> None:
    hit = evaluate(mule_account(paid_in(earlier_senders)))
    if score is None:
        assert hit is None
    else:
        assert hit is not None and hit.score == score
        assert hit.measured["distinct_senders"] == earlier_senders + 1


@pytest.mark.parametrize(("score", "verdict"), [(30, Verdict.ALLOW), (60, Verdict.HOLD)])
def test_lower_bands_do_not_suspend_the_account(score: int, verdict: Verdict) -> None:
    earlier = {30: 4, 60: 9}[score]
    hit = evaluate(mule_account(paid_in(earlier)))
    assert hit is not None and hit.score == score
    assert hit.block_account is None and hit.block_until is None
    assert decided(hit).verdict is verdict


def test_top_band_suspends_a_forwarding_account_for_five_business_days() -> None:
    hit = evaluate(mule_account(paid_in(19)))
    assert hit is not None and hit.block_account == MULE_ACCOUNT
    assert hit.block_until == AT + timedelta(days=7)  # Wednesday -> next Wednesday
    assert decided(hit).verdict is Verdict.HOLD and decided(hit).hold_until is None


@pytest.mark.parametrize(
    ("occurred_at", "business_days", "until"),
    [
        # Friday evening + 5 business days: the next Friday, the weekend skipped.
        (datetime(2026, 3, 13, 18, 0, tzinfo=ALMATY), 5, datetime(2026, 3, 20, 18, 0)),
        (datetime(2026, 3, 13, 18, 0, tzinfo=ALMATY), 1, datetime(2026, 3, 16, 18, 0)),
        # Friday 20:00 UTC is Saturday 01:00 in Almaty: one business day later is Monday.
        (datetime(2026, 3, 13, 20, 0, tzinfo=UTC), 1, datetime(2026, 3, 16, 1, 0)),
    ],
)
def test_suspension_skips_weekends_on_the_local_calendar(
    occurred_at: datetime, business_days: int, until: datetime
) -> None:
    account = AccountActivity(
        MULE_ACCOUNT,
        inbound=paid_in(19, before=occurred_at),
        outbound=(paid_out(1_800_000 * TENGE, before=occurred_at),),
    )
    hit = evaluate(account, transfer(occurred_at=occurred_at), block_business_days=business_days)
    assert hit is not None and hit.block_until is not None
    assert hit.block_until.astimezone(ALMATY).replace(tzinfo=None) == until
    assert hit.block_until.weekday() < 5


def test_the_current_sender_counts_once() -> None:
    before = Flow("before", AT.timestamp() - 60, 100 * TENGE, "KZ-victim", party=VICTIM)
    earlier = (*paid_in(3), before)
    hit = evaluate(mule_account(earlier))
    assert hit is None  # 3 others + this victim = 4 distinct senders


def test_senders_outside_the_window_do_not_count() -> None:
    edge = paid_in(4, hours_ago=24)  # exactly 24 h ago: out of the window
    assert evaluate(mule_account(edge)) is None
    inside = paid_in(4, hours_ago=23.9)
    assert evaluate(mule_account(inside)) is not None


def test_the_holders_own_accounts_are_not_unrelated_senders() -> None:
    own = tuple(
        Flow(f"own-{i}", AT.timestamp() - 60, 100 * TENGE, f"own-{i}", party=MULE) for i in range(9)
    )
    account = mule_account(paid_in(4) + own, holder_id=MULE)
    hit = evaluate(account)
    assert hit is not None and hit.score == 30  # 4 + this payment, not 14


def test_senders_without_a_known_customer_count_by_account() -> None:
    hit = evaluate(mule_account(paid_in(4, party=False)))
    assert hit is not None and hit.measured["distinct_senders"] == 5


def test_missing_optional_fields_do_not_break_it() -> None:
    assert evaluate(None) is None  # nothing known of the receiver: just this payment
    bare = transfer(receiver_kind="unknown", receiver_customer_id=None, new_beneficiary=None)
    assert evaluate(mule_account(paid_in(9)), bare) is not None


@pytest.mark.parametrize("kind", ["business", "payment_service", "crypto_exchange"])
def test_businesses_and_payment_services_are_never_counted(kind: str) -> None:
    assert evaluate(mule_account(paid_in(40)), transfer(receiver_kind=kind)) is None


@pytest.mark.parametrize("kind", ["payment_service", "unknown", "person"])
def test_a_utility_paid_by_500_customers_is_not_a_dropper(kind: str) -> None:
    # 500 customers over three days; the utility keeps the money (nothing goes out).
    customers = tuple(
        flow
        for day in range(3)
        for flow in paid_in(
            167, hours_ago=2 + 24 * day, first=100 + 167 * day, amount_minor=5_000 * TENGE
        )
    )
    utility = AccountActivity(MULE_ACCOUNT, inbound=customers)
    assert evaluate(utility, transfer(receiver_kind=kind)) is None


def test_a_busy_account_that_forwards_its_money_is_no_merchant() -> None:
    payers = paid_in(60, hours_ago=2)
    hit = evaluate(mule_account(payers, forwarded=0.95))
    assert hit is not None and hit.score == 85 and hit.block_account == MULE_ACCOUNT


def test_a_collection_that_keeps_its_money_is_held_but_never_suspended() -> None:
    committee = mule_account(paid_in(24), forwarded=0.0)  # 25 parents pay, nothing goes out
    hit = evaluate(committee)
    assert hit is not None and hit.score == 85
    assert hit.block_account is None and hit.block_until is None
    assert hit.measured["lookback_outflow_share"] == 0.0


@pytest.mark.parametrize(("share", "suspended"), [(0.2, False), (0.21, True)])
def test_kept_share_edge(share: float, suspended: bool) -> None:
    hit = evaluate(mule_account(paid_in(19), forwarded=share * 20 / 19))
    assert hit is not None and (hit.block_account is not None) is suspended


def test_explains_itself_in_three_languages() -> None:
    hit = evaluate(mule_account(paid_in(19)))
    texts = three_languages(hit)
    for text in texts:
        assert "20" in text and MULE_ACCOUNT in text and "24" in text
        assert "2026-03-18 12:00" in text  # the suspension's end
    en, ru, kk = texts
    assert "senders" in en and "отправители" in ru and "жіберуші" in kk


def test_a_lower_band_message_does_not_mention_a_suspension() -> None:
    en, ru, kk = three_languages(evaluate(mule_account(paid_in(4))))
    assert "5 different senders" in en and "suspended" not in en
    assert "отправители: 5" in ru and "приостановлен" not in ru
    assert "5 түрлі" in kk and "тоқтатылды" not in kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    hit = dropper_fan_in.evaluate(
        transfer(), context(receiver=mule_account(paid_in(19))), shadow(RULE)
    )
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW
    assert [h.rule for h in outcome.shadow_reasons] == [RULE]


def test_shipped_defaults() -> None:
    assert [(band.at_least, band.score) for band in SETTINGS.bands] == [(5, 30), (10, 60), (20, 85)]
    assert SETTINGS.window_seconds == 24 * 3600 and SETTINGS.block_business_days == 5
    assert SETTINGS.ignored_receiver_kinds == {"business", "payment_service", "crypto_exchange"}


def _raw(**changes: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "mode": "enforce",
        "window_hours": 24,
        "bands": [{"senders": 5, "score": 30}, {"senders": 10, "score": 60}],
        "ignored_receiver_kinds": ["business"],
        "lookback_hours": 72,
        "merchant_min_senders": 50,
        "kept_max_outflow_share": 0.2,
        "block_business_days": 5,
    }
    return {**raw, **changes}


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"bands": []}, "rules.dropper_fan_in.bands"),
        ({"bands": [{"senders": 5}]}, "rules.dropper_fan_in.bands[0].score"),
        ({"bands": [{"senders": 5, "score": 30}, {"senders": 5, "score": 40}]}, "two bands"),
        ({"bands": [{"senders": 5, "score": 60}, {"senders": 10, "score": 30}]}, "less than"),
        ({"kept_max_outflow_share": 1.5}, "kept_max_outflow_share"),
        ({"block_business_days": 0}, "block_business_days"),
    ],
)
def test_a_bad_configuration_names_the_setting(changes: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(named)):
        dropper_fan_in.parse_settings(_raw(**changes), "rules.dropper_fan_in")
    assert dropper_fan_in.parse_settings(_raw(), "rules.dropper_fan_in").bands[0].score == 30
