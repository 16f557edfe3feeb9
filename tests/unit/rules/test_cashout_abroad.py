"""cashout_abroad: foreign and crypto destinations, stronger after collecting from several."""

from __future__ import annotations

import pytest

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules import cashout_abroad
from tests.unit.rules.scenes import (
    AT,
    MULE,
    MULE_ACCOUNT,
    TENGE,
    context,
    decided,
    enforced,
    paid_in,
    shadow,
    spec,
    three_languages,
    transfer,
)

RULE = cashout_abroad.RULE_ID


def cash_out(**overrides: object) -> Transfer:
    """The mule sends money from its own account to a foreign account now."""
    fields: dict[str, object] = {
        "customer_id": MULE,
        "sender_account": MULE_ACCOUNT,
        "receiver_account": "CN-WALLET-1",
        "receiver_country": "CN",
        "receiver_kind": "person",
    }
    return transfer(**{**fields, **overrides})


def collected(senders: int, hours_ago: float = 2) -> AccountActivity:
    return AccountActivity(MULE_ACCOUNT, inbound=paid_in(senders, hours_ago=hours_ago))


def evaluate(event: Transfer, sender: AccountActivity | None = None) -> RuleHit | None:
    return cashout_abroad.evaluate(event, context(sender=sender), enforced(RULE))


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("country", "kind", "score"),
    [
        ("KZ", "person", None),
        ("KZ", "business", None),
        ("CN", "person", 20),
        ("AE", "business", 20),
        ("KZ", "crypto_exchange", 20),
        ("SC", "crypto_exchange", 20),
    ],
)
def test_destination_alone_is_weak(country: str, kind: str, score: int | None) -> None:
    hit = evaluate(cash_out(receiver_country=country, receiver_kind=kind))
    assert (hit.score if hit else None) == score
    if hit is not None:
        assert decided(hit).verdict is Verdict.ALLOW


@pytest.mark.parametrize(
    ("senders", "score", "verdict"),
    [(0, 20, Verdict.ALLOW), (1, 20, Verdict.ALLOW), (2, 40, Verdict.ALLOW), (3, 65, Verdict.HOLD)],
)
def test_stronger_after_collecting_from_several_senders(
    senders: int, score: int, verdict: Verdict
) -> None:
    hit = evaluate(cash_out(), collected(senders))
    assert hit is not None and hit.score == score
    assert hit.measured["senders_to_sender_account"] == senders
    assert decided(hit).verdict is verdict


@pytest.mark.parametrize(("hours_ago", "score"), [(24, 20), (23.9, 65)])
def test_window_edge(hours_ago: float, score: int) -> None:
    hit = evaluate(cash_out(), collected(3, hours_ago=hours_ago))
    assert hit is not None and hit.score == score


def test_the_customers_own_money_is_not_collected_from_others() -> None:
    own = tuple(
        Flow(f"own-{i}", AT.timestamp() - 3600, 100_000 * TENGE, f"own-{i}", party=MULE)
        for i in range(3)
    )
    hit = evaluate(cash_out(), AccountActivity(MULE_ACCOUNT, inbound=own))
    assert hit is not None and hit.score == 20


def test_missing_optional_fields() -> None:
    # No receiver_country means KZ; unknown kind is not crypto.
    assert evaluate(transfer(receiver_kind="unknown")) is None
    hit = evaluate(cash_out(receiver_customer_id=None, device_id=None), None)
    assert hit is not None and hit.score == 20


def test_explains_itself_in_three_languages() -> None:
    en, ru, kk = three_languages(evaluate(cash_out(), collected(3)))
    for text in (en, ru, kk):
        assert "CN" in text and "3" in text and "24" in text
    assert "abroad" in en and "за рубежом" in ru and "Шетелдегі" in kk
    assert "3 different sender(s)" in en and "отправителей: 3" in ru and "3 түрлі" in kk
    crypto_en, crypto_ru, crypto_kk = three_languages(
        evaluate(cash_out(receiver_country="KZ", receiver_kind="crypto_exchange"))
    )
    assert "crypto exchange" in crypto_en
    assert "криптобиржу" in crypto_ru
    assert "Криптобиржаға" in crypto_kk


def test_shadow_mode_reports_but_does_not_hold() -> None:
    hit = cashout_abroad.evaluate(cash_out(), context(sender=collected(3)), shadow(RULE))
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]
