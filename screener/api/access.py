"""Who is calling: Bearer tokens for programs, a session cookie for the page.

A disabled user is refused at once, whatever token or session they still hold, because
each request loads the user afresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from screener.api.audit import AuditEntry
from screener.api.auth import Principal, Role, User, check_user_name, new_token, token_digest
from screener.api.errors import BadRequest, Conflict, NotFound, Unauthorized
from screener.api.store import ReviewStore

SESSION_COOKIE = "screener_session"


@dataclass(frozen=True, slots=True)
class Login:
    principal: Principal
    session_id: str
    expires_at: datetime


class Gatekeeper:
    def __init__(
        self, store: ReviewStore, session_minutes: int, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._session = timedelta(minutes=session_minutes)
        self._clock = clock

    async def by_token(self, token: str) -> Principal:
        fields = await self._store.user_for_token(token_digest(token)) if token else None
        user = self._active(fields)
        return Principal(user=user, via="token")

    async def by_session(self, session_id: str) -> Principal:
        session = await self._store.session(token_digest(session_id)) if session_id else None
        if session is None:
            raise Unauthorized("the session has expired; log in again")
        user = self._active(await self._store.user(str(session.get("user", ""))))
        return Principal(user=user, via="session", csrf=str(session.get("csrf", "")))

    @staticmethod
    def _active(fields: dict[str, str] | None) -> User:
        if fields is None:
            raise Unauthorized("a valid token is required")
        user = User.from_fields(fields)
        if user.disabled:
            raise Unauthorized("a valid token is required")
        return user

    async def login(self, token: str) -> Login:
        principal = await self.by_token(token)
        now = self._clock()
        expires_at = now + self._session
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        await self._store.create_session(
            token_digest(session_id),
            {"user": principal.user.name, "csrf": csrf, "expires_at": expires_at.isoformat()},
            ttl=int(self._session.total_seconds()),
        )
        await self._store.audit([_entry("login", principal.user, now)])
        return Login(Principal(principal.user, "session", csrf), session_id, expires_at)

    async def logout(self, principal: Principal, session_id: str) -> None:
        await self._store.delete_session(token_digest(session_id))
        await self._store.audit([_entry("logout", principal.user, self._clock())])

    # --- user management (the `users` command) ------------------------------------------

    async def add_user(self, name: str, role: Role, by: str) -> str:
        """Create a user and return their token: the only time it is ever shown."""
        check_user_name(name)
        token = new_token()
        now = self._clock()
        fields = {
            "name": name,
            "role": role.label,
            "token_sha256": token_digest(token),
            "created_at": now.isoformat(),
            "disabled": "0",
        }
        if not await self._store.add_user(fields, token_digest(token)):
            raise Conflict(f"user {name} exists")
        after = {k: v for k, v in fields.items() if k != "token_sha256"}
        await self._store.audit([_entry("user_add", _operator(by), now, name, after=after)])
        return token

    async def disable_user(self, name: str, by: str) -> None:
        check_user_name(name)
        now = self._clock()
        before = await self._store.disable_user(name, now)
        if before is None:
            raise NotFound(f"no user {name}")
        await self._store.audit(
            [
                _entry(
                    "user_disable",
                    _operator(by),
                    now,
                    name,
                    before={"disabled": before.get("disabled") == "1"},
                    after={"disabled": True},
                )
            ]
        )

    async def users(self) -> list[User]:
        users = []
        for name in await self._store.user_names():
            fields = await self._store.user(name)
            if fields is not None:
                users.append(User.from_fields(fields))
        return users


def _operator(by: str) -> User:
    """Whoever ran the `users` command; the CLI runs with the operator's own rights."""
    if not by:
        raise BadRequest("an operator name is required")
    return User(name=by, role=Role.SUPERVISOR)


def _entry(
    action: str,
    user: User,
    at: datetime,
    subject: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    return AuditEntry.by_user(user, action, at, note=subject, before=before, after=after)
