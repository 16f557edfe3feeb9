"""What a replay's decisions say about the rules: hits, hold rate, precision and recall.

Definitions (printed in the report too):
- a decision *holds* when its verdict is `hold` or `block`;
- precision = held events labelled `is_fraud` / held events; recall = held events labelled
  `should_stop` / events labelled `should_stop`. Unlabelled events are everyday traffic;
- per rule, a hit is a reason (enforced) or a shadow reason in a decision, and its precision
  and recall count every hit, so a rule in shadow mode can be judged before it is enforced;
- "regulatory only": holds that the law demands (a cooling period, Stop-credit...), reported
  apart from the hold rate: the reasons of the other rules would not hold the event by
  themselves (every reason regulatory, or the others scoring below the hold score).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from screener.backtest.replay import ReplayResult
from screener.domain.decision import combine_scores
from screener.domain.rules import RULES

EVERYDAY = "everyday"  # the scenario of unlabelled events


@dataclass(frozen=True, slots=True)
class RuleStats:
    rule: str
    regulatory: bool
    hits: int  # enforced reasons
    shadow_hits: int
    fraud_hits: int  # hits (either kind) on events labelled is_fraud
    stop_hits: int  # hits on events labelled should_stop
    sole_holds: int  # holds where this rule is the only enforced reason
    should_stop: int  # of the whole replay, the denominator of recall

    @property
    def all_hits(self) -> int:
        return self.hits + self.shadow_hits

    @property
    def precision(self) -> float | None:
        return self.fraud_hits / self.all_hits if self.all_hits else None

    @property
    def recall(self) -> float | None:
        return self.stop_hits / self.should_stop if self.should_stop else None


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    scenario: str
    is_fraud: bool
    instances: int
    decisions: int  # the scenario's screened events (transfers and loans)
    held: int
    should_stop: int
    stopped: int  # should_stop and held
    instances_interrupted: int  # instances with at least one should-stop event held
    amount_at_risk_minor: int  # sum of should-stop amounts
    amount_held_minor: int  # of which held
    fraud_held: int = 0  # held for fraud: the non-regulatory reasons alone would hold

    @property
    def recall(self) -> float | None:
        return self.stopped / self.should_stop if self.should_stop else None

    @property
    def caught(self) -> float | None:
        """Share of the scam's instances with at least one should-stop event held."""
        return self.instances_interrupted / self.instances if self.instances else None

    @property
    def fraud_hold_rate(self) -> float | None:
        """Share of the scenario's events held for fraud (regulatory-only holds apart)."""
        return self.fraud_held / self.decisions if self.decisions else None

    @property
    def hold_rate(self) -> float | None:
        return self.held / self.decisions if self.decisions else None


@dataclass(frozen=True, slots=True)
class HourStats:
    start: datetime  # local hour
    decisions: int
    held: int

    @property
    def hold_rate(self) -> float:
        return self.held / self.decisions if self.decisions else 0.0


@dataclass(frozen=True, slots=True)
class Evaluation:
    config_version: str
    records: int
    decisions: int
    held: int
    blocked: int
    regulatory_only: int
    dead_letters: int
    labelled: bool
    true_positives: int  # held and is_fraud
    should_stop: int
    stopped: int
    rules: tuple[RuleStats, ...]
    scenarios: tuple[ScenarioStats, ...]
    hours: tuple[HourStats, ...]
    decisions_by_id: Mapping[str, dict[str, Any]]
    labels: Mapping[str, dict[str, Any]]
    honest: int = 0  # decisions on events not labelled is_fraud
    honest_fraud_held: int = 0  # of which held for fraud (regulatory-only holds apart)

    @property
    def honest_fraud_hold_rate(self) -> float:
        """Share of honest payments and loans held for fraud: the figure a bank switching
        the screener on cares about (the law's own holds are counted apart)."""
        return self.honest_fraud_held / self.honest if self.honest else 0.0

    @property
    def hold_rate(self) -> float:
        return self.held / self.decisions if self.decisions else 0.0

    @property
    def non_regulatory_hold_rate(self) -> float:
        return (self.held - self.regulatory_only) / self.decisions if self.decisions else 0.0

    @property
    def false_positives(self) -> int:
        return self.held - self.true_positives

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.held if self.labelled and self.held else None

    @property
    def recall(self) -> float | None:
        return self.stopped / self.should_stop if self.should_stop else None

    @property
    def held_ids(self) -> frozenset[str]:
        return frozenset(i for i, d in self.decisions_by_id.items() if is_held(d))


def is_held(decision: Mapping[str, Any]) -> bool:
    return bool(decision["verdict"] != "allow")


def amount_minor(decision: Mapping[str, Any]) -> int:
    """In KZT tiyn: a foreign amount's equivalent (`amount_kzt`), else the amount."""
    whole, _, cents = str(decision.get("amount_kzt") or decision.get("amount", "0")).partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def evaluate(result: ReplayResult, labels: Iterable[Mapping[str, Any]] = ()) -> Evaluation:
    """Score one replay against the labels (none: hit counts and hold rates only)."""
    by_event = {str(label["event_id"]): dict(label) for label in labels}
    decisions = {d["event_id"]: d for d in result.decisions}  # a replayed event: same decision
    regulatory = {spec.rule_id for spec in RULES if spec.regulatory}
    hold_score = result.config.policy.hold_score
    for_fraud = {i for i, d in decisions.items() if _held_for_fraud(d, regulatory, hold_score)}

    def label(event_id: str) -> Mapping[str, Any]:
        return by_event.get(event_id, {})

    held = [d for d in decisions.values() if is_held(d)]
    should_stop = [i for i, lb in by_event.items() if lb.get("should_stop") and i in decisions]
    stopped = sum(1 for i in should_stop if is_held(decisions[i]))
    rules = _rule_stats(decisions, label, regulatory, len(should_stop))
    return Evaluation(
        config_version=result.config.version,
        records=result.records,
        decisions=len(decisions),
        held=len(held),
        blocked=sum(1 for d in held if d["verdict"] == "block"),
        regulatory_only=sum(1 for d in held if d["event_id"] not in for_fraud),
        dead_letters=len(result.dead_letters),
        labelled=bool(by_event),
        true_positives=sum(1 for d in held if label(d["event_id"]).get("is_fraud")),
        should_stop=len(should_stop),
        stopped=stopped,
        rules=rules,
        scenarios=_scenario_stats(decisions, by_event, for_fraud),
        hours=_hours(decisions.values(), result.config.mrp.zone),
        decisions_by_id=decisions,
        labels=by_event,
        honest=sum(1 for i in decisions if not label(i).get("is_fraud")),
        honest_fraud_held=sum(
            1 for i, d in decisions.items() if not label(i).get("is_fraud") and i in for_fraud
        ),
    )


def _rule_stats(
    decisions: Mapping[str, Mapping[str, Any]],
    label: Any,
    regulatory: set[str],
    should_stop: int,
) -> tuple[RuleStats, ...]:
    hits: Counter[str] = Counter()
    shadow: Counter[str] = Counter()
    fraud: Counter[str] = Counter()
    stop: Counter[str] = Counter()
    sole: Counter[str] = Counter()
    for event_id, decision in decisions.items():
        lb = label(event_id)
        fired = {r["rule"] for r in decision["reasons"]} | {
            r["rule"] for r in decision.get("shadow_reasons", ())
        }
        hits.update(r["rule"] for r in decision["reasons"])
        shadow.update(r["rule"] for r in decision.get("shadow_reasons", ()))
        if lb.get("is_fraud"):
            fraud.update(fired)
        if lb.get("should_stop"):
            stop.update(fired)
        if is_held(decision) and len(decision["reasons"]) == 1:
            sole[decision["reasons"][0]["rule"]] += 1
    known = [spec.rule_id for spec in RULES]
    ids = known + sorted((set(hits) | set(shadow)) - set(known))
    return tuple(
        RuleStats(
            rule=rule,
            regulatory=rule in regulatory,
            hits=hits[rule],
            shadow_hits=shadow[rule],
            fraud_hits=fraud[rule],
            stop_hits=stop[rule],
            sole_holds=sole[rule],
            should_stop=should_stop,
        )
        for rule in ids
    )


def _scenario_stats(
    decisions: Mapping[str, Mapping[str, Any]],
    labels: Mapping[str, Mapping[str, Any]],
    for_fraud: set[str],
) -> tuple[ScenarioStats, ...]:
    groups: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    for event_id, lb in labels.items():
        groups[str(lb["scenario"])].append((event_id, lb))
    everyday: list[tuple[str, Mapping[str, Any]]] = [
        (event_id, {"scenario": EVERYDAY, "instance": EVERYDAY})
        for event_id in decisions
        if event_id not in labels
    ]
    if labels:
        # A population may label its everyday traffic "everyday" itself: one row for both.
        groups[EVERYDAY].extend(everyday)
    stats = []
    for scenario, members in groups.items():
        screened = [(i, lb) for i, lb in members if i in decisions]
        stop = [(i, lb) for i, lb in screened if lb.get("should_stop")]
        stopped = [(i, lb) for i, lb in stop if is_held(decisions[i])]
        stats.append(
            ScenarioStats(
                scenario=scenario,
                is_fraud=any(lb.get("is_fraud") for _, lb in members),
                instances=len({lb["instance"] for _, lb in members}),
                decisions=len(screened),
                held=sum(1 for i, _ in screened if is_held(decisions[i])),
                should_stop=len(stop),
                stopped=len(stopped),
                instances_interrupted=len({lb["instance"] for _, lb in stopped}),
                amount_at_risk_minor=sum(amount_minor(decisions[i]) for i, _ in stop),
                amount_held_minor=sum(amount_minor(decisions[i]) for i, _ in stopped),
                fraud_held=sum(1 for i, _ in screened if i in for_fraud),
            )
        )
    # Scams first, then the benign look-alikes, then everyday traffic.
    return tuple(sorted(stats, key=lambda s: (not s.is_fraud, s.scenario == EVERYDAY, s.scenario)))


def _held_for_fraud(decision: Mapping[str, Any], regulatory: set[str], hold_score: int) -> bool:
    """Held, and not only because the law demands it (a cooling period, Stop-credit...):
    the other rules' reasons, combined as the policy combines them, reach the hold score.
    A large online loan held for its cooling period with one weak fraud signal beside it
    is held by the law."""
    if not is_held(decision):
        return False
    reasons = decision["reasons"]
    if not reasons:
        return True  # held with no reason given (the safety net): count it against the rules
    fraud_scores = [int(r["score"]) for r in reasons if r["rule"] not in regulatory]
    return bool(fraud_scores) and combine_scores(fraud_scores) >= hold_score


def _hours(decisions: Iterable[Mapping[str, Any]], zone: ZoneInfo) -> tuple[HourStats, ...]:
    counts: Counter[datetime] = Counter()
    holds: Counter[datetime] = Counter()
    for decision in decisions:
        hour = (
            datetime.fromisoformat(decision["decided_at"])
            .astimezone(zone)
            .replace(minute=0, second=0, microsecond=0)
        )
        counts[hour] += 1
        holds[hour] += is_held(decision)
    return tuple(HourStats(hour, counts[hour], holds[hour]) for hour in sorted(counts))


@dataclass(frozen=True, slots=True)
class Difference:
    """An event one configuration held and the other did not."""

    decision: Mapping[str, Any]  # the decision of the configuration that held it
    other: Mapping[str, Any]  # the other configuration's decision
    label: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Comparison:
    a: Evaluation
    b: Evaluation
    only_a: tuple[Difference, ...]
    only_b: tuple[Difference, ...]


def compare(a: Evaluation, b: Evaluation) -> Comparison:
    """What each configuration held that the other did not, in event order."""

    def only(first: Evaluation, second: Evaluation) -> tuple[Difference, ...]:
        missing = first.held_ids - second.held_ids
        return tuple(
            Difference(d, second.decisions_by_id.get(i, {}), first.labels.get(i, {}))
            for i, d in first.decisions_by_id.items()
            if i in missing
        )

    return Comparison(a, b, only(a, b), only(b, a))
