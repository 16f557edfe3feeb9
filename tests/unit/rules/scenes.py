"""Scenes for rule tests: valid people, accounts, transfers, loans and contexts at fixed times.

Settings come from the shipped rules file (`load_rules()`), so the tests check the YAML's
defaults too; `settings(rule_id, field=value)` gives an edge variant.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

from screener.domain.accounts import AccountActivity, Flow
from screener.domain.config import RuleMode, RulesConfig
from screener.domain.context import ScreeningContext
from screener.domain.decision import Outcome, RuleHit, decide
from screener.domain.events import LoanApproval, Transfer
from screener.domain.history import CustomerHistory
from screener.domain.identifiers import make_iin, make_kz_iban
from screener.domain.rules import RULES, RuleSpec
from screener.settings import load_rules

CONFIG: RulesConfig = load_rules()
ALMATY = timezone(timedelta(hours=5))
TENGE = 100  # minor units
HOUR = 3600.0
AT = datetime(2026, 3, 11, 12, 0, tzinfo=ALMATY)  # a Wednesday


def iin(birth: date, sex: Literal["M", "F"] = "M", serial: int = 1) -> str:
    """A valid IIN of someone born on `birth` (the next serial when one has no check digit)."""
    while True:
        try:
            return make_iin(birth, sex, serial)
        except ValueError:
            serial += 1


def person(n: int) -> str:
    """The n-th of many distinct adults (born in 1985 and after), by IIN."""
    return iin(date(1985, 1, 1) + timedelta(days=n))


def iban(n: int) -> str:
    return make_kz_iban("722", n)


VICTIM = person(0)
VICTIM_ACCOUNT = iban(1)
MULE = person(7_000)  # born 2004: aged 21-22 in 2026
MULE_ACCOUNT = iban(999)


def transfer(**overrides: Any) -> Transfer:
    """This victim pays 100 000 KZT to the mule's account now."""
    base = Transfer(
        event_id="now",
        customer_id=VICTIM,
        occurred_at=AT,
        sender_account=VICTIM_ACCOUNT,
        receiver_account=MULE_ACCOUNT,
        amount_minor=100_000 * TENGE,
        currency="KZT",
        channel="mobile",
        receiver_kind="person",
    )
    return dataclasses.replace(base, **overrides)


def loan(**overrides: Any) -> LoanApproval:
    """A 100 000 KZT online consumer loan from a bank, signed now."""
    base = LoanApproval(
        event_id="loan-now",
        customer_id=VICTIM,
        occurred_at=AT,
        loan_id="L-now",
        amount_minor=100_000 * TENGE,
        currency="KZT",
        lender_kind="bank",
        channel="online",
        contract_signed_at=AT,
    )
    return dataclasses.replace(base, **overrides)


def paid_in(
    count: int,
    *,
    hours_ago: float = 1.0,
    amount_minor: int = 100_000 * TENGE,
    first: int = 100,
    party: bool = True,
    before: datetime = AT,
) -> tuple[Flow, ...]:
    """Money in from `count` distinct people (numbered from `first`), `hours_ago` before AT."""
    return tuple(
        Flow(
            event_id=f"in-{first + i}-{hours_ago}",
            at=before.timestamp() - hours_ago * HOUR,
            amount_minor=amount_minor,
            counterparty=iban(first + i),
            party=person(first + i) if party else None,
        )
        for i in range(count)
    )


def paid_out(
    amount_minor: int,
    *,
    hours_ago: float = 0.5,
    kind: str = "person",
    country: str = "KZ",
    party: str | None = None,
    n: int = 0,
    before: datetime = AT,
) -> Flow:
    """Money out of an account, `hours_ago` before AT."""
    return Flow(
        event_id=f"out-{n}-{hours_ago}",
        at=before.timestamp() - hours_ago * HOUR,
        amount_minor=amount_minor,
        counterparty=iban(50_000 + n),
        party=party,
        receiver_kind=kind,
        receiver_country=country,
    )


def context(
    *,
    sender: AccountActivity | None = None,
    receiver: AccountActivity | None = None,
    history: CustomerHistory | None = None,
) -> ScreeningContext:
    return ScreeningContext(
        history or CustomerHistory(),
        CONFIG.mrp,
        sender_account=sender,
        receiver_account=receiver,
        busy_merchant_payers_a_day=CONFIG.busy_merchant_payers_a_day,
    )


def settings(rule_id: str, **changes: Any) -> Any:
    """The shipped settings of a rule, with `changes`."""
    return dataclasses.replace(CONFIG.settings_for(rule_id), **changes)


def enforced(rule_id: str, **changes: Any) -> Any:
    """The shipped settings with the rule enforced: the single-signal dropper rules ship in
    shadow (mule_evidence weighs their signals), and their bands are tested as enforced."""
    return settings(rule_id, mode=RuleMode.ENFORCE, **changes)


def shadow(rule_id: str) -> Any:
    return settings(rule_id, mode=RuleMode.SHADOW)


def decided(hit: RuleHit | None) -> Outcome:
    """The policy's verdict on this one hit, as the shipped policy thresholds decide it."""
    assert hit is not None
    return decide([hit], CONFIG.policy)


def spec(rule_id: str) -> RuleSpec:
    return next(spec for spec in RULES if spec.rule_id == rule_id)


def three_languages(hit: RuleHit | None) -> tuple[str, str, str]:
    assert hit is not None
    return hit.message.en, hit.message.ru, hit.message.kk
