"""The officers' work on holds: the queue, claims, notes, release and confirmed fraud.

Every status change goes through the shared Lua scripts, in one transaction with its audit
entries; the change is then published to `screener.holds` and cleared from the outbox
exactly as the worker does, so a crash between the two leaves it for the worker's sweeper,
never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from screener.api import views
from screener.api.audit import AuditEntry
from screener.api.auth import Role, User
from screener.api.errors import BadRequest, Conflict, Forbidden, NotFound
from screener.api.follow import MoneyFollower
from screener.api.limits import Limits
from screener.api.metrics import ApiMetrics
from screener.api.money_path import money_path
from screener.api.publisher import HoldChangePublisher
from screener.api.store import ReviewStore
from screener.domain.calendar import BusinessCalendar
from screener.domain.hold_records import outbox_field
from screener.domain.hold_status import (
    STATUS_BLOCKED,
    STATUS_CANCELLED,
    STATUS_CONFIRMED_FRAUD,
    STATUS_HELD,
    STATUS_RELEASED,
)
from screener.settings import ReviewSettings

log = logging.getLogger(__name__)

STATUSES = (
    STATUS_HELD,
    STATUS_RELEASED,
    STATUS_CONFIRMED_FRAUD,
    STATUS_BLOCKED,
    STATUS_CANCELLED,
)
SORTS = ("newest", "urgent")
MAX_LIMIT = 500
MAX_NOTE = 2000
TRAIL_SHOWN = 500
# `next` tries this many of the most urgent unclaimed holds before giving up: enough to
# get past holds other officers claim at the same moment.
NEXT_ATTEMPTS = 25


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """Filters and order of `GET /api/holds`. Without `status`, holds of every status."""

    status: str | None = None
    rule: str | None = None
    verdict: str | None = None
    event_type: str | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    since: datetime | None = None
    until: datetime | None = None
    claimed: str | None = None  # "yes", "no" or "mine"
    sort: str = "newest"  # CONTRACT §5: newest first; "urgent": highest score, then oldest
    limit: int = 50
    offset: int = 0

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> QueueQuery:
        def choice(name: str, allowed: Sequence[str]) -> str | None:
            value = params.get(name) or None
            if value is not None and value not in allowed:
                raise BadRequest(f"{name} must be one of {', '.join(allowed)}")
            return value

        def amount(name: str) -> Decimal | None:
            text = params.get(name)
            if not text:
                return None
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise BadRequest(f"{name} must be a decimal amount") from None
            if not value.is_finite():
                raise BadRequest(f"{name} must be a decimal amount")
            return value

        def moment(name: str) -> datetime | None:
            text = params.get(name)
            if not text:
                return None
            value = views.parse_time(text)
            if value is None or value.tzinfo is None:
                raise BadRequest(f"{name} must be an RFC 3339 time with an offset")
            return value

        def integer(name: str, default: int, low: int, high: int) -> int:
            text = params.get(name)
            if not text:
                return default
            try:
                value = int(text)
            except ValueError:
                raise BadRequest(f"{name} must be an integer") from None
            if not low <= value <= high:
                raise BadRequest(f"{name} must be between {low} and {high}")
            return value

        rule = params.get("rule") or None
        if rule is not None and not (len(rule) <= 64 and rule.replace("_", "").isalnum()):
            raise BadRequest("rule must be a rule id")
        return cls(
            status=choice("status", (*STATUSES, "all")),
            rule=rule,
            verdict=choice("verdict", ("hold", "block")),
            event_type=choice("event_type", ("transfer", "loan_approval")),
            min_amount=amount("min_amount"),
            max_amount=amount("max_amount"),
            since=moment("since"),
            until=moment("until"),
            claimed=choice("claimed", ("yes", "no", "mine")),
            sort=choice("sort", SORTS) or "newest",
            limit=integer("limit", 50, 1, MAX_LIMIT),
            offset=integer("offset", 0, 0, 1_000_000),
        )

    def matches(self, hold: Mapping[str, Any], user: User) -> bool:
        if self.status not in (None, "all") and hold["status"] != self.status:
            return False
        if self.rule is not None and self.rule not in hold["rules"]:
            return False
        if self.verdict is not None and hold["verdict"] != self.verdict:
            return False
        if self.event_type is not None and hold["event_type"] != self.event_type:
            return False
        if self.min_amount is not None or self.max_amount is not None:
            try:  # in KZT: a foreign amount by its equivalent, as the rules judged it
                value = Decimal(hold.get("amount_kzt") or hold["amount"])
            except InvalidOperation:
                return False
            if self.min_amount is not None and value < self.min_amount:
                return False
            if self.max_amount is not None and value > self.max_amount:
                return False
        if self.since is not None or self.until is not None:
            created = views.parse_time(hold["created_at"])
            if created is None:
                return False
            if self.since is not None and created < self.since:
                return False
            if self.until is not None and created > self.until:
                return False
        claim = hold["claim"]
        if self.claimed == "yes" and claim is None:
            return False
        if self.claimed == "no" and claim is not None:
            return False
        return not (self.claimed == "mine" and (claim is None or claim.get("by") != user.name))


def urgency(hold: Mapping[str, Any]) -> tuple[int, str]:
    """Highest risk first; among equals the oldest, which has waited longest."""
    return (-int(hold["score"]), str(hold["created_at"]))


class ReviewService:
    def __init__(
        self,
        store: ReviewStore,
        publisher: HoldChangePublisher,
        settings: ReviewSettings,
        metrics: ApiMetrics,
        calendar: BusinessCalendar,
        clock: Callable[[], datetime],
        block_score: int = 90,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._settings = settings
        self._metrics = metrics
        self._clock = clock
        self._sla = timedelta(minutes=settings.sla_minutes)
        self._block_score = block_score
        self._follower = MoneyFollower(store, settings, calendar)
        self._limits = Limits(store, settings)

    @property
    def sla(self) -> timedelta:
        return self._sla

    # --- reading ------------------------------------------------------------------------

    async def queue(self, query: QueueQuery, user: User) -> dict[str, Any]:
        await self._limits.check(user, "queue_reads")
        now = self._clock()
        if query.status == STATUS_HELD:
            ids = await self._store.open_hold_ids(self._settings.scan_max)
        else:
            recent = await self._store.recent_hold_ids(self._settings.scan_max)
            open_ids = await self._store.open_hold_ids(self._settings.scan_max)
            ids = list(dict.fromkeys([*open_ids, *recent]))
        holds = await self._views(ids, now)
        matching = [hold for hold in holds if query.matches(hold, user)]
        if query.sort == "urgent":
            matching.sort(key=urgency)
        else:
            matching.sort(key=lambda hold: str(hold["created_at"]), reverse=True)
        page = matching[query.offset : query.offset + query.limit]
        return {
            "holds": page,
            "total": len(matching),
            "limit": query.limit,
            "offset": query.offset,
            "sort": query.sort,
            "sla_minutes": self._settings.sla_minutes,
            "now": now.isoformat(),
        }

    async def _views(self, ids: Sequence[str], now: datetime) -> list[dict[str, Any]]:
        fields_list = await self._store.holds(ids)
        claims = await self._store.claims(ids)
        return [
            views.hold_view(hold_id, fields, claim, now, self._sla)
            for hold_id, fields, claim in zip(ids, fields_list, claims, strict=True)
            if fields is not None
        ]

    async def detail(self, hold_id: str) -> dict[str, Any]:
        """The hold with its reasons, the events that led to it and all an officer needs."""
        fields = await self._existing(hold_id)
        now = self._clock()
        [claim] = await self._store.claims([hold_id])
        detail = views.hold_view(hold_id, fields, claim, now, self._sla)
        customer_id = fields.get("customer_id", "")
        history = await self._store.history(customer_id) if customer_id else None
        detail["events"] = views.timeline_view(
            history, fields.get("event_id", hold_id), fields.get("event_type") or None
        )
        detail["customer"] = views.customer_view(customer_id, history)
        detail["customer"]["confirmed_victim"] = (
            await self._store.victim(customer_id) if customer_id else None
        )
        detail["decision"] = await self._store.decision(fields.get("event_id", hold_id))
        receiver = fields.get("receiver_account", "")
        detail["receiver"] = (
            await self.account_profile(receiver, now)
            if fields.get("event_type") == "transfer" and receiver
            else None
        )
        detail["follow"] = await self._store.follow(hold_id)
        detail["source_hold"] = fields.get("source_hold") or None
        detail["money_path"] = await money_path(self._store, hold_id, fields, detail["follow"])
        detail["release_needs_two"] = self._needs_two(fields)
        entries = await self._store.hold_trail(hold_id, TRAIL_SHOWN)
        detail["audit"] = views.hold_trail(hold_id, fields, entries)
        detail["notes"] = [e for e in entries if e["action"] == "note"]
        return detail

    async def account_profile(self, account: str, now: datetime | None = None) -> dict[str, Any]:
        inbound = await self._store.inbound(account)
        outbound = await self._store.outbound(account)
        info = await self._store.account_info(account)
        block, seconds_left = await self._store.block(account)
        return views.account_profile(
            account, inbound, outbound, info, block, seconds_left, now or self._clock()
        )

    async def trail(self, hold_id: str) -> list[dict[str, Any]]:
        fields = await self._existing(hold_id)
        entries = await self._store.hold_trail(hold_id, TRAIL_SHOWN)
        return views.hold_trail(hold_id, fields, entries)

    async def _existing(self, hold_id: str) -> dict[str, str]:
        fields = await self._store.hold(hold_id)
        if fields is None:
            raise NotFound(f"no hold {hold_id}")
        return fields

    # --- claims and notes ---------------------------------------------------------------

    async def claim(self, hold_id: str, user: User, take_over: bool = False) -> dict[str, Any]:
        if take_over and not user.may(Role.SUPERVISOR):
            raise Forbidden("only a supervisor may take over another officer's claim")
        now = self._clock()
        expires_at = now + timedelta(minutes=self._settings.claim_minutes)
        claim = {"by": user.name, "at": now.isoformat(), "expires_at": expires_at.isoformat()}

        def entries(previous: str) -> list[AuditEntry]:
            if previous == user.name:  # a renewal by the same officer is not news for the trail
                return []
            return [
                AuditEntry.by_user(
                    user,
                    "claim",
                    now,
                    hold_id=hold_id,
                    before={"by": previous} if previous else None,
                    after=claim,
                )
            ]

        code, other = await self._store.claim(
            hold_id, user.name, now, expires_at, take_over, entries
        )
        if code == -1:
            raise NotFound(f"no hold {hold_id}")
        if code == -2:
            raise Conflict(f"hold {hold_id} is {other}, not open")
        if code == 0:
            raise Conflict(f"hold {hold_id} is claimed by {other}")
        if other != user.name:
            self._metrics.action("claim")
        return {"hold_id": hold_id, "claim": claim}

    async def unclaim(self, hold_id: str, user: User) -> dict[str, Any]:
        await self._existing(hold_id)
        force = user.may(Role.SUPERVISOR)
        now = self._clock()

        def entries(holder: str) -> list[AuditEntry]:
            return [
                AuditEntry.by_user(user, "unclaim", now, hold_id=hold_id, before={"by": holder})
            ]

        code, holder = await self._store.unclaim(hold_id, user.name, force, entries)
        if code == -1:
            raise Conflict(f"hold {hold_id} is claimed by {holder}")
        if code == 1:
            self._metrics.action("unclaim")
        return {"hold_id": hold_id, "claim": None}

    async def next(self, user: User) -> dict[str, Any]:
        """Claim and return the most urgent open hold nobody has claimed, or None."""
        await self._limits.check(user, "queue_reads")
        now = self._clock()
        ids = await self._store.open_hold_ids(self._settings.scan_max)
        candidates = [h for h in await self._views(ids, now) if h["claim"] is None]
        candidates.sort(key=urgency)
        for hold in candidates[:NEXT_ATTEMPTS]:
            try:
                await self.claim(hold["hold_id"], user)
            except (Conflict, NotFound):
                continue  # another officer got there first, or it was resolved meanwhile
            return {"hold": await self.detail(hold["hold_id"])}
        return {"hold": None}

    async def add_note(self, hold_id: str, user: User, text: Any) -> dict[str, Any]:
        await self._existing(hold_id)
        note = check_note(text, required=True)
        await self._limits.check(user, "notes")
        entry = AuditEntry.by_user(user, "note", self._clock(), hold_id=hold_id, note=note)
        [record] = await self._store.record(entry)
        self._metrics.action("note")
        return {"hold_id": hold_id, "note": record}

    # --- decisions ----------------------------------------------------------------------

    def _needs_two(self, fields: Mapping[str, str]) -> bool:
        """Four eyes: a hold scoring at or above the block score is released by two."""
        return self._settings.release_four_eyes and views.score_of(fields) >= self._block_score

    async def release(self, hold_id: str, user: User, note: Any) -> dict[str, Any]:
        """Release a held payment. A cooling period is the law's waiting time: only a
        supervisor may end it early, with a note saying why, and the trail says so. Once
        the worker noted the law's part done (period over, borrower reconfirmed), the fraud
        reasons left are an officer's to decide like any other. A hold scoring at or above
        the block score takes two officers: the first one's release is a request, a second
        officer's completes it."""
        fields = await self._existing(hold_id)
        note = check_note(note)
        cooling = views.is_cooling_period(fields)
        if cooling and not user.may(Role.SUPERVISOR):
            raise Forbidden(
                "a cooling period is a legal waiting period: only a supervisor may lift it early"
            )
        if cooling and not note:
            raise BadRequest("lifting a cooling period early needs a note saying why")
        now = self._clock()
        requested_by = fields.get("release_requested_by", "")
        if self._needs_two(fields) and not requested_by:
            return await self._request_release(hold_id, user, note, now)
        if self._needs_two(fields) and requested_by == user.name:
            raise Conflict(
                f"four eyes: hold {hold_id} scores {views.score_of(fields)}; a second officer, "
                "not the one who asked, must release it"
            )
        action = "lift_cooling_period" if cooling else "release"

        def entries(current: dict[str, str], claim: dict[str, str]) -> list[AuditEntry]:
            self._check_open(hold_id, current, claim, user)
            if current.get("release_requested_by", "") != requested_by:
                raise Conflict(f"hold {hold_id} changed meanwhile; look again")
            return [
                AuditEntry.by_user(
                    user,
                    action,
                    now,
                    hold_id=hold_id,
                    from_status=STATUS_HELD,
                    to_status=STATUS_RELEASED,
                    note=note,
                    before={
                        "status": STATUS_HELD,
                        "hold_until": current.get("hold_until") or None,
                        "release_requested_by": requested_by or None,
                    },
                    after={"status": STATUS_RELEASED},
                )
            ]

        released, record = await self._store.transition(
            hold_id, STATUS_RELEASED, now, user.name, note, entries
        )
        self._metrics.action(action)
        await self._lift_suspensions(hold_id, released, user, now)
        published = await self._publish([record])
        return {"hold": await self.detail(hold_id), "published": published}

    async def _lift_suspensions(
        self, hold_id: str, fields: Mapping[str, str], user: User, now: datetime
    ) -> None:
        """An officer released a payment held because an account was suspended on mule
        evidence: the officer judged it honest, so the suspension is lifted (audited)."""
        for account in views.suspended_accounts(fields):

            def entry(previous: dict[str, Any], account: str = account) -> AuditEntry:
                return AuditEntry.by_user(
                    user,
                    "lift_suspension",
                    now,
                    hold_id=hold_id,
                    account=account,
                    note="released hold was caused by the account's suspension",
                    before=previous,
                    after=None,
                )

            if await self._store.lift_suspension(account, entry) is not None:
                self._metrics.action("lift_suspension")

    async def _request_release(
        self, hold_id: str, user: User, note: str, now: datetime
    ) -> dict[str, Any]:
        def entries(current: dict[str, str], claim: dict[str, str]) -> list[AuditEntry]:
            self._check_open(hold_id, current, claim, user)
            if current.get("release_requested_by"):
                raise Conflict(f"hold {hold_id} changed meanwhile; look again")
            return [
                AuditEntry.by_user(
                    user,
                    "release_request",
                    now,
                    hold_id=hold_id,
                    note=note,
                    after={"release_requested_by": user.name},
                )
            ]

        await self._store.update_hold(
            hold_id,
            {
                "release_requested_by": user.name,
                "release_requested_at": now.isoformat(),
                "release_request_note": note,
            },
            entries,
        )
        self._metrics.action("release_request")
        return {"hold": await self.detail(hold_id), "published": True, "pending_second": True}

    async def confirm_fraud(self, hold_id: str, user: User, note: Any) -> dict[str, Any]:
        """Confirm fraud on a held hold: block the receiving account, mark the customer a
        victim, follow the money. Asked again for a hold already confirmed whose
        consequences a crash interrupted, it completes them."""
        fields = await self._existing(hold_id)
        note = check_note(note)
        now = self._clock()
        published = True
        if fields.get("status") == STATUS_CONFIRMED_FRAUD:
            [claim] = await self._store.claims([hold_id])
            self._check_claim(hold_id, claim, user)
            if await self._store.follow(hold_id) is not None:
                raise self._not_changed(hold_id, STATUS_CONFIRMED_FRAUD)
        else:

            def entries(current: dict[str, str], claim: dict[str, str]) -> list[AuditEntry]:
                self._check_open(hold_id, current, claim, user)
                return [
                    AuditEntry.by_user(
                        user,
                        "confirm_fraud",
                        now,
                        hold_id=hold_id,
                        from_status=STATUS_HELD,
                        to_status=STATUS_CONFIRMED_FRAUD,
                        note=note,
                        before={"status": STATUS_HELD},
                        after={"status": STATUS_CONFIRMED_FRAUD},
                    )
                ]

            fields, record = await self._store.transition(
                hold_id, STATUS_CONFIRMED_FRAUD, now, user.name, note, entries
            )
            self._metrics.action("confirm_fraud")
            published = await self._publish([record])

        consequences = await self._follower.consequences(hold_id, fields, user, now)
        for action in consequences.actions:
            self._metrics.action(action)
        published = await self._publish(consequences.changes) and published
        return {"hold": await self.detail(hold_id), "published": published}

    async def decide_follow(
        self, hold_id: str, user: User, body: Mapping[str, Any], approve: bool
    ) -> dict[str, Any]:
        """A supervisor approves or rejects what follow-the-money proposed."""
        await self._existing(hold_id)
        note = check_note(body.get("note"))
        consequences = await self._follower.decide(
            hold_id, user, body.get("steps", []), approve, note, self._clock()
        )
        for action in consequences.actions:
            self._metrics.action(action)
        published = await self._publish(consequences.changes)
        return {"hold": await self.detail(hold_id), "published": published}

    def _check_open(
        self, hold_id: str, fields: Mapping[str, str], claim: Mapping[str, str], user: User
    ) -> None:
        if not fields:
            raise NotFound(f"no hold {hold_id}")
        if fields.get("status") != STATUS_HELD:
            raise self._not_changed(hold_id, fields.get("status", ""))
        self._check_claim(hold_id, claim, user)

    @staticmethod
    def _check_claim(hold_id: str, claim: Mapping[str, str] | None, user: User) -> None:
        """Two officers never work one hold: another's claim stops everyone but a supervisor."""
        if claim and claim.get("by") != user.name and not user.may(Role.SUPERVISOR):
            raise Conflict(f"hold {hold_id} is claimed by {claim.get('by')}")

    @staticmethod
    def _not_changed(hold_id: str, current: str) -> Exception:
        if not current:
            return NotFound(f"no hold {hold_id}")
        return Conflict(f"hold {hold_id} is already {current}")

    async def _publish(self, changes: Sequence[dict[str, Any]]) -> bool:
        """Publish and clear the outbox; on failure leave it to the worker's sweeper."""
        if not changes:
            return True
        try:
            await self._publisher.publish(changes)
        except Exception:
            log.exception("publishing %d hold changes failed; the outbox keeps them", len(changes))
            self._metrics.publish_failures.inc(len(changes))
            return False
        await self._store.mark_published([outbox_field(c["hold_id"], c["status"]) for c in changes])
        return True


def check_note(text: Any, required: bool = False) -> str:
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise BadRequest("a note is text")
    text = text.strip()
    if required and not text:
        raise BadRequest("the note is empty")
    if len(text) > MAX_NOTE:
        raise BadRequest(f"a note is at most {MAX_NOTE} characters")
    return text
