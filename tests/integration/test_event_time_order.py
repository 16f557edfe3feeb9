"""Screening in event-time order across the three input topics (issue #10, finding 3)."""

from __future__ import annotations

from datetime import timedelta

from tests import factories
from tests.integration.conftest import Deployment


def test_a_backlog_of_stop_credit_registrations_blocks_every_later_loan(
    deployment: Deployment,
) -> None:
    """300 customers registered Stop-credit 30 minutes ago, then each got a loan 10 minutes
    ago, all published while no worker ran. The worker started afterwards reads the two
    topics in its own order, yet every loan comes after its customer's registration in
    event time, so every one must be blocked.

    Ahead of the registrations, the customer-events topic holds an hour-old backlog of
    other customers' logins (with the bulky client details banks attach): more than one
    fetch's worth (1 MB a partition), so the loans, on a short topic, are all fetched
    before any registration. Without it the outcome would hang on the order in which
    aiokafka happens to hand partitions over, which changes from run to run."""
    now = factories.now()
    for _ in range(450):
        other = factories.customer_id()
        login = factories.customer_event(
            "login",
            customer_id=other,
            occurred_at=factories.timestamp(now - timedelta(minutes=60)),
            client_details="x" * 8000,
        )
        deployment.producer.send(
            deployment.settings.topics.customer_events,
            key=other.encode(),
            value=factories.encode(login),
        )
    customers = [factories.customer_id() for _ in range(300)]
    for customer in customers:
        deployment.producer.send(
            deployment.settings.topics.customer_events,
            key=customer.encode(),
            value=factories.encode(
                factories.customer_event(
                    "loan_optout_set",
                    customer_id=customer,
                    occurred_at=factories.timestamp(now - timedelta(minutes=30)),
                )
            ),
        )
    loans = [
        factories.loan(
            customer_id=customer,
            amount="150000.00",
            channel="branch",
            lender_kind="bank",
            occurred_at=factories.timestamp(now - timedelta(minutes=10)),
        )
        for customer in customers
    ]
    for loan in loans:
        deployment.producer.send(
            deployment.settings.topics.loans,
            key=loan["customer_id"].encode(),
            value=factories.encode(loan),
        )
    deployment.producer.flush()

    deployment.start_worker()
    deployment.wait_for(
        "300 decisions",
        lambda: all(deployment.decisions_for(loan["event_id"]) for loan in loans),
        timeout=180,
    )
    verdicts = [deployment.decisions_for(loan["event_id"])[0]["verdict"] for loan in loans]
    allowed = verdicts.count("allow")
    assert allowed == 0, f"{allowed} of 300 Stop-credit loans allowed"
    assert set(verdicts) == {"block"}
