"""dropper_pass_through on both accounts of a transfer, at its band and share edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.config import ConfigError
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.identifiers import make_bin
from screener.domain.rules import dropper_pass_through
from tests.unit.rules.scenes import (
    AT,
    MULE,
    MULE_ACCOUNT,
    TENGE,
    context,
    decided,
    enforced,
    iban,
    paid_in,
    paid_out,
    shadow,
    spec,
    three_languages,
    transfer,
)

RULE = dropper_pass_through.RULE_ID
KZT_100K = 100_000 * TENGE
ONWARD = iban(777)  # where the mule forwards the money


def passing_through(
    payers: int,
    forwarded: float = 0.95,
    *,
    hours_ago: float = 2,
    amount_minor: int = KZT_100K,
    out_kind: str = "person",
    out_party: str | None = None,
    holder_id: str | None = None,
    account: str = MULE_ACCOUNT,
) -> AccountActivity:
    """An account paid by `payers` people `hours_ago`, that sent `forwarded` of it on."""
    inbound = paid_in(payers, hours_ago=hours_ago, amount_minor=amount_minor)
    sent = round(payers * amount_minor * forwarded)
    outbound = (paid_out(sent, hours_ago=0.5, kind=out_kind, party=out_party),) if sent else ()
    return AccountActivity(account, inbound=inbound, outbound=outbound, holder_id=holder_id)


def forward(amount_minor: int, **overrides: object) -> Transfer:
    """The mule sends money on from its own account now."""
    fields: dict[str, object] = {
        "customer_id": MULE,
        "sender_account": MULE_ACCOUNT,
        "receiver_account": ONWARD,
        "amount_minor": amount_minor,
    }
    return transfer(**{**fields, **overrides})


def on_receiver(
    account: AccountActivity, event: Transfer | None = None, **changes: object
) -> RuleHit | None:
    return dropper_pass_through.evaluate(
        event or transfer(), context(receiver=account), enforced(RULE, **changes)
    )


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("payers", "score", "verdict", "suspended"),
    [
        (1, 30, Verdict.ALLOW, False),
        (2, 50, Verdict.ALLOW, False),
        (3, 80, Verdict.HOLD, True),
        (5, 80, Verdict.HOLD, True),
    ],
)
def test_bands_count_the_payers_whose_money_went_through(
    payers: int, score: int, verdict: Verdict, suspended: bool
) -> None:
    hit = on_receiver(passing_through(payers))
    assert hit is not None and hit.score == score
    assert hit.measured["side"] == "receiver" and hit.measured["distinct_payers"] == payers
    assert decided(hit).verdict is verdict
    assert (hit.block_account == MULE_ACCOUNT) is suspended
    assert (hit.block_until == AT + timedelta(days=7)) is suspended


@pytest.mark.parametrize(
    ("forwarded", "hit_expected"), [(0.89, False), (0.90, True), (1.0, True), (1.01, False)]
)
def test_forwarded_share_edges(forwarded: float, hit_expected: bool) -> None:
    hit = on_receiver(passing_through(3, forwarded))
    assert (hit is not None) is hit_expected
    if hit is not None:
        assert hit.measured["forwarded_share"] == forwarded


@pytest.mark.parametrize(
    ("amount_minor", "hit_expected"), [(KZT_100K - 1, False), (KZT_100K, True)]
)
def test_small_amounts_are_ignored(amount_minor: int, hit_expected: bool) -> None:
    hit = on_receiver(passing_through(1, amount_minor=amount_minor))
    assert (hit is not None) is hit_expected


@pytest.mark.parametrize(("hours_ago", "hit_expected"), [(6, False), (5.9, True)])
def test_window_edge(hours_ago: float, hit_expected: bool) -> None:
    hit = on_receiver(passing_through(3, hours_ago=hours_ago))
    assert (hit is not None) is hit_expected


def test_receiving_side_does_not_count_the_payment_being_screened() -> None:
    # It cannot have been forwarded yet: counting it would hide the dropper from its next victim.
    hit = on_receiver(passing_through(3), transfer(amount_minor=1_000_000 * TENGE))
    assert hit is not None and hit.measured["inflow_minor"] == 3 * KZT_100K


def test_sending_side_counts_the_forward_being_screened() -> None:
    collected = passing_through(3, forwarded=0)  # nothing forwarded yet
    hit = dropper_pass_through.evaluate(
        forward(285_000 * TENGE), context(sender=collected), enforced(RULE)
    )
    assert hit is not None and hit.measured["side"] == "sender"
    assert hit.measured["outflow_minor"] == 285_000 * TENGE
    assert hit.block_account == MULE_ACCOUNT and decided(hit).verdict is Verdict.HOLD
    small = dropper_pass_through.evaluate(
        forward(100_000 * TENGE), context(sender=collected), enforced(RULE)
    )
    assert small is None  # a third of it forwarded so far


def test_the_stronger_side_is_reported_and_the_sender_wins_a_tie() -> None:
    sender = passing_through(3, forwarded=0)
    receiver = passing_through(3, account=ONWARD)
    both = dropper_pass_through.evaluate(
        forward(285_000 * TENGE), context(sender=sender, receiver=receiver), enforced(RULE)
    )
    assert both is not None and both.measured["side"] == "sender"
    assert both.block_account == MULE_ACCOUNT

    weak_sender = passing_through(1, forwarded=0)
    stronger = dropper_pass_through.evaluate(
        forward(95_000 * TENGE), context(sender=weak_sender, receiver=receiver), enforced(RULE)
    )
    assert stronger is not None and stronger.measured["side"] == "receiver"
    assert stronger.block_account == ONWARD


def test_paying_a_shop_is_spending_not_forwarding() -> None:
    assert on_receiver(passing_through(3, out_kind="business")) is None


def test_moves_between_the_holders_own_accounts_are_left_out() -> None:
    to_savings = passing_through(3, out_party=MULE, holder_id=MULE)
    assert on_receiver(to_savings) is None
    own = tuple(
        Flow(f"own-{i}", AT.timestamp() - 3600, KZT_100K, f"own-{i}", party=MULE) for i in range(3)
    )
    from_own = AccountActivity(
        MULE_ACCOUNT, inbound=own, outbound=(paid_out(285_000 * TENGE),), holder_id=MULE
    )
    assert on_receiver(from_own) is None
    collected = passing_through(3, forwarded=0)
    to_self = forward(285_000 * TENGE, receiver_customer_id=MULE)
    assert dropper_pass_through.evaluate(to_self, context(sender=collected), enforced(RULE)) is None


def test_a_company_paying_out_is_not_checked_as_a_sender() -> None:
    company = make_bin(date(2015, 4, 1), 12345)
    collected = passing_through(3, forwarded=0)
    event = forward(285_000 * TENGE, customer_id=company)
    assert dropper_pass_through.evaluate(event, context(sender=collected), enforced(RULE)) is None


@pytest.mark.parametrize("kind", ["business", "payment_service", "crypto_exchange"])
def test_businesses_and_payment_services_receiving_are_not_checked(kind: str) -> None:
    assert on_receiver(passing_through(3), transfer(receiver_kind=kind)) is None


def test_missing_accounts_and_optional_fields() -> None:
    bare = transfer(receiver_kind="unknown", receiver_customer_id=None, device_id=None)
    assert dropper_pass_through.evaluate(bare, context(), enforced(RULE)) is None
    unknown_payers = AccountActivity(
        MULE_ACCOUNT,
        inbound=paid_in(3, party=False, hours_ago=2),
        outbound=(paid_out(285_000 * TENGE),),
    )
    hit = on_receiver(unknown_payers, bare)
    assert hit is not None and hit.measured["distinct_payers"] == 3


def test_explains_itself_in_three_languages() -> None:
    hit = dropper_pass_through.evaluate(
        forward(285_000 * TENGE), context(sender=passing_through(3, forwarded=0)), enforced(RULE)
    )
    en, ru, kk = three_languages(hit)
    for text in (en, ru, kk):
        assert "300 000 KZT" in text and "285 000 KZT" in text and "95%" in text
        assert MULE_ACCOUNT in text and "2026-03-18 12:00" in text
    assert "this transfer included" in en and "suspended" in en
    assert "отправителей: 3" in ru and "3 жіберушіден" in kk
    assert "включая этот перевод" in ru and "приостановлен" in ru
    assert "осы аударымды қоса" in kk and "тоқтатылды" in kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    hit = dropper_pass_through.evaluate(
        transfer(), context(receiver=passing_through(3)), shadow(RULE)
    )
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]


def test_a_share_range_upside_down_is_refused() -> None:
    raw = {
        "mode": "enforce",
        "window_hours": 6,
        "min_inflow_kzt": 100000,
        "min_forwarded_share": 1.0,
        "max_forwarded_share": 0.9,
        "bands": [{"payers": 1, "score": 30}],
        "spending_kinds": [],
        "ignored_receiver_kinds": [],
        "block_business_days": 5,
    }
    with pytest.raises(ConfigError, match="min_forwarded_share"):
        dropper_pass_through.parse_settings(raw, "rules.dropper_pass_through")
