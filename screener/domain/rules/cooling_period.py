"""cooling_period: must this online loan wait before the money is paid out?

The law (signed 30 June 2025, in force 30 September 2025) makes lenders wait before paying
out an online unsecured consumer loan, counted from the signing of the contract, so that a
victim talked into a loan by a fake "security service" has time to come to their senses.
Loans in a branch, goods loans, internal refinancing and small card-limit loans are exempt.
A customer's online loans signed within a day count together against the threshold, so a
large loan split into several small ones is held too.

Two profiles: `seed_24h` holds every covered loan above 150 MRP (bank) or 75 MRP (MFO) for
24 hours; `regulator_bands` follows the final rule (bank: 8 h above 150 MRP, 24 h above
255 MRP; MFO: 24 h above 75 MRP). Thresholds are strict: a loan of exactly 150 MRP is not held.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from screener.domain.config import (
    ConfigError,
    MrpTable,
    RuleMode,
    integer,
    number,
    rule_mode,
    section,
    string_list,
)
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import Attribute
from screener.domain.texts import kzt, local_time
from screener.domain.texts import number as fmt_number

RULE_ID = "cooling_period"
LENDER_KINDS = ("bank", "mfo")


@dataclass(frozen=True, slots=True)
class Band:
    above_mrp: float
    hold_hours: float


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int
    profile: str
    bands: Mapping[str, tuple[Band, ...]]  # lender kind -> bands, lowest threshold first
    aggregation_window_seconds: float
    covered_products: frozenset[str]
    card_limit_exempt_up_to_mrp: float


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    profiles = section(raw, "profiles", path)
    profile = raw.get("profile")
    if not isinstance(profile, str) or profile not in profiles:
        raise ConfigError(f"{path}.profile: expected one of {sorted(profiles)}, got {profile!r}")
    chosen = section(profiles, profile, f"{path}.profiles")
    bands: dict[str, tuple[Band, ...]] = {}
    for kind in LENDER_KINDS:
        band_list = chosen.get(kind)
        band_path = f"{path}.profiles.{profile}.{kind}"
        if not isinstance(band_list, list) or not band_list:
            raise ConfigError(f"{band_path}: expected a non-empty list of bands")
        parsed = [
            Band(
                above_mrp=number(item, "above_mrp", band_path),
                hold_hours=number(item, "hold_hours", band_path, minimum=0.01),
            )
            for item in band_list
            if isinstance(item, Mapping)
        ]
        if len(parsed) != len(band_list):
            raise ConfigError(f"{band_path}: every band needs above_mrp and hold_hours")
        bands[kind] = tuple(sorted(parsed, key=lambda band: band.above_mrp))
    return Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        profile=str(profile),
        bands=bands,
        aggregation_window_seconds=number(raw, "aggregation_window_hours", path) * 3600,
        covered_products=frozenset(string_list(raw, "covered_products", path)),
        card_limit_exempt_up_to_mrp=number(raw, "card_limit_exempt_up_to_mrp", path),
    )


def is_covered(
    *,
    channel: Attribute,
    secured: Attribute,
    product: Attribute,
    amount_minor: int,
    card_limit_exempt_minor: int,
    settings: Settings,
) -> bool:
    """Is a loan with these attributes an online unsecured loan the cooling period covers?"""
    if channel != "online" or secured is True or product not in settings.covered_products:
        return False
    return not (product == "card_limit" and amount_minor <= card_limit_exempt_minor)


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    mrp, history = context.mrp, context.history
    signed_at = loan.contract_signed_at
    card_limit_exempt = mrp.minor_units(signed_at, settings.card_limit_exempt_up_to_mrp)
    covered = is_covered(
        channel=loan.channel,
        secured=loan.secured,
        product=loan.product,
        amount_minor=loan.amount_minor,
        card_limit_exempt_minor=card_limit_exempt,
        settings=settings,
    )
    if not covered:
        return None

    signed = signed_at.timestamp()
    earlier = [
        entry
        for entry in history.since(
            signed - settings.aggregation_window_seconds, signed, frozenset({"loan_approval"})
        )
        if entry.event_id != loan.event_id
        and is_covered(
            channel=entry.attrs.get("channel"),
            secured=entry.attrs.get("secured"),
            product=entry.attrs.get("product"),
            amount_minor=entry.amount_minor,
            card_limit_exempt_minor=card_limit_exempt,
            settings=settings,
        )
    ]
    total = loan.amount_minor + sum(entry.amount_minor for entry in earlier)

    passed = [
        band
        for band in settings.bands[loan.lender_kind]
        if total > mrp.minor_units(signed_at, band.above_mrp)
    ]
    if not passed:
        return None
    band = passed[-1]
    threshold = mrp.minor_units(signed_at, band.above_mrp)
    hold_until = signed_at + timedelta(hours=band.hold_hours)
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        min_verdict=Verdict.HOLD,
        hold_until=hold_until,
        until_reconfirmed=True,  # paid out after the period AND the borrower's new consent
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(loan, total, len(earlier), band, threshold, hold_until, mrp),
        measured={
            "profile": settings.profile,
            "amount_minor": loan.amount_minor,
            "online_loans_total_minor": total,
            "other_online_loans": len(earlier),
            "threshold_mrp": band.above_mrp,
            "threshold_minor": threshold,
            "mrp_kzt": mrp.kzt_for(signed_at),
            # Differs from the signing's local year when the table lacks that year.
            "mrp_year": mrp.year_used(signed_at),
            "hold_hours": band.hold_hours,
        },
    )


def _explain(
    loan: LoanApproval,
    total: int,
    others: int,
    band: Band,
    threshold: int,
    hold_until: datetime,
    mrp: MrpTable,
) -> Message:
    amount, limit, until = kzt(loan.amount_minor), kzt(threshold), local_time(hold_until, mrp.zone)
    mrps, hours = fmt_number(band.above_mrp), fmt_number(band.hold_hours)
    if others == 0:
        return Message(
            en=f"Online loan of {amount} is above {mrps} MRP ({limit}). The law requires a "
            f"{hours} h cooling period after signing: pay out no earlier than {until}.",
            ru=f"Онлайн-заём на {amount} превышает {mrps} МРП ({limit}). По закону после "
            f"подписания действует период охлаждения {hours} ч: выдача не раньше {until}.",
            kk=f"{amount} онлайн қарыз {mrps} АЕК-тен ({limit}) асады. Заң бойынша қол "
            f"қойылғаннан кейін {hours} сағат салқындату кезеңі: ақша {until} бұрын берілмейді.",
        )
    total_text = kzt(total)
    return Message(
        en=f"Online loan of {amount}; with {others} other online loan(s) signed in the last "
        f"day the total {total_text} is above {mrps} MRP ({limit}). The law requires a "
        f"{hours} h cooling period after signing: pay out no earlier than {until}.",
        ru=f"Онлайн-заём на {amount}; вместе с другими онлайн-займами за сутки ({others}) "
        f"сумма {total_text} превышает {mrps} МРП ({limit}). По закону действует период "
        f"охлаждения {hours} ч: выдача не раньше {until}.",
        kk=f"{amount} онлайн қарыз; соңғы тәуліктегі басқа онлайн қарыздармен ({others}) "
        f"бірге жиыны {total_text} — {mrps} АЕК-тен ({limit}) асады. Заң бойынша {hours} "
        f"сағат салқындату кезеңі: ақша {until} бұрын берілмейді.",
    )
