"""What a confirmed fraud sets in motion: the victim marked, the receiving account blocked,
and the money followed.

Droppers forward a victim's money within minutes, account to account. From the receiving
account of the confirmed transfer, every transfer out of it in a window around the moment
the money arrived is a candidate, then the same from each receiver, hop by hop, up to the
configured depth. The accounts' flows are the ones the worker keeps (`account:{acc}:out`),
so only transfers this screener saw can be followed.

One officer's confirmation blocks the first receiver only. Beyond it, holds and blocks of
accounts that may belong to innocent people are proposed, and a supervisor other than the
confirming officer approves or rejects them (four eyes; `SCREENER_FOLLOW_APPROVAL=none`
applies them at once, as before). A transfer too small to be the victim's money (below the
amount floor, or below the configured share of the confirmed transfer) is not proposed: a
mule that first sends 1 KZT to fifty people gets none of them blocked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from screener.api.audit import AuditEntry
from screener.api.auth import User
from screener.api.errors import BadRequest, Conflict, Forbidden, NotFound
from screener.api.store import BlockState, ReviewStore
from screener.domain.accounts import Flow
from screener.domain.calendar import BusinessCalendar, Suspension
from screener.domain.hold_records import block_entry, new_hold_fields
from screener.domain.hold_status import STATUS_HELD
from screener.records import HOLD_CREATOR, amount_text, hold_change
from screener.settings import ReviewSettings

FOLLOW_RULE = "follow_the_money"
CONFIRMED_FRAUD_RULE = "confirmed_fraud"
# Money traced from a confirmed fraud outranks any rule's suspicion: these holds go to the
# top of an officer's queue.
FOLLOW_SCORE = 95

BLOCK_RESULTS = {1: "blocked", 2: "extended", 0: "kept"}
# A step's state in the trail: what follow-the-money found and what became of it.
PROPOSED, APPROVED, REJECTED, APPLIED, TOO_SMALL = (
    "proposed",
    "approved",
    "rejected",
    "applied",
    "below_floor",
)


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


def at_least(
    states: list[BlockState], entry: dict[str, Any], ttl: int
) -> tuple[int, dict[str, Any] | None]:
    """Block for at least `ttl` seconds, never shortening a block in place (a permanent
    one, a supervisor's, a longer one): 1 created, 2 a shorter one replaced, 0 kept."""
    [state] = states
    if state.entry is None:
        return 1, None
    if state.ttl is None or state.ttl >= ttl:
        return 0, state.entry
    return 2, state.entry


@dataclass(slots=True)
class Consequences:
    """What a confirmation did: the trail shown on the page and the hold changes to publish."""

    trail: dict[str, Any]
    changes: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def _minor(amount: str) -> int | None:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError):
        return None
    return int(value * 100) if value.is_finite() else None


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
        victim_minor = _minor(fields.get("amount", "")) or 0
        floor_minor = max(
            int(settings.follow_min_amount * 100),
            int(Decimal(victim_minor) * Decimal(str(settings.follow_min_share))),
        )
        result = Consequences(
            trail={
                "hold_id": hold_id,
                "confirmed_by": user.name,
                "confirmed_at": now.isoformat(),
                "customer_id": fields.get("customer_id") or None,
                "sender_account": fields.get("sender_account") or None,
                "receiver_account": fields.get("receiver_account") or None,
                "amount": fields.get("amount") or None,
                "block_expires_at": expires_at.isoformat(),
                "block_ttl_seconds": ttl,
                "depth": settings.follow_depth,
                "window": {
                    "before_minutes": settings.follow_before_minutes,
                    "after_hours": settings.follow_after_hours,
                },
                "approval": "supervisor" if settings.follow_approval else "none",
                "floor": amount_text(floor_minor),
                "receiver_block": None,
                "steps": [],
                "truncated": False,
            }
        )
        customer_id = fields.get("customer_id", "")
        if customer_id:
            record = {"hold_id": hold_id, "by": user.name, "at": now.isoformat()}
            await self._store.mark_victim(
                customer_id,
                record,
                AuditEntry.by_user(
                    user,
                    "mark_victim",
                    now,
                    hold_id=hold_id,
                    note=customer_id,
                    after=record,
                    entity_kind="customer",
                    entity_id=customer_id,
                ),
            )
            result.actions.append("mark_victim")
        receiver = fields.get("receiver_account", "")
        if fields.get("event_type") != "transfer" or not receiver:
            # A loan: no receiving account to block, no money to follow yet.
            await self._save(hold_id, result, user, now)
            return result

        entry = block_entry(
            f"Confirmed fraud: hold {hold_id}",
            CONFIRMED_FRAUD_RULE,
            now,
            expires_at,
            hold_id=hold_id,
            suspension=suspension.as_entry(),
        )
        outcome = await self._block(receiver, entry, ttl, user, now, hold_id, "", "block")
        result.actions.append("block" if outcome else "block_kept")
        result.trail["receiver_block"] = {"account": receiver, "result": BLOCK_RESULTS[outcome]}
        arrived_at = await self._arrival_time(receiver, fields, now)
        await self._explore(hold_id, receiver, arrived_at, fields, floor_minor, result)
        if not settings.follow_approval:
            for step in result.trail["steps"]:
                if step["state"] == PROPOSED:
                    await self._apply(step, result.trail, user, now, result)
                    step["state"] = APPLIED
        await self._save(hold_id, result, user, now)
        return result

    async def _save(self, hold_id: str, result: Consequences, user: User, now: datetime) -> None:
        settings = self._settings
        proposed = [s for s in result.trail["steps"] if s["state"] == PROPOSED]
        await self._store.save_follow(
            hold_id,
            result.trail,
            [
                AuditEntry.by_user(
                    user,
                    "follow_propose" if settings.follow_approval else "follow_applied",
                    now,
                    hold_id=hold_id,
                    after={
                        "steps": [_step_summary(s) for s in result.trail["steps"]],
                        "truncated": result.trail["truncated"],
                    },
                    note=f"{len(proposed)} proposed for a supervisor's approval",
                )
            ],
        )

    async def decide(
        self, hold_id: str, user: User, event_ids: Any, approve: bool, note: str, now: datetime
    ) -> Consequences:
        """A supervisor approves (holds and blocks follow) or rejects proposed steps."""
        if not isinstance(event_ids, list) or not all(isinstance(e, str) for e in event_ids):
            raise BadRequest('steps is a list of event ids, e.g. {"steps": ["e1"]}')
        trail = await self._store.follow(hold_id)
        if trail is None:
            raise NotFound(f"hold {hold_id} has no follow-the-money proposals")
        if trail.get("confirmed_by") == user.name:
            raise Forbidden("four eyes: the officer who confirmed the fraud may not approve")
        wanted = set(event_ids) or {s["event_id"] for s in trail["steps"] if s["state"] == PROPOSED}
        steps = {s["event_id"]: s for s in trail["steps"]}
        unknown = wanted - set(steps)
        if unknown:
            raise NotFound(f"no proposed step {sorted(unknown)[0]}")
        decided = [steps[e] for e in sorted(wanted) if steps[e]["state"] != PROPOSED]
        if decided:
            raise Conflict(f"step {decided[0]['event_id']} is already {decided[0]['state']}")
        result = Consequences(trail=trail)
        for event_id in sorted(wanted):
            step = steps[event_id]
            if approve:
                await self._apply(step, trail, user, now, result)
            step["state"] = APPROVED if approve else REJECTED
            step["decided_by"] = user.name
            step["decided_at"] = now.isoformat()

            def change(
                current: dict[str, Any] | None, step: dict[str, Any] = step
            ) -> tuple[dict[str, Any], list[AuditEntry]]:
                base = current or trail
                for existing in base["steps"]:
                    if existing["event_id"] == step["event_id"]:
                        existing.update(step)
                return base, [
                    AuditEntry.by_user(
                        user,
                        "follow_approve" if approve else "follow_reject",
                        now,
                        hold_id=hold_id,
                        note=note,
                        before={"state": PROPOSED},
                        after=_step_summary(step),
                    )
                ]

            result.trail = await self._store.change_follow(hold_id, change)
            result.actions.append("follow_approve" if approve else "follow_reject")
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

    async def _explore(
        self,
        root: str,
        start: str,
        arrived_at: float,
        fields: dict[str, str],
        floor_minor: int,
        result: Consequences,
    ) -> None:
        """Find the onward transfers hop by hop; big enough ones become proposals."""
        settings = self._settings
        before = settings.follow_before_minutes * 60.0
        after = settings.follow_after_hours * 3600.0
        # The victim's own account is never blocked, even when money comes back to it.
        protected = {fields.get("sender_account", "")} - {""}
        followed = {start}
        frontier: list[tuple[str, float, str]] = [(start, arrived_at, root)]
        steps: list[dict[str, Any]] = result.trail["steps"]
        for hop in range(1, settings.follow_depth + 1):
            next_frontier: list[tuple[str, float, str]] = []
            for account, at, parent in frontier:
                for flow in await self._store.outbound(account, at - before, at + after):
                    if sum(s["state"] == PROPOSED for s in steps) >= settings.follow_max_holds:
                        result.trail["truncated"] = True
                        return
                    step = await self._step(flow, account, hop, parent)
                    to = flow.counterparty
                    if flow.amount_minor < floor_minor:
                        step["state"], step["block"] = TOO_SMALL, "below_floor"
                    elif to in protected:
                        step["block"] = "victim_account"
                    elif flow.receiver_kind in settings.follow_stop_kinds:
                        step["block"] = f"not_blocked_{flow.receiver_kind}"
                    elif to in followed:
                        step["block"] = "already_followed"
                    else:
                        step["block"] = "proposed"
                        followed.add(to)
                        next_frontier.append((to, flow.at, flow.event_id))
                    steps.append(step)
            frontier = next_frontier

    async def _step(self, flow: Flow, from_account: str, hop: int, parent: str) -> dict[str, Any]:
        decision = await self._store.decision(flow.event_id) or {}
        customer_id = decision.get("customer_id") or (
            (await self._store.account_info(from_account)).get("holder_id", "")
        )
        return {
            "hop": hop,
            "event_id": flow.event_id,
            "hold_id": flow.event_id,
            "from_account": from_account,
            "to_account": flow.counterparty,
            "customer_id": customer_id,
            "amount": decision.get("amount") or amount_text(flow.amount_minor),
            "currency": decision.get("currency") or "KZT",
            "at": datetime.fromtimestamp(flow.at, UTC).isoformat(),
            "receiver_kind": flow.receiver_kind,
            "previous_hold": parent,
            "state": PROPOSED,
            "hold": "proposed",
            "hold_status": "",
        }

    async def _apply(
        self,
        step: dict[str, Any],
        trail: dict[str, Any],
        user: User,
        now: datetime,
        result: Consequences,
    ) -> None:
        """Hold the step's transfer and, where its receiver may be blocked, block it."""
        root = trail["hold_id"]
        created, status = await self._hold(step, root, user, now)
        if created:
            result.changes.append(
                hold_change(
                    step["event_id"], STATUS_HELD, None, now, HOLD_CREATOR, _note(step["hop"], root)
                )
            )
        step["hold"] = "created" if created else "existed"
        step["hold_status"] = status
        result.actions.append("follow_hold" if created else "follow_hold_exists")
        if step["block"] != "proposed":
            return  # the victim's account, a pooled account, or one already followed
        ttl = int(trail["block_ttl_seconds"])
        entry = block_entry(
            f"Follow the money: received money from confirmed fraud {root} (hop {step['hop']})",
            FOLLOW_RULE,
            now,
            now + timedelta(seconds=ttl),
            hold_id=step["event_id"],
        )
        outcome = await self._block(
            step["to_account"], entry, ttl, user, now, step["event_id"], root, "follow_block"
        )
        step["block"] = BLOCK_RESULTS[outcome]
        result.actions.append("follow_block" if outcome else "follow_block_kept")

    async def _hold(
        self, step: dict[str, Any], root: str, user: User, now: datetime
    ) -> tuple[bool, str]:
        """Hold one onward transfer; its hold id is its event id, as the worker's are."""
        hop = step["hop"]
        reason = {
            "rule": FOLLOW_RULE,
            "score": FOLLOW_SCORE,
            "message": follow_message(hop, root, step["from_account"], step["to_account"]),
            "measured": {
                "hop": hop,
                "source_hold": root,
                "previous_hold": step["previous_hold"],
                "from_account": step["from_account"],
                "to_account": step["to_account"],
            },
        }
        hold_fields = new_hold_fields(
            event_id=step["event_id"],
            event_type="transfer",
            customer_id=step["customer_id"],
            amount=step["amount"],
            currency=step["currency"],
            verdict="hold",
            score=FOLLOW_SCORE,
            status=STATUS_HELD,
            reasons=[reason],
            created_at=now,
            hold_until="",
            receiver_account=step["to_account"],
            sender_account=step["from_account"],
            config_version="",
            source_hold=root,
        )
        note = _note(hop, root)
        # `screener` made this change: the officer confirmed one fraud, not this transfer;
        # the audit trail names the officer whose confirmation set it off.
        change = hold_change(step["event_id"], STATUS_HELD, None, now, HOLD_CREATOR, note)

        def entries(created: bool) -> list[AuditEntry]:
            return [
                AuditEntry.by_user(
                    user,
                    "follow_hold" if created else "follow_hold_exists",
                    now,
                    hold_id=step["event_id"],
                    account=step["to_account"],
                    note=note,
                    # The hold's fields too: no other topic records them, and
                    # `screener rebuild` creates the hold again from them.
                    after={
                        "hop": hop,
                        "previous_hold": step["previous_hold"],
                        **({"hold": hold_fields} if created else {}),
                    },
                    related_hold=root,
                )
            ]

        created = await self._store.create_hold(
            step["event_id"], hold_fields, STATUS_HELD, now, change, entries
        )
        existing = await self._store.hold(step["event_id"]) or {}
        return created, existing.get("status", "")

    async def _block(
        self,
        account: str,
        entry: dict[str, Any],
        ttl: int,
        user: User,
        now: datetime,
        hold_id: str,
        root: str,
        action: str,
    ) -> int:
        outcome = 0

        def decide(
            states: list[BlockState],
        ) -> tuple[list[tuple[str, dict[str, Any] | None, int | None]], list[AuditEntry]]:
            nonlocal outcome
            outcome, previous = at_least(states, entry, ttl)
            audit = AuditEntry.by_user(
                user,
                action if outcome else f"{action}_kept",
                now,
                hold_id=hold_id,
                account=account,
                before=previous,
                after=entry if outcome else previous,
                related_hold=root,
                entity_kind="account",
                entity_id=account,
            )
            return ([(account, entry, ttl)] if outcome else []), [audit]

        await self._store.change_blocks([account], decide)
        return outcome


def _note(hop: int, root: str) -> str:
    return f"follow the money: hop {hop} from confirmed fraud {root}"


def _step_summary(step: dict[str, Any]) -> dict[str, Any]:
    return {
        name: step.get(name)
        for name in ("event_id", "hop", "from_account", "to_account", "amount", "state", "block")
    }
