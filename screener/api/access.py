"""Who is calling: Bearer tokens for programs, a session cookie for the page.

A disabled user is refused at once, whatever token or session they still hold, because
each request loads the user afresh. Tokens expire (`SCREENER_TOKEN_DAYS`) and are rotated
with `screener users rotate`; logins are throttled per source address and per user, and
every login, refused or not, is audited with the address it came from.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from screener.api.audit import AuditEntry
from screener.api.auth import Principal, Role, User, check_user_name, new_token, token_digest
from screener.api.errors import BadRequest, Conflict, NotFound, TooManyRequests, Unauthorized
from screener.api.store import ReviewStore
from screener.settings import ReviewSettings

SESSION_COOKIE = "screener_session"


@dataclass(frozen=True, slots=True)
class Login:
    principal: Principal
    session_id: str
    expires_at: datetime


class Gatekeeper:
    def __init__(
        self, store: ReviewStore, settings: ReviewSettings, clock: Callable[[], datetime]
    ) -> None:
        self._store = store
        self._settings = settings
        self._session = timedelta(minutes=settings.session_minutes)
        self._token_life = timedelta(days=settings.token_days)
        self._clock = clock

    async def by_token(self, token: str) -> Principal:
        fields = await self._store.user_for_token(token_digest(token)) if token else None
        user = self._active(fields)
        assert fields is not None
        expires = fields.get("token_expires_at", "")
        if expires and datetime.fromisoformat(expires) <= self._clock():
            raise Unauthorized("the token has expired; ask for a new one (screener users rotate)")
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

    async def login(self, token: str, source_address: str) -> Login:
        """A session for a valid token. Refused (and audited) for a wrong token, and for any
        token once the address has failed too often in the window."""
        now = self._clock()
        settings = self._settings
        address_key = f"login-failures:{source_address}"
        if await self._store.attempts(address_key) >= settings.login_failures_max:
            await self._refused(now, source_address, "throttled", "")
            raise TooManyRequests(
                "too many failed logins from this address; try again later",
                retry_after=settings.login_window_seconds,
            )
        try:
            principal = await self.by_token(token)
        except Unauthorized as exc:
            await self._store.count_attempt(address_key, settings.login_window_seconds)
            await self._refused(now, source_address, exc.message, "")
            raise
        user = principal.user
        expires_at = now + self._session
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        await self._store.create_session(
            token_digest(session_id),
            {"user": user.name, "csrf": csrf, "expires_at": expires_at.isoformat()},
            ttl=int(self._session.total_seconds()),
            entry=AuditEntry.by_user(
                user,
                "login",
                now,
                source_address=source_address,
                entity_kind="user",
                entity_id=user.name,
            ),
        )
        return Login(Principal(user, "session", csrf), session_id, expires_at)

    async def _refused(self, now: datetime, source_address: str, why: str, name: str) -> None:
        """A refused login is filed under the address it came from: the token named nobody."""
        await self._store.record(
            AuditEntry(
                action="login_failed",
                by=name or "anonymous",
                role="",
                at=now,
                note=why,
                source_address=source_address,
                entity_kind="address",
                entity_id=source_address or "unknown",
            )
        )

    async def logout(self, principal: Principal, session_id: str, source_address: str) -> None:
        user = principal.user
        await self._store.delete_session(
            token_digest(session_id),
            AuditEntry.by_user(
                user,
                "logout",
                self._clock(),
                source_address=source_address,
                entity_kind="user",
                entity_id=user.name,
            ),
        )

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
            "token_expires_at": (now + self._token_life).isoformat(),
            "created_at": now.isoformat(),
            "disabled": "0",
        }
        after = {k: v for k, v in fields.items() if k != "token_sha256"}
        entry = _entry("user_add", _operator(by), now, name, after=after)
        step = await self._store.add_user(fields, token_digest(token), entry)
        if not step.result:
            raise Conflict(f"user {name} exists")
        return token

    async def disable_user(self, name: str, by: str) -> None:
        check_user_name(name)
        now = self._clock()

        def changes(before: dict[str, str]) -> tuple[dict[str, str], None, list[AuditEntry]]:
            entry = _entry(
                "user_disable",
                _operator(by),
                now,
                name,
                before={"disabled": before.get("disabled") == "1"},
                after={"disabled": True},
            )
            return {"disabled": "1", "disabled_at": now.isoformat()}, None, [entry]

        step = await self._store.change_user(name, changes)
        if step.result is None:
            raise NotFound(f"no user {name}")

    async def rotate_token(self, name: str, by: str) -> str:
        """A new token for the user; the old one stops working in the same step."""
        check_user_name(name)
        now = self._clock()
        token = new_token()
        digest = token_digest(token)
        expires_at = (now + self._token_life).isoformat()

        def changes(before: dict[str, str]) -> tuple[dict[str, str], str, list[AuditEntry]]:
            if before.get("disabled") == "1":
                raise Conflict(f"user {name} is disabled")
            entry = _entry(
                "user_rotate",
                _operator(by),
                now,
                name,
                before={"token_expires_at": before.get("token_expires_at") or None},
                after={"token_expires_at": expires_at},
            )
            fields = {"token_sha256": digest, "token_expires_at": expires_at}
            return fields, digest, [entry]

        step = await self._store.change_user(name, changes)
        if step.result is None:
            raise NotFound(f"no user {name}")
        return token

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
    subject: str,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    return AuditEntry.by_user(
        user,
        action,
        at,
        note=subject,
        before=before,
        after=after,
        entity_kind="user",
        entity_id=subject,
    )
