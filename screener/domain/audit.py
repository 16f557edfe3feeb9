"""Audit entries and their hash chains: who did what to which entity, when, from what.

Each entity acted on (a hold, an account, a user, a login's source address, the rules) has
its own chain: entry `seq` carries the hash of entry `seq - 1`, and its own hash covers
every field but itself. An edited entry no longer matches its hash, a removed one leaves
a gap in `seq` and a `prev_hash` that points nowhere. Pure: no clock, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import orjson

ENTITY_KINDS = ("hold", "account", "user", "customer", "address", "rules")
# Fields every sealed record has on top of the entry's own: they place it in its chain.
CHAIN_FIELDS = ("entity_kind", "entity_id", "seq", "prev_hash", "hash")


class Actor(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role_label(self) -> str: ...


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    by: str
    role: str
    at: datetime
    hold_id: str = ""
    account: str = ""
    from_status: str = ""
    to_status: str = ""
    note: str = ""
    before: Any = None
    after: Any = None
    # A second hold whose trail shows this entry: the confirmed hold a follow-the-money
    # step came from.
    related_hold: str = ""
    # Where a login or a request came from (the client's address as the API saw it).
    source_address: str = ""
    # The entity whose chain holds this entry; by default the hold, else the account.
    entity_kind: str = ""
    entity_id: str = ""

    @classmethod
    def by_user(cls, user: Actor, action: str, at: datetime, **details: Any) -> AuditEntry:
        """An entry for what `user` did: who and in which role are always recorded."""
        return cls(action=action, by=user.name, role=user.role_label, at=at, **details)

    @property
    def chain(self) -> tuple[str, str]:
        """(kind, id) of the entity acted on."""
        if self.entity_kind:
            return self.entity_kind, self.entity_id
        if self.hold_id:
            return "hold", self.hold_id
        if self.account:
            return "account", self.account
        return "user", self.by

    def body(self) -> dict[str, Any]:
        """The entry as JSON-ready values, without its place in the chain."""
        kind, entity = self.chain
        return {
            "entity_kind": kind,
            "entity_id": entity,
            "action": self.action,
            "by": self.by,
            "role": self.role,
            "at": self.at.isoformat(),
            "hold_id": self.hold_id,
            "account": self.account,
            "from": self.from_status,
            "to": self.to_status,
            "note": self.note,
            "before": self.before,
            "after": self.after,
            "related_hold": self.related_hold,
            "source_address": self.source_address,
        }


def chain_id(kind: str, entity: str) -> str:
    return f"{kind}:{entity}"


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the record's canonical JSON (sorted keys, no spaces), `hash` left out."""
    content = {name: value for name, value in record.items() if name != "hash"}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def seal(body: Mapping[str, Any], seq: int, prev_hash: str) -> dict[str, Any]:
    """The record that follows `prev_hash` as entry `seq` of its chain."""
    record = {**body, "seq": seq, "prev_hash": prev_hash}
    record["hash"] = record_hash(record)
    return record


@dataclass(frozen=True, slots=True)
class ChainHead:
    seq: int = 0
    hash: str = ""

    def encode(self) -> str:
        return f"{self.seq}|{self.hash}"

    @classmethod
    def decode(cls, text: str | None) -> ChainHead:
        if not text:
            return cls()
        seq, _, digest = text.partition("|")
        return cls(int(seq), digest)


def seal_all(
    entries: Iterable[AuditEntry], heads: Mapping[str, ChainHead]
) -> tuple[list[dict[str, Any]], dict[str, ChainHead]]:
    """Seal entries in order after the given chain heads; returns records and new heads."""
    new_heads = dict(heads)
    records = []
    for entry in entries:
        chain = chain_id(*entry.chain)
        head = new_heads.get(chain, ChainHead())
        record = seal(entry.body(), head.seq + 1, head.hash)
        new_heads[chain] = ChainHead(record["seq"], record["hash"])
        records.append(record)
    return records, new_heads


@dataclass(slots=True)
class ChainReport:
    """What `verify` found: chains and entries checked, and every problem, in words."""

    chains: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(
    records: Iterable[Mapping[str, Any]], heads: Mapping[str, ChainHead] | None = None
) -> ChainReport:
    """Check every chain: hashes recomputed, `seq` from 1 without gaps, each `prev_hash`
    the hash of the entry before. A record delivered twice (the outbox may republish) is
    counted once; two different records with one `seq` are a fork, an edit.

    `heads`, where known (Redis keeps them), must not be ahead of what the records show:
    entries removed from the end of a chain, or a whole chain, leave no gap to find.
    """
    report = ChainReport()
    chains: dict[str, dict[int, Mapping[str, Any]]] = {}
    for record in records:
        try:
            chain = chain_id(str(record["entity_kind"]), str(record["entity_id"]))
            seq = int(record["seq"])
        except (KeyError, TypeError, ValueError):
            report.problems.append(f"a record without its chain fields: {dict(record)!r:.200}")
            continue
        if record_hash(record) != record.get("hash"):
            report.problems.append(f"{chain} #{seq}: the hash does not match the content (edited)")
            continue
        seen = chains.setdefault(chain, {})
        if seq in seen and seen[seq].get("hash") != record.get("hash"):
            report.problems.append(f"{chain} #{seq}: two different entries with one number")
            continue
        seen[seq] = record
    for chain, by_seq in sorted(chains.items()):
        report.chains += 1
        report.entries += len(by_seq)
        previous_hash = ""
        for seq in range(1, max(by_seq) + 1):
            found = by_seq.get(seq)
            if found is None:
                report.problems.append(f"{chain} #{seq}: missing (a gap in the chain)")
                previous_hash = ""
                continue
            if previous_hash and found.get("prev_hash") != previous_hash:
                report.problems.append(f"{chain} #{seq}: prev_hash is not the hash of #{seq - 1}")
            elif seq == 1 and found.get("prev_hash"):
                report.problems.append(f"{chain} #1: a first entry that follows another")
            previous_hash = str(found.get("hash", ""))
    for chain, head in sorted((heads or {}).items()):
        last = max(chains.get(chain, {0: {}}))
        if head.seq > last:
            report.problems.append(
                f"{chain}: Redis counts {head.seq} entries, the topic ends at #{last} (removed)"
            )
    return report
