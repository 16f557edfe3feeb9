"""Identifiers that arrive in URLs and bodies, checked before they reach a Redis key."""

from __future__ import annotations

from screener.api.errors import BadRequest
from screener.domain.identifiers import compact_iban

MAX_ACCOUNT = 256  # a receiver may be an IBAN, a card token or a wallet id (CONTRACT §2.1)
MAX_HOLD_ID = 128  # a hold's id is its event's id: any text of 1-128 characters (CONTRACT §1)


def check_hold_id(text: str) -> str:
    """Any event id the worker accepted must be reviewable, so any text of the contract's
    length is: clients percent-encode it in the path, Redis keys are binary-safe and the
    page writes every value as text, never as HTML."""
    if not 1 <= len(text) <= MAX_HOLD_ID:
        raise BadRequest(f"a hold id is 1-{MAX_HOLD_ID} characters")
    return text


def check_account(text: str) -> str:
    """Any account the worker can block must be readable and changeable here: a wallet
    `+77011234567`, a card token, a Cyrillic id. Clients percent-encode it in the path.

    An IBAN comes back in its electronic form, as the worker keys it (``KZ43 8860 ...``
    from a list typed for people is ``KZ438860...``), so that what is blocked here is what
    the payment systems check."""
    if not 1 <= len(text) <= MAX_ACCOUNT:
        raise BadRequest(f"an account is 1-{MAX_ACCOUNT} characters")
    return compact_iban(text)
