"""Reasons, verdicts and the policy that combines reasons into one decision."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import IntEnum
from typing import Any


class Verdict(IntEnum):
    """Ordered so that the stricter verdict is the larger one."""

    ALLOW = 0
    HOLD = 1
    BLOCK = 2

    @property
    def label(self) -> str:
        return self.name.lower()


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
    # An account this hit found to be a dropper's: it goes to the block list until then.
    block_account: str | None = None
    block_until: datetime | None = None

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


def combine_scores(scores: list[int]) -> int:
    """Combine independent rule scores as a noisy-OR: 1 - Π(1 - s/100), in 0..100.

    Two weak signals add up to more than either, yet the total never passes 100 and no
    single rule's score is diluted by others.
    """
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - min(max(score, 0), 100) / 100.0
    return round(100 * (1.0 - remaining))


def decide(hits: list[RuleHit], thresholds: PolicyThresholds) -> Outcome:
    """Turn the rules' hits into a verdict.

    The verdict is the strictest of what the score reaches and what any enforced rule
    demands. Shadow hits are reported but change nothing. A hold lifts by itself only when
    every reason that holds it has a `hold_until`; the latest of those wins.
    """
    enforced = [hit for hit in hits if not hit.shadow]
    shadow = tuple(hit for hit in hits if hit.shadow)
    score = combine_scores([hit.score for hit in enforced])

    verdict = _verdict_of(enforced, score, thresholds)
    return Outcome(
        verdict=verdict,
        score=score,
        reasons=tuple(enforced),
        shadow_reasons=shadow,
        hold_until=_self_lifting_until(enforced, verdict, thresholds),
    )


def _verdict_of(hits: list[RuleHit], score: int, thresholds: PolicyThresholds) -> Verdict:
    verdict = Verdict.ALLOW
    if score >= thresholds.block_score:
        verdict = Verdict.BLOCK
    elif score >= thresholds.hold_score:
        verdict = Verdict.HOLD
    for hit in hits:
        verdict = max(verdict, hit.min_verdict)
    return verdict


def _self_lifting_until(
    enforced: list[RuleHit], verdict: Verdict, thresholds: PolicyThresholds
) -> datetime | None:
    """When a hold lifts by itself, or None when an officer must decide.

    The reasons without an end (a dropper signal, say) are judged on their own: if they
    would hold the payment by themselves, an officer decides; otherwise the hold ends when
    the latest timed reason (a cooling period) ends.
    """
    if verdict is not Verdict.HOLD:
        return None
    timed = [hit.hold_until for hit in enforced if hit.hold_until is not None]
    untimed = [hit for hit in enforced if hit.hold_until is None]
    untimed_score = combine_scores([hit.score for hit in untimed])
    if not timed or _verdict_of(untimed, untimed_score, thresholds) >= Verdict.HOLD:
        return None
    return max(timed)
