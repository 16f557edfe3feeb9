"""multi_lender_burst: did several lenders approve loans to this borrower within an hour?

In the "1414" scheme the fraudsters take as many online loans as they can in one evening,
from one lender after another, before the victim notices; credit bureaus must report
attempts to borrow from several lenders within one hour for that reason. Two lenders in an
hour may be someone comparing offers, so the bands start weak and reach a hold at three.

Lenders are told apart by `lender_id`; a loan without one counts as its lender kind (all
banks without an id as one lender, all MFOs as another), so missing ids make fewer lenders,
not more, unless one lender sends some loans with its id and some without.
The window counts back from this loan's signing; a redelivered loan is not counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, number, rule_mode
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit
from screener.domain.events import LoanApproval
from screener.domain.history import Attribute
from screener.domain.rules._bands import ScoreBand, band_for, parse_bands
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "multi_lender_burst"
LOANS = frozenset({"loan_approval"})


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    window_seconds: float
    bands: tuple[ScoreBand, ...]  # distinct lenders in the window -> score


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        window_seconds=number(raw, "window_minutes", path, minimum=1) * 60,
        bands=parse_bands(raw, "bands", path, count="lenders"),
    )


def lender_of(lender_id: Attribute, lender_kind: Attribute) -> str:
    """The lender's id, or its kind (`kind:mfo`) when the id is missing."""
    return str(lender_id) if lender_id else f"kind:{lender_kind}"


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    signed = loan.contract_signed_at.timestamp()
    earlier = [
        entry
        for entry in context.history.since(signed - settings.window_seconds, signed, LOANS)
        if entry.event_id != loan.event_id
    ]
    lenders = {lender_of(loan.lender_id, loan.lender_kind)} | {
        lender_of(entry.attrs.get("lender_id"), entry.attrs.get("lender_kind")) for entry in earlier
    }
    band = band_for(settings.bands, len(lenders))
    if band is None:
        return None
    total = loan.amount_minor + sum(entry.amount_minor for entry in earlier)
    minutes = fmt_number(settings.window_seconds / 60)
    count, total_text = len(lenders), kzt(total)
    return RuleHit(
        rule=RULE_ID,
        score=band.score,
        shadow=settings.mode is RuleMode.SHADOW,
        message=Message(
            en=f"{count} lenders approved loans to this borrower within {minutes} min "
            f"({total_text} in all): fraudsters take loans from several lenders at once in "
            "a victim's name.",
            ru=f"За {minutes} мин заёмщику одобрили займы разные кредиторы (число кредиторов: "
            f"{count}, всего {total_text}): мошенники оформляют займы на жертву сразу у "
            "нескольких кредиторов.",
            kk=f"{minutes} минут ішінде қарыз алушыға {count} кредитор қарыз мақұлдады "
            f"(барлығы {total_text}): алаяқтар жәбірленуші атынан бірден бірнеше кредитордан "
            "қарыз рәсімдейді.",
        ),
        measured={
            "distinct_lenders": count,
            "window_minutes": settings.window_seconds / 60,
            "loans_in_window": len(earlier) + 1,
            "loans_total_minor": total,
            "band_lenders": band.at_least,
        },
    )
