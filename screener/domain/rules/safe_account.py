"""safe_account: is the customer moving most of their money to someone they never paid before?

The fake "security service" says the account is under attack and has the victim move
everything to a "safe account": a deposit closed and paid out, a loan that just landed, a
salary, all sent on to a new beneficiary. The screener cannot see balances, so it measures
what it has seen the customer receive within `lookback_hours`: money paid into the sending
account (the account's inbound flows, the customer's own deposits and other accounts
included, since emptying those is the scheme) plus cash loans signed in that time. The
question: what share of that went to new beneficiaries, this transfer included?

Only transfers to new beneficiaries are judged, once what went to new beneficiaries in the
look-back (this transfer included) passes `transfer_above_kzt`; a new shop, car
dealer or biller at home (`receiver_kind` business or payment_service), or a firm abroad (a
foundation, a shop, a broker: `Payment.to_private_stranger`), is not the person's
account a "safe account" is (but a closed deposit sent on to a new e-wallet, a payment
service at home, is the own-money move below, and judged by it alone), nor is someone's
everyday account (the screener saw it pay shops or bills: a car's seller, a landlord), and
companies (BIN) are not judged (see `_signals`, `_accounts.to_everyday_account`). A
customer whose usual transfer (the median of their last ones, once there are
`baseline_min_transfers`) is already this large is doing what they always do: no hit below
`baseline_multiple` times it.
When nothing was seen coming in, there is no share to judge: no hit (the contract carries no
balance, so savings emptied without a deposit closing are left to savings_drain). Moving
more than was seen coming in is moving all of it and more: the top band, up to
`max_percent`; far beyond it the money moved is savings from before the window (a car
bought with them), not what came in: no hit. The share, in whole
percent rounded down, is mapped to a score by `bands`; for a past fraud victim the amount
limits and the bands' percentages are multiplied by `repeat_victim_factor`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.accounts import AccountActivity
from screener.domain.config import RuleMode, integer, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._accounts import to_busy_merchant, to_everyday_account
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    NEVER_A_STRANGERS_ACCOUNT,
    Baseline,
    Payments,
    baseline_of,
    cash_loans,
    is_person,
    joined,
    kzt_setting,
    optional_kzt_setting,
    payments_of,
    repeat_victim_factor,
    span,
    whole_percent,
)
from screener.domain.rules.repeat_victim import stricter_note, tightening
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "safe_account"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    lookback_seconds: float
    transfer_above_minor: int
    bands: tuple[ScoreBand, ...]  # percent of the money seen coming in sent to strangers -> score
    baseline_min_transfers: int
    baseline_multiple: float
    repeat_victim_factor: float
    max_percent: int = 1_000_000  # above this share the money moved was not what came in
    # Money from the customer's own accounts (a deposit closed into the current account)
    # within own_money_seconds, own_money_percent of it or more sent on to strangers: the
    # textbook "protect your deposit" move, scored own_money_score.
    own_money_seconds: float = 0.0
    own_money_percent: int = 0
    own_money_score: int = 0
    # The own-money finding is judged from this much sent to strangers (a closed deposit is
    # often smaller than the amounts the share of money in is judged from).
    own_money_above_minor: int = 0
    # Receivers whose flows the rule never reads (it asks only whether a stranger's
    # account is someone's everyday account).
    ignored_receiver_kinds: frozenset[str] = NEVER_A_STRANGERS_ACCOUNT
    # This payment itself is judged from this amount: a victim's part of the money is not
    # a few thousand KZT, an everyday payment after it is (0: any amount).
    payment_above_minor: int = 0


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        lookback_seconds=number(raw, "lookback_hours", path, minimum=1) * 3600,
        transfer_above_minor=kzt_setting(raw, "transfer_above_kzt", path),
        bands=parse_bands(raw, "bands", path, count="percent"),
        baseline_min_transfers=integer(raw, "baseline_min_transfers", path, low=3, high=10_000),
        baseline_multiple=number(raw, "baseline_multiple", path, minimum=1),
        repeat_victim_factor=repeat_victim_factor(raw, path),
        max_percent=integer(raw, "max_percent", path, low=100, high=1_000_000),
        own_money_seconds=number(raw, "own_money_hours", path) * 3600,
        own_money_percent=integer(raw, "own_money_percent", path, low=1, high=1_000_000),
        own_money_score=integer(raw, "own_money_score", path, low=0, high=100),
        own_money_above_minor=kzt_setting(raw, "own_money_above_kzt", path),
        payment_above_minor=optional_kzt_setting(raw, "payment_above_kzt", path, 0),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    strict = tightening(context, settings.repeat_victim_factor)
    if transfer.amount_minor <= settings.payment_above_minor * strict:
        return None
    payments = payments_of(transfer, context.history)
    # A new e-wallet or payment service at home is judged by the own-money finding alone: a
    # deposit closed and sent on to a wallet is the scheme, a salary spent there is not.
    to_wallet = payments.current.to_new_wallet
    if (
        not (payments.current.to_private_stranger or to_wallet)
        or to_everyday_account(transfer, context)
        or to_busy_merchant(transfer, context)
    ):
        return None
    now = payments.current.at
    start = now - settings.lookback_seconds
    # The amount limit applies to all the money sent to strangers in the look-back: the
    # victim often sends it in parts, each smaller than the limit.
    moved = transfer.amount_minor + sum(
        payment.amount_minor
        for payment in payments.earlier_between(start, now)
        if payment.to_private_stranger
    )
    judged_by_share = moved > settings.transfer_above_minor * strict
    if not judged_by_share and moved <= settings.own_money_above_minor * strict:
        return None
    baseline = baseline_of(context.history, settings.baseline_min_transfers)
    usual_limit = None if baseline is None else baseline.median_minor * settings.baseline_multiple
    if usual_limit is not None and transfer.amount_minor <= usual_limit * strict:
        return None

    account = context.sender_account
    paid_in = (
        sum(flow.amount_minor for flow in account.inbound_between(start, now)) if account else 0
    )
    borrowed = sum(loan.amount_minor for loan in cash_loans(context.history, start, now))
    if paid_in + borrowed == 0:
        return None  # nothing seen coming in: no share to judge
    share = whole_percent(moved, paid_in + borrowed)
    if share > settings.max_percent:
        return None  # money the customer had before the window: savings_drain's question
    # For a past victim every band starts at `factor` times its percentage.
    by_share = judged_by_share and not to_wallet
    band = band_for(settings.bands, math.floor(share / strict + 1e-9)) if by_share else None
    own_share = _own_money_moved(transfer, payments, account, settings)
    from_own = own_share is not None and own_share >= settings.own_money_percent * strict
    if band is None and not from_own:
        return None
    score = max(band.score if band else 0, settings.own_money_score if from_own else 0)
    return RuleHit(
        rule=RULE_ID,
        score=score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_message(
            band is not None,
            from_own,
            lambda: _explain(transfer, paid_in, borrowed, moved, share, baseline, settings, strict),
            lambda: _explain_own(transfer, own_share or 0, settings),
        ),
        measured={
            "amount_minor": transfer.amount_minor,
            "paid_in_minor": paid_in,
            "borrowed_minor": borrowed,
            "moved_to_new_beneficiaries_minor": moved,
            "moved_percent": share,
            "band_percent": None if band is None else band.at_least * strict,
            "own_money_moved_percent": own_share,
            "lookback_hours": settings.lookback_seconds / 3600,
            "usual_transfer_minor": None if baseline is None else round(baseline.median_minor),
            "limit_factor": strict,
        },
    )


def _own_money_moved(
    transfer: Transfer, payments: Payments, account: AccountActivity | None, settings: Settings
) -> int | None:
    """Percent of the money from the customer's own accounts (a deposit closed) in the last
    own_money window that went to strangers since, this transfer included; None if none
    came in."""
    if account is None or settings.own_money_seconds <= 0:
        return None
    now = payments.current.at
    start = now - settings.own_money_seconds
    own_in = sum(
        flow.amount_minor
        for flow in account.inbound_between(start, now)
        if flow.party == transfer.customer_id
    )
    if own_in == 0:
        return None
    moved = transfer.amount_minor + sum(
        p.amount_minor for p in payments.earlier_between(start, now) if p.to_private_stranger
    )
    return whole_percent(moved, own_in)


def _message(
    by_share: bool,
    from_own: bool,
    share_text: Callable[[], Message],
    own_text: Callable[[], Message],
) -> Message:
    """The explanation of whichever findings scored: the share of money in, the own money."""
    parts = ([share_text()] if by_share else []) + ([own_text()] if from_own else [])
    return joined(parts)


def _explain_own(transfer: Transfer, share: int, settings: Settings) -> Message:
    window, amount = span(settings.own_money_seconds), kzt(transfer.amount_minor)
    return Message(
        en=f"{share}% of the money moved from the customer's own account (a deposit closed, "
        f"say) within {window.en} goes to new beneficiaries, this transfer of {amount} "
        "included: 'protect your deposit, move it to a safe account'.",
        ru=f"{share}% денег, переведённых со своего счёта клиента (закрытого депозита) за "
        f"{window.ru}, уходит новым получателям, включая этот перевод на {amount}: «защитите "
        "депозит, переведите на безопасный счёт».",
        kk=f"Клиенттің өз шотынан (жабылған депозиттен) {window.kk} ішінде түскен ақшаның "
        f"{share}% жаңа алушыларға кетіп жатыр, осы {amount} аударымды қоса: «депозитті "
        "қорғаңыз, қауіпсіз шотқа аударыңыз».",
    )


def _explain(
    transfer: Transfer,
    paid_in: int,
    borrowed: int,
    moved: int,
    share: int,
    baseline: Baseline | None,
    settings: Settings,
    strict: float,
) -> Message:
    amount, received = kzt(transfer.amount_minor), kzt(paid_in + borrowed)
    paid, loans, sent = kzt(paid_in), kzt(borrowed), kzt(moved)
    window = span(settings.lookback_seconds)
    parts = [
        Message(
            en=f"{sent} ({share}%) of the {received} this customer received in the last "
            f"{window.en} ({paid} paid in, {loans} in loans) goes to new beneficiaries, this "
            f"transfer of {amount} included. Moving most of one's money to a new account is "
            "what a fake security service asks for: 'move it to a safe account'.",
            ru=f"{sent} ({share}%) из {received}, поступивших клиенту за последние {window.ru} "
            f"(зачисления {paid}, займы {loans}), уходит новым получателям, включая этот "
            f"перевод на {amount}. Перевести почти все деньги на новый счёт требует "
            "лжеслужба безопасности: «переведите на безопасный счёт».",
            kk=f"Соңғы {window.kk} ішінде клиентке түскен {received} қаражаттың (түсімдер "
            f"{paid}, қарыздар {loans}) {sent} ({share}%) жаңа алушыларға кетіп жатыр, осы "
            f"{amount} аударымды қоса. Ақшаның көбін жаңа шотқа аудару — жалған қауіпсіздік "
            "қызметінің талабы: «қауіпсіз шотқа аударыңыз».",
        )
    ]
    if baseline is not None:
        usual = kzt(round(baseline.median_minor))
        times = fmt_number(round(transfer.amount_minor / max(baseline.median_minor, 1), 1))
        parts.append(
            Message(
                en=f"The customer's usual transfer is {usual}; this one is {times} times that.",
                ru=f"Обычный перевод клиента — {usual}; этот больше в {times} раза.",
                kk=f"Клиенттің әдеттегі аударымы — {usual}; бұл одан {times} есе көп.",
            )
        )
    if strict < 1:
        parts.append(stricter_note(strict))
    return joined(parts)
