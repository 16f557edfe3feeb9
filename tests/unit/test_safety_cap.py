"""The hold-rate safety cap: a runaway rule must not freeze payments; the law still applies."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from screener.domain.context import ScreeningContext
from screener.domain.decision import Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.safety_cap import HoldRateWindow, SafetyCapSettings
from screener.domain.screening import remember, screen
from screener.settings import load_rules

SETTINGS = SafetyCapSettings(window_seconds=300, max_hold_rate=0.05, min_decisions=100)
ALMATY = timezone(timedelta(hours=5))


def test_the_cap_needs_enough_decisions_before_it_can_trip() -> None:
    window = HoldRateWindow(SETTINGS)
    for second in range(99):
        window.add(second, held=True)
    assert not window.tripped(99)
    window.add(99, held=True)
    assert window.tripped(99)


def test_the_cap_trips_just_above_the_bound_and_resets_when_the_window_passes() -> None:
    window = HoldRateWindow(SETTINGS)
    for i in range(100):
        window.add(i, held=i < 5)  # exactly 5 % held
    assert window.rate() == 0.05 and not window.tripped(100)
    window.add(100, held=True)  # 6/101 > 5 %
    assert window.tripped(100)
    assert not window.tripped(100 + 301)  # everything has left the window


def loan(event_id: str, amount_minor: int, **fields: object) -> LoanApproval:
    signed = datetime(2026, 3, 2, 12, 0, tzinfo=ALMATY)
    values: dict[str, object] = {
        "event_id": event_id,
        "customer_id": "850503300129",
        "occurred_at": signed,
        "loan_id": event_id,
        "amount_minor": amount_minor,
        "currency": "KZT",
        "lender_kind": "bank",
        "channel": "online",
        "contract_signed_at": signed,
    }
    values.update(fields)
    return LoanApproval(**values)  # type: ignore[arg-type]


def test_capping_turns_non_regulatory_holds_into_shadow_reasons_but_never_the_law() -> None:
    config = load_rules()
    history = CustomerHistory()
    # Three lenders within an hour: multi_lender_burst (not regulatory) holds the third.
    for index, lender in enumerate(("111111111111", "222222222222")):
        earlier = loan(f"l{index}", 5_000_000, lender_id=lender)
        history = remember(earlier, history, config)
    third = loan("l3", 5_000_000, lender_id="333333333333")
    context = ScreeningContext(history, config.mrp)

    normal = screen(third, context, config)
    capped = screen(third, context, config, cap_non_regulatory=True)
    assert "multi_lender_burst" in {hit.rule for hit in normal.reasons}
    assert normal.verdict is Verdict.HOLD
    assert "multi_lender_burst" in {hit.rule for hit in capped.shadow_reasons}
    assert all(hit.capped for hit in capped.shadow_reasons)
    assert capped.verdict is Verdict.ALLOW

    large = loan("big", 900_000_000)  # 9,000,000 KZT online: the cooling period is the law
    assert (
        screen(
            large, ScreeningContext(CustomerHistory(), config.mrp), config, cap_non_regulatory=True
        ).verdict
        is Verdict.HOLD
    )
