"""The cooling period as the law runs it, on a real Kafka and a real Redis through the real
worker (DOMAIN §3, CONTRACT §7): a loan is held, its period passes without a reconfirmation
(still held), the borrower reconfirms (released); a second loan is cancelled during its
period (`cancelled`); every change is on `screener.holds` exactly once, redeliveries too."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests import factories
from tests.integration.conftest import Deployment

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"
RULES = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


def validate(message: dict[str, Any], schema_name: str) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    jsonschema.validate(message, schema, cls=jsonschema.Draft202012Validator)


def online_loan(signed: datetime) -> dict[str, Any]:
    return factories.loan(
        amount="9000000.00",
        channel="online",
        lender_kind="bank",
        contract_signed_at=signed.isoformat(),
        occurred_at=signed.isoformat(),
    )


def answer(kind: str, loan: dict[str, Any], at: datetime) -> dict[str, Any]:
    return factories.customer_event(
        kind, customer_id=loan["customer_id"], loan_id=loan["loan_id"], occurred_at=at.isoformat()
    )


def hold_fields(deployment: Deployment, hold_id: str) -> dict[str, str]:
    raw = deployment.redis.hgetall(f"{deployment.prefix}hold:{hold_id}")
    return {k.decode(): v.decode() for k, v in raw.items()}


def statuses(deployment: Deployment, hold_id: str) -> list[str]:
    return [c["status"] for c in deployment.hold_changes_for(hold_id)]


def everything_published(deployment: Deployment, marker: dict[str, Any]) -> bool:
    """The worker screened `marker` (sent last) and no hold change waits in the outbox, so
    none can be republished later: the changes seen are all there will be."""
    return bool(deployment.decisions_for(marker["event_id"])) and (
        deployment.redis.hlen(f"{deployment.prefix}outbox") == 0
    )


def test_a_lender_s_loans_reconfirmed_and_cancelled(deployment: Deployment) -> None:
    deployment.start_worker()
    now = datetime.now(factories.ALMATY).replace(microsecond=0)

    # Signed almost 24 h ago: the waiting period ends a few seconds after the hold is made.
    first = online_loan(now - timedelta(hours=24) + timedelta(seconds=6))
    deployment.send("loans", first)
    held = first["event_id"]
    deployment.wait_for("the first loan held", lambda: statuses(deployment, held) == ["held"])
    [decision] = deployment.decisions_for(held)
    validate(decision, "decision")
    assert decision["verdict"] == "hold" and decision["reconfirmation_required"] is True

    # The period passes without a reconfirmation: the timer notes it, the hold stays held.
    deployment.wait_for(
        "the waiting period to pass",
        lambda: bool(hold_fields(deployment, held).get("period_ended_at")),
        timeout=120,
    )
    fields = hold_fields(deployment, held)
    assert fields["status"] == "held" and statuses(deployment, held) == ["held"]
    assert deployment.redis.zscore(f"{deployment.prefix}holds:open", held) is not None
    assert deployment.redis.zscore(f"{deployment.prefix}holds:timed", held) is None

    # The borrower reconfirms: released, once, redelivery or not.
    reconfirmed = answer("loan_reconfirmed", first, datetime.now(factories.ALMATY))
    deployment.send("customer_events", reconfirmed)
    deployment.wait_for(
        "the reconfirmed loan released",
        lambda: statuses(deployment, held) == ["held", "released"],
    )
    deployment.send("customer_events", reconfirmed)

    # A second loan, cancelled by the borrower during its period.
    second = online_loan(datetime.now(factories.ALMATY).replace(microsecond=0))
    deployment.send("loans", second)
    deployment.wait_for(
        "the second loan held", lambda: statuses(deployment, second["event_id"]) == ["held"]
    )
    cancelled = answer("loan_cancelled", second, datetime.now(factories.ALMATY))
    deployment.send("customer_events", cancelled)
    deployment.wait_for(
        "the second loan cancelled",
        lambda: statuses(deployment, second["event_id"]) == ["held", "cancelled"],
    )
    deployment.send("customer_events", cancelled)

    marker = factories.transfer()
    deployment.send("transfers", marker)
    deployment.wait_for("every change published", lambda: everything_published(deployment, marker))

    assert statuses(deployment, held) == ["held", "released"]
    assert statuses(deployment, second["event_id"]) == ["held", "cancelled"]
    for change in (
        *deployment.hold_changes_for(held),
        *deployment.hold_changes_for(second["event_id"]),
    ):
        validate(change, "hold_change")
        assert change["changed_by"] == "screener"
    release = deployment.hold_changes_for(held)[1]
    assert release["previous_status"] == "held"
    assert "reconfirmed" in release["note"]
    fields = hold_fields(deployment, held)
    assert fields["status"] == "released" and fields["reconfirmed_at"]
    second_fields = hold_fields(deployment, second["event_id"])
    assert second_fields["status"] == "cancelled" and second_fields["cancelled_at"]
    assert deployment.redis.zscore(f"{deployment.prefix}holds:open", second["event_id"]) is None
    assert deployment.redis.zscore(f"{deployment.prefix}holds:timed", second["event_id"]) is None


def timer_only_rules(tmp_path: Path) -> Path:
    raw = yaml.safe_load(RULES.read_text())
    raw["loan_release"]["mode"] = "timer_only"
    path = tmp_path / "rules-timer-only.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_a_lender_without_reconfirmations_gets_the_timer_alone(
    deployment: Deployment, tmp_path: Path
) -> None:
    deployment.start_worker(SCREENER_RULES_FILE=str(timer_only_rules(tmp_path)))
    loan = online_loan(datetime.now(factories.ALMATY) - timedelta(hours=24) + timedelta(seconds=4))
    deployment.send("loans", loan)
    deployment.wait_for(
        "the loan released when its period ends",
        lambda: statuses(deployment, loan["event_id"]) == ["held", "released"],
        timeout=120,
    )
    [decision] = deployment.decisions_for(loan["event_id"])
    assert decision["reconfirmation_required"] is False
    assert deployment.hold_changes_for(loan["event_id"])[1]["note"] == "hold period ended"
