"""Dead letters are bounded in size whatever the record (issue #10, finding 1)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import orjson
import pytest

from screener import dead_letter_reasons
from screener.boundary import MAX_EVENT_BYTES, InvalidEvent, decode_event
from screener.records import DEAD_LETTER_VALUE_BYTES, dead_letter

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "dead_letter.schema.json").read_text()
)


@pytest.mark.parametrize(
    "value",
    [
        bytes([0xFF]) + bytes(range(256)) * 4000,  # a megabyte, not UTF-8
        b'{"event_id": "' + b"\x01" * 1_000_000 + b'"}',  # control characters: 6x escaped
        ("й" * 600_000).encode(),  # two-byte characters cut in the middle
    ],
)
def test_a_dead_letter_of_a_megabyte_record_stays_small_and_identifies_it(value: bytes) -> None:
    letter = dead_letter(
        "<root>: bad " * 10_000, "bank.transfers", 0, 7, b"k" * 5000, value, "json"
    )
    jsonschema.validate(letter, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert len(orjson.dumps(letter)) < 150 * 1024
    assert letter["value_truncated"] is True
    assert letter["value_length"] == len(value)
    assert letter["value_sha256"] == hashlib.sha256(value).hexdigest()
    assert len(letter["key"]) == 1024 and len(letter["error"]) < 2100
    assert letter["reason"] == "json"


def test_a_small_record_is_copied_whole() -> None:
    letter = dead_letter("amount: x", "t", 1, 2, None, b'{"a": 1}', "schema")
    assert (letter["value"], letter["value_encoding"], letter["value_truncated"]) == (
        '{"a": 1}',
        "utf-8",
        False,
    )
    assert len(letter["value"]) < DEAD_LETTER_VALUE_BYTES


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe", "json"),
        (b'{"event_id": ', "json"),
        (b"[1]", "json"),
        (b'{"type": "transfer"}', "schema"),
        # A valid event padded past a megabyte (it came compressed): refused unparsed.
        (b'{"type": "transfer", "pad": "' + b"x" * MAX_EVENT_BYTES + b'"}', "too_large"),
    ],
)
def test_boundary_errors_get_a_short_reason_code(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent) as caught:
        decode_event("transfers", raw)
    assert dead_letter_reasons.reason_for(caught.value) == reason


def test_an_identifier_with_a_bad_check_digit_is_an_identifier_reason() -> None:
    assert dead_letter_reasons.reason_for(
        InvalidEvent("customer_id", "check digit is invalid")
    ) == ("identifier")
