"""Users, roles, tokens and page sessions.

A user is a name, a role and the SHA-256 of a random token. The token itself is shown once,
when the user is created, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import IntEnum

from screener.api.errors import BadRequest

USER_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class Role(IntEnum):
    """Ordered: each role may do everything the roles below it may."""

    VIEWER = 1
    OFFICER = 2
    SUPERVISOR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(role.label for role in cls)
            raise BadRequest(f"unknown role {text!r}; one of {names}") from None


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: Role
    created_at: str = ""
    disabled: bool = False

    @property
    def role_label(self) -> str:
        return self.role.label

    def may(self, role: Role) -> bool:
        return not self.disabled and self.role >= role

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role.label,
            "created_at": self.created_at,
            "disabled": self.disabled,
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> User:
        return cls(
            name=fields["name"],
            role=Role.parse(fields["role"]),
            created_at=fields.get("created_at", ""),
            disabled=fields.get("disabled", "0") == "1",
        )


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, and how: a Bearer token, or the page's session cookie."""

    user: User
    via: str  # "token" or "session"
    csrf: str = ""  # the session's CSRF token; empty for Bearer calls


def new_token() -> str:
    """256 random bits, URL-safe: a token nobody can guess."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The stored form of a token or a session id.

    A plain SHA-256 is enough here, where passwords would need a slow salted hash: salts and
    slow hashes defend guessable secrets against dictionary and brute-force attacks, and
    these tokens carry 256 bits from `secrets`, which no dictionary holds and no search can
    cover. An unsalted digest also lets a request be checked with one Redis lookup by key,
    and a copy of Redis still gives nobody a usable token.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    """Constant-time comparison, so response times reveal nothing about a CSRF token."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_user_name(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise BadRequest("a user name is 1-64 characters: letters, digits, '_', '.', '-'")
    return name
