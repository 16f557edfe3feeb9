"""young_account: new receiving accounts and holders aged 18-24, at their edges."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from screener.domain.accounts import AccountActivity
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.identifiers import make_bin
from screener.domain.rules import young_account
from tests.unit.rules.scenes import (
    AT,
    MULE_ACCOUNT,
    context,
    decided,
    enforced,
    iin,
    shadow,
    spec,
    three_languages,
    transfer,
)

RULE = young_account.RULE_ID
DAY = 86400.0
OLD_HOLDER = iin(date(1980, 5, 5))


def aged(years: int) -> str:
    """The IIN of someone whose `years`-th birthday is AT's day (2026-03-11)."""
    return iin(date(2026 - years, 3, 11))


def opened(days_ago: float, holder: str | None = None) -> AccountActivity:
    return AccountActivity(
        MULE_ACCOUNT, opened_at=AT.timestamp() - days_ago * DAY, holder_id=holder
    )


def evaluate(account: AccountActivity | None, event: Transfer | None = None) -> RuleHit | None:
    return young_account.evaluate(event or transfer(), context(receiver=account), enforced(RULE))


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


@pytest.mark.parametrize(
    ("born", "score"),
    [
        (date(2009, 3, 11), None),  # 17
        (date(2008, 3, 12), None),  # 17, 18 tomorrow
        (date(2008, 3, 11), 15),  # 18 today
        (date(2001, 3, 12), 15),  # 24, 25 tomorrow
        (date(2001, 3, 11), None),  # 25 today
    ],
)
def test_holder_age_edges(born: date, score: int | None) -> None:
    hit = evaluate(None, transfer(receiver_customer_id=iin(born)))
    assert (hit.score if hit else None) == score


@pytest.mark.parametrize(("days_ago", "score"), [(0, 20), (29.9, 20), (30, None), (400, None)])
def test_account_age_edges(days_ago: float, score: int | None) -> None:
    hit = evaluate(opened(days_ago))
    assert (hit.score if hit else None) == score


def test_an_opening_reported_after_the_transfer_is_brand_new() -> None:
    hit = evaluate(opened(-0.01))
    assert hit is not None and hit.measured["account_age_days"] == 0


def test_both_signals_combine_but_stay_below_a_hold() -> None:
    hit = evaluate(opened(3), transfer(receiver_customer_id=aged(20)))
    assert hit is not None and hit.score == 32  # 1 - 0.80 * 0.85
    assert decided(hit).verdict is Verdict.ALLOW


def test_the_transfers_receiver_id_comes_first_then_the_accounts_holder() -> None:
    young, old = aged(20), OLD_HOLDER
    from_holder = evaluate(opened(400, holder=young), transfer(receiver_customer_id=None))
    assert from_holder is not None and from_holder.measured["holder_age"] == 20
    assert evaluate(opened(400, holder=young), transfer(receiver_customer_id=old)) is None


def test_a_company_has_no_age() -> None:
    company = make_bin(date(2024, 1, 1), 4321)
    assert evaluate(None, transfer(receiver_customer_id=company)) is None


def test_nothing_known_of_the_receiver_is_no_hit() -> None:
    assert evaluate(None, transfer(receiver_customer_id=None)) is None
    assert evaluate(AccountActivity(MULE_ACCOUNT), transfer(receiver_customer_id=None)) is None


@pytest.mark.parametrize("kind", ["business", "payment_service", "crypto_exchange"])
def test_businesses_and_exchanges_are_not_young_accounts(kind: str) -> None:
    assert evaluate(opened(1), transfer(receiver_kind=kind, receiver_customer_id=aged(20))) is None


def test_age_is_taken_on_the_local_calendar() -> None:
    # 10 March 20:00 UTC is already 11 March in Almaty, the holder's 25th birthday.
    late = transfer(
        occurred_at=datetime(2026, 3, 10, 20, 0, tzinfo=UTC), receiver_customer_id=aged(25)
    )
    assert evaluate(None, late) is None


def test_explains_itself_in_three_languages() -> None:
    hit = evaluate(opened(3), transfer(receiver_customer_id=aged(20)))
    en, ru, kk = three_languages(hit)
    for text in (en, ru, kk):
        assert MULE_ACCOUNT in text and "3" in text and "20" in text
    assert "opened 3 day(s) ago" in en and "holder aged 20" in en
    assert "открыт 3 дн. назад" in ru and "возраст владельца: 20" in ru
    assert "3 күн бұрын ашылған" in kk and "иесі 20 жаста" in kk


def test_shadow_mode_reports_but_does_not_count() -> None:
    hit = young_account.evaluate(
        transfer(receiver_customer_id=aged(20)), context(receiver=opened(1)), shadow(RULE)
    )
    outcome = decided(hit)
    assert outcome.score == 0 and [h.rule for h in outcome.shadow_reasons] == [RULE]
