"""Audit entries: who did what to which hold or account, when, and what it was before.

The Lua scripts already append `create` and `status` entries to the `audit` stream. The
review API adds its own (claims, notes, releases with the officer's role, blocks, each
follow-the-money step) to the same stream, and copies each to a stream per hold and a
stream per user, so a hold's or an officer's trail is read without scanning everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:  # auth imports nothing from here, but keep the runtime graph a tree
    from screener.api.auth import User

# Stream entries of one hold or one user: enough for years of one officer's work, while a
# runaway client cannot grow a key without bound. MAXLEN ~ trims cheaply.
TRAIL_MAX_LENGTH = 100_000


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

    @classmethod
    def by_user(cls, user: User, action: str, at: datetime, **details: Any) -> AuditEntry:
        """An entry for what `user` did: who and in which role are always recorded."""
        return cls(action=action, by=user.name, role=user.role.label, at=at, **details)

    def fields(self) -> dict[str, str]:
        """Stream fields; the first seven are the ones the Lua scripts write."""
        return {
            "hold_id": self.hold_id,
            "action": self.action,
            "from": self.from_status,
            "to": self.to_status,
            "by": self.by,
            "at": self.at.isoformat(),
            "note": self.note,
            "role": self.role,
            "account": self.account,
            "before": _json(self.before),
            "after": _json(self.after),
            "related_hold": self.related_hold,
        }


def _json(value: Any) -> str:
    return "" if value is None else orjson.dumps(value).decode()


def entry_view(entry_id: str, fields: dict[str, str]) -> dict[str, Any]:
    """A stream entry as the API shows it, with `before`/`after` parsed back."""
    view: dict[str, Any] = {"id": entry_id}
    for name in (
        "hold_id",
        "action",
        "from",
        "to",
        "by",
        "at",
        "note",
        "role",
        "account",
        "related_hold",
    ):
        view[name] = fields.get(name, "")
    for name in ("before", "after"):
        raw = fields.get(name, "")
        view[name] = orjson.loads(raw) if raw else None
    return view
