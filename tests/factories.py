"""Valid input events (CONTRACT §2) as JSON-ready dicts, for tests and the traffic generator.

Every call returns a new event with a unique ``event_id`` (uuid4), a valid random IIN of a
30-45-year-old (so age rules stay quiet), valid KZ IBANs, ``occurred_at`` now in UTC+05:00
and the amount as a decimal string. Keyword overrides replace fields; ``OMIT`` removes one:

    transfer(amount="1800000.00", new_beneficiary=True)
    loan(customer_id=someone, amount=OMIT)
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Final, Literal

import orjson

from screener.domain.identifiers import make_iin, make_kz_iban

__all__ = [
    "ALMATY",
    "OMIT",
    "customer_event",
    "customer_id",
    "encode",
    "loan",
    "new_iin",
    "new_kz_iban",
    "now",
    "timestamp",
    "transfer",
]

ALMATY: Final = timezone(timedelta(hours=5))
BANK_CODES: Final = ("722", "601", "998", "914", "965", "856")

_rng = random.Random()


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Final = _Omit()
"""Pass as an override to leave the field out of the event."""


def now() -> datetime:
    """The current time in UTC+05:00 (Almaty, Astana)."""
    return datetime.now(ALMATY)


def timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 text with milliseconds and offset, e.g. ``2025-10-01T14:03:22.123+05:00``."""
    return (moment or now()).isoformat(timespec="milliseconds")


def new_iin(
    birth: date | None = None, sex: Literal["M", "F"] | None = None, *, min_age: int = 30
) -> str:
    """A random valid IIN; by default of someone aged ``min_age`` to ``min_age + 15``."""
    if birth is None:
        today = date.today()
        birth = today - timedelta(days=_rng.randint(365 * min_age + 8, 365 * (min_age + 15)))
    if sex is None:
        sex = "M" if _rng.random() < 0.5 else "F"
    while True:
        try:
            return make_iin(birth, sex, _rng.randint(0, 9999))
        except ValueError:  # no check digit for this serial: about 1 in 11
            continue


def customer_id() -> str:
    """A fresh customer: a random valid IIN of a 30-45-year-old."""
    return new_iin()


def new_kz_iban(bank_code: str | None = None) -> str:
    """A random valid KZ IBAN."""
    return make_kz_iban(bank_code or _rng.choice(BANK_CODES), _rng.randrange(10**13))


def _apply(event: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for name, value in overrides.items():
        if value is OMIT:
            event.pop(name, None)
        else:
            event[name] = value
    return event


def _common(event_type: str) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "occurred_at": timestamp(),
        "customer_id": new_iin(),
    }


def transfer(**overrides: Any) -> dict[str, Any]:
    """A valid, unremarkable transfer event to a known person's KZ account."""
    event = _common("transfer")
    event.update(
        sender_account=new_kz_iban(),
        receiver_account=new_kz_iban(),
        amount="15000.00",
        currency="KZT",
        channel="mobile",
        receiver_country="KZ",
        receiver_kind="person",
        new_beneficiary=False,
        device_id="device-" + uuid.uuid4().hex[:12],
    )
    return _apply(event, overrides)


def loan(**overrides: Any) -> dict[str, Any]:
    """A valid loan approval: a small online consumer loan from a bank (below 75 MRP)."""
    event = _common("loan_approval")
    event.update(
        loan_id="L-" + uuid.uuid4().hex[:16],
        amount="100000.00",
        currency="KZT",
        lender_kind="bank",
        channel="online",
        product="consumer",
        secured=False,
        disbursement_account=new_kz_iban(),
    )
    return _apply(event, overrides)


def customer_event(type: str, /, **overrides: Any) -> dict[str, Any]:
    """A valid customer event of ``type`` with the fields that type requires."""
    event = _common(type)
    if type == "sms_code_sent":
        event["source"] = "1414"
    elif type == "login":
        event["new_device"] = False
        event["device_id"] = "device-" + uuid.uuid4().hex[:12]
    elif type == "account_opened":
        event["account"] = new_kz_iban()
    elif type in ("loan_reconfirmed", "loan_cancelled"):
        event["loan_id"] = "L-" + uuid.uuid4().hex[:10]
    return _apply(event, overrides)


def encode(event: dict[str, Any]) -> bytes:
    """The event as a Kafka record value (UTF-8 JSON)."""
    return orjson.dumps(event)
