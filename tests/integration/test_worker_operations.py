"""What operators rely on: metrics, and thresholds that change without a restart."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

from screener.settings import load_rules
from tests import factories
from tests.integration.conftest import Deployment, free_port

RULES = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)(\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample on a Prometheus text page (0 when absent)."""
    for line in page.splitlines():
        sample = SAMPLE.match(line)
        if sample is None or sample["name"] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', sample["labels"] or ""))
        if found == labels:
            return float(sample["value"])
    return 0.0


def test_the_worker_exposes_throughput_verdicts_rules_latency_and_dead_letters(
    deployment: Deployment,
) -> None:
    worker = deployment.start_worker()
    held = factories.loan(amount="9000000", channel="online", lender_kind="bank")
    allowed = factories.transfer()
    deployment.send("loans", held)
    deployment.send("transfers", allowed)
    deployment.send("transfers", {}, raw=b"not json")
    deployment.wait_for(
        "decisions and a dead letter",
        lambda: bool(deployment.decisions_for(allowed["event_id"]))
        and bool(deployment.decisions_for(held["event_id"]))
        and bool(deployment.outputs.get("dlq")),
    )
    # The batch's time is observed after its decisions are published: wait for it.
    deployment.wait_for(
        "the batch to be timed",
        lambda: metric(deployment.scrape_metrics(worker), "screener_batch_processing_seconds_count")
        >= 1,
    )
    page = deployment.scrape_metrics(worker)
    topics = deployment.settings.topics
    assert metric(page, "screener_events_consumed_total", topic=topics.loans) == 1
    assert metric(page, "screener_events_consumed_total", topic=topics.transfers) == 2
    assert metric(page, "screener_decisions_total", verdict="hold") == 1
    assert metric(page, "screener_decisions_total", verdict="allow") == 1
    assert metric(page, "screener_reasons_total", rule="cooling_period", mode="enforce") == 1
    assert metric(page, "screener_dead_letters_total", topic=topics.transfers, reason="json") == 1
    assert metric(page, "screener_batch_processing_seconds_count") >= 1
    assert metric(page, "screener_hold_changes_total", status="held") == 1
    # Lag per input partition the worker read: nothing left behind its committed offset.
    lags = [line for line in page.splitlines() if line.startswith("screener_consumer_lag_records{")]
    assert lags, "a lag gauge per partition read"
    assert all(float(line.rsplit(" ", 1)[1]) == 0 for line in lags)


def test_thresholds_change_without_a_restart_and_a_bad_file_is_refused(
    deployment: Deployment, tmp_path: Path
) -> None:
    rules_file = tmp_path / "rules.yaml"
    shutil.copy(RULES, rules_file)
    worker = deployment.start_worker(
        SCREENER_RULES_FILE=str(rules_file), SCREENER_RULES_RELOAD_SECONDS="0.2"
    )
    shipped = load_rules().version
    before = factories.loan(amount="700000", channel="online", lender_kind="bank")
    deployment.send("loans", before)
    deployment.wait_for(
        "the first decision", lambda: bool(deployment.decisions_for(before["event_id"]))
    )
    [first] = deployment.decisions_for(before["event_id"])
    assert (first["verdict"], first["config_version"]) == ("hold", shipped)

    text = rules_file.read_text()
    raised = text.replace(f'version: "{shipped}"', 'version: "test-raised"').replace(
        "- {above_mrp: 150, hold_hours: 24}", "- {above_mrp: 200, hold_hours: 24}", 1
    )
    assert raised != text
    rules_file.write_text(raised)
    deployment.wait_for(
        "the new rules",
        lambda: metric(
            deployment.scrape_metrics(worker), "screener_config_info", version="test-raised"
        )
        == 1,
    )
    after = factories.loan(amount="700000", channel="online", lender_kind="bank")
    deployment.send("loans", after)
    deployment.wait_for(
        "the second decision", lambda: bool(deployment.decisions_for(after["event_id"]))
    )
    [second] = deployment.decisions_for(after["event_id"])
    assert (second["verdict"], second["config_version"]) == ("allow", "test-raised")

    rules_file.write_text(raised.replace("hold_score: 60", "hold_score: banana"))
    deployment.wait_for(
        "the refusal",
        lambda: metric(deployment.scrape_metrics(worker), "screener_config_reload_failures_total")
        == 1,
    )
    time.sleep(0.5)
    last = factories.loan(amount="700000", channel="online", lender_kind="bank")
    deployment.send("loans", last)
    deployment.wait_for(
        "the third decision", lambda: bool(deployment.decisions_for(last["event_id"]))
    )
    assert deployment.decisions_for(last["event_id"])[0]["config_version"] == "test-raised"
    assert worker.poll() is None


def test_the_worker_waits_out_a_redis_outage_and_then_screens(deployment: Deployment) -> None:
    """Redis away: the worker stays up, counts the failed batch and timer runs, decides
    nothing; Redis back: the held-up event is decided."""
    port = free_port()
    worker = deployment.start_worker(SCREENER_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    transfer = factories.transfer()
    deployment.send("transfers", transfer)

    def errors_counted() -> bool:
        page = deployment.scrape_metrics(worker)
        return (
            metric(page, "screener_batch_errors_total") >= 1
            and metric(page, "screener_timer_errors_total", timer="release_due_holds") >= 1
        )

    deployment.wait_for("batch and timer errors while Redis is away", errors_counted)
    assert worker.poll() is None, "the worker must wait, not exit"
    assert deployment.decisions_for(transfer["event_id"]) == []

    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        deployment.wait_for(
            "the decision once Redis is back",
            lambda: bool(deployment.decisions_for(transfer["event_id"])),
        )
        assert worker.poll() is None
    finally:
        redis_server.terminate()
        redis_server.wait(timeout=30)
