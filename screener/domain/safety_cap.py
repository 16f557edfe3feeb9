"""The safety cap: a runaway rule must not freeze a bank's payments, and nobody may use the
cap to switch the fraud rules off.

A rule is capped when, over the last `window_seconds` of event time, it held a far larger
share of the decisions than it did in its own recent past (the `baseline_hours` complete
hours before the current one): above `max_hold_rate` and above `baseline_factor` times its
baseline share, with at least `min_decisions` decisions in the window so a quiet night's
two holds do not trip it. A customer counts with the first `per_customer` decisions in the
window only, so no one customer's burst trips it. Only that rule's hits turn into capped
shadow reasons; every other rule keeps holding, and regulatory rules are never capped.

Decisions that a regulatory rule held or blocked (cooling period, Stop-credit, age
reconfirmation, first loan in person) count for no rule: 250 refused Stop-credit
applications cannot lift the holds of the fraud rules. A capped rule's hits still count as
its holds, so the cap stays on while the rule runs away instead of flapping.

The counts are kept per minute (the window) and per hour (the baseline) of event time in
the store, loaded and saved with each batch, so all the workers of a group see the same
rates (one batch late at most) and a replay decides as the live run did. A rule that runs
away for hours slowly becomes its own baseline: with the defaults (24 h, factor 5) it stays
capped for about five hours, long enough for the alert to be answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screener.domain.events import LoanApproval, Transfer
from screener.domain.history import CustomerHistory

MINUTE, HOUR = 60, 3600
# The field of a bucket counting all its decisions; the others are rule ids.
DECISIONS = "_decisions"

# A bucket's counts: field (DECISIONS or a rule id) -> count. Buckets are named by their
# size and start: "m1772460000" counts a minute, "h1772458800" an hour.
BucketCounts = dict[str, int]


@dataclass(frozen=True, slots=True)
class SafetyCapSettings:
    window_seconds: float
    max_hold_rate: float
    min_decisions: int
    baseline_hours: int = 24
    baseline_factor: float = 5.0
    # A customer's decisions count toward the rates only while the customer made fewer
    # than this many transfers and loans in the window before (0: all count).
    per_customer: int = 0

    def keep_seconds(self, bucket: str) -> int:
        """How long a bucket must be kept to be read, with a margin."""
        if bucket.startswith("m"):
            return int(self.window_seconds) + 2 * MINUTE
        return (self.baseline_hours + 2) * HOUR


SCREENED_TYPES = frozenset({Transfer.type, LoanApproval.type})  # what gets a decision


def counts_toward_cap(history: CustomerHistory, at: float, settings: SafetyCapSettings) -> bool:
    """Does a decision of this customer at `at` count toward the rates? A runaway rule holds
    many customers; one customer's burst of payments is one customer. Counting every one of
    forty held transfers from one account let that account switch two fraud rules off for
    the whole bank (the third black-box probe), and a fraudster could do so on purpose
    before the real attack. Only the first `per_customer` decisions of a customer in the
    window count, held or not."""
    if not settings.per_customer:
        return True
    earlier = history.since(at - settings.window_seconds, at, SCREENED_TYPES)
    return len(earlier) < settings.per_customer


def _start(at: float, size: int) -> int:
    return int(at // size) * size


def _minutes(settings: SafetyCapSettings, now: float) -> list[str]:
    """The minute buckets of the window ending at `now` (the current one included)."""
    last = _start(now, MINUTE)
    count = max(1, -(-int(settings.window_seconds) // MINUTE))
    return [f"m{last - MINUTE * n}" for n in range(count)]


def _hours(settings: SafetyCapSettings, now: float) -> list[str]:
    """The complete hours before the current one: the baseline. The current hour is left
    out so that a rule running away now does not raise its own baseline for an hour."""
    current = _start(now, HOUR)
    return [f"h{current - HOUR * n}" for n in range(1, settings.baseline_hours + 1)]


# Most buckets of each size one batch reads: a backlog batch spanning days reads the
# windows of its latest four hours and the baselines of its latest week.
MAX_MINUTES, MAX_HOURS = 240, 24 * 8


def buckets_needed(settings: SafetyCapSettings, earliest: float, latest: float) -> list[str]:
    """The buckets a `SafetyCap` reads for decisions from `earliest` to `latest`: the
    windows' minutes and the baselines' hours."""
    first_minute = _start(earliest - settings.window_seconds, MINUTE)
    last_minute = _start(latest, MINUTE)
    minutes = range(last_minute, first_minute - 1, -MINUTE)[:MAX_MINUTES]
    first_hour = _start(earliest, HOUR) - settings.baseline_hours * HOUR
    last_hour = _start(latest, HOUR) - HOUR
    hours = range(last_hour, first_hour - 1, -HOUR)[:MAX_HOURS]
    return [f"m{start}" for start in minutes] + [f"h{start}" for start in hours]


@dataclass(frozen=True, slots=True)
class CapState:
    """Why a rule is capped (or not): its share of decisions now and before."""

    rule: str
    rate: float
    baseline_rate: float
    decisions: int


class SafetyCap:
    """The stored counts plus this batch's, and which rules are capped at a given time."""

    def __init__(self, settings: SafetyCapSettings, stored: Mapping[str, Mapping[str, int]]):
        self.settings = settings
        self._counts: dict[str, BucketCounts] = {b: dict(c) for b, c in stored.items()}
        self.increments: dict[str, BucketCounts] = {}  # what this batch adds, to be saved
        self._summed_at: tuple[int, int] | None = None  # (minute, hour) the sums are for
        self._window: BucketCounts = {}
        self._baseline: BucketCounts = {}
        self._window_buckets: frozenset[str] = frozenset()
        self._capped: frozenset[str] | None = None  # for the sums as they are

    def count(self, at: float, holding_rules: Iterable[str]) -> None:
        """One decision at `at`, held by `holding_rules` (empty for an allow or a hold the
        law demanded). A capped rule's hits count too: the cap holds while it runs away."""
        fields = (DECISIONS, *holding_rules)
        if len(fields) > 1:
            # Only a hold can cap a rule. An allow lowers every rate, so it could only lift
            # a cap: that waits for the next hold or the next minute (the hot path screens
            # hundreds of allows per batch without recounting).
            self._capped = None
        for bucket in (f"m{_start(at, MINUTE)}", f"h{_start(at, HOUR)}"):
            for counts in (self._counts, self.increments):
                _add(counts.setdefault(bucket, {}), fields)
            if bucket in self._window_buckets:
                _add(self._window, fields)

    def capped_rules(self, now: float) -> frozenset[str]:
        if self._sum_at(now) or self._capped is None:
            self._capped = frozenset(state.rule for state in self.states(now) if self._trips(state))
        return self._capped

    def states(self, now: float) -> list[CapState]:
        """Every rule that held in the window, with its rates."""
        self._sum_at(now)
        decisions = self._window.get(DECISIONS, 0)
        baseline_decisions = self._baseline.get(DECISIONS, 0)
        return [
            CapState(
                rule,
                held / decisions if decisions else 0.0,
                (self._baseline.get(rule, 0) / baseline_decisions) if baseline_decisions else 0.0,
                decisions,
            )
            for rule, held in self._window.items()
            if rule != DECISIONS
        ]

    def _trips(self, state: CapState) -> bool:
        settings = self.settings
        return state.decisions >= settings.min_decisions and state.rate > max(
            settings.max_hold_rate, settings.baseline_factor * state.baseline_rate
        )

    def _sum_at(self, now: float) -> bool:
        """Sum the window and the baseline as seen at `now`, once per minute; True when the
        sums were made anew."""
        key = (_start(now, MINUTE), _start(now, HOUR))
        if self._summed_at == key:
            return False
        self._summed_at = key
        self._window_buckets = frozenset(_minutes(self.settings, now))
        self._window, self._baseline = {}, {}
        for bucket in self._window_buckets:
            _merge(self._window, self._counts.get(bucket, {}))
        for bucket in _hours(self.settings, now):
            _merge(self._baseline, self._counts.get(bucket, {}))
        return True


def _add(counts: BucketCounts, fields: Iterable[str]) -> None:
    for name in fields:
        counts[name] = counts.get(name, 0) + 1


def _merge(total: BucketCounts, counts: Mapping[str, int]) -> None:
    for name, value in counts.items():
        total[name] = total.get(name, 0) + value
