"""loan_then_drain: is the money of a fresh loan leaving for strangers, abroad or crypto?

In the "1414" and fake-investment schemes the loan is only the means: it is taken in the
victim's name (or the victim is talked into it) and the money moves on at once to a "safe
account", a foreign account or a crypto exchange. So: within `window_hours` of a loan's
signing, how much of the money borrowed has gone to risky destinations (a new beneficiary
other than a shop or biller at home, `receiver_country` other than KZ, `receiver_kind`
crypto_exchange), this transfer included? Transfers up to `transfer_above_kzt` are not
judged, nor are companies (BIN); to a crypto exchange or abroad the floor is the lower
`cash_out_transfer_above_kzt`, since fraudsters cut the loan into pieces there too. A new
beneficiary whose account is someone's everyday account (the screener saw it pay shops or
bills: a car's seller, a landlord; `_accounts.to_everyday_account`) is not a risky
destination.

Only loans paid out as money the borrower can move count (unsecured consumer, card-limit
and business loans): a car or goods loan paid to the seller is not drained. The window must
outlast the cooling period: a large online loan is paid out 24 hours after signing at the
earliest, and a drain follows the payout. Each risky transfer since the first loan in the
window counts; the share, in whole percent rounded down, is mapped to a score by `bands`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import Transfer
from screener.domain.rules._accounts import to_busy_merchant, to_everyday_account
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.rules._signals import (
    ABROAD,
    CRYPTO_EXCHANGE,
    NEVER_A_STRANGERS_ACCOUNT,
    NEW_BENEFICIARY,
    cash_loans,
    destinations,
    is_person,
    kzt_setting,
    optional_kzt_setting,
    payments_of,
    span,
    whole_percent,
)
from screener.domain.texts import kzt

RULE_ID = "loan_then_drain"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    transfer_above_minor: int  # smaller transfers are not judged
    cash_out_transfer_above_minor: int  # the same, for transfers to crypto or abroad
    bands: tuple[ScoreBand, ...]  # percent of the borrowed money moved out -> score
    # When every drained payment went to a crypto exchange or abroad (no used car is bought
    # there), bands reaching `cash_out_from_percent` score `cash_out_score`.
    cash_out_from_percent: int
    cash_out_score: int
    # Receivers whose flows the rule never reads (it asks only whether a stranger's
    # account is someone's everyday account).
    ignored_receiver_kinds: frozenset[str] = NEVER_A_STRANGERS_ACCOUNT


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    transfer_above_minor = kzt_setting(raw, "transfer_above_kzt", path)
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_hours", path, minimum=1) * 3600,
        transfer_above_minor=transfer_above_minor,
        # A rules file written before the setting keeps one floor for every destination.
        cash_out_transfer_above_minor=optional_kzt_setting(
            raw, "cash_out_transfer_above_kzt", path, transfer_above_minor
        ),
        bands=parse_bands(raw, "bands", path, count="percent"),
        cash_out_from_percent=integer(raw, "cash_out_from_percent", path, low=0, high=10_000),
        cash_out_score=integer(raw, "cash_out_score", path, low=0, high=100),
    )


def evaluate(transfer: Transfer, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if not is_person(transfer.customer_id):
        return None
    payments = payments_of(transfer, context.history)
    where = payments.current.risky_destinations()
    if NEW_BENEFICIARY in where and (
        to_everyday_account(transfer, context) or to_busy_merchant(transfer, context)
    ):
        where = tuple(w for w in where if w != NEW_BENEFICIARY)  # a seller, a landlord, a shop
    if not where:
        return None
    cashing_out = CRYPTO_EXCHANGE in where or ABROAD in where
    floor = settings.cash_out_transfer_above_minor if cashing_out else settings.transfer_above_minor
    if transfer.amount_minor <= floor:
        return None
    now = payments.current.at
    loans = cash_loans(context.history, now - settings.window_seconds, now)
    if not loans:
        return None
    first_signed = min(loan.at for loan in loans)
    drained = [
        payment
        for payment in payments.earlier_between(first_signed, now)
        if payment.risky_destinations()
    ] + [payments.current]
    borrowed = sum(loan.amount_minor for loan in loans)
    moved = sum(payment.amount_minor for payment in drained)
    share = whole_percent(moved, borrowed)
    band = band_for(settings.bands, share)
    if band is None:
        return None
    cashed_out = share >= settings.cash_out_from_percent and all(
        CRYPTO_EXCHANGE in p.risky_destinations() or ABROAD in p.risky_destinations()
        for p in drained
    )
    return RuleHit(
        rule=RULE_ID,
        score=max(band.score, settings.cash_out_score) if cashed_out else band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(
            transfer, where, len(loans), borrowed, moved, share, len(drained), settings
        ),
        measured={
            "amount_minor": transfer.amount_minor,
            "destinations": list(where),
            "loans": len(loans),
            "borrowed_minor": borrowed,
            "moved_minor": moved,
            "moved_transfers": len(drained),
            "moved_percent": share,
            "all_to_crypto_or_abroad": cashed_out,
            "band_percent": band.at_least,
            "hours_since_first_signing": round((now - first_signed) / 3600, 2),
            "window_hours": settings.window_seconds / 3600,
        },
    )


def _explain(
    transfer: Transfer,
    where: tuple[str, ...],
    loans: int,
    borrowed_minor: int,
    moved_minor: int,
    share: int,
    transfers: int,
    settings: Settings,
) -> Message:
    amount, borrowed, moved = kzt(transfer.amount_minor), kzt(borrowed_minor), kzt(moved_minor)
    window, to = span(settings.window_seconds), destinations(where)
    return Message(
        en=f"{moved} ({share}%) of the {borrowed} borrowed in the last {window.en} "
        f"({loans} loan(s)) is being moved out in {transfers} transfer(s) to new beneficiaries, "
        f"abroad or to crypto exchanges; this one, {amount}, goes to {to.en}. Fraudsters take "
        "loans in a victim's name and move the money on at once.",
        ru=f"{moved} ({share}%) из {borrowed}, взятых в долг за последние {window.ru} "
        f"(займов: {loans}), выводится переводами новым получателям, за рубеж или на "
        f"криптобиржи (переводов: {transfers}); этот, на {amount}, — {to.ru}. Мошенники "
        "оформляют займы на жертву и сразу выводят деньги.",
        kk=f"Соңғы {window.kk} ішінде алынған {borrowed} қарыздың (қарыздар: {loans}) {moved} "
        f"({share}%) жаңа алушыларға, шетелге не криптобиржаларға аударылып жатыр "
        f"(аударымдар: {transfers}); осы {amount} — {to.kk}. Алаяқтар жәбірленушінің атына "
        "несие рәсімдеп, ақшаны бірден аударып алады.",
    )
