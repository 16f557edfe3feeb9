"""first_loan_in_person: was a borrower's first large loan taken without a visit to a branch?

The law requires the borrower to come to a branch in person for a first unsecured bank loan
above 150 MRP or a first online microcredit above 75 MRP: a fraudster holding a victim's
SMS codes can sign online, but cannot walk into a branch as the victim. Such a loan is held
until an officer has seen the borrower identified in person (no automatic release).

A loan signed in a branch is taken in person. Only the lender knows whether a loan is the
borrower's first, so a loan without `first_loan` is not judged. Thresholds are strict
(exactly 150 MRP is not held) and use the MRP of the year the contract was signed, as the
cooling period does. Regulatory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screener.domain.config import RuleMode, integer, number, rule_mode, string_list
from screener.domain.context import ScreeningContext
from screener.domain.decision import Message, RuleHit, Verdict
from screener.domain.events import LoanApproval
from screener.domain.texts import kzt
from screener.domain.texts import number as fmt_number

RULE_ID = "first_loan_in_person"


@dataclass(frozen=True, slots=True)
class Settings:
    mode: RuleMode
    score: int
    above_mrp: Mapping[str, float]  # lender kind -> threshold in MRP
    covered_products: frozenset[str]


def parse_settings(raw: Mapping[str, Any], path: str) -> Settings:
    return Settings(
        mode=rule_mode(raw, path),
        score=integer(raw, "score", path, low=0, high=100),
        above_mrp={
            "bank": number(raw, "bank_above_mrp", path),
            "mfo": number(raw, "mfo_above_mrp", path),
        },
        covered_products=frozenset(string_list(raw, "covered_products", path)),
    )


def evaluate(loan: LoanApproval, context: ScreeningContext, settings: Settings) -> RuleHit | None:
    if loan.first_loan is not True or loan.in_person_verified is True or loan.channel == "branch":
        return None
    if loan.secured or loan.product not in settings.covered_products:
        return None
    mrp_count = settings.above_mrp.get(loan.lender_kind)
    if mrp_count is None:
        return None
    threshold = context.mrp.minor_units(loan.contract_signed_at, mrp_count)
    if loan.amount_minor <= threshold:
        return None
    return RuleHit(
        rule=RULE_ID,
        score=settings.score,
        min_verdict=Verdict.HOLD,
        hold_until=None,  # released by an officer once the borrower came in person
        shadow=settings.mode is RuleMode.SHADOW,
        message=_explain(loan, mrp_count, threshold),
        measured={
            "amount_minor": loan.amount_minor,
            "lender_kind": loan.lender_kind,
            "threshold_mrp": mrp_count,
            "threshold_minor": threshold,
            "mrp_kzt": context.mrp.kzt_for(loan.contract_signed_at),
            "first_loan": True,
            "in_person_verified": loan.in_person_verified,
        },
    )


def _explain(loan: LoanApproval, mrp_count: float, threshold: int) -> Message:
    amount, limit, mrps = kzt(loan.amount_minor), kzt(threshold), fmt_number(mrp_count)
    if loan.lender_kind == "mfo":
        en_kind, ru_kind, kk_kind = "microcredit", "микрокредит", "микрокредит"
    else:
        en_kind, ru_kind, kk_kind = "bank loan", "банковский заём", "банк қарызы"
    return Message(
        en=f"First {en_kind} of {amount} is above {mrps} MRP ({limit}) and was taken online "
        "without identifying the borrower in person. The law requires a visit to a branch: "
        "pay out only after an officer releases it.",
        ru=f"Первый {ru_kind} на {amount} превышает {mrps} МРП ({limit}) и оформлен онлайн без "
        "личной идентификации заёмщика. По закону нужен личный визит в отделение: выдача "
        "только после решения специалиста.",
        kk=f"{amount} алғашқы {kk_kind} {mrps} АЕК-тен ({limit}) асады және қарыз алушыны "
        "жеке сәйкестендірмей онлайн ресімделген. Заң бойынша бөлімшеге жеке келу қажет: "
        "ақша маман рұқсат бергеннен кейін ғана беріледі.",
    )
