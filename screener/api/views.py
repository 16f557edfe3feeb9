"""What officers see: holds, timelines and account profiles as JSON. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from screener.domain.accounts import Flow
from screener.domain.hold_status import STATUS_HELD
from screener.records import amount_text

COOLING_PERIOD_RULE = "cooling_period"
RECENT_FLOWS_SHOWN = 20


def moment(epoch_seconds: float) -> str:
    return datetime.fromtimestamp(epoch_seconds, UTC).isoformat()


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def reasons_of(fields: Mapping[str, str]) -> list[dict[str, Any]]:
    try:
        reasons = orjson.loads(fields.get("reasons") or "[]")
    except orjson.JSONDecodeError:
        return []
    return [r for r in reasons if isinstance(r, dict)] if isinstance(reasons, list) else []


def is_cooling_period(fields: Mapping[str, str]) -> bool:
    """A legal waiting period (CONTRACT: rule `cooling_period`): only a supervisor lifts it,
    until the worker notes the law's part done (period over, the borrower reconfirmed)."""
    if fields.get("regulatory_satisfied_at"):
        return False
    return any(reason.get("rule") == COOLING_PERIOD_RULE for reason in reasons_of(fields))


def loan_release_view(fields: Mapping[str, str]) -> dict[str, Any] | None:
    """What a held loan waits for and what has happened (screener/domain/loan_release.py):
    the end of its waiting period, the borrower's reconfirmation, whether an officer decides
    anyway and whether the law's part is done. None for a hold made before v1.1."""
    if "period_ends_at" not in fields:
        return None
    return {
        "loan_id": fields.get("loan_id") or None,
        "period_ends_at": fields.get("period_ends_at") or None,
        "period_ended_at": fields.get("period_ended_at") or None,
        "reconfirmation_required": fields.get("reconfirmation_required") == "1",
        "reconfirmed_at": fields.get("reconfirmed_at") or None,
        "early_reconfirmed_at": fields.get("early_reconfirmed_at") or None,
        "officer_required": fields.get("officer_required") == "1",
        "regulatory_satisfied_at": fields.get("regulatory_satisfied_at") or None,
        "cancelled_at": fields.get("cancelled_at") or None,
    }


# Reasons whose account a suspension on mule evidence concerns (see domain/rules).
_SUSPENSION_RULES = frozenset({"suspended_account", "mule_evidence"})


def suspended_accounts(fields: Mapping[str, str]) -> list[str]:
    """Accounts a hold's reasons name as suspended on mule evidence (or suspended by it)."""
    found: list[str] = []
    for reason in reasons_of(fields):
        account = (reason.get("measured") or {}).get("account")
        if reason.get("rule") in _SUSPENSION_RULES and account and account not in found:
            found.append(str(account))
    return found


def score_of(fields: Mapping[str, str]) -> int:
    try:
        return int(fields.get("score") or 0)
    except ValueError:
        return 0


def hold_view(
    hold_id: str,
    fields: Mapping[str, str],
    claim: Mapping[str, str] | None,
    now: datetime,
    sla: timedelta,
) -> dict[str, Any]:
    """One hold as the queue and the detail show it, with its age against the service level.

    An open hold ages with the clock; a resolved one keeps the age it had when resolved.
    """
    reasons = reasons_of(fields)
    created = parse_time(fields.get("created_at"))
    resolved = parse_time(fields.get("resolved_at"))
    status = fields.get("status", "")
    is_open = status == STATUS_HELD
    end = now if is_open or resolved is None else resolved
    age = max(0.0, (end - created).total_seconds()) if created else 0.0
    return {
        "hold_id": hold_id,
        "event_id": fields.get("event_id", hold_id),
        "event_type": fields.get("event_type", ""),
        "customer_id": fields.get("customer_id", ""),
        "amount": fields.get("amount", ""),
        "currency": fields.get("currency") or "KZT",
        "verdict": fields.get("verdict", ""),
        "status": status,
        "score": score_of(fields),
        "reasons": reasons,
        "rules": [str(reason.get("rule", "")) for reason in reasons],
        "created_at": fields.get("created_at", ""),
        "hold_until": fields.get("hold_until") or None,
        "resolved_at": fields.get("resolved_at") or None,
        "resolved_by": fields.get("resolved_by") or None,
        "note": fields.get("note", ""),
        "sender_account": fields.get("sender_account") or None,
        "receiver_account": fields.get("receiver_account") or None,
        "cooling_period": is_cooling_period(fields),
        "loan_release": loan_release_view(fields),
        "age_seconds": round(age, 1),
        "sla": {
            "minutes": int(sla.total_seconds() // 60),
            "due_at": (created + sla).isoformat() if created else None,
            "overdue": is_open and age > sla.total_seconds(),
            "remaining_seconds": round(sla.total_seconds() - age, 1) if is_open else None,
        },
        "claim": dict(claim) if claim else None,
        # Four eyes: the first officer's request to release a high-score hold.
        "release_request": (
            {
                "by": fields["release_requested_by"],
                "at": fields.get("release_requested_at", ""),
                "note": fields.get("release_request_note", ""),
            }
            if fields.get("release_requested_by")
            else None
        ),
    }


def timeline_view(
    history: Mapping[str, Any] | None, hold_id: str, event_type: str | None = None
) -> list[dict[str, Any]]:
    """The customer's recent events, oldest first, the held one marked, later ones flagged.
    The held event is known by its id and, where given, its type: a login may share a
    transfer's id (a bank counting ids per topic)."""
    if not history:
        return []
    entries = [e for e in history.get("entries", []) if isinstance(e, dict)]

    def is_held(entry: Mapping[str, Any]) -> bool:
        return entry.get("event_id") == hold_id and event_type in (None, entry.get("type"))

    held_at = next((e["at"] for e in entries if is_held(e)), None)
    return [
        {
            "event_id": entry.get("event_id", ""),
            "type": entry.get("type", ""),
            "at": moment(float(entry.get("at", 0))),
            "amount": amount_text(int(entry["amount_minor"]))
            if entry.get("amount_minor")
            else None,
            "attrs": entry.get("attrs", {}),
            "held_event": is_held(entry),
            "after_hold": held_at is not None and float(entry.get("at", 0)) > float(held_at),
        }
        for entry in sorted(entries, key=lambda e: float(e.get("at", 0)))
    ]


def customer_view(customer_id: str, history: Mapping[str, Any] | None) -> dict[str, Any]:
    history = history or {}
    optout_set, optout_lifted = history.get("optout_set_at"), history.get("optout_lifted_at")
    return {
        "customer_id": customer_id,
        "fraud_reports": int(history.get("fraud_reports", 0)),
        "last_fraud_report_at": moment(history["last_fraud_report_at"])
        if history.get("last_fraud_report_at")
        else None,
        "loan_optout_active": optout_set is not None
        and (optout_lifted is None or optout_lifted < optout_set),
    }


def flow_view(flow: Flow) -> dict[str, Any]:
    return {
        "event_id": flow.event_id,
        "at": moment(flow.at),
        "amount": amount_text(flow.amount_minor),
        "counterparty": flow.counterparty,
        "party": flow.party,
        "receiver_kind": flow.receiver_kind,
        "receiver_country": flow.receiver_country,
    }


def _totals(flows: Sequence[Flow]) -> dict[str, Any]:
    return {"count": len(flows), "total": amount_text(sum(f.amount_minor for f in flows))}


def account_profile(
    account: str,
    inbound: Sequence[Flow],
    outbound: Sequence[Flow],
    info: Mapping[str, str],
    block: Mapping[str, Any] | None,
    block_seconds_left: int | None,
    now: datetime,
) -> dict[str, Any]:
    """A receiving account at a glance: who paid it in the last day, money in and out over
    the kept window, and whether it is blocked. The last day is counted back from `now`."""
    day_start = (now - timedelta(days=1)).timestamp()
    inbound_day = [f for f in inbound if f.at > day_start]
    outbound_day = [f for f in outbound if f.at > day_start]
    opened_at = info.get("opened_at")
    return {
        "account": account,
        "holder_id": info.get("holder_id") or None,
        "opened_at": moment(float(opened_at)) if opened_at else None,
        "blocked": block is not None,
        "block": dict(block) if block else None,
        "block_seconds_left": block_seconds_left,
        "last_day": {
            "senders": len({f.party or f.counterparty for f in inbound_day}),
            "inbound": _totals(inbound_day),
            "outbound": _totals(outbound_day),
        },
        "window": {
            "since": moment(min(f.at for f in (*inbound, *outbound)))
            if inbound or outbound
            else None,
            "senders": len({f.party or f.counterparty for f in inbound}),
            "inbound": _totals(inbound),
            "outbound": _totals(outbound),
        },
        "recent_inbound": [flow_view(f) for f in sorted(inbound, key=lambda f: -f.at)][
            :RECENT_FLOWS_SHOWN
        ],
        "recent_outbound": [flow_view(f) for f in sorted(outbound, key=lambda f: -f.at)][
            :RECENT_FLOWS_SHOWN
        ],
    }


def hold_trail(
    hold_id: str, fields: Mapping[str, str], entries: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A hold's audit trail, oldest first: the review API's entries, plus the worker's
    creation and automatic release, which the hold's own fields record."""
    trail: list[dict[str, Any]] = list(entries)
    if not any(
        e.get("action") in ("create", "follow_hold") and e.get("hold_id") == hold_id
        for e in entries
    ):
        initial = "blocked" if fields.get("verdict") == "block" else STATUS_HELD
        trail.append(_system_entry(hold_id, "create", "", initial, fields.get("created_at", "")))
    if fields.get("resolved_by") == "screener" and fields.get("status") != STATUS_HELD:
        trail.append(
            _system_entry(
                hold_id,
                "status",
                STATUS_HELD,
                fields.get("status", ""),
                fields.get("resolved_at", ""),
                fields.get("note", ""),
            )
        )
    return sorted(trail, key=lambda e: parse_time(e.get("at")) or datetime.min.replace(tzinfo=UTC))


def _system_entry(
    hold_id: str, action: str, from_status: str, to_status: str, at: str, note: str = ""
) -> dict[str, Any]:
    return {
        "id": "",
        "hold_id": hold_id,
        "action": action,
        "from": from_status,
        "to": to_status,
        "by": "screener",
        "at": at,
        "note": note,
        "role": "",
        "account": "",
        "before": None,
        "after": None,
        "related_hold": "",
    }
