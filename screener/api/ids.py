"""Identifiers that arrive in URLs and bodies, checked before they reach a Redis key."""

from __future__ import annotations

import re

from screener.api.errors import BadRequest

ACCOUNT = re.compile(r"[A-Za-z0-9_-]{1,64}")
MAX_HOLD_ID = 128  # a hold's id is its event's id: any text of 1-128 characters (CONTRACT §1)


def check_hold_id(text: str) -> str:
    """Any event id the worker accepted must be reviewable, so any text of the contract's
    length is: clients percent-encode it in the path, Redis keys are binary-safe and the
    page writes every value as text, never as HTML."""
    if not 1 <= len(text) <= MAX_HOLD_ID:
        raise BadRequest(f"a hold id is 1-{MAX_HOLD_ID} characters")
    return text


def check_account(text: str) -> str:
    if not ACCOUNT.fullmatch(text):
        raise BadRequest("an account is 1-64 characters: letters, digits, '_', '-'")
    return text
