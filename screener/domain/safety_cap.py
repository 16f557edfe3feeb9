"""The hold-rate safety cap: a runaway rule must not freeze a bank's payments.

When more than `max_hold_rate` of the decisions in the last `window_seconds` held or
blocked (and there were at least `min_decisions` of them, so a quiet night's two holds do
not trip it), holds from non-regulatory rules turn into shadow reasons until the rate falls.
Regulatory rules (cooling period, Stop-credit, first loan in person) are never capped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SafetyCapSettings:
    window_seconds: float
    max_hold_rate: float
    min_decisions: int


class HoldRateWindow:
    """Recent decisions (time, held?) and the hold rate among them."""

    def __init__(self, settings: SafetyCapSettings) -> None:
        self.settings = settings
        self._decisions: deque[tuple[float, bool]] = deque()
        self._held = 0

    def add(self, at: float, held: bool) -> None:
        self._decisions.append((at, held))
        self._held += held
        self._expire(at)

    def _expire(self, now: float) -> None:
        horizon = now - self.settings.window_seconds
        while self._decisions and self._decisions[0][0] < horizon:
            _, held = self._decisions.popleft()
            self._held -= held

    def rate(self) -> float:
        return self._held / len(self._decisions) if self._decisions else 0.0

    def tripped(self, now: float) -> bool:
        self._expire(now)
        return (
            len(self._decisions) >= self.settings.min_decisions
            and self.rate() > self.settings.max_hold_rate
        )
