"""Kazakh identifiers (DOMAIN §5): IIN, BIN and KZ IBAN. Pure functions, no I/O.

IIN (person), 12 digits: ``YYMMDD`` birth date, a century-and-sex digit (1/2: 1800s,
3/4: 1900s, 5/6: 2000s; odd male, even female), 4 serial digits, a check digit.
BIN (business), 12 digits: ``YYMM`` of registration, a kind digit (4, 5 or 6), an
attribute digit, 5 serial digits, the same check digit.
Check digit: the first 11 digits times weights 1..11, mod 11; if that is 10, weights
3..11,1,2 instead; if it is 10 again the number is invalid.

A KZ IBAN: ``KZ`` + 2 check digits + 3-digit bank code + 13 letters or digits, 20
characters in all, MOD-97 (ISO 13616) valid.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from operator import mul
from typing import Literal

__all__ = [
    "age_on",
    "check_digit",
    "compact_iban",
    "has_valid_check_digit",
    "iin_birth_date",
    "is_valid_bin",
    "is_valid_iin",
    "is_valid_iin_or_bin",
    "is_valid_kz_iban",
    "make_bin",
    "make_iin",
    "make_kz_iban",
    "receiver_country_of",
]

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

# century-and-sex digit -> first year of the century
_CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
_BIN_KINDS = frozenset("456")

_DIGITS = frozenset("0123456789")
_IBAN_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_KZ_IBAN_LENGTH = 20
_KZ_ACCOUNT_LENGTH = 13


def _is_digits(s: str, length: int) -> bool:
    # str.isdigit() also accepts non-ASCII digits such as "٣"; only 0-9 are allowed here.
    return len(s) == length and s.isascii() and s.isdigit()


_ZERO = ord("0")
_W1_OFFSET = _ZERO * sum(_WEIGHTS_1)  # the weighted sum of the ASCII codes exceeds the
_W2_OFFSET = _ZERO * sum(_WEIGHTS_2)  # weighted sum of the digits by these amounts


def _check_digit_of(first11: bytes) -> int | None:
    # ASCII codes straight from bytes: several times faster than int() per character.
    total: int = (sum(map(mul, first11, _WEIGHTS_1)) - _W1_OFFSET) % 11
    if total == 10:
        total = (sum(map(mul, first11, _WEIGHTS_2)) - _W2_OFFSET) % 11
        if total == 10:
            return None
    return total


def check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits of an IIN or BIN, or None when none exists."""
    if not _is_digits(first11, 11):
        raise ValueError(f"expected 11 digits, got {first11!r}")
    return _check_digit_of(first11.encode("ascii"))


def has_valid_check_digit(s: str) -> bool:
    """True when ``s`` is 12 ASCII digits whose last digit is the IIN/BIN check digit."""
    if not isinstance(s, str) or len(s) != 12 or not (s.isascii() and s.isdigit()):
        return False
    return _check_digit_matches(s)


# The same customers and counterparties come back event after event, and the check digit
# is two weighted sums: remembering recent answers is cheaper than computing them again.
@lru_cache(maxsize=65536)
def _check_digit_matches(digits: str) -> bool:
    b = digits.encode("ascii")
    return _check_digit_of(b[:11]) == b[11] - _ZERO


def _birth_date(s: str) -> date | None:
    """The birth date encoded in the first 7 digits, or None when it is not a real date."""
    century = _CENTURY.get(s[6])
    if century is None:
        return None
    try:
        return date(century + int(s[0:2]), int(s[2:4]), int(s[4:6]))
    except ValueError:
        return None


def is_valid_iin(s: str) -> bool:
    """A person's IIN: 12 digits, valid check digit, century digit 1-6, a real birth date."""
    return has_valid_check_digit(s) and _birth_date(s) is not None


# Asked for every flow of every account a rule looks at: the answer is remembered whole.
@lru_cache(maxsize=65536)
def is_valid_bin(s: str) -> bool:
    """A business's BIN: 12 digits, valid check digit, 5th digit 4, 5 or 6.

    The 5th digit of an IIN is the tens digit of a day (0-3), so no number is both.
    """
    return has_valid_check_digit(s) and s[4] in _BIN_KINDS


@lru_cache(maxsize=65536)
def is_valid_iin_or_bin(s: str) -> bool:
    """Check digit valid and the number is a valid IIN or a valid BIN."""
    return has_valid_check_digit(s) and (s[4] in _BIN_KINDS or _birth_date(s) is not None)


def iin_birth_date(s: str) -> date | None:
    """The birth date of a valid IIN; None for anything else (including a BIN)."""
    if not has_valid_check_digit(s):
        return None
    return _birth_date(s)


def age_on(iin: str, day: date) -> int | None:
    """Age in full years on ``day`` of the person with this IIN; None if it is not a valid IIN.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    born = iin_birth_date(iin)
    if born is None:
        return None
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def make_iin(birth: date, sex: Literal["M", "F"], serial: int) -> str:
    """Build a valid IIN for a person born on ``birth`` (1800-2099) with a 4-digit serial.

    Raises ValueError when no check digit exists for this combination (about 1 serial
    in 11 is unusable): pick another serial.
    """
    if not 1800 <= birth.year <= 2099:
        raise ValueError(f"birth year {birth.year} is outside 1800-2099")
    if sex not in ("M", "F"):
        raise ValueError(f"sex must be 'M' or 'F', got {sex!r}")
    if not 0 <= serial <= 9999:
        raise ValueError(f"serial must be 0..9999, got {serial}")
    century_digit = 2 * ((birth.year - 1800) // 100) + (1 if sex == "M" else 2)
    first11 = f"{birth:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first11)
    if digit is None:
        raise ValueError(f"no check digit exists for {first11}; use another serial")
    return f"{first11}{digit}"


def make_bin(registered: date, serial: int, kind: int = 4, attribute: int = 0) -> str:
    """Build a valid BIN: registration year and month, kind 4/5/6, attribute digit, 5-digit serial.

    Raises ValueError when no check digit exists for this combination: pick another serial.
    """
    if kind not in (4, 5, 6):
        raise ValueError(f"kind must be 4, 5 or 6, got {kind}")
    if not 0 <= attribute <= 9:
        raise ValueError(f"attribute must be one digit, got {attribute}")
    if not 0 <= serial <= 99999:
        raise ValueError(f"serial must be 0..99999, got {serial}")
    first11 = f"{registered:%y%m}{kind}{attribute}{serial:05d}"
    digit = check_digit(first11)
    if digit is None:
        raise ValueError(f"no check digit exists for {first11}; use another serial")
    return f"{first11}{digit}"


# "A" -> "10" ... "Z" -> "35"; digits stay as they are
_LETTER_VALUES = {ord(c): str(ord(c) - ord("A") + 10) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _mod97(s: str) -> int:
    """ISO 7064 MOD 97-10 of an IBAN-style string of digits and capital letters."""
    return int(s.translate(_LETTER_VALUES)) % 97


def is_valid_kz_iban(s: str) -> bool:
    """``KZ``, 2 check digits, 3-digit bank code, 13 capital letters or digits; MOD-97 == 1."""
    if not isinstance(s, str) or len(s) != _KZ_IBAN_LENGTH or not s.startswith("KZ"):
        return False
    if not (_DIGITS.issuperset(s[2:7]) and _IBAN_CHARS.issuperset(s[7:])):
        return False
    return _mod97(s[4:] + s[:4]) == 1


# ISO 13616: a country code, 2 check digits, up to 30 letters or digits (15-34 in all).
_IBAN_LENGTHS = range(15, 35)


def compact_iban(text: str) -> str:
    """An IBAN in its electronic form: an IBAN written for people (``KZ43 8860 6438 8175
    7638``, as a call centre types it, or in lowercase) becomes ``KZ438860643881757638``.

    Anything else (a card token, a wallet id, whose case can matter) is returned as it is,
    and so is a string that is no MOD-97 valid IBAN once compacted: only a real IBAN is
    rewritten, so two spellings of one account become one key.
    """
    if not any(c.isspace() or c.islower() for c in text):
        return text
    compact = "".join(text.split()).upper()
    return compact if _is_iban(compact) else text


def _is_iban(s: str) -> bool:
    """An IBAN in its electronic form, any country's: ISO 13616 shape and MOD-97 == 1."""
    return (
        len(s) in _IBAN_LENGTHS
        and s[:2].isalpha()
        and s[:2].isupper()
        and _DIGITS.issuperset(s[2:4])
        and _IBAN_CHARS.issuperset(s)
        and _mod97(s[4:] + s[:4]) == 1
    )


def receiver_country_of(account: str, bic: str | None) -> str | None:
    """The country an account is in, read off the identifiers themselves: a valid IBAN's
    country code (``CY55...`` is in Cyprus), else a BIC's (ISO 9362: letters 5-6,
    ``BCYPCY2N`` is a Cypriot bank); None when neither says (a card token, a wallet id).
    """
    if _is_iban(account):
        return account[:2]
    if bic is not None and len(bic) in (8, 11) and bic[4:6].isalpha() and bic[4:6].isupper():
        return bic[4:6]
    return None


def make_kz_iban(bank_code: str, account: str | int) -> str:
    """Build a valid KZ IBAN from a 3-digit bank code and a 13-character account.

    ``account`` is 13 capital letters or digits, or a non-negative int that is
    zero-padded to 13 digits. Example: ``make_kz_iban("722", "S000012345678")`` is
    ``KZ18722S000012345678``.
    """
    if not _is_digits(bank_code, 3):
        raise ValueError(f"bank code must be 3 digits, got {bank_code!r}")
    if isinstance(account, int):
        if not 0 <= account < 10**_KZ_ACCOUNT_LENGTH:
            raise ValueError(f"account number out of range: {account}")
        account = f"{account:013d}"
    if len(account) != _KZ_ACCOUNT_LENGTH or not _IBAN_CHARS.issuperset(account):
        raise ValueError(f"account must be 13 capital letters or digits, got {account!r}")
    bban = bank_code + account
    check = 98 - _mod97(bban + "KZ00")
    return f"KZ{check:02d}{bban}"
