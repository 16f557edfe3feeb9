"""When a held loan goes: the law's waiting period, the borrower's reconfirmation, cancellation.

The law (in force 30 September 2025) pays an online loan out only after its waiting period
has passed and after the borrower has confirmed the loan again, and lets the borrower
cancel it with no fee in the meantime; borrowers under 21 or aged 55 and over confirm their
consent again too. The lender tells the screener on `bank.customer-events`
(`loan_reconfirmed`, `loan_cancelled`, with the loan's `loan_id`, CONTRACT §7).

What to do with a hold is decided here, purely, from the hold's progress (what its Redis
hash records) and the borrower's answers or the clock's reading; the worker applies the
`Settlement` with one guarded Lua transition, so a release happens once however many
workers, timers and redeliveries see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from screener.domain.config import EarlyReconfirmation, LoanReleaseSettings
from screener.domain.decision import HoldTerms
from screener.domain.history import LoanOnFile
from screener.domain.hold_status import STATUS_CANCELLED, STATUS_HELD, STATUS_RELEASED

# The hold hash's fields this module reads and writes (besides `status`).
LOAN_ID = "loan_id"
PERIOD_ENDS_AT = "period_ends_at"
RECONFIRMATION = "reconfirmation_required"
OFFICER = "officer_required"
RECONFIRMED_AT = "reconfirmed_at"
EARLY_RECONFIRMED_AT = "early_reconfirmed_at"
PERIOD_ENDED_AT = "period_ended_at"
REGULATORY_DONE_AT = "regulatory_satisfied_at"
CANCELLED_AT = "cancelled_at"
VERSION = "release_version"
PROGRESS_FIELDS = (
    "status",
    PERIOD_ENDS_AT,
    RECONFIRMATION,
    OFFICER,
    RECONFIRMED_AT,
    EARLY_RECONFIRMED_AT,
    PERIOD_ENDED_AT,
    REGULATORY_DONE_AT,
    VERSION,
)


def hold_fields(terms: HoldTerms, loan_id: str | None) -> dict[str, str]:
    """The fields a new hold starts with: its terms, and no progress yet."""
    return {
        LOAN_ID: loan_id or "",
        PERIOD_ENDS_AT: terms.period_ends_at.isoformat() if terms.period_ends_at else "",
        RECONFIRMATION: "1" if terms.reconfirmation else "",
        OFFICER: "1" if terms.officer else "",
        RECONFIRMED_AT: "",
        EARLY_RECONFIRMED_AT: "",
        PERIOD_ENDED_AT: "",
        REGULATORY_DONE_AT: "",
        VERSION: "0",
    }


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class HoldProgress:
    """A hold as far as its release is concerned: its terms and what has happened so far.

    A hold made before v1.1 has no terms fields: it ends by its timer, or by an officer.
    """

    hold_id: str
    status: str
    version: int
    terms: HoldTerms
    reconfirmed_at: datetime | None = None  # the reconfirmation that counts
    early_reconfirmed_at: datetime | None = None  # one that came too early and did not
    period_ended: bool = False
    regulatory_done: bool = False

    @classmethod
    def from_fields(cls, hold_id: str, fields: Mapping[str, str]) -> HoldProgress:
        hold_until = fields.get("hold_until") or ""
        legacy = PERIOD_ENDS_AT not in fields
        return cls(
            hold_id=hold_id,
            status=fields.get("status", ""),
            version=int(fields.get(VERSION) or 0),
            terms=HoldTerms(
                period_ends_at=_time(hold_until if legacy else fields.get(PERIOD_ENDS_AT)),
                reconfirmation=fields.get(RECONFIRMATION) == "1",
                officer=not hold_until if legacy else fields.get(OFFICER) == "1",
            ),
            reconfirmed_at=_time(fields.get(RECONFIRMED_AT)),
            early_reconfirmed_at=_time(fields.get(EARLY_RECONFIRMED_AT)),
            period_ended=bool(fields.get(PERIOD_ENDED_AT)),
            regulatory_done=bool(fields.get(REGULATORY_DONE_AT)),
        )


@dataclass(frozen=True, slots=True)
class Settlement:
    """What to change on a hold: fields to set, and a new status or None to stay held.

    Applied only if the hold is still held at `expected_version` (else it is decided again
    on what is there now). `stops_timer`: the worker need not look at it at the period's end.
    """

    hold_id: str
    expected_version: int
    note: str
    status: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    stops_timer: bool = False


def after_answers(
    progress: HoldProgress, loan: LoanOnFile, settings: LoanReleaseSettings
) -> Settlement | None:
    """What the borrower's answers on file do to a hold (after a loan_reconfirmed or a
    loan_cancelled, or when a loan is held whose answers arrived first)."""
    if progress.status != STATUS_HELD:
        return None  # released, refused or decided by an officer: answers come too late
    if loan.cancelled_at is not None:
        cancelled = datetime.fromtimestamp(loan.cancelled_at, UTC)
        return Settlement(
            progress.hold_id,
            progress.version,
            "the borrower cancelled the loan",
            status=STATUS_CANCELLED,
            fields={CANCELLED_AT: cancelled.isoformat()},
            stops_timer=True,
        )
    if not progress.terms.reconfirmation or loan.reconfirmed_at is None:
        return None
    reconfirmed = datetime.fromtimestamp(loan.reconfirmed_at, UTC)
    ends = progress.terms.period_ends_at
    after_period = ends is None or reconfirmed >= ends
    if not after_period and settings.early_reconfirmation is EarlyReconfirmation.AFTER_PERIOD:
        if progress.early_reconfirmed_at == reconfirmed:
            return None
        return Settlement(
            progress.hold_id,
            progress.version,
            f"the borrower reconfirmed during the waiting period: it does not count, the "
            f"borrower must confirm again after {ends}",
            fields={EARLY_RECONFIRMED_AT: reconfirmed.isoformat()},
        )
    if after_period or progress.period_ended:
        return _law_satisfied(progress, {RECONFIRMED_AT: reconfirmed.isoformat()})
    if progress.reconfirmed_at is not None:
        return None  # already kept for the period's end
    return Settlement(
        progress.hold_id,
        progress.version,
        "the borrower reconfirmed during the waiting period: kept, the hold ends with it",
        fields={RECONFIRMED_AT: reconfirmed.isoformat()},
    )


def at_period_end(
    progress: HoldProgress, now: datetime, settings: LoanReleaseSettings
) -> Settlement | None:
    """What the end of a hold's waiting period does (the worker's timer, at `now`)."""
    ends = progress.terms.period_ends_at
    if progress.status != STATUS_HELD or ends is None or now < ends:
        return None
    if not progress.terms.reconfirmation:
        if progress.terms.officer:
            return None
        return Settlement(  # a lender without reconfirmations: the timer alone
            progress.hold_id,
            progress.version,
            "hold period ended",
            status=STATUS_RELEASED,
            stops_timer=True,
        )
    if progress.reconfirmed_at is not None:
        return _law_satisfied(progress, {})
    if progress.period_ended:
        return None
    return Settlement(
        progress.hold_id,
        progress.version,
        "waiting period ended; the borrower has not reconfirmed the loan yet: still held",
        fields={PERIOD_ENDED_AT: ends.isoformat()},
        stops_timer=True,
    )


def _law_satisfied(progress: HoldProgress, fields: Mapping[str, str]) -> Settlement | None:
    """The waiting period has passed and the borrower reconfirmed: released, unless other
    reasons wait for an officer (then the hold stays held, the law's part noted as done)."""
    ends = progress.terms.period_ends_at
    if not progress.terms.officer:
        return Settlement(
            progress.hold_id,
            progress.version,
            "waiting period over and the borrower reconfirmed the loan"
            if ends is not None
            else "the borrower reconfirmed the loan",
            status=STATUS_RELEASED,
            fields=fields,
            stops_timer=True,
        )
    if progress.regulatory_done:
        return None
    done_at = max(
        (t for t in (ends, _time(fields.get(RECONFIRMED_AT)), progress.reconfirmed_at) if t),
        default=None,
    )
    return Settlement(
        progress.hold_id,
        progress.version,
        "the law's part is done (waiting period over, the borrower reconfirmed); other "
        "reasons still need an officer",
        fields={**fields, REGULATORY_DONE_AT: done_at.isoformat() if done_at else ""},
        stops_timer=True,
    )
