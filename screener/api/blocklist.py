"""The block list (CONTRACT §4 block entries): look-ups, supervisors' changes, CSV imports.

Payment systems check `EXISTS block:account:{acc}` before paying, so an entry here stops
money at once; every change is audited with the entry before and after.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from screener.api.audit import AuditEntry
from screener.api.auth import User
from screener.api.errors import BadRequest, NotFound
from screener.api.ids import check_account
from screener.api.limits import Limits
from screener.api.metrics import ApiMetrics
from screener.api.store import BlockState, ReviewStore
from screener.domain.hold_records import block_entry

MANUAL_RULE = "manual"
IMPORT_RULE = "import"
MAX_REASON = 500
# About ten years: longer is a permanent block, which `null` already says.
MAX_TTL_SECONDS = 10 * 366 * 86400
MAX_IMPORT_LINES = 100_000
# Lines per Redis transaction: large lists import without one huge MULTI blocking Redis.
IMPORT_CHUNK = 1000


def check_reason(reason: Any) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise BadRequest("reason is required text")
    if len(reason) > MAX_REASON:
        raise BadRequest(f"reason is at most {MAX_REASON} characters")
    return reason.strip()


def check_ttl(ttl: Any) -> int | None:
    """Seconds the block lasts, or None for a block until a supervisor lifts it."""
    if ttl is None:
        return None
    if isinstance(ttl, bool) or not isinstance(ttl, int):
        raise BadRequest("ttl_seconds is a whole number of seconds or null")
    if not 1 <= ttl <= MAX_TTL_SECONDS:
        raise BadRequest(f"ttl_seconds must be between 1 and {MAX_TTL_SECONDS}, or null")
    return int(ttl)


def manual_block_entry(
    reason: str, rule: str, now: datetime, ttl: int | None, hold_id: str = ""
) -> dict[str, Any]:
    """A supervisor's block: lasting `ttl` seconds, or until lifted when None."""
    expires_at = now + timedelta(seconds=ttl) if ttl else None
    return block_entry(reason, rule, now, expires_at, hold_id=hold_id)


@dataclass(frozen=True, slots=True)
class ImportLine:
    line: int
    account: str
    reason: str
    ttl: int | None


@dataclass(slots=True)
class ParsedImport:
    lines: list[ImportLine] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


class BadImport(BadRequest):
    """The file itself cannot be read as CSV; the line says where."""


def parse_import(text: str) -> ParsedImport:
    """Parse `account,reason[,ttl_seconds]` lines; a header row is allowed.

    Each bad line is reported with its number and why, and the good lines still count:
    one typo in a list of a thousand accounts must not stop the other 999. A file the CSV
    reader cannot read at all (a field over 128 KB, a bare carriage return) is refused
    whole, naming the line.
    """
    result = ParsedImport()
    rows = csv.reader(io.StringIO(text))
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            raise BadImport(f"line {rows.line_num}: not readable as CSV ({exc})") from None
        number = rows.line_num
        if number > MAX_IMPORT_LINES:
            result.errors.append({"line": number, "error": f"more than {MAX_IMPORT_LINES} lines"})
            break
        cells = [cell.strip() for cell in row]
        if not cells or all(not cell for cell in cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() == "account":
            continue
        if len(cells) not in (2, 3):
            result.errors.append({"line": number, "error": "expected account,reason[,ttl_seconds]"})
            continue
        account, reason = cells[0], cells[1]
        ttl: int | None = None
        try:
            account = check_account(account)
            reason = check_reason(reason)
            if len(cells) == 3 and cells[2]:
                if not cells[2].isdigit():
                    raise BadRequest("ttl_seconds must be a whole number of seconds")
                ttl = check_ttl(int(cells[2]))
        except BadRequest as exc:
            result.errors.append({"line": number, "error": exc.message})
            continue
        result.lines.append(ImportLine(number, account, reason, ttl))
    return result


Change = tuple[str, dict[str, Any] | None, int | None]


class Blocklist:
    def __init__(
        self,
        store: ReviewStore,
        metrics: ApiMetrics,
        clock: Callable[[], datetime],
        limits: Limits,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._clock = clock
        self._limits = limits

    async def get(self, account: str) -> dict[str, Any]:
        account = check_account(account)
        entry, seconds_left = await self._store.block(account)
        if entry is None:
            raise NotFound(f"account {account} is not blocked")
        return {"account": account, **entry, "ttl_seconds": seconds_left}

    async def put(self, account: str, body: dict[str, Any], user: User) -> dict[str, Any]:
        account = check_account(account)
        reason = check_reason(body.get("reason"))
        ttl = check_ttl(body.get("ttl_seconds"))
        now = self._clock()
        entry = manual_block_entry(reason, MANUAL_RULE, now, ttl)

        def decide(states: list[BlockState]) -> tuple[list[Change], list[AuditEntry]]:
            audit = AuditEntry.by_user(
                user,
                "block",
                now,
                account=account,
                note=reason,
                before=states[0].entry,
                after=entry,
            )
            return [(account, entry, ttl)], [audit]

        await self._store.change_blocks([account], decide)
        self._metrics.action("block")
        return {"account": account, **entry, "ttl_seconds": ttl}

    async def delete(self, account: str, user: User, note: str = "") -> dict[str, Any]:
        account = check_account(account)
        now = self._clock()

        def decide(states: list[BlockState]) -> tuple[list[Change], list[AuditEntry]]:
            previous = states[0].entry
            if previous is None:
                raise NotFound(f"account {account} is not blocked")
            audit = AuditEntry.by_user(
                user, "unblock", now, account=account, note=note, before=previous
            )
            return [(account, None, None)], [audit]

        [state] = await self._store.change_blocks([account], decide)
        self._metrics.action("unblock")
        return {"account": account, "unblocked": True, "previous": state.entry}

    async def import_csv(self, text: str, user: User, source: str) -> dict[str, Any]:
        """Block every good line's account as a supervisor's PUT would; report bad lines."""
        parsed = parse_import(text)
        await self._limits.check(user, "imports")
        now = self._clock()
        imported = 0
        # On a Redis Cluster each account's block and chain have a slot of their own.
        chunk_size = 1 if self._store.keys.hold_shards else IMPORT_CHUNK
        for start in range(0, len(parsed.lines), chunk_size):
            chunk = parsed.lines[start : start + chunk_size]
            # One account twice in a file: the last line wins, as a second PUT would.
            latest = {line.account: line for line in chunk}
            lines = list(latest.values())
            blocks: list[Change] = [
                (
                    line.account,
                    manual_block_entry(f"{line.reason} [{source}]", IMPORT_RULE, now, line.ttl),
                    line.ttl,
                )
                for line in lines
            ]

            def decide(
                states: list[BlockState],
                lines: list[ImportLine] = lines,
                blocks: list[Change] = blocks,
            ) -> tuple[list[Change], list[AuditEntry]]:
                audit = [
                    AuditEntry.by_user(
                        user,
                        "block_import",
                        now,
                        account=line.account,
                        note=f"{source}, line {line.line}",
                        before=state.entry,
                        after=entry,
                    )
                    for line, (_account, entry, _ttl), state in zip(
                        lines, blocks, states, strict=True
                    )
                ]
                return blocks, audit

            await self._store.change_blocks([line.account for line in lines], decide)
            imported += len(chunk)
        self._metrics.action("block_import", imported)
        return {
            "imported": imported,
            "errors": parsed.errors,
            "source": source,
        }
