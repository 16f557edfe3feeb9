"""The only place raw Kafka input becomes typed events (CONTRACT §2).

One record goes through: UTF-8 JSON parse (orjson) -> the topic's JSON Schema (compiled
fastjsonschema validator) -> domain checks (IIN/BIN check digits, KZ IBANs, amounts,
timestamps) -> a frozen dataclass from ``screener.domain.events``.

``check_event_time`` then compares the event's time with its Kafka record's timestamp.

Anything wrong raises ``InvalidEvent``, whose message starts with the field at fault
(``"amount: more than 2 decimal places"``) or ``<root>`` for the record as a whole; the
worker puts such records on the dead-letter topic with that message.

Optional fields may be absent or null; both mean "not given" (and take the contract's
default where it has one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, Literal

import fastjsonschema
import orjson

from screener.domain.config import EventTimeLimits
from screener.domain.currency import KztRates, in_kzt
from screener.domain.events import (
    CUSTOMER_EVENT_TYPES,
    CustomerEvent,
    InputEvent,
    LoanApproval,
    Transfer,
)
from screener.domain.history import OUTLIVING_WINDOW_TYPES
from screener.domain.identifiers import (
    compact_iban,
    has_valid_check_digit,
    is_valid_iin_or_bin,
    is_valid_kz_iban,
    receiver_country_of,
)
from screener.schemas import compiled_validator

__all__ = [
    "TOPIC_KINDS",
    "EventTimeRejected",
    "InvalidEvent",
    "TopicKind",
    "check_event_time",
    "decode_event",
]

TopicKind = Literal["transfers", "loans", "customer_events"]
TOPIC_KINDS: Final[tuple[TopicKind, ...]] = ("transfers", "loans", "customer_events")

ROOT: Final = "<root>"


class InvalidEvent(ValueError):
    """An input record that cannot be screened. ``field`` is None when the record as a whole
    is at fault (not UTF-8, not JSON, not an object); ``str(exc)`` is ``"<field>: <problem>"``.
    ``reason`` is the dead letter's short code (the `reason` label of
    ``screener_dead_letters_total``) where the boundary knows it; empty, the code is
    inferred from the problem (`dead_letter_reasons.reason_for`).
    """

    reason: str = ""

    def __init__(self, field: str | None, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field if field is not None else ROOT}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.problem))


class EventTimeRejected(InvalidEvent):
    """An event whose time lies too far from its reference time (see `check_event_time`).
    ``why`` is ``"future"`` or ``"too_old"``."""

    reason = "event_time"

    def __init__(self, field: str | None, problem: str, why: str = "future") -> None:
        super().__init__(field, problem)
        self.why = why

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.problem, self.why))


class EventTooLarge(InvalidEvent):
    """A record value larger than any event (see `MAX_EVENT_BYTES`)."""

    reason = "too_large"


# Kafka's default max.message.bytes. An event of the contract is a few hundred bytes; a value
# this large arrived compressed (a small gzip batch can hold a 500 MB value), and parsing
# it only to refuse it took the worker's memory past a gigabyte.
MAX_EVENT_BYTES: Final = 1024 * 1024


# --- amounts -----------------------------------------------------------------------------

_MAX_AMOUNT = Decimal(10) ** 15  # 15 integer digits, as the string pattern allows
PLAUSIBLE_YEARS = (1970, 2999)  # of any event time (its local year)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_DECIMAL_TEXT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
# An amount written as a JSON number of 17 characters or more, where a float may have lost
# digits (any duplicate "amount" key counts: the check errs towards reading again).
_LONG_NUMBER_AMOUNT = re.compile(rb'"amount"\s*:\s*-?[0-9.eE+-]{17,}')


def _amount(value: object) -> int:
    """Amount in minor units from a value the schema has passed. Raises InvalidEvent."""
    if type(value) is str:
        # The schema's pattern guarantees digits with at most 2 decimals, no sign and at
        # most 15 integer digits, so plain int() arithmetic is exact here.
        whole, _, fraction = value.partition(".")
        minor = int(whole) * 100
        if fraction:
            minor += int(fraction) * (10 if len(fraction) == 1 else 1)
        if minor == 0:
            raise InvalidEvent("amount", "must be greater than 0")
        return minor
    return _amount_minor(value)


def _amount_minor(value: object) -> int:
    """Amount in minor units (tiyn), exactly. Raises InvalidEvent("amount", ...)."""
    if isinstance(value, str):
        # Decimal() alone would also take " 1", "1_000", "1e3", "NaN" and non-ASCII digits.
        if _DECIMAL_TEXT.fullmatch(value) is None:
            raise InvalidEvent("amount", "not a decimal number")
        amount = Decimal(value)
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise InvalidEvent("amount", "must be a decimal string or a number")
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value  # a JSON number as written (decode_event re-reads it exactly)
    else:
        # repr() is the shortest text that round-trips, i.e. what the producer wrote for
        # numbers of up to 15 significant digits; more decimals than 2 stay visible.
        amount = Decimal(repr(value))
    if not amount.is_finite():
        raise InvalidEvent("amount", "not a finite number")
    if amount <= 0:
        raise InvalidEvent("amount", "must be greater than 0")
    if amount >= _MAX_AMOUNT:
        raise InvalidEvent("amount", "too large (at most 15 integer digits)")
    if amount != amount.quantize(_CENT):
        raise InvalidEvent("amount", "more than 2 decimal places")
    return int(amount * _HUNDRED)


# --- other field checks ------------------------------------------------------------------


def _timestamp(field: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:  # RFC 3339 allows a lowercase "t" and "z"; fromisoformat does not
            moment = datetime.fromisoformat(text.upper())
        except ValueError:
            raise InvalidEvent(field, "not a valid date and time") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidEvent(field, "not an RFC 3339 timestamp with offset")
    year = moment.year  # local: converting 9999-12-31T23:00-05:00 to UTC overflows
    if not PLAUSIBLE_YEARS[0] <= year <= PLAUSIBLE_YEARS[1]:
        # A clock reset to 0001 or run to 9999: no bank event, and a day added to
        # 9999-12-31 overflows the rules' date arithmetic (once a poison record). Checked
        # here, so even a record without a timestamp (a backtest line) is refused.
        late = year > PLAUSIBLE_YEARS[1]
        raise EventTimeRejected(
            field,
            (
                f"in the future, after the year {PLAUSIBLE_YEARS[1]}"
                if late
                else f"in the past, before the year {PLAUSIBLE_YEARS[0]}"
            )
            + ": a broken clock",
            "future" if late else "too_old",
        )
    return moment


def _account(value: str | None) -> str | None:
    """An optional account, an IBAN in its electronic form (see `compact_iban`): a call
    centre types the account of a fraud report as it is printed, in groups of four."""
    return None if value is None else compact_iban(value)


def _check_party(field: str, value: str) -> None:
    if is_valid_iin_or_bin(value):
        return
    if not has_valid_check_digit(value):
        raise InvalidEvent(field, "check digit is invalid")
    raise InvalidEvent(
        field,
        "neither a valid IIN (real birth date, century digit 1-6) "
        "nor a valid BIN (5th digit 4, 5 or 6)",
    )


# --- builders (run after the schema has passed) -------------------------------------------


def _transfer(d: dict[str, Any]) -> Transfer:
    customer_id: str = d["customer_id"]
    _check_party("customer_id", customer_id)
    sender_account: str = d["sender_account"]
    if not is_valid_kz_iban(sender_account):
        raise InvalidEvent("sender_account", "IBAN check digits are invalid (MOD-97)")
    receiver_customer_id: str | None = d.get("receiver_customer_id")
    if receiver_customer_id is not None:
        _check_party("receiver_customer_id", receiver_customer_id)
    receiver_account = compact_iban(d["receiver_account"])
    return Transfer(
        event_id=d["event_id"],
        customer_id=customer_id,
        occurred_at=_timestamp("occurred_at", d["occurred_at"]),
        sender_account=sender_account,
        receiver_account=receiver_account,
        amount_minor=_amount(d["amount"]),
        currency=d.get("currency") or "KZT",
        channel=d["channel"],
        receiver_bank=d.get("receiver_bank"),
        # Not sent: where the account's IBAN or the bank's BIC says, else at home (KZ).
        receiver_country=d.get("receiver_country")
        or receiver_country_of(receiver_account, d.get("receiver_bank"))
        or "KZ",
        receiver_kind=d.get("receiver_kind") or "unknown",
        receiver_customer_id=receiver_customer_id,
        new_beneficiary=d.get("new_beneficiary"),
        device_id=d.get("device_id"),
    )


def _loan(d: dict[str, Any]) -> LoanApproval:
    customer_id: str = d["customer_id"]
    _check_party("customer_id", customer_id)
    occurred_at = _timestamp("occurred_at", d["occurred_at"])
    signed: str | None = d.get("contract_signed_at")
    disbursement_account: str | None = _account(d.get("disbursement_account"))
    if (
        disbursement_account is not None
        and disbursement_account.startswith("KZ")
        and not is_valid_kz_iban(disbursement_account)
    ):
        raise InvalidEvent("disbursement_account", "starts with KZ but is not a valid KZ IBAN")
    return LoanApproval(
        event_id=d["event_id"],
        customer_id=customer_id,
        occurred_at=occurred_at,
        loan_id=d["loan_id"],
        amount_minor=_amount(d["amount"]),
        currency=d.get("currency") or "KZT",
        lender_kind=d["lender_kind"],
        channel=d["channel"],
        contract_signed_at=(
            occurred_at if signed is None else _timestamp("contract_signed_at", signed)
        ),
        product=d.get("product") or "consumer",
        secured=d.get("secured") is True,
        lender_id=d.get("lender_id"),
        disbursement_account=disbursement_account,
        first_loan=d.get("first_loan"),
        in_person_verified=d.get("in_person_verified"),
    )


def _customer_event(d: dict[str, Any]) -> CustomerEvent:
    customer_id: str = d["customer_id"]
    _check_party("customer_id", customer_id)
    source = d.get("source")
    if source is not None and not isinstance(source, str):
        source = "1414"  # the schema lets only the number 1414 through
    return CustomerEvent(
        type=d["type"],
        event_id=d["event_id"],
        customer_id=customer_id,
        occurred_at=_timestamp("occurred_at", d["occurred_at"]),
        source=source,
        new_device=d.get("new_device"),
        device_id=d.get("device_id"),
        account=_account(d.get("account")),
        loan_id=d.get("loan_id"),
    )


_Builder = Callable[[dict[str, Any]], Transfer | LoanApproval | CustomerEvent]

# topic kind -> (schema name, the event type it carries or None for customer events, builder)
_TOPICS: Final[dict[str, tuple[str, str | None, _Builder]]] = {
    "transfers": ("transfer", "transfer", _transfer),
    "loans": ("loan_approval", "loan_approval", _loan),
    "customer_events": ("customer_event", None, _customer_event),
}
_TOPIC_OF_TYPE: Final = {"transfer": "transfers", "loan_approval": "loans"}


# --- error reporting -----------------------------------------------------------------------

# Readable problems for fields whose format is a pattern (fastjsonschema only quotes the regex).
_FORMAT_PROBLEMS: Final = {
    "event_id": "must be a string of 1-128 characters",
    "occurred_at": "not an RFC 3339 timestamp with offset",
    "contract_signed_at": "not an RFC 3339 timestamp with offset",
    "customer_id": "must be 12 digits",
    "receiver_customer_id": "must be 12 digits",
    "sender_account": "not a KZ IBAN (KZ, 2 check digits, 3-digit bank code, "
    "13 capital letters or digits)",
    "currency": "not an ISO 4217 code (3 capital letters)",
    "receiver_country": "not an ISO 3166-1 alpha-2 code (2 capital letters)",
    "receiver_bank": "not a BIC (ISO 9362: 8 or 11 capital letters or digits)",
    "lender_id": "neither a BIN (12 digits) nor a BIC",
}


def _not_json(raw: bytes, error: orjson.JSONDecodeError) -> InvalidEvent:
    problem = f"not valid JSON ({error})"
    if not raw:
        problem = "the record has no value (a tombstone or an empty message): expected an event"
    elif isinstance(raw, bytes | bytearray | memoryview):
        try:
            bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            problem = f"not UTF-8 text (bad byte at position {exc.start})"
    invalid = InvalidEvent(None, problem)
    invalid.reason = "json"
    return invalid


def _from_schema_error(
    error: fastjsonschema.JsonSchemaValueException, data: dict[str, Any]
) -> InvalidEvent:
    name: str = error.name or "data"
    if error.rule == "required":
        wanted = error.rule_definition or []
        missing = next((f for f in wanted if f not in data), None)
        return InvalidEvent(missing, "required field is missing")
    field = name[5:] if name.startswith("data.") else None
    if field == "amount":
        _amount_minor(error.value)  # raises with the precise problem, if it finds one
        return InvalidEvent(
            "amount",
            'must be a decimal string like "1500.00" (no sign, no leading zeros, '
            "at most 2 decimal places) or a number",
        )
    if error.rule in ("pattern", "anyOf", "minLength", "maxLength") and field in _FORMAT_PROBLEMS:
        return InvalidEvent(field, _FORMAT_PROBLEMS[field])
    message: str = error.message
    if message.startswith(name + " "):
        message = message[len(name) + 1 :]
    return InvalidEvent(field, message)


def _wrong_topic(topic_kind: str, expected: str | None, event_type: str) -> InvalidEvent:
    home = _TOPIC_OF_TYPE.get(event_type)
    if home is None and event_type in CUSTOMER_EVENT_TYPES:
        home = "customer_events"
    carries = "customer events" if expected is None else f"{expected!r} events"
    where = f"; it belongs on the {home} topic" if home is not None else ""
    return InvalidEvent(
        "type", f"{event_type!r} on the {topic_kind} topic, which carries only {carries}{where}"
    )


# --- entry point -----------------------------------------------------------------------


def decode_event(topic_kind: str, raw: bytes) -> Transfer | LoanApproval | CustomerEvent:
    """Turn one Kafka record value from an input topic into a typed, validated event.

    ``topic_kind`` is ``"transfers"``, ``"loans"`` or ``"customer_events"`` (the topics'
    names are configurable; their kinds are not). Raises ``InvalidEvent`` naming the field
    at fault; ValueError (not InvalidEvent) for an unknown ``topic_kind``, a caller's bug.
    """
    try:
        schema_name, expected, build = _TOPICS[topic_kind]
    except KeyError:
        raise ValueError(
            f"unknown topic kind {topic_kind!r}; expected one of {', '.join(TOPIC_KINDS)}"
        ) from None
    if len(raw) > MAX_EVENT_BYTES:
        raise EventTooLarge(None, f"too large: {len(raw):,} bytes (at most {MAX_EVENT_BYTES:,})")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _not_json(raw, exc) from None
    if type(data) is not dict:
        raise InvalidEvent(None, f"not a JSON object (got {_json_kind(data)})")
    event_type = data.get("type")
    # An event type that belongs on another topic is reported here; a missing type, a
    # non-string one or (on customer_events) an unknown one is left to the schema.
    if (
        event_type != expected
        and type(event_type) is str
        and (expected is not None or event_type in _TOPIC_OF_TYPE)
    ):
        raise _wrong_topic(topic_kind, expected, event_type)
    try:
        compiled_validator(schema_name)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        raise _from_schema_error(exc, data) from None
    if type(data.get("amount")) is float and _LONG_NUMBER_AMOUNT.search(raw):
        # A float keeps 15 significant digits for sure: 100.0000000000000000001 would read
        # as 100.0 and pass the 2-decimal check. A number written in 16 characters or fewer
        # has no more, and its float says it exactly; a longer one is read again as written.
        try:
            data["amount"] = json.loads(raw, parse_float=Decimal)["amount"]
        except (RecursionError, ValueError):  # nested deeper than json's recursion limit
            raise InvalidEvent("amount", "could not be read exactly") from None
    return build(data)


def priced_in_kzt(event: InputEvent, rates: KztRates) -> InputEvent:
    """A transfer or loan in another currency, its amount the KZT equivalent the rules judge
    (domain/currency.py). One whose equivalent passes the largest amount taken is refused
    here, as such an amount in KZT is, not left to fail on its way to Redis or Kafka."""
    if isinstance(event, CustomerEvent):
        return event
    priced = in_kzt(event, rates)
    if priced.amount_minor >= _MAX_AMOUNT * _HUNDRED:
        raise InvalidEvent(
            "amount",
            f"its KZT equivalent at {priced.kzt_rate} KZT per {priced.currency} is too large "
            "(at most 15 integer digits)",
        )
    return priced


# How far a record's timestamp may run ahead of the clock of the worker reading it. Beyond
# it the producer's clock is wrong, not the worker's: a worker whose own clock lags (NTP
# lost) by less than this still screens live traffic.
RECORD_AHEAD_OF_READER_MS = 3600 * 1000


def reference_time_ms(
    record_timestamp_ms: int | None, read_at_ms: int, *, untimed_at_read_time: bool = False
) -> int | None:
    """What event time is checked against: the Kafka record's timestamp, but never more
    than `RECORD_AHEAD_OF_READER_MS` past the reader's clock when it read the record. A
    producer whose clock says 2100 stamps its records (CreateTime) and its events alike;
    checked against such a record an event of 2100 passed, and a Stop-credit lifted "in
    2100" outlived every new registration. The consumer reads the clock; the check reads
    none (`screener rebuild` leaves out what the workers dead-lettered).

    A record without a timestamp (-1, what old clients and the v0 format send, or 0: no
    producer's clock reads 1970) is checked against the read time by a worker reading the
    stream live (`untimed_at_read_time`): unchecked, a lift "of 2100" sent so switched
    Stop-credit off again. The rebuild, reading days later, checks such a record against
    nothing: what the workers refused is on the dead-letter topic and left out."""
    if record_timestamp_ms is None or record_timestamp_ms <= 0:
        return read_at_ms if untimed_at_read_time else None
    return min(record_timestamp_ms, read_at_ms + RECORD_AHEAD_OF_READER_MS)


def check_event_time(
    event: Transfer | LoanApproval | CustomerEvent,
    reference_epoch: float | None,
    limits: EventTimeLimits,
) -> None:
    """Refuse an event whose time lies too far from `reference_epoch` (raises
    `EventTimeRejected` naming the field). A loan's signing time may not lie in the future
    either, since cooling periods and the loan's place in the history count from it; it
    may lie long before (a contract approved days after it was signed).

    The reference is the Kafka record's timestamp, passed in by the adapter: never a clock
    read here, so a replay of the same records decides the same way. None (a record
    without a timestamp) checks nothing.
    """
    if isinstance(event, LoanApproval) and event.contract_signed_at is not event.occurred_at:
        # Cooling periods count from the signing: one "signed" in 1970 would pay out at once.
        signed_before = (event.occurred_at - event.contract_signed_at).total_seconds()
        if signed_before > limits.max_behind_seconds:
            raise EventTimeRejected(
                "contract_signed_at",
                f"{signed_before:.0f} s before the approval's occurred_at, beyond the longest "
                f"window (at most {limits.max_behind_seconds:.0f} s allowed)",
                "too_old",
            )
    if reference_epoch is None:
        return
    # A Stop-credit registration or a fraud report may be old news and still count.
    outlives = isinstance(event, CustomerEvent) and event.type in OUTLIVING_WINDOW_TYPES
    _check_time("occurred_at", event.occurred_at.timestamp(), reference_epoch, limits, not outlives)
    if isinstance(event, LoanApproval) and event.contract_signed_at is not event.occurred_at:
        signed = event.contract_signed_at.timestamp()
        _check_time("contract_signed_at", signed, reference_epoch, limits, past_too=False)


def _check_time(
    field: str, at: float, reference: float, limits: EventTimeLimits, past_too: bool = True
) -> None:
    if at > reference + limits.max_ahead_seconds:
        raise EventTimeRejected(
            field,
            f"{at - reference:.0f} s in the future of the record's timestamp (or of an hour "
            f"past the worker's clock, when that is earlier; at most "
            f"{limits.max_ahead_seconds:.0f} s allowed)",
            "future",
        )
    if past_too and at < reference - limits.max_behind_seconds:
        raise EventTimeRejected(
            field,
            f"{reference - at:.0f} s older than the record's timestamp, beyond the longest "
            f"window (at most {limits.max_behind_seconds:.0f} s allowed)",
            "too_old",
        )


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
