"""Per-user limits: how many notes, block-list imports and queue reads one user may make.

A stolen session, a runaway script or an officer flooding a trail is stopped at the limit
with 429; the windows are fixed (a counter with a TTL in Redis), shared by every API process.
"""

from __future__ import annotations

from dataclasses import dataclass

from screener.api.auth import User
from screener.api.errors import TooManyRequests
from screener.api.store import ReviewStore
from screener.settings import ReviewSettings


@dataclass(frozen=True, slots=True)
class Limit:
    count: int
    window_seconds: int
    what: str


class Limits:
    def __init__(self, store: ReviewStore, settings: ReviewSettings) -> None:
        self._store = store
        self._limits = {
            "notes": Limit(settings.notes_per_hour, 3600, "notes an hour"),
            "imports": Limit(settings.imports_per_day, 86400, "block-list imports a day"),
            "queue_reads": Limit(settings.queue_reads_per_minute, 60, "queue reads a minute"),
        }

    async def check(self, user: User, kind: str) -> None:
        """Count one `kind` for `user`; 429 once the window's limit is passed."""
        limit = self._limits[kind]
        count = await self._store.count_attempt(f"{kind}:{user.name}", limit.window_seconds)
        if count > limit.count:
            raise TooManyRequests(
                f"at most {limit.count} {limit.what} per user; try again later",
                retry_after=limit.window_seconds,
            )
