"""What a confirmed fraud sets in motion: the victim marked, the receiving account blocked,
and the money followed.

Droppers forward a victim's money within minutes, account to account. From the receiving
account of the confirmed transfer, every transfer out of it in a window around the moment
the money arrived is held, and its receiver blocked; then the same from each receiver, hop
by hop, up to the configured depth. The accounts' flows are the ones the worker keeps
(`account:{acc}:out`), so only transfers this screener saw can be followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson

from screener.adapters.redis_keys import STATUS_HELD
from screener.api.audit import AuditEntry
from screener.api.auth import User
from screener.api.store import ReviewStore
from screener.domain.accounts import Flow
from screener.domain.calendar import BusinessCalendar, Suspension
from screener.records import amount_text, hold_change
from screener.settings import ReviewSettings

FOLLOW_RULE = "follow_the_money"
CONFIRMED_FRAUD_RULE = "confirmed_fraud"
# Money traced from a confirmed fraud outranks any rule's suspicion: these holds go to the
# top of an officer's queue.
FOLLOW_SCORE = 95

BLOCK_RESULTS = {1: "blocked", 2: "extended", 0: "kept"}


def block_until(now: datetime, business_days: int, calendar: BusinessCalendar) -> Suspension:
    """Business days are counted on Kazakhstan's calendar (holidays and the bank's days off
    from the rules file skipped), as the Anti-Fraud Center does and as the worker does."""
    return calendar.suspension(now, business_days)


def follow_message(
    hop: int, source_hold: str, from_account: str, to_account: str
) -> dict[str, str]:
    return {
        "en": (
            f"Follow the money, hop {hop} from confirmed fraud {source_hold}: money that reached "
            f"account {from_account} was sent on to {to_account}."
        ),
        "ru": (
            f"Отслеживание денег, шаг {hop} от подтверждённого мошенничества {source_hold}: "
            f"деньги, поступившие на счёт {from_account}, переведены дальше на {to_account}."
        ),
        "kk": (
            f"Ақшаның ізімен, расталған алаяқтықтан ({source_hold}) {hop}-қадам: "
            f"{from_account} шотына түскен ақша әрі қарай {to_account} шотына аударылды."
        ),
    }


@dataclass(slots=True)
class Consequences:
    """What a confirmation did: the trail shown on the page, the hold changes to publish
    and the audit entries to write."""

    trail: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)


class MoneyFollower:
    def __init__(
        self, store: ReviewStore, settings: ReviewSettings, calendar: BusinessCalendar
    ) -> None:
        self._store = store
        self._settings = settings
        self._calendar = calendar

    async def consequences(
        self, hold_id: str, fields: dict[str, str], user: User, now: datetime
    ) -> Consequences:
        """Apply a confirmed fraud's consequences. Idempotent: blocks never shorten, holds
        are created once, so running it again after a crash completes what was missing."""
        settings = self._settings
        suspension = block_until(now, settings.fraud_block_business_days, self._calendar)
        expires_at = suspension.ends_at
        ttl = max(1, int((expires_at - now).total_seconds()))
        result = Consequences(
            trail={
                "hold_id": hold_id,
                "confirmed_by": user.name,
                "confirmed_at": now.isoformat(),
                "customer_id": fields.get("customer_id") or None,
                "block_expires_at": expires_at.isoformat(),
                "depth": settings.follow_depth,
                "window": {
                    "before_minutes": settings.follow_before_minutes,
                    "after_hours": settings.follow_after_hours,
                },
                "receiver_block": None,
                "steps": [],
                "truncated": False,
            }
        )
        customer_id = fields.get("customer_id", "")
        if customer_id:
            record = {"hold_id": hold_id, "by": user.name, "at": now.isoformat()}
            await self._store.mark_victim(customer_id, record)
            result.audit.append(
                AuditEntry.by_user(
                    user, "mark_victim", now, hold_id=hold_id, note=customer_id, after=record
                )
            )
        receiver = fields.get("receiver_account", "")
        if fields.get("event_type") != "transfer" or not receiver:
            return result  # a loan: no receiving account to block, no money to follow yet

        entry = {
            "reason": f"Confirmed fraud: hold {hold_id}",
            "rule": CONFIRMED_FRAUD_RULE,
            "hold_id": hold_id,
            "created_at": now.isoformat(),
            "expires_at": expires_at.isoformat(),
            "suspension": suspension.as_entry(),
        }
        outcome, previous = await self._store.block_at_least(receiver, entry, ttl)
        result.trail["receiver_block"] = {"account": receiver, "result": BLOCK_RESULTS[outcome]}
        result.audit.append(
            AuditEntry.by_user(
                user,
                "block" if outcome else "block_kept",
                now,
                hold_id=hold_id,
                account=receiver,
                before=previous,
                after=entry if outcome else previous,
            )
        )
        arrived_at = await self._arrival_time(receiver, fields, now)
        await self._follow(hold_id, receiver, arrived_at, fields, user, now, ttl, result)
        return result

    async def _arrival_time(self, receiver: str, fields: dict[str, str], now: datetime) -> float:
        """Event time of the confirmed transfer, from the receiver's flows; the hold's
        creation time when the flow has aged out."""
        event_id = fields.get("event_id", "")
        for flow in await self._store.inbound(receiver):
            if flow.event_id == event_id:
                return flow.at
        created = fields.get("created_at")
        return datetime.fromisoformat(created).timestamp() if created else now.timestamp()

    async def _follow(
        self,
        root: str,
        start: str,
        arrived_at: float,
        fields: dict[str, str],
        user: User,
        now: datetime,
        ttl: int,
        result: Consequences,
    ) -> None:
        settings = self._settings
        before = settings.follow_before_minutes * 60.0
        after = settings.follow_after_hours * 3600.0
        # The victim's own account is never blocked, even when money comes back to it.
        protected = {fields.get("sender_account", "")} - {""}
        followed = {start}
        frontier: list[tuple[str, float, str]] = [(start, arrived_at, root)]
        for hop in range(1, settings.follow_depth + 1):
            next_frontier: list[tuple[str, float, str]] = []
            for account, at, parent in frontier:
                for flow in await self._store.outbound(account, at - before, at + after):
                    if len(result.trail["steps"]) >= settings.follow_max_holds:
                        result.trail["truncated"] = True
                        return
                    step = await self._hold(flow, account, hop, root, parent, user, now, result)
                    to = flow.counterparty
                    if to in protected:
                        step["block"] = "victim_account"
                    elif flow.receiver_kind in settings.follow_stop_kinds:
                        step["block"] = f"not_blocked_{flow.receiver_kind}"
                    elif to in followed:
                        step["block"] = "already_followed"
                    else:
                        step["block"] = await self._block(flow, hop, root, user, now, ttl, result)
                        followed.add(to)
                        next_frontier.append((to, flow.at, flow.event_id))
                    result.trail["steps"].append(step)
            frontier = next_frontier

    async def _hold(
        self,
        flow: Flow,
        from_account: str,
        hop: int,
        root: str,
        parent: str,
        user: User,
        now: datetime,
        result: Consequences,
    ) -> dict[str, Any]:
        """Hold one onward transfer; its hold id is its event id, as the worker's are."""
        decision = await self._store.decision(flow.event_id) or {}
        customer_id = decision.get("customer_id") or (
            (await self._store.account_info(from_account)).get("holder_id", "")
        )
        amount = decision.get("amount") or amount_text(flow.amount_minor)
        currency = decision.get("currency") or "KZT"
        message = follow_message(hop, root, from_account, flow.counterparty)
        reason = {
            "rule": FOLLOW_RULE,
            "score": FOLLOW_SCORE,
            "message": message,
            "measured": {
                "hop": hop,
                "source_hold": root,
                "previous_hold": parent,
                "from_account": from_account,
                "to_account": flow.counterparty,
            },
        }
        hold_fields: dict[str, Any] = {
            "event_id": flow.event_id,
            "event_type": "transfer",
            "customer_id": customer_id,
            "amount": amount,
            "currency": currency,
            "verdict": "hold",
            "score": FOLLOW_SCORE,
            "status": STATUS_HELD,
            "reasons": _json_text([reason]),
            "created_at": now.isoformat(),
            "hold_until": "",
            "resolved_at": "",
            "resolved_by": "",
            "note": "",
            "receiver_account": flow.counterparty,
            "sender_account": from_account,
            "config_version": "",
            "source_hold": root,
        }
        note = f"follow the money: hop {hop} from confirmed fraud {root}"
        # `screener` made this change: the officer confirmed one fraud, not this transfer;
        # the audit trail names the officer whose confirmation set it off.
        change = hold_change(flow.event_id, STATUS_HELD, None, now, "screener", note)
        created = await self._store.create_hold(
            flow.event_id, hold_fields, STATUS_HELD, now, change
        )
        if created:
            result.changes.append(change)
            status = STATUS_HELD
        else:
            existing = await self._store.hold(flow.event_id) or {}
            status = existing.get("status", "")
        result.audit.append(
            AuditEntry.by_user(
                user,
                "follow_hold" if created else "follow_hold_exists",
                now,
                hold_id=flow.event_id,
                account=flow.counterparty,
                note=note,
                after={"status": status, "hop": hop, "previous_hold": parent},
                related_hold=root,
            )
        )
        return {
            "hop": hop,
            "event_id": flow.event_id,
            "hold_id": flow.event_id,
            "from_account": from_account,
            "to_account": flow.counterparty,
            "amount": amount,
            "currency": currency,
            "at": datetime.fromtimestamp(flow.at, now.tzinfo).isoformat(),
            "receiver_kind": flow.receiver_kind,
            "previous_hold": parent,
            "hold": "created" if created else "existed",
            "hold_status": status,
        }

    async def _block(
        self,
        flow: Flow,
        hop: int,
        root: str,
        user: User,
        now: datetime,
        ttl: int,
        result: Consequences,
    ) -> str:
        entry = {
            "reason": f"Follow the money: received money from confirmed fraud {root} (hop {hop})",
            "rule": FOLLOW_RULE,
            "hold_id": flow.event_id,
            "created_at": now.isoformat(),
            "expires_at": (now + timedelta(seconds=ttl)).isoformat(),
        }
        outcome, previous = await self._store.block_at_least(flow.counterparty, entry, ttl)
        result.audit.append(
            AuditEntry.by_user(
                user,
                "follow_block" if outcome else "follow_block_kept",
                now,
                hold_id=flow.event_id,
                account=flow.counterparty,
                before=previous,
                after=entry if outcome else previous,
                related_hold=root,
            )
        )
        return BLOCK_RESULTS[outcome]


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()
