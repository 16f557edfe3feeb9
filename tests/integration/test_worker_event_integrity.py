"""Event time and redelivery through the real worker on real Kafka and Redis (issue #10,
findings 2 and 4): the Kafka record's timestamp (or the read time, for a record without
one) reaches the boundary, a login dated
9999-12-31 is a dead letter and cannot blind its customer, and an event id reused for
other content is a dead letter instead of someone else's decision."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests import factories
from tests.integration.conftest import Deployment
from tests.streams import at


def test_a_far_future_login_and_a_reused_event_id_are_dead_letters(
    deployment: Deployment,
) -> None:
    worker = deployment.start_worker()
    customer = factories.customer_id()
    start = datetime.now(factories.ALMATY) - timedelta(minutes=10)
    poison = factories.customer_event(
        "login", customer_id=customer, occurred_at="9999-12-31T23:59:59.000+05:00"
    )
    code = factories.customer_event(
        "sms_code_sent", customer_id=customer, occurred_at=at(start), source="1414"
    )
    new_device = factories.customer_event(
        "login",
        customer_id=customer,
        occurred_at=at(start + timedelta(minutes=1)),
        new_device=True,
    )
    loan = factories.loan(
        customer_id=customer,
        occurred_at=at(start + timedelta(minutes=5)),
        amount="3000000.00",
        channel="online",
    )
    transfer = factories.transfer()
    reused = factories.loan(event_id=transfer["event_id"], amount="3000000.00")
    deployment.send("customer_events", poison)
    deployment.send("customer_events", code)
    deployment.send("customer_events", new_device)
    deployment.send("loans", loan)
    deployment.send("transfers", transfer)
    deployment.wait_for(
        "the transfer's decision", lambda: bool(deployment.decisions_for(transfer["event_id"]))
    )
    deployment.send("loans", reused)
    deployment.wait_for(
        "the loan's decision and two dead letters",
        lambda: bool(deployment.decisions_for(loan["event_id"]))
        and len(deployment.outputs.get("dlq", [])) >= 2,
    )
    [decision] = deployment.decisions_for(loan["event_id"])
    assert "risky_session" in {reason["rule"] for reason in decision["reasons"]}
    letters = {letter["error"].split(":", 1)[0]: letter for letter in deployment.outputs["dlq"]}
    assert poison["event_id"] in letters["occurred_at"]["value"]
    assert "reused" in letters["event_id"]["error"]
    [only] = deployment.decisions_for(transfer["event_id"])
    assert only["event_type"] == "transfer"

    metrics = deployment.scrape_metrics(worker)
    topic = deployment.settings.topics.customer_events
    assert f'screener_event_time_rejected_total{{topic="{topic}",why="future"}} 1.0' in metrics
    assert 'reason="event_id_reused"' in metrics


IN_2100 = datetime(2100, 1, 1, tzinfo=factories.ALMATY)


@pytest.mark.parametrize(
    "record_timestamp_ms",
    [int(IN_2100.timestamp() * 1000), 0],
    ids=["stamped-2100", "no-timestamp"],
)
def test_a_producer_clock_in_2100_cannot_lift_stop_credit(
    deployment: Deployment, record_timestamp_ms: int
) -> None:
    """A producer whose clock says 2100 stamps the record and the event alike. Checked
    against its own record, a `loan_optout_lifted` of 2100 passed and outlived every new
    Stop-credit registration: the customer's loans were allowed. The reference is now never
    later than the worker's clock, so the lift is a dead letter and the refusal stands. A
    record without a timestamp (0; -1 in the old format; kafka-python stamps None with its
    clock) skipped the check; it is now checked against the worker's clock."""
    worker = deployment.start_worker()
    customer = factories.customer_id()
    in_2100 = IN_2100
    now = datetime.now(factories.ALMATY)
    registered = factories.customer_event(
        "loan_optout_set", customer_id=customer, occurred_at=at(now - timedelta(minutes=2))
    )
    lifted = factories.customer_event(
        "loan_optout_lifted", customer_id=customer, occurred_at=at(in_2100)
    )
    loan = factories.loan(customer_id=customer, occurred_at=at(now - timedelta(minutes=1)))
    topics = deployment.settings.topics
    deployment.send("customer_events", registered)
    deployment.producer.send(
        topics.customer_events,
        key=customer.encode(),
        value=factories.encode(lifted),
        timestamp_ms=record_timestamp_ms,
    )
    deployment.producer.flush()
    deployment.send("loans", loan)
    deployment.wait_for(
        "the loan's decision and the lift's dead letter",
        lambda: bool(deployment.decisions_for(loan["event_id"]))
        and bool(deployment.outputs.get("dlq")),
    )
    [decision] = deployment.decisions_for(loan["event_id"])
    assert decision["verdict"] == "block"
    assert "loan_optout" in {reason["rule"] for reason in decision["reasons"]}
    [letter] = deployment.outputs["dlq"]
    assert lifted["event_id"] in letter["value"] and letter["reason"] == "event_time"
    metrics = deployment.scrape_metrics(worker)
    topic = topics.customer_events
    assert f'screener_event_time_rejected_total{{topic="{topic}",why="future"}} 1.0' in metrics
