"""Identifiers that arrive in URLs and bodies, checked before they reach a Redis key."""

from __future__ import annotations

import re

from screener.api.errors import BadRequest

# Event ids are free text in the contract; holds reachable through the API are those whose
# id stays within this set, which is safe in URLs, Redis keys and the page.
HOLD_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
ACCOUNT = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_hold_id(text: str) -> str:
    if not HOLD_ID.fullmatch(text):
        raise BadRequest("a hold id is 1-128 characters: letters, digits, '.', '_', ':', '-'")
    return text


def check_account(text: str) -> str:
    if not ACCOUNT.fullmatch(text):
        raise BadRequest("an account is 1-64 characters: letters, digits, '_', '-'")
    return text
