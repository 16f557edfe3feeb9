"""The JSON Schemas of `schemas/`: well-formed, documented, and saying what the contract says."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import pytest

from screener.schemas import SCHEMA_NAMES, compiled_validator, load_schema, schema_dir
from tests import factories
from tests.factories import OMIT

SCHEMA_FILES = sorted((Path(__file__).resolve().parents[2] / "schemas").glob("*.schema.json"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(name))


def is_valid(name: str, message: Any) -> bool:
    """Both the reference validator and the compiled one must agree."""
    reference = bool(validator(name).is_valid(message))
    try:
        compiled_validator(name)(copy.deepcopy(message))
        compiled = True
    except fastjsonschema.JsonSchemaValueException:
        compiled = False
    assert reference == compiled, f"jsonschema says {reference}, fastjsonschema {compiled}"
    return reference


def test_every_schema_is_shipped_and_loadable() -> None:
    assert sorted(f"{name}.schema.json" for name in SCHEMA_NAMES) == [f.name for f in SCHEMA_FILES]
    assert schema_dir().joinpath("decision.schema.json").is_file()
    for name in SCHEMA_NAMES:
        assert load_schema(name) == json.loads(
            schema_dir().joinpath(f"{name}.schema.json").read_text()
        )
    with pytest.raises(KeyError):
        load_schema("payment")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/" + path.name)
    assert schema["title"] and schema["description"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is True


def _property_schemas(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key, sub in node.items():
            yield from _property_schemas(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _property_schemas(sub, f"{where}[{i}]")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_is_described(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    undescribed = [w for w, sub in _property_schemas(schema, "") if not sub.get("description")]
    assert undescribed == []


# --- input schemas agree with the factories and with each other ----------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("transfer", factories.transfer),
        ("loan_approval", factories.loan),
        *[
            ("customer_event", lambda t=t: factories.customer_event(t))
            for t in sorted(load_schema("customer_event")["properties"]["type"]["enum"])
        ],
    ],
)
def test_factory_events_are_valid(name: str, make: Any) -> None:
    assert is_valid(name, make())


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "10.001"},
        {"amount": 0},
        {"amount": "-1"},
        {"amount": True},
        {"customer_id": "85050330012"},
        {"occurred_at": "2025-10-01T14:03:22"},
        {"occurred_at": "2025-10-01T14:03:22+05:00\n"},
        {"currency": "kzt"},
        {"channel": "fax"},
        {"type": "loan_approval"},
        {"sender_account": OMIT},
        {"new_beneficiary": "true"},
    ],
)
def test_invalid_transfers_fail_the_schema(overrides: dict[str, Any]) -> None:
    event = factories.transfer(**overrides)
    if overrides == {"occurred_at": "2025-10-01T14:03:22+05:00\n"}:
        # jsonschema's `$` matches before a final newline (Python re); fastjsonschema's does not
        # and the boundary also parses the time, so only the compiled validator is asked here.
        with pytest.raises(fastjsonschema.JsonSchemaValueException):
            compiled_validator("transfer")(event)
        return
    assert not is_valid("transfer", event)


@pytest.mark.parametrize(
    ("event_type", "overrides", "valid"),
    [
        ("sms_code_sent", {}, True),
        ("sms_code_sent", {"source": "egov"}, True),
        ("sms_code_sent", {"source": 1414}, True),
        ("sms_code_sent", {"source": OMIT}, False),
        ("sms_code_sent", {"source": "sms"}, False),
        ("login", {"new_device": True}, True),
        ("login", {"new_device": OMIT}, False),
        ("login", {"new_device": "true"}, False),
        ("account_opened", {"account": OMIT}, False),
        ("fraud_reported", {"account": OMIT}, True),
        ("fraud_reported", {"account": "KZ31601A000000000001"}, True),
        ("phone_changed", {"type": "transfer"}, False),
        ("loan_reconfirmed", {}, True),
        ("loan_reconfirmed", {"loan_id": OMIT}, False),
        ("loan_reconfirmed", {"loan_id": None}, False),
        ("loan_cancelled", {"loan_id": ""}, False),
        ("loan_cancelled", {"loan_id": "L" * 129}, False),
        ("loan_cancelled", {}, True),
    ],
)
def test_customer_event_conditions(event_type: str, overrides: dict[str, Any], valid: bool) -> None:
    assert is_valid("customer_event", factories.customer_event(event_type, **overrides)) is valid


# --- output schemas ------------------------------------------------------------------------

REASON = {
    "rule": "cooling_period",
    "score": 80,
    "message": {
        "en": "Online loan: the money is paid out after a 24-hour cooling period.",
        "ru": "Онлайн-заём: деньги выдаются после 24-часового периода охлаждения.",
        "kk": "Онлайн қарыз: ақша 24 сағаттық салқындату кезеңінен кейін беріледі.",
    },
}


def decision(**overrides: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "event_id": "e-1",
        "event_type": "loan_approval",
        "customer_id": "850503300129",
        "verdict": "hold",
        "score": 80,
        "reasons": [REASON],
        "hold_id": "e-1",
        "hold_until": "2025-10-02T19:55:00+05:00",
        "decided_at": "2025-10-01T20:00:00.412+05:00",
    }
    for key, value in overrides.items():
        if value is OMIT:
            del message[key]
        else:
            message[key] = value
    return message


@pytest.mark.parametrize(
    "message",
    [
        decision(),
        decision(hold_until=None),
        decision(verdict="block", hold_until=None, score=100),
        decision(verdict="allow", score=0, reasons=[], hold_id=OMIT, hold_until=OMIT),
        decision(verdict="allow", score=10, hold_id=None, hold_until=None),
        decision(event_type="transfer", decided_at="2025-10-01T15:00:00Z"),
        decision(
            shadow_reasons=[REASON],
            config_version="2025-10-01.1",
            reasons=[{**REASON, "measured": {"online_loans_total_minor": 70_000_000}}],
        ),
    ],
)
def test_valid_decisions(message: dict[str, Any]) -> None:
    assert is_valid("decision", message)


@pytest.mark.parametrize(
    "message",
    [
        decision(verdict="maybe"),
        decision(verdict="hold", hold_id=OMIT),
        decision(verdict="block", hold_id=None),
        decision(verdict="hold", hold_until=OMIT),
        decision(score=101),
        decision(score=-1),
        decision(score=50.5),
        decision(reasons=[{**REASON, "score": 101}]),
        decision(reasons=[{**REASON, "rule": "Cooling Period"}]),
        decision(reasons=[{**REASON, "message": {"en": "x", "ru": "x"}}]),
        decision(reasons=[{**REASON, "message": {"en": "x", "ru": "x", "kk": 3}}]),
        decision(reasons=[{"rule": "cooling_period", "score": 80}]),
        decision(hold_until="tomorrow"),
        decision(decided_at="2025-10-01T20:00:00"),
        decision(event_type="login"),
        decision(customer_id="85050330012"),
        decision(reasons=OMIT),
        decision(decided_at=OMIT),
    ],
)
def test_invalid_decisions(message: dict[str, Any]) -> None:
    assert not is_valid("decision", message)


def hold_change(**overrides: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "hold_id": "e-1",
        "status": "released",
        "previous_status": "held",
        "changed_at": "2025-10-02T19:55:01+05:00",
        "changed_by": "screener",
        "note": None,
    }
    message.update(overrides)
    return {k: v for k, v in message.items() if v is not OMIT}


@pytest.mark.parametrize(
    "message",
    [
        hold_change(),
        hold_change(status="held", previous_status=None),
        hold_change(status="confirmed_fraud", changed_by="officer.aigerim", note="called, scam"),
        hold_change(status="blocked", previous_status="held", extra="allowed"),
        hold_change(status="cancelled", note="the borrower cancelled the loan"),
    ],
)
def test_valid_hold_changes(message: dict[str, Any]) -> None:
    assert is_valid("hold_change", message)


@pytest.mark.parametrize(
    "message",
    [
        hold_change(status="open"),
        hold_change(previous_status="gone"),
        hold_change(changed_by=""),
        hold_change(changed_at="2025-10-02"),
        hold_change(note=OMIT),
        hold_change(previous_status=OMIT),
        hold_change(hold_id=OMIT),
    ],
)
def test_invalid_hold_changes(message: dict[str, Any]) -> None:
    assert not is_valid("hold_change", message)


def dead_letter(**overrides: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "error": "amount: more than 2 decimal places",
        "source_topic": "bank.transfers",
        "partition": 3,
        "offset": 12345,
        "key": "850503300129",
        "value": '{"amount": "10.001"}',
    }
    message.update(overrides)
    return {k: v for k, v in message.items() if v is not OMIT}


@pytest.mark.parametrize(
    "message",
    [
        dead_letter(),
        dead_letter(key=None),
        dead_letter(value="//79IG5vdCBqc29u", value_encoding="base64", partition=0, offset=0),
    ],
)
def test_valid_dead_letters(message: dict[str, Any]) -> None:
    assert is_valid("dead_letter", message)


@pytest.mark.parametrize(
    "message",
    [
        dead_letter(partition="3"),
        dead_letter(offset=-1),
        dead_letter(offset=1.5),
        dead_letter(key=42),
        dead_letter(value=None),
        dead_letter(error=OMIT),
        dead_letter(source_topic=OMIT),
    ],
)
def test_invalid_dead_letters(message: dict[str, Any]) -> None:
    assert not is_valid("dead_letter", message)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_examples_in_a_schema_are_valid(name: str) -> None:
    for example in load_schema(name).get("examples", []):
        assert is_valid(name, example), example


def test_decisions_say_when_a_hold_waits_for_the_borrower() -> None:
    assert is_valid("decision", decision(reconfirmation_required=True))
    assert not is_valid("decision", decision(reconfirmation_required="yes"))
