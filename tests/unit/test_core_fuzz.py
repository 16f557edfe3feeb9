"""Unit-level fuzz of the boundary and the pure core (issue #10).

Whatever bytes arrive, `decode_event` and `check_event_time` raise nothing but
`InvalidEvent`; whatever valid event comes of them, `screen` and `remember` raise nothing
and the decision is well-formed (the contract's schema, a score of 0-100, every reason in
three languages), and a customer's history stays bounded. Inputs come from the topics'
JSON Schemas (hypothesis-jsonschema), from valid events with fields replaced by values of
any JSON type, and from mutations: truncation, non-UTF-8 bytes, huge strings and numbers,
extreme dates.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from screener.boundary import InvalidEvent, check_event_time, decode_event
from screener.domain.context import ScreeningContext
from screener.domain.decision import Verdict
from screener.domain.events import CustomerEvent, InputEvent
from screener.domain.history import CustomerHistory
from screener.domain.screening import remember, screen
from screener.records import decision_record
from screener.schemas import load_schema
from screener.settings import load_rules
from tests import factories

CONFIG = load_rules()
DECISION_SCHEMA = load_schema("decision")
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = {"transfers": "transfer", "loans": "loan_approval", "customer_events": "customer_event"}
VALID = {
    "transfers": factories.transfer,
    "loans": factories.loan,
    "customer_events": lambda: factories.customer_event("login"),
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)  # what orjson can write
    | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
extreme_times = st.sampled_from(
    [
        "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59.999999+14:00",
        "1970-01-01T00:00:00Z",
        "2026-02-29T12:00:00+05:00",
        "2026-12-31T23:59:60+05:00",
        "2026-03-02t19:00:00z",
    ]
) | st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat())


def as_record(document: Any) -> bytes:
    """A record value as a producer might write it: the stdlib writes integers of any size."""
    return json.dumps(document).encode()


def decode(kind: str, raw: bytes, reference: float | None) -> InputEvent | None:
    """The boundary as the service runs it; None for an input it refused clearly."""
    try:
        event = decode_event(kind, raw)
        check_event_time(event, reference, CONFIG.event_time)
    except InvalidEvent as exc:
        assert str(exc).split(":", 1)[0], "the error names the field or <root>"
        return None
    return event


def assert_screens(event: InputEvent, history: CustomerHistory) -> CustomerHistory:
    """Screen `event` against `history`: a well-formed decision; the history after it."""
    if not isinstance(event, CustomerEvent):
        outcome = screen(event, ScreeningContext(history, CONFIG.mrp), CONFIG)
        assert isinstance(outcome.verdict, Verdict) and 0 <= outcome.score <= 100
        decided_at = datetime(2026, 3, 2, tzinfo=UTC)
        decision = decision_record(event, outcome, decided_at, CONFIG.version, "0" * 64)
        jsonschema.validate(decision, DECISION_SCHEMA)
        for reason in [*decision["reasons"], *decision["shadow_reasons"]]:
            assert all(reason["message"][language] for language in ("en", "ru", "kk"))
        orjson.dumps(decision)  # publishable
    after = remember(event, history, CONFIG)
    assert len(after.entries) <= 3 * CONFIG.history_max_entries
    orjson.dumps(after.as_dict())  # storable
    return after


references = st.none() | st.floats(min_value=0, max_value=2e10)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)), reference=references)
def test_schema_generated_events_decode_or_fail_clearly(
    data: st.DataObject, kind: str, reference: float | None
) -> None:
    document = data.draw(from_schema(load_schema(KINDS[kind])))
    event = decode(kind, as_record(document), reference)
    if event is not None:
        assert_screens(event, CustomerHistory())


@FUZZ
@given(
    kind=st.sampled_from(sorted(KINDS)),
    field=st.sampled_from(
        [
            "event_id",
            "occurred_at",
            "customer_id",
            "amount",
            "currency",
            "sender_account",
            "receiver_account",
            "receiver_kind",
            "new_beneficiary",
            "contract_signed_at",
            "lender_id",
            "source",
            "new_device",
            "type",
        ]
    ),
    value=json_values
    | extreme_times
    | st.integers(min_value=10_000, max_value=1_000_000).map(lambda n: "9" * n),
)
def test_a_valid_event_with_any_field_replaced_decodes_or_fails_clearly(
    kind: str, field: str, value: Any
) -> None:
    document = VALID[kind]()
    document[field] = value
    event = decode(kind, as_record(document), None)
    if event is not None:
        assert_screens(event, CustomerHistory())


@FUZZ
@given(
    kind=st.sampled_from(sorted(KINDS)),
    cut=st.integers(min_value=0, max_value=400),
    junk=st.binary(max_size=64),
)
def test_truncated_and_non_utf8_records_fail_clearly(kind: str, cut: int, junk: bytes) -> None:
    raw = orjson.dumps(VALID[kind]())
    for mutated in (raw[:cut], raw[:cut] + junk, junk, b"\xff\xfe" + raw, raw + b"\x80"):
        decode(kind, mutated, None)


@FUZZ
@given(amount=st.one_of(st.integers(), st.floats(), st.text(max_size=40), st.decimals()))
def test_any_amount_decodes_or_fails_clearly(amount: Any) -> None:
    document = factories.transfer()
    document["amount"] = str(amount) if not isinstance(amount, int | float | str) else amount
    try:
        raw = orjson.dumps(document)
    except TypeError:  # an integer beyond 64 bits: orjson will not write it either
        raw = factories.encode(factories.transfer()).replace(b'"15000.00"', str(amount).encode())
    event = decode("transfers", raw, None)
    if event is not None:
        assert_screens(event, CustomerHistory())


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["transfer", "loan", "login", "sms_code_sent", "fraud_reported"]),
            st.integers(min_value=-8 * 86400, max_value=8 * 86400),
            st.booleans(),  # redeliver an earlier event instead
        ),
        min_size=1,
        max_size=60,
    )
)
def test_a_customers_stream_in_any_order_screens_and_stays_bounded(
    steps: list[tuple[str, int, bool]],
) -> None:
    customer = factories.customer_id()
    start = datetime(2026, 3, 2, 19, 0, tzinfo=factories.ALMATY)
    history, seen = CustomerHistory(), []
    for kind, offset, again in steps:
        when = factories.timestamp(start + timedelta(seconds=offset))
        if again and seen:
            raw = seen[len(seen) // 2]
        elif kind == "transfer":
            raw = factories.encode(
                factories.transfer(customer_id=customer, occurred_at=when, amount="250000.00")
            )
        elif kind == "loan":
            raw = factories.encode(
                factories.loan(customer_id=customer, occurred_at=when, amount="700000.00")
            )
        else:
            raw = factories.encode(
                factories.customer_event(kind, customer_id=customer, occurred_at=when)
            )
        seen.append(raw)
        topic = {"transfer": "transfers", "loan": "loans"}.get(kind, "customer_events")
        if again and len(seen) > 1:
            topic = _topic_of(raw)
        event = decode(topic, raw, None)
        assert event is not None
        history = assert_screens(event, history)
    reports = {raw for raw in seen if b'"fraud_reported"' in raw}
    assert history.fraud_reports <= len(reports)


def _topic_of(raw: bytes) -> str:
    kind = orjson.loads(raw)["type"]
    return {"transfer": "transfers", "loan_approval": "loans"}.get(kind, "customer_events")
