"""Raw Kafka values to typed events: what decodes, and what is refused with which field."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from screener.boundary import InvalidEvent, decode_event
from screener.domain.events import CUSTOMER_EVENT_TYPES, CustomerEvent, LoanApproval, Transfer
from tests import factories
from tests.factories import OMIT

ALMATY = timezone(timedelta(hours=5))


def raw(event: dict[str, Any]) -> bytes:
    return orjson.dumps(event)


def refused(topic_kind: str, value: bytes) -> InvalidEvent:
    with pytest.raises(InvalidEvent) as caught:
        decode_event(topic_kind, value)
    error = caught.value
    prefix = "<root>" if error.field is None else error.field
    assert str(error) == f"{prefix}: {error.problem}"
    return error


# --- valid events -----------------------------------------------------------------------


def test_a_full_transfer_decodes_exactly() -> None:
    event = {
        "event_id": "t-1",
        "type": "transfer",
        "occurred_at": "2025-10-01T14:03:22.123+05:00",
        "customer_id": "850503300129",
        "sender_account": "KZ18722S000012345678",
        "receiver_account": "KZ31601A000000000001",
        "amount": "1800000.05",
        "currency": "KZT",
        "channel": "mobile",
        "receiver_bank": "HSBKKZKX",
        "receiver_country": "KZ",
        "receiver_kind": "person",
        "receiver_customer_id": "010615600788",
        "new_beneficiary": True,
        "device_id": "dev-1",
        "something_new": {"the contract": "may add fields"},
    }
    assert decode_event("transfers", raw(event)) == Transfer(
        event_id="t-1",
        customer_id="850503300129",
        occurred_at=datetime(2025, 10, 1, 14, 3, 22, 123000, tzinfo=ALMATY),
        sender_account="KZ18722S000012345678",
        receiver_account="KZ31601A000000000001",
        amount_minor=180000005,
        currency="KZT",
        channel="mobile",
        receiver_bank="HSBKKZKX",
        receiver_country="KZ",
        receiver_kind="person",
        receiver_customer_id="010615600788",
        new_beneficiary=True,
        device_id="dev-1",
    )


def test_a_minimal_transfer_gets_the_contract_defaults() -> None:
    event = factories.transfer()
    for optional in (
        "currency",
        "receiver_country",
        "receiver_kind",
        "new_beneficiary",
        "device_id",
    ):
        del event[optional]
    decoded = decode_event("transfers", raw(event))
    assert isinstance(decoded, Transfer)
    assert (decoded.currency, decoded.receiver_country, decoded.receiver_kind) == (
        "KZT",
        "KZ",
        "unknown",
    )
    assert decoded.receiver_bank is None and decoded.new_beneficiary is None


def test_null_optional_fields_mean_absent() -> None:
    event = factories.transfer(
        currency=None,
        receiver_bank=None,
        receiver_country=None,
        receiver_kind=None,
        receiver_customer_id=None,
        new_beneficiary=None,
        device_id=None,
    )
    decoded = decode_event("transfers", raw(event))
    assert isinstance(decoded, Transfer)
    assert (decoded.currency, decoded.receiver_country, decoded.receiver_kind) == (
        "KZT",
        "KZ",
        "unknown",
    )


@pytest.mark.parametrize(
    ("overrides", "country"),
    [
        ({"receiver_account": "CY55396300684730653427220888"}, "CY"),
        ({"receiver_account": "tok_4f9aBc", "receiver_bank": "BCYPCY2N"}, "CY"),
        ({"receiver_account": "tok_4f9aBc"}, "KZ"),  # nothing says: the contract's default
        # What the bank sent wins over what the identifiers say.
        ({"receiver_account": "CY55396300684730653427220888", "receiver_country": "GR"}, "GR"),
    ],
)
def test_an_unsent_receiver_country_is_read_off_the_iban_or_the_bic(
    overrides: dict[str, Any], country: str
) -> None:
    event = factories.transfer(receiver_country=None, receiver_bank=None) | overrides
    decoded = decode_event("transfers", raw(event))
    assert isinstance(decoded, Transfer)
    assert decoded.receiver_country == country


@pytest.mark.parametrize(
    ("amount", "minor"),
    [
        ("1", 100),
        ("0.01", 1),
        ("0.1", 10),
        ("10.5", 1050),
        ("1800000", 180000000),
        ("1800000.00", 180000000),
        ("999999999999999.99", 99999999999999999),
        (1, 100),
        (0.01, 1),
        (10.5, 1050),
        (19.99, 1999),  # 19.99 * 100 is 1998.9999999999998 in floating point
        (0.29, 29),
        (1800000, 180000000),
        (1e3, 100000),
        (12345678901234.56, 1234567890123456),
    ],
)
def test_amounts_become_exact_minor_units(amount: str | float, minor: int) -> None:
    decoded = decode_event("transfers", raw(factories.transfer(amount=amount)))
    assert isinstance(decoded, Transfer)
    assert decoded.amount_minor == minor
    assert type(decoded.amount_minor) is int


@pytest.mark.parametrize(
    ("number", "minor"),
    [
        ("100.10", 10010),
        ("100.100", 10010),
        ("1.5e2", 15000),
        ("1E+2", 10000),
        ("1234567890123.45", 123456789012345),  # 15 digits: the float says it exactly
        ("1234567890123.450000", 123456789012345),  # longer: read again, as written
    ],
)
def test_a_json_number_amount_is_read_as_written(number: str, minor: int) -> None:
    text = raw(factories.transfer(amount=1)).decode().replace('"amount":1', f'"amount":{number}')
    decoded = decode_event("transfers", text.encode())
    assert isinstance(decoded, Transfer)
    assert decoded.amount_minor == minor


@pytest.mark.parametrize("number", ["100.0000000000000000001", "99.999999999999999999"])
def test_a_json_number_with_more_decimals_than_a_float_keeps_is_refused(number: str) -> None:
    # As a float both read as 100.0; only the text shows the third decimal.
    text = raw(factories.transfer(amount=1)).decode().replace('"amount":1', f'"amount":{number}')
    assert f'"amount":{number}' in text
    with pytest.raises(InvalidEvent) as refused:
        decode_event("transfers", text.encode())
    assert (refused.value.field, refused.value.problem) == ("amount", "more than 2 decimal places")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-01T14:03:22+05:00", datetime(2025, 10, 1, 14, 3, 22, tzinfo=ALMATY)),
        ("2025-10-01T09:03:22Z", datetime(2025, 10, 1, 9, 3, 22, tzinfo=UTC)),
        ("2025-10-01t09:03:22z", datetime(2025, 10, 1, 9, 3, 22, tzinfo=UTC)),
        ("2025-10-01T09:03:22.5-03:00", datetime(2025, 10, 1, 12, 3, 22, 500000, UTC)),
        # nanoseconds (e.g. Java's Instant) are cut to microseconds
        ("2025-10-01T09:03:22.123456789Z", datetime(2025, 10, 1, 9, 3, 22, 123456, UTC)),
    ],
)
def test_timestamps(text: str, expected: datetime) -> None:
    decoded = decode_event("transfers", raw(factories.transfer(occurred_at=text)))
    assert decoded.occurred_at == expected
    assert decoded.occurred_at.tzinfo is not None


def test_a_full_loan_decodes_exactly() -> None:
    event = {
        "event_id": "l-1",
        "type": "loan_approval",
        "occurred_at": "2025-10-01T20:00:00+05:00",
        "customer_id": "850503300129",
        "loan_id": "L-77",
        "amount": 9000000,
        "currency": "KZT",
        "lender_kind": "mfo",
        "lender_id": "040140012340",
        "channel": "online",
        "product": "refinancing",
        "secured": True,
        "contract_signed_at": "2025-10-01T19:55:00+05:00",
        "disbursement_account": "KZ31601A000000000001",
        "first_loan": True,
        "in_person_verified": False,
    }
    assert decode_event("loans", raw(event)) == LoanApproval(
        event_id="l-1",
        customer_id="850503300129",
        occurred_at=datetime(2025, 10, 1, 20, 0, tzinfo=ALMATY),
        loan_id="L-77",
        amount_minor=900000000,
        currency="KZT",
        lender_kind="mfo",
        channel="online",
        contract_signed_at=datetime(2025, 10, 1, 19, 55, tzinfo=ALMATY),
        product="refinancing",
        secured=True,
        lender_id="040140012340",
        disbursement_account="KZ31601A000000000001",
        first_loan=True,
        in_person_verified=False,
    )


def test_a_minimal_loan_gets_the_contract_defaults() -> None:
    event = factories.loan(
        currency=OMIT,
        product=OMIT,
        secured=OMIT,
        disbursement_account=OMIT,
        contract_signed_at=OMIT,
    )
    decoded = decode_event("loans", raw(event))
    assert isinstance(decoded, LoanApproval)
    assert decoded.contract_signed_at == decoded.occurred_at
    assert (decoded.currency, decoded.product, decoded.secured) == ("KZT", "consumer", False)
    assert decoded.disbursement_account is None and decoded.first_loan is None


def test_a_loan_signed_at_null_counts_from_occurred_at() -> None:
    decoded = decode_event("loans", raw(factories.loan(contract_signed_at=None, secured=None)))
    assert isinstance(decoded, LoanApproval)
    assert decoded.contract_signed_at == decoded.occurred_at and decoded.secured is False


@pytest.mark.parametrize("account", ["4400430012345678", "wallet:abc", "RU0204452560040702810412"])
def test_a_loan_may_be_paid_to_an_account_that_is_not_a_kz_iban(account: str) -> None:
    decoded = decode_event("loans", raw(factories.loan(disbursement_account=account)))
    assert isinstance(decoded, LoanApproval) and decoded.disbursement_account == account


@pytest.mark.parametrize("event_type", sorted(CUSTOMER_EVENT_TYPES))
def test_every_customer_event_type_decodes(event_type: str) -> None:
    event = factories.customer_event(event_type)
    decoded = decode_event("customer_events", raw(event))
    assert isinstance(decoded, CustomerEvent)
    assert decoded.type == event_type
    assert decoded.event_id == event["event_id"]
    assert decoded.customer_id == event["customer_id"]


def test_customer_event_fields() -> None:
    sms = decode_event("customer_events", raw(factories.customer_event("sms_code_sent")))
    login = decode_event(
        "customer_events",
        raw(factories.customer_event("login", new_device=True, device_id="dev-9")),
    )
    opened = decode_event(
        "customer_events",
        raw(factories.customer_event("account_opened", account="KZ31601A000000000001")),
    )
    reported = decode_event("customer_events", raw(factories.customer_event("fraud_reported")))
    assert isinstance(sms, CustomerEvent) and sms.source == "1414"
    assert isinstance(login, CustomerEvent)
    assert (login.new_device, login.device_id) == (True, "dev-9")
    assert isinstance(opened, CustomerEvent) and opened.account == "KZ31601A000000000001"
    assert isinstance(reported, CustomerEvent) and reported.account is None
    for kind in ("loan_reconfirmed", "loan_cancelled"):
        answer = decode_event(
            "customer_events", raw(factories.customer_event(kind, loan_id="L-2026-7"))
        )
        assert isinstance(answer, CustomerEvent) and (answer.type, answer.loan_id) == (
            kind,
            "L-2026-7",
        )


def test_ibans_printed_for_people_are_decoded_in_their_electronic_form() -> None:
    printed, compact = "kz18 722s 0000 1234 5678", "KZ18722S000012345678"
    transfer = decode_event("transfers", raw(factories.transfer(receiver_account=printed)))
    loan = decode_event("loans", raw(factories.loan(disbursement_account=printed)))
    report = decode_event(
        "customer_events", raw(factories.customer_event("fraud_reported", account=printed))
    )
    token = decode_event("transfers", raw(factories.transfer(receiver_account="tok_aB 9")))
    assert isinstance(transfer, Transfer) and transfer.receiver_account == compact
    assert isinstance(loan, LoanApproval) and loan.disbursement_account == compact
    assert isinstance(report, CustomerEvent) and report.account == compact
    assert isinstance(token, Transfer) and token.receiver_account == "tok_aB 9"


@pytest.mark.parametrize(
    ("source", "decoded"), [("egov", "egov"), ("bank", "bank"), (1414, "1414")]
)
def test_sms_sources(source: object, decoded: str) -> None:
    event = decode_event(
        "customer_events", raw(factories.customer_event("sms_code_sent", source=source))
    )
    assert isinstance(event, CustomerEvent) and event.source == decoded


def test_a_business_customer_is_accepted() -> None:
    decoded = decode_event("transfers", raw(factories.transfer(customer_id="040140012340")))
    assert decoded.customer_id == "040140012340"


# --- invalid events: every refusal names the field -------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        ({"customer_id": "850503300128"}, "customer_id", "check digit is invalid"),
        ({"customer_id": "850503000120"}, "customer_id", "neither a valid IIN"),  # century 0
        ({"customer_id": "85050330012"}, "customer_id", "must be 12 digits"),
        ({"customer_id": 850503300129}, "customer_id", "must be string"),
        ({"receiver_customer_id": "010615600789"}, "receiver_customer_id", "check digit"),
        ({"sender_account": "KZ19722S000012345678"}, "sender_account", "MOD-97"),
        ({"sender_account": "KZ18722S00001234567"}, "sender_account", "not a KZ IBAN"),
        ({"sender_account": "DE89370400440532013000"}, "sender_account", "not a KZ IBAN"),
        ({"amount": "10.001"}, "amount", "more than 2 decimal places"),
        ({"amount": 10.001}, "amount", "more than 2 decimal places"),
        ({"amount": "0"}, "amount", "must be greater than 0"),
        ({"amount": "0.00"}, "amount", "must be greater than 0"),
        ({"amount": 0}, "amount", "must be greater than 0"),
        ({"amount": 0.0}, "amount", "must be greater than 0"),
        ({"amount": "-5.00"}, "amount", "must be greater than 0"),
        ({"amount": -5}, "amount", "must be greater than 0"),
        ({"amount": "1e3"}, "amount", "not a decimal number"),
        ({"amount": " 10"}, "amount", "not a decimal number"),
        ({"amount": "1_000"}, "amount", "not a decimal number"),
        ({"amount": "NaN"}, "amount", "not a decimal number"),
        ({"amount": "010.00"}, "amount", "no leading zeros"),
        ({"amount": "1000000000000000"}, "amount", "too large"),
        ({"amount": 1e16}, "amount", "too large"),
        ({"amount": True}, "amount", "must be a decimal string or a number"),
        ({"amount": None}, "amount", "must be a decimal string or a number"),
        ({"amount": OMIT}, "amount", "required field is missing"),
        ({"event_id": OMIT}, "event_id", "required field is missing"),
        ({"occurred_at": OMIT}, "occurred_at", "required field is missing"),
        ({"customer_id": OMIT}, "customer_id", "required field is missing"),
        ({"sender_account": OMIT}, "sender_account", "required field is missing"),
        ({"receiver_account": OMIT}, "receiver_account", "required field is missing"),
        ({"channel": OMIT}, "channel", "required field is missing"),
        ({"type": OMIT}, "type", "required field is missing"),
        ({"event_id": ""}, "event_id", "1-128 characters"),
        ({"event_id": "x" * 129}, "event_id", "1-128 characters"),
        ({"occurred_at": "2025-10-01T14:03:22"}, "occurred_at", "RFC 3339 timestamp with offset"),
        ({"occurred_at": "2025-10-01"}, "occurred_at", "RFC 3339 timestamp with offset"),
        ({"occurred_at": "2025-10-01T14:03:22+0500"}, "occurred_at", "RFC 3339"),
        ({"occurred_at": "2025-10-01 14:03:22Z"}, "occurred_at", "RFC 3339"),
        ({"occurred_at": "2025-02-30T14:03:22Z"}, "occurred_at", "not a valid date and time"),
        ({"occurred_at": 1759309402}, "occurred_at", "must be string"),
        ({"currency": "kzt"}, "currency", "ISO 4217"),
        ({"channel": "telegram"}, "channel", "must be one of"),
        ({"receiver_kind": "friend"}, "receiver_kind", "must be one of"),
        ({"receiver_country": "KAZ"}, "receiver_country", "ISO 3166-1"),
        ({"receiver_bank": "not a bic"}, "receiver_bank", "BIC"),
        ({"new_beneficiary": "yes"}, "new_beneficiary", "must be boolean"),
        ({"receiver_account": ""}, "receiver_account", "must be longer than or equal to 1"),
    ],
)
def test_invalid_transfers(overrides: dict[str, Any], field: str, problem: str) -> None:
    error = refused("transfers", raw(factories.transfer(**overrides)))
    assert error.field == field
    assert problem in error.problem
    assert str(error).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("overrides", "field", "problem"),
    [
        ({"loan_id": OMIT}, "loan_id", "required field is missing"),
        ({"lender_kind": OMIT}, "lender_kind", "required field is missing"),
        ({"lender_kind": "pawnshop"}, "lender_kind", "must be one of"),
        ({"channel": "mobile"}, "channel", "must be one of"),
        ({"product": "payday"}, "product", "must be one of"),
        ({"secured": "false"}, "secured", "must be boolean"),
        ({"first_loan": 1}, "first_loan", "must be boolean"),
        ({"contract_signed_at": "yesterday"}, "contract_signed_at", "RFC 3339"),
        ({"contract_signed_at": "2025-10-01T14:03:22"}, "contract_signed_at", "RFC 3339"),
        ({"disbursement_account": "KZ19722S000012345678"}, "disbursement_account", "KZ IBAN"),
        ({"disbursement_account": "KZ-card-123"}, "disbursement_account", "KZ IBAN"),
        ({"lender_id": "bank"}, "lender_id", "BIN"),
        ({"amount": "100000.001"}, "amount", "more than 2 decimal places"),
        ({"customer_id": "010615600789"}, "customer_id", "check digit is invalid"),
    ],
)
def test_invalid_loans(overrides: dict[str, Any], field: str, problem: str) -> None:
    error = refused("loans", raw(factories.loan(**overrides)))
    assert error.field == field
    assert problem in error.problem


@pytest.mark.parametrize(
    ("event_type", "overrides", "field", "problem"),
    [
        ("sms_code_sent", {"source": OMIT}, "source", "required field is missing"),
        ("sms_code_sent", {"source": "telegram"}, "source", "must be one of"),
        ("sms_code_sent", {"source": None}, "source", "must be one of"),
        ("login", {"new_device": OMIT}, "new_device", "required field is missing"),
        ("login", {"new_device": None}, "new_device", "must be boolean"),
        ("login", {"new_device": "no"}, "new_device", "must be boolean"),
        ("account_opened", {"account": OMIT}, "account", "required field is missing"),
        ("account_opened", {"account": None}, "account", "must be string"),
        ("loan_reconfirmed", {"loan_id": OMIT}, "loan_id", "required field is missing"),
        ("loan_cancelled", {"loan_id": None}, "loan_id", "must be string"),
        ("phone_changed", {"type": "phone_stolen"}, "type", "must be one of"),
        ("phone_changed", {"customer_id": "850503300128"}, "customer_id", "check digit"),
        ("password_reset", {"occurred_at": "2025-10-01T14:03:22"}, "occurred_at", "RFC 3339"),
    ],
)
def test_invalid_customer_events(
    event_type: str, overrides: dict[str, Any], field: str, problem: str
) -> None:
    error = refused("customer_events", raw(factories.customer_event(event_type, **overrides)))
    assert error.field == field
    assert problem in error.problem


@pytest.mark.parametrize(
    ("topic_kind", "event", "mentions"),
    [
        ("transfers", factories.loan(), ("loan_approval", "transfers", "loans")),
        ("transfers", factories.customer_event("login"), ("login", "customer_events")),
        ("loans", factories.transfer(), ("transfer", "loans", "transfers")),
        ("customer_events", factories.transfer(), ("transfer", "customer_events", "transfers")),
        ("customer_events", factories.loan(), ("loan_approval", "loans")),
        ("transfers", factories.transfer(type="payment"), ("payment", "transfers")),
    ],
)
def test_an_event_on_the_wrong_topic_is_refused(
    topic_kind: str, event: dict[str, Any], mentions: tuple[str, ...]
) -> None:
    error = refused(topic_kind, raw(event))
    assert error.field == "type"
    for word in mentions:
        assert word in error.problem


def test_a_non_string_type_is_refused() -> None:
    error = refused("transfers", raw(factories.transfer(type=1)))
    assert error.field == "type"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (b"", "no value (a tombstone or an empty message)"),
        (b'{"event_id": ', "not valid JSON"),
        (b"{'event_id': 'x'}", "not valid JSON"),
        (b'{"amount": NaN}', "not valid JSON"),
        (b"\xff\xfe not json", "not UTF-8"),
        ('{"event_id": "é"}'.encode("latin-1"), "not UTF-8"),
        (b"[]", "not a JSON object (got an array)"),
        (b"[" + raw(factories.transfer()) + b"]", "not a JSON object (got an array)"),
        (b'"transfer"', "not a JSON object (got a string)"),
        (b"42", "not a JSON object (got a number)"),
        (b"null", "not a JSON object (got null)"),
        (b"true", "not a JSON object (got a boolean)"),
    ],
)
def test_records_that_are_not_json_objects(value: bytes, problem: str) -> None:
    for topic_kind in ("transfers", "loans", "customer_events"):
        error = refused(topic_kind, value)
        assert error.field is None
        assert str(error).startswith("<root>: ")
        assert problem in error.problem


def test_an_unknown_topic_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError) as caught:
        decode_event("payments", raw(factories.transfer()))
    assert not isinstance(caught.value, InvalidEvent)


def test_invalid_event_survives_pickling() -> None:
    error = InvalidEvent("amount", "more than 2 decimal places")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.field, copy.problem, str(copy)) == (error.field, error.problem, str(error))
    assert str(InvalidEvent(None, "not valid JSON")) == "<root>: not valid JSON"


def test_the_factories_make_unique_valid_events() -> None:
    events = [factories.transfer() for _ in range(50)]
    assert len({e["event_id"] for e in events}) == 50
    for event in events:
        assert isinstance(event["amount"], str)
        assert event["occurred_at"].endswith("+05:00")
        decode_event("transfers", factories.encode(event))
