"""Officers' verdicts as data: each rule's precision over a recent period, and labels.

A hold an officer confirmed as fraud is a true positive of every rule among its reasons;
one an officer released (not one whose cooling period simply ended) is a false positive.
The same verdicts become labels for `screener backtest` (`screener labels export`), so the
rules are judged on the bank's own traffic, not only on generated scenarios.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from screener.api import views
from screener.api.store import ReviewStore
from screener.domain.hold_status import STATUS_CONFIRMED_FRAUD, STATUS_RELEASED

# Audit entries read to find recently resolved holds (the stream indexes them).
AUDIT_ENTRIES_READ = 100_000
OFFICER_VERDICT = "officer_verdict"  # the scenario name of exported labels


def officer_verdict(fields: Mapping[str, str]) -> bool | None:
    """True: fraud confirmed; False: released by a person; None: no verdict (open, or the
    hold lifted by itself when its waiting period ended)."""
    status = fields.get("status")
    if status == STATUS_CONFIRMED_FRAUD:
        return True
    if status == STATUS_RELEASED and fields.get("resolved_by") not in ("", "screener", None):
        return False
    return None


def resolved_within(fields: Mapping[str, str], since: datetime) -> bool:
    resolved = views.parse_time(fields.get("resolved_at"))
    return resolved is not None and resolved >= since


def rule_precision(holds: Iterable[Mapping[str, str]], since: datetime) -> list[dict[str, Any]]:
    """Per rule among the reasons of holds an officer decided since `since`: how many were
    confirmed, how many released, and the precision confirmed / (confirmed + released)."""
    confirmed: Counter[str] = Counter()
    released: Counter[str] = Counter()
    for fields in holds:
        verdict = officer_verdict(fields)
        if verdict is None or not resolved_within(fields, since):
            continue
        rules = {str(reason.get("rule")) for reason in views.reasons_of(fields)}
        (confirmed if verdict else released).update(rules)
    return [
        {
            "rule": rule,
            "confirmed_fraud": confirmed[rule],
            "released": released[rule],
            "precision": round(confirmed[rule] / (confirmed[rule] + released[rule]), 4),
        }
        for rule in sorted(set(confirmed) | set(released))
    ]


def labels_of(holds: Iterable[Mapping[str, str]], since: datetime) -> list[dict[str, Any]]:
    """Decided holds as `screener backtest --labels` lines: confirmed fraud is fraud that
    should have been stopped; a release is an honest payment."""
    lines = []
    for fields in holds:
        verdict = officer_verdict(fields)
        if verdict is None or not resolved_within(fields, since):
            continue
        lines.append(
            {
                "event_id": fields.get("event_id", ""),
                "event_type": fields.get("event_type", ""),
                "scenario": OFFICER_VERDICT,
                "instance": fields.get("event_id", ""),
                "role": fields.get("status", ""),
                "is_fraud": verdict,
                "should_stop": verdict,
            }
        )
    return lines


async def decided_holds(store: ReviewStore) -> list[dict[str, str]]:
    """Holds named in the recent audit stream (where every status change is written)."""
    ids = await store.recent_hold_ids(AUDIT_ENTRIES_READ)
    return [fields for fields in await store.holds(ids) if fields]


def period_start(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
