"""The worker end to end on a real Kafka broker and a real Redis."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests import factories
from tests.integration.conftest import Deployment

ALMATY = timezone(timedelta(hours=5))
SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
RULES = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


def validate(message: dict[str, Any], schema_name: str) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    jsonschema.validate(message, schema, cls=jsonschema.Draft202012Validator)


def big_online_loan(**overrides: Any) -> dict[str, Any]:
    return factories.loan(amount="9000000.00", channel="online", lender_kind="bank", **overrides)


def test_a_large_online_loan_is_held_for_the_cooling_period(deployment: Deployment) -> None:
    deployment.start_worker()
    signed = datetime.now(ALMATY).replace(microsecond=0)
    loan = big_online_loan(contract_signed_at=signed.isoformat(), occurred_at=signed.isoformat())
    small = factories.loan(amount="100000.00", channel="online", lender_kind="bank")
    transfer = factories.transfer()
    deployment.send("loans", loan)
    deployment.send("loans", small)
    deployment.send("transfers", transfer)

    deployment.wait_for(
        "three decisions",
        lambda: all(deployment.decisions_for(e["event_id"]) for e in (loan, small, transfer))
        and bool(deployment.hold_changes_for(loan["event_id"])),
    )
    [held] = deployment.decisions_for(loan["event_id"])
    validate(held, "decision")
    assert held["verdict"] == "hold"
    assert held["hold_id"] == loan["event_id"]
    assert held["hold_until"] == (signed + timedelta(hours=24)).isoformat()
    assert [r["rule"] for r in held["reasons"]] == ["cooling_period"]
    assert set(held["reasons"][0]["message"]) == {"en", "ru", "kk"}

    for clean in (small, transfer):
        [decision] = deployment.decisions_for(clean["event_id"])
        validate(decision, "decision")
        assert decision["verdict"] == "allow" and decision["reasons"] == []

    [change] = deployment.hold_changes_for(loan["event_id"])
    validate(change, "hold_change")
    assert (change["status"], change["previous_status"], change["changed_by"]) == (
        "held",
        None,
        "screener",
    )

    hold = {
        k.decode(): v.decode()
        for k, v in deployment.redis.hgetall(f"{deployment.prefix}hold:{loan['event_id']}").items()
    }
    assert hold["status"] == "held"
    assert hold["amount"] == "9000000.00"
    assert hold["customer_id"] == loan["customer_id"]
    assert json.loads(hold["reasons"])[0]["rule"] == "cooling_period"
    assert deployment.redis.zscore(f"{deployment.prefix}holds:open", loan["event_id"]) is not None


def test_a_loan_in_dollars_is_judged_at_its_tenge_equivalent(deployment: Deployment) -> None:
    """20,000 is a small loan in tenge and, at the rules file's rate, a large one in
    dollars: the cooling period holds the dollar loan, and the hold shows it as sent."""
    deployment.start_worker()
    in_dollars = factories.loan(amount="20000.00", currency="USD")
    in_tenge = factories.loan(amount="20000.00", currency="KZT")
    for loan in (in_dollars, in_tenge):
        deployment.send("loans", loan)
    deployment.wait_for(
        "both decisions and the hold",
        lambda: all(deployment.decisions_for(loan["event_id"]) for loan in (in_dollars, in_tenge))
        and bool(deployment.hold_changes_for(in_dollars["event_id"])),
    )
    [held] = deployment.decisions_for(in_dollars["event_id"])
    validate(held, "decision")
    rate = yaml.safe_load(RULES.read_text("utf-8"))["currencies"]["kzt_per_unit"]["USD"]
    assert (held["amount"], held["currency"], held["kzt_rate"]) == ("20000.00", "USD", rate)
    assert held["amount_kzt"] == f"{20000 * rate:.2f}"
    assert held["verdict"] == "hold" and "cooling_period" in [r["rule"] for r in held["reasons"]]
    hold = deployment.redis.hgetall(f"{deployment.prefix}hold:{in_dollars['event_id']}")
    assert (hold[b"amount"], hold[b"currency"]) == (b"20000.00", b"USD")
    [allowed] = deployment.decisions_for(in_tenge["event_id"])
    assert allowed["verdict"] == "allow" and "amount_kzt" not in allowed


def test_bad_input_goes_to_the_dead_letter_topic_and_the_next_event_is_screened(
    deployment: Deployment,
) -> None:
    deployment.start_worker()
    bad_check_digit = factories.transfer(customer_id="850503300128")
    three_decimals = factories.transfer(amount="10.001")
    wrong_topic = factories.transfer()
    good = factories.transfer()
    deployment.send("transfers", bad_check_digit)
    deployment.send("transfers", three_decimals)
    deployment.send("loans", wrong_topic)
    deployment.send("transfers", {}, raw=b"\xff\xfe not json")
    deployment.send("transfers", {}, raw=b'{"event_id": ')
    deployment.send("transfers", good)

    deployment.wait_for(
        "five dead letters and a decision",
        lambda: len(deployment.outputs.get("dlq", [])) >= 5
        and bool(deployment.decisions_for(good["event_id"])),
    )
    letters = deployment.outputs["dlq"]
    for letter in letters:
        validate(letter, "dead_letter")
        assert isinstance(letter["offset"], int) and isinstance(letter["partition"], int)

    def error_for(event: dict[str, Any]) -> str:
        [letter] = [d for d in letters if event["event_id"] in d["value"]]
        return str(letter["error"])

    assert error_for(bad_check_digit).startswith("customer_id")
    assert error_for(three_decimals).startswith("amount")
    assert "transfer" in error_for(wrong_topic) and "loans" in error_for(wrong_topic)
    [not_utf8] = [d for d in letters if d["value_encoding"] == "base64"]
    assert not_utf8["error"].startswith("<root>")
    [truncated] = [d for d in letters if d["value"] == '{"event_id": ']
    assert "JSON" in truncated["error"]
    sources = {d["source_topic"] for d in letters}
    assert sources == {deployment.settings.topics.transfers, deployment.settings.topics.loans}


def test_a_redelivered_event_gets_the_same_decision_and_no_second_hold(
    deployment: Deployment,
) -> None:
    deployment.start_worker()
    loan = big_online_loan()
    deployment.send("loans", loan)
    deployment.wait_for(
        "the first decision", lambda: bool(deployment.hold_changes_for(loan["event_id"]))
    )
    deployment.send("loans", loan)
    marker = factories.transfer()
    deployment.send("transfers", marker)
    deployment.wait_for(
        "the redelivery's decision",
        lambda: len(deployment.decisions_for(loan["event_id"])) == 2
        and bool(deployment.decisions_for(marker["event_id"])),
    )
    first, second = deployment.decisions_for(loan["event_id"])
    assert first == second
    assert len(deployment.hold_changes_for(loan["event_id"])) == 1
    audit = deployment.redis.xrange(f"{deployment.prefix}audit")
    assert [fields[b"hold_id"].decode() for _, fields in audit] == [loan["event_id"]]


def test_online_loans_of_one_evening_count_together(deployment: Deployment) -> None:
    deployment.start_worker()
    customer = factories.customer_id()
    first = factories.loan(
        customer_id=customer, amount="400000", channel="online", lender_kind="bank"
    )
    second = factories.loan(
        customer_id=customer, amount="300000", channel="online", lender_kind="bank"
    )
    deployment.send("loans", first)
    deployment.send("loans", second)
    deployment.wait_for(
        "both decisions", lambda: bool(deployment.decisions_for(second["event_id"]))
    )
    assert deployment.decisions_for(first["event_id"])[0]["verdict"] == "allow"
    decision = deployment.decisions_for(second["event_id"])[0]
    assert decision["verdict"] == "hold"
    assert decision["reasons"][0]["measured"]["online_loans_total_minor"] == 70_000_000


def rules_file(tmp_path: Path, **loan_release: str) -> str:
    raw = yaml.safe_load(RULES.read_text())
    raw["loan_release"].update(loan_release)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw))
    return str(path)


@pytest.mark.parametrize(
    "loan_release",
    [
        {"mode": "timer_only"},  # a lender that publishes no reconfirmations
        {"mode": "reconfirmation", "early_reconfirmation": "keep"},  # reconfirmed early
    ],
    ids=["timer_only", "kept_reconfirmation"],
)
def test_timed_holds_are_released_exactly_once_by_two_workers(
    deployment: Deployment, tmp_path: Path, loan_release: dict[str, str]
) -> None:
    rules = rules_file(tmp_path, **loan_release)
    for _ in range(2):
        deployment.start_worker(SCREENER_RULES_FILE=rules)
    # Signed almost 24 h ago: each hold lifts a few seconds after it is made.
    signed = datetime.now(ALMATY) - timedelta(hours=24) + timedelta(seconds=4)
    loans = [
        big_online_loan(contract_signed_at=signed.isoformat(), occurred_at=signed.isoformat())
        for _ in range(5)
    ]
    for loan in loans:
        deployment.send("loans", loan)
        if loan_release["mode"] == "reconfirmation":  # during the period: kept for its end
            reconfirmed = factories.customer_event(
                "loan_reconfirmed",
                customer_id=loan["customer_id"],
                loan_id=loan["loan_id"],
                occurred_at=(signed + timedelta(seconds=1)).isoformat(),
            )
            deployment.send("customer_events", reconfirmed)

    def released(hold_id: str) -> list[dict[str, Any]]:
        return [c for c in deployment.hold_changes_for(hold_id) if c["status"] == "released"]

    deployment.wait_for(
        "every hold released", lambda: all(released(loan["event_id"]) for loan in loans), timeout=90
    )
    time.sleep(3)  # give a duplicate release, if there were one, time to arrive
    deployment.poll_outputs()
    for loan in loans:
        changes = deployment.hold_changes_for(loan["event_id"])
        assert [c["status"] for c in changes] == ["held", "released"]
        assert changes[1]["previous_status"] == "held"
        assert changes[1]["changed_by"] == "screener"
        validate(changes[1], "hold_change")
        key = f"{deployment.prefix}hold:{loan['event_id']}"
        assert deployment.redis.hget(key, "status") == b"released"
        assert deployment.redis.zscore(f"{deployment.prefix}holds:open", loan["event_id"]) is None


def test_unreadable_stored_state_is_left_out_and_screening_goes_on(deployment: Deployment) -> None:
    transfer = factories.transfer()
    prefix = deployment.prefix
    # A history and a flow in a format this version cannot read (an older one, or damage).
    deployment.redis.set(f"{prefix}customer:{transfer['customer_id']}:history", b"[1, 2, 3]")
    deployment.redis.zadd(
        f"{prefix}account:{transfer['receiver_account']}:in", {b'{"event_id": "old"}': 1.0}
    )
    deployment.start_worker()
    deployment.send("transfers", transfer)
    deployment.wait_for(
        "its decision", lambda: bool(deployment.decisions_for(transfer["event_id"]))
    )
    assert deployment.decisions_for(transfer["event_id"])[0]["verdict"] == "allow"
    history = deployment.redis.get(f"{prefix}customer:{transfer['customer_id']}:history")
    assert history is not None and transfer["event_id"].encode() in history
