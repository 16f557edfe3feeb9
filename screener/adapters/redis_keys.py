"""The Redis key layout (CONTRACT §4 plus the screener's own keys) and the Lua scripts.

Both the worker (asyncio client) and the review API (blocking client) go through these
helpers, so a key name or a script's arguments are written in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zlib import crc32

import orjson

# The statuses and the outbox's field names live in the domain; named here too for the
# adapters that import them from here.
from screener.domain.hold_records import outbox_field
from screener.domain.hold_status import (
    STATUS_BLOCKED,
    STATUS_CANCELLED,
    STATUS_CONFIRMED_FRAUD,
    STATUS_HELD,
    STATUS_RELEASED,
)
from screener.domain.loan_release import Settlement

# The audit stream is capped so a busy year cannot fill Redis; MAXLEN ~ trims cheaply.
AUDIT_MAX_LENGTH = 1_000_000

# How long a hold stays in Redis once it is no longer open (released, confirmed, blocked,
# cancelled), and with it its per-hold audit trail and follow-the-money record; a user's
# audit trail lives this long after their last action. The archive is Kafka:
# `screener.decisions`, `screener.holds` and `screener.audit` carry every decision, status
# change and officer action, and `screener rebuild` restores from them. An open hold never
# expires: an officer must decide it (the overdue-holds gauge says when they do not).
CLOSED_HOLD_KEEP_SECONDS = 90 * 86400

# On a Redis Cluster the holds and their global indices (open and timed holds, the outbox,
# the audit stream) live in this many shards, each one hash slot: a hold's scripts touch its
# own shard only. 16 spreads them over the nodes of any cluster up to 16 primaries.
CLUSTER_HOLD_SHARDS = 16

__all__ = [
    "CLOSED_HOLD_KEEP_SECONDS",
    "CLUSTER_HOLD_SHARDS",
    "STATUS_BLOCKED",
    "STATUS_CANCELLED",
    "STATUS_CONFIRMED_FRAUD",
    "STATUS_HELD",
    "STATUS_RELEASED",
    "RedisKeys",
    "create_hold_args",
    "lua_source",
    "outbox_field",
    "settle_args",
    "transition_args",
]


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """The key names. `hold_shards=0` (one Redis, Sentinel): the names of CONTRACT §4, no
    hash tags. `hold_shards=N` (Redis Cluster, `for_cluster`): every key a script or a
    transaction touches together shares one hash tag — a customer's keys `{customer}`, an
    account's `{account}`, a hold's and its indices' the hold's shard `{h<n>}` — and the
    global indices are split into N shards. The block key is the contract's, untagged, in
    both (deploy/README.md §3): the payment systems' `EXISTS` keeps answering."""

    prefix: str = "screener:"
    hold_shards: int = 0

    @classmethod
    def for_cluster(cls, prefix: str = "screener:") -> RedisKeys:
        return cls(prefix, CLUSTER_HOLD_SHARDS)

    @property
    def shards(self) -> tuple[str, ...]:
        """Every shard's tag: one, empty, outside a cluster."""
        return tuple(f"{{h{n}}}" for n in range(self.hold_shards)) or ("",)

    def shard_of(self, hold_id: str) -> str:
        """The tag of the shard a hold lives in ("" outside a cluster)."""
        if not self.hold_shards:
            return ""
        return f"{{h{crc32(hold_id.encode()) % self.hold_shards}}}"

    def _in_shard(self, name: str, shard: str) -> str:
        return f"{self.prefix}{name}:{shard}" if shard else f"{self.prefix}{name}"

    def _of_hold(self, name: str, hold_id: str) -> str:
        shard = self.shard_of(hold_id)
        return (
            f"{self.prefix}{name}:{shard}:{hold_id}" if shard else f"{self.prefix}{name}:{hold_id}"
        )

    def _tag(self, owner: str) -> str:
        """A customer's or an account's id, as a hash tag on a cluster."""
        return f"{{{owner}}}" if self.hold_shards else owner

    def hold(self, hold_id: str) -> str:
        return self._of_hold("hold", hold_id)

    @property
    def holds_open(self) -> str:
        """Outside a cluster; on one, each shard has its own (`holds_open_in`)."""
        return self.holds_open_in("")

    def holds_open_in(self, shard: str) -> str:
        return self._in_shard("holds:open", shard)

    @property
    def holds_timed(self) -> str:
        """Held holds that lift by themselves, scored by `hold_until` (epoch seconds)."""
        return self.holds_timed_in("")

    def holds_timed_in(self, shard: str) -> str:
        return self._in_shard("holds:timed", shard)

    @property
    def outbox(self) -> str:
        """Status changes written to Redis but not yet confirmed on `screener.holds`."""
        return self.outbox_in("")

    def outbox_in(self, shard: str) -> str:
        return self._in_shard("outbox", shard)

    @property
    def outbox_due(self) -> str:
        return self.outbox_due_in("")

    def outbox_due_in(self, shard: str) -> str:
        return self._in_shard("outbox:due", shard)

    @property
    def audit(self) -> str:
        return self.audit_in("")

    def audit_in(self, shard: str) -> str:
        return self._in_shard("audit", shard)

    def decision(self, event_id: str) -> str:
        return f"{self.prefix}decision:{event_id}"

    def history(self, customer_id: str) -> str:
        return f"{self.prefix}customer:{self._tag(customer_id)}:history"

    def account_inbound(self, account: str) -> str:
        """Money into an account: one member per transfer (JSON), scored by event time."""
        return f"{self.prefix}account:{self._tag(account)}:in"

    def account_outbound(self, account: str) -> str:
        return f"{self.prefix}account:{self._tag(account)}:out"

    def account_info(self, account: str) -> str:
        """Hash: `opened_at` (epoch seconds) and `holder_id`, from `account_opened`."""
        return f"{self.prefix}account:{self._tag(account)}:info"

    def confirmed_victim(self, customer_id: str) -> str:
        """Set by the review API when an officer confirms fraud against this customer."""
        return f"{self.prefix}customer:{self._tag(customer_id)}:confirmed-victim"

    def block(self, account: str) -> str:
        return f"{self.prefix}block:account:{account}"

    def account_profile(self, account: str) -> str:
        """JSON: the account's long-term profile (domain/profile.py)."""
        return f"{self.prefix}account:{self._tag(account)}:profile"

    def suspension(self, account: str) -> str:
        """JSON like a block entry: the account is suspended on mule evidence (its payments
        are held, not refused); expires by itself, lifted when an officer releases."""
        return f"{self.prefix}suspended:account:{self._tag(account)}"

    def safety_cap(self, bucket: str) -> str:
        """Hash: the safety cap's counts of one minute or hour of event time
        (domain/safety_cap.py), shared by the workers of the group; expires once read."""
        # One tag for all buckets on a cluster: a batch reads and adds them in one script.
        return (
            f"{self.prefix}safety-cap:{{sc}}:{bucket}"
            if self.hold_shards
            else (f"{self.prefix}safety-cap:{bucket}")
        )

    def lock(self, name: str) -> str:
        return f"{self.prefix}lock:{name}"

    # --- what workers report for the operators' page (screener/status.py) ---

    @property
    def _status(self) -> str:
        # One tag on a cluster: the page reads every worker's record in one MGET.
        return f"{self.prefix}status:{{status}}:" if self.hold_shards else f"{self.prefix}status:"

    @property
    def status_workers(self) -> str:
        """Sorted set: worker ids scored by their last report (epoch seconds)."""
        return f"{self._status}workers"

    def status_worker(self, worker: str) -> str:
        """A worker's last status record (JSON), with a TTL."""
        return f"{self._status}worker:{worker}"

    @property
    def status_dead_letters(self) -> str:
        """List: the last dead letters' masked summaries (JSON), newest first, capped."""
        return f"{self._status}dead-letters"

    def status_rule_hits(self, bucket_start: int) -> str:
        """Hash: rule -> hits (enforce mode) in the bucket starting at `bucket_start`."""
        return f"{self._status}rule-hits:{bucket_start}"

    # The review API's keys: users, sessions, claims, per-hold and per-user audit, and what
    # follow-the-money did for a confirmed fraud.

    @property
    def review_tag(self) -> str:
        """On a cluster, the one slot of the users, tokens, sessions and the audit views,
        outbox and heads (screener/adapters/audit_log.py); "" elsewhere."""
        return "{review}" if self.hold_shards else ""

    def _review(self, name: str) -> str:
        tag = self.review_tag
        return f"{self.prefix}{name}:{tag}" if tag else f"{self.prefix}{name}"

    def user(self, name: str) -> str:
        """Hash: `name`, `role`, `token_sha256`, `created_at`, `disabled`."""
        return f"{self._review('user')}:{name}"

    @property
    def users(self) -> str:
        return self._review("users")

    def user_token(self, token_sha256: str) -> str:
        """The user name a token (by its SHA-256) belongs to."""
        return f"{self._review('user-token')}:{token_sha256}"

    def session(self, session_sha256: str) -> str:
        """JSON of a page login (`user`, `csrf`, `expires_at`), with the session's TTL."""
        return f"{self._review('session')}:{session_sha256}"

    def chain_home(self, kind: str, entity: str) -> str:
        """On a cluster, the hash tag of the slot an audit chain's head lives in: the slot
        of what its steps change, so a change and its sealed entries are one transaction.
        A hold's chain is in the hold's shard; an account's in the slot of its untagged
        block key (the tag is the block key itself, which hashes as the key does); a
        customer's with the customer's keys; every other chain (users, addresses, rules)
        with the users. "" outside a cluster."""
        if not self.hold_shards:
            return ""
        if kind == "hold":
            return self.shard_of(entity)
        if kind == "account":
            block = self.block(entity)
            if "{" in block or "}" in block:
                raise ValueError(f"an account id with a brace cannot be tagged: {entity!r}")
            return f"{{{block}}}"
        if kind == "customer":
            return self._tag(entity)
        return self.review_tag

    def claim(self, hold_id: str) -> str:
        """Hash `by`, `at`, `expires_at`: the officer working the hold; expires by itself."""
        return self._of_hold("claim", hold_id)

    def follow(self, hold_id: str) -> str:
        """JSON: the steps follow-the-money took from this confirmed-fraud hold."""
        return self._of_hold("follow", hold_id)

    def hold_script_keys(self, hold_id: str) -> list[str]:
        """The keys of the hold scripts (create, settle, transition): one slot on a cluster."""
        shard = self.shard_of(hold_id)
        return [
            self.hold(hold_id),
            self.holds_open_in(shard),
            self.holds_timed_in(shard),
            self.outbox_in(shard),
            self.outbox_due_in(shard),
            self.audit_in(shard),
        ]


@cache
def lua_source(name: str) -> str:
    return resources.files("screener").joinpath(f"lua/{name}.lua").read_text("utf-8")


def create_hold_args(
    hold_id: str,
    fields: dict[str, Any],
    status: str,
    created_at: datetime,
    hold_until: datetime | None,
    change_record: dict[str, Any],
) -> list[str]:
    return [
        hold_id,
        orjson.dumps(fields).decode(),
        status,
        str(created_at.timestamp()),
        str(hold_until.timestamp()) if hold_until else "",
        orjson.dumps(change_record).decode(),
        created_at.isoformat(),
        str(AUDIT_MAX_LENGTH),
        str(CLOSED_HOLD_KEEP_SECONDS),
    ]


def settle_args(settlement: Settlement, changed_at: datetime) -> list[str]:
    """`settle_hold.lua`'s arguments."""
    return [
        settlement.hold_id,
        str(settlement.expected_version),
        orjson.dumps(dict(settlement.fields)).decode(),
        settlement.status or "",
        changed_at.isoformat(),
        str(changed_at.timestamp()),
        settlement.note,
        "1" if settlement.stops_timer else "",
        str(AUDIT_MAX_LENGTH),
        str(CLOSED_HOLD_KEEP_SECONDS),
    ]


def transition_args(
    hold_id: str,
    allowed_from: tuple[str, ...],
    to_status: str,
    changed_at: datetime,
    changed_by: str,
    note: str,
) -> list[str]:
    return [
        hold_id,
        ",".join(allowed_from),
        to_status,
        changed_at.isoformat(),
        str(changed_at.timestamp()),
        changed_by,
        note,
        str(AUDIT_MAX_LENGTH),
        str(CLOSED_HOLD_KEEP_SECONDS),
    ]
