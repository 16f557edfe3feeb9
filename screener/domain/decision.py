"""Reasons, verdicts and the policy that combines reasons into one decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum, IntEnum
from typing import Any

from screener.domain.calendar import Suspension


class Verdict(IntEnum):
    """Ordered so that the stricter verdict is the larger one."""

    ALLOW = 0
    HOLD = 1
    BLOCK = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class ReleaseMode(Enum):
    """Whether the lender publishes the borrower's reconfirmations (rules file `loan_release`)."""

    # A cooling-period hold ends when its period has passed and the borrower reconfirmed; an
    # age hold when the borrower reconfirmed (`loan_reconfirmed` on bank.customer-events).
    RECONFIRMATION = "reconfirmation"
    # For lenders that do not publish reconfirmations yet: a cooling-period hold lifts when
    # its period ends and an age hold waits for an officer (the behaviour before v1.1).
    TIMER_ONLY = "timer_only"


@dataclass(frozen=True, slots=True)
class HoldTerms:
    """What a hold waits for, fixed when it is made.

    `period_ends_at`: the end of the law's waiting period (the latest timed reason);
    `reconfirmation`: the borrower must confirm the loan again; `officer`: other reasons
    hold by themselves, so an officer decides whatever the law's part says.
    """

    period_ends_at: datetime | None = None
    reconfirmation: bool = False
    officer: bool = True

    @property
    def wakes_at(self) -> datetime | None:
        """When the worker must look at the hold again by itself: at the period's end when
        it releases the hold then, or notes the law's part done, or starts waiting for the
        borrower; never for a hold only an officer ends."""
        if self.reconfirmation or not self.officer:
            return self.period_ends_at
        return None


@dataclass(frozen=True, slots=True)
class Message:
    """One explanation in the three languages officers and customers read."""

    en: str
    ru: str
    kk: str

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "ru": self.ru, "kk": self.kk}


@dataclass(frozen=True, slots=True)
class RuleHit:
    """What one rule found: its score, the verdict it demands at least, and why.

    `min_verdict` is how regulatory rules (a cooling period, Stop-credit) force a verdict
    whatever the score. `hold_until` is when a hold lifts by itself; None means an officer
    must decide. `measured` keeps the values the rule compared, for officers and auditors.
    """

    rule: str
    score: int
    message: Message
    min_verdict: Verdict = Verdict.ALLOW
    hold_until: datetime | None = None
    measured: dict[str, Any] = field(default_factory=dict)
    shadow: bool = False
    capped: bool = False  # made a shadow hit by the hold-rate safety cap
    # The law's reasons the borrower's reconfirmation of the loan satisfies (with the
    # waiting period, if `hold_until` is set); ignored when the lender does not publish them.
    until_reconfirmed: bool = False
    # An account this hit found to be a dropper's: it goes to the block list until then.
    block_account: str | None = None
    block_until: datetime | None = None
    suspension: Suspension | None = None  # how `block_until` was counted in business days
    # An account this hit found mule evidence on: suspended (payments to and from it wait
    # for an officer) until then. Not the block list: refusing needs an officer or the AFC.
    suspend_account: str | None = None
    suspend_until: datetime | None = None
    # False for heuristic findings (mule evidence, how money moves; set from the rule's
    # RuleSpec) that may hold a payment but never refuse it: refusing takes a list, the
    # law, a takeover sign or an officer's confirmation.
    may_refuse: bool = True

    def as_capped(self) -> RuleHit:
        return replace(self, shadow=True, capped=True)

    def as_uncapped(self) -> RuleHit:
        return replace(self, shadow=False, capped=False)

    def as_reason(self) -> dict[str, Any]:
        reason: dict[str, Any] = {
            "rule": self.rule,
            "score": self.score,
            "message": self.message.as_dict(),
        }
        if self.measured:
            reason["measured"] = self.measured
        if self.hold_until is not None:
            reason["hold_until"] = self.hold_until.isoformat()
        if self.capped:
            reason["capped"] = True
        return reason


@dataclass(frozen=True, slots=True)
class PolicyThresholds:
    hold_score: int
    block_score: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict the policy reached, before it is stamped with ids and times."""

    verdict: Verdict
    score: int
    reasons: tuple[RuleHit, ...]
    shadow_reasons: tuple[RuleHit, ...]
    hold_until: datetime | None
    terms: HoldTerms = field(default_factory=HoldTerms)

    @property
    def reconfirmation_required(self) -> bool:
        """The payout waits for the borrower's reconfirmation too, not only `hold_until`."""
        return self.verdict is Verdict.HOLD and self.terms.reconfirmation


def combine_scores(scores: list[int]) -> int:
    """Combine independent rule scores as a noisy-OR: 1 - Π(1 - s/100), in 0..100.

    Two weak signals add up to more than either, yet the total never passes 100 and no
    single rule's score is diluted by others.
    """
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - min(max(score, 0), 100) / 100.0
    return round(100 * (1.0 - remaining))


def decide(
    hits: list[RuleHit],
    thresholds: PolicyThresholds,
    release: ReleaseMode = ReleaseMode.TIMER_ONLY,
) -> Outcome:
    """Turn the rules' hits into a verdict.

    The verdict is the strictest of what the score reaches and what any enforced rule
    demands. Shadow hits are reported but change nothing. A hold lifts by itself only when
    every reason that holds it ends by itself (its `hold_until` passes, or, when the lender
    publishes them, the borrower reconfirms); `hold_until` is then the latest period's end.
    """
    enforced = [hit for hit in hits if not hit.shadow]
    shadow = tuple(hit for hit in hits if hit.shadow)
    score = combine_scores([hit.score for hit in enforced])

    verdict = _verdict_of(enforced, score, thresholds)
    terms = _terms(enforced, verdict, thresholds, release)
    return Outcome(
        verdict=verdict,
        score=score,
        reasons=tuple(enforced),
        shadow_reasons=shadow,
        hold_until=None if terms.officer else terms.period_ends_at,
        terms=terms,
    )


def _verdict_of(hits: list[RuleHit], score: int, thresholds: PolicyThresholds) -> Verdict:
    """The strictest of the score's verdict and the hits' own. Only hits that may refuse
    count towards the block score: heuristic findings add up to a hold at most."""
    verdict = Verdict.ALLOW
    refusing = combine_scores([hit.score for hit in hits if hit.may_refuse])
    if score >= thresholds.block_score and refusing >= thresholds.block_score:
        verdict = Verdict.BLOCK
    elif score >= thresholds.hold_score:
        verdict = Verdict.HOLD
    for hit in hits:
        verdict = max(verdict, hit.min_verdict)
    return verdict


def _terms(
    enforced: list[RuleHit], verdict: Verdict, thresholds: PolicyThresholds, release: ReleaseMode
) -> HoldTerms:
    """What a hold waits for.

    The reasons that do not end by themselves (a dropper signal, a first loan needing a
    branch visit) are judged on their own: if they would hold the payment by themselves, an
    officer decides; otherwise the hold ends when the law's part is done.
    """
    if verdict is not Verdict.HOLD:
        return HoldTerms()
    reconfirmable = release is ReleaseMode.RECONFIRMATION

    def ends_by_itself(hit: RuleHit) -> bool:
        return hit.hold_until is not None or (reconfirmable and hit.until_reconfirmed)

    self_ending = [hit for hit in enforced if ends_by_itself(hit)]
    others = [hit for hit in enforced if not ends_by_itself(hit)]
    others_score = combine_scores([hit.score for hit in others])
    timed = [hit.hold_until for hit in enforced if hit.hold_until is not None]
    return HoldTerms(
        period_ends_at=max(timed) if timed else None,
        reconfirmation=reconfirmable and any(hit.until_reconfirmed for hit in enforced),
        officer=not self_ending or _verdict_of(others, others_score, thresholds) >= Verdict.HOLD,
    )
