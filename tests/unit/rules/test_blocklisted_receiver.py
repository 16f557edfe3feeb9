"""blocklisted_receiver: money to a listed account is refused (or held, if so configured)."""

from __future__ import annotations

from screener.domain.accounts import AccountActivity
from screener.domain.decision import RuleHit, Verdict
from screener.domain.events import Transfer
from screener.domain.rules import blocklisted_receiver
from tests.unit.rules.scenes import (
    MULE_ACCOUNT,
    context,
    decided,
    settings,
    shadow,
    spec,
    three_languages,
    transfer,
)

RULE = blocklisted_receiver.RULE_ID
LISTED = AccountActivity(MULE_ACCOUNT, blocked=True)


def evaluate(account: AccountActivity | None, **changes: object) -> RuleHit | None:
    return blocklisted_receiver.evaluate(
        transfer(), context(receiver=account), settings(RULE, **changes)
    )


def test_registered_for_transfers_and_not_regulatory() -> None:
    assert spec(RULE).event_types == (Transfer,) and not spec(RULE).regulatory


def test_a_listed_receiver_is_refused_by_default() -> None:
    hit = evaluate(LISTED)
    assert hit is not None and hit.min_verdict is Verdict.BLOCK and hit.score == 80
    outcome = decided(hit)
    assert outcome.verdict is Verdict.BLOCK and outcome.hold_until is None


def test_a_bank_can_choose_an_officers_call_instead() -> None:
    hit = evaluate(LISTED, verdict=Verdict.HOLD)
    outcome = decided(hit)
    assert outcome.verdict is Verdict.HOLD and outcome.hold_until is None


def test_unlisted_or_unknown_receivers_pass() -> None:
    assert evaluate(AccountActivity(MULE_ACCOUNT)) is None
    assert evaluate(None) is None


def test_explains_itself_in_three_languages() -> None:
    en, ru, kk = three_languages(evaluate(LISTED))
    for text in (en, ru, kk):
        assert MULE_ACCOUNT in text
    assert "block list" in en and "refused" in en
    assert "списке блокировки" in ru and "отклонён" in ru
    assert "бұғаттау тізімінде" in kk and "қабылданбады" in kk
    hold_en, hold_ru, hold_kk = three_languages(evaluate(LISTED, verdict=Verdict.HOLD))
    assert "officer" in hold_en and "специалиста" in hold_ru and "маманның" in hold_kk


def test_shadow_mode_reports_but_does_not_block() -> None:
    hit = blocklisted_receiver.evaluate(transfer(), context(receiver=LISTED), shadow(RULE))
    outcome = decided(hit)
    assert outcome.verdict is Verdict.ALLOW and [h.rule for h in outcome.shadow_reasons] == [RULE]


def test_a_blocked_sending_account_cannot_forward_money() -> None:
    from screener.boundary import decode_event
    from screener.domain.accounts import AccountActivity
    from screener.domain.context import ScreeningContext
    from screener.domain.history import CustomerHistory
    from screener.domain.rules import blocklisted_sender
    from screener.settings import load_rules
    from tests import factories

    config = load_rules()
    raw = factories.transfer()
    transfer = decode_event("transfers", factories.encode(raw))
    assert not isinstance(transfer, type(None))
    settings = config.settings_for("blocklisted_sender")
    blocked = AccountActivity(raw["sender_account"], blocked=True)
    context = ScreeningContext(CustomerHistory(), config.mrp, sender_account=blocked)
    hit = blocklisted_sender.evaluate(transfer, context, settings)  # type: ignore[arg-type]
    assert hit is not None and hit.min_verdict.label == "block"
    assert raw["sender_account"] in hit.message.kk and "Sending" in hit.message.en
    free = ScreeningContext(CustomerHistory(), config.mrp, sender_account=AccountActivity("x"))
    assert blocklisted_sender.evaluate(transfer, free, settings) is None  # type: ignore[arg-type]
