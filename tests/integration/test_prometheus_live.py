"""The real tools on the live processes: `promtool check metrics` on the worker's and the
API's /metrics, and a real Prometheus server scraping both with the production rules (their
`for:` and evaluation intervals shortened), recording rules evaluated, and an alert firing
when the worker is killed with lag."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import factories
from tests.dashboard_source import panel_expressions
from tests.e2e.conftest import ReviewProcess
from tests.e2e.conftest import review_process as review_process
from tests.integration.conftest import ARTIFACTS, Deployment, free_port
from tests.integration.operations_support import (
    SLOW_WORKER,
    flood_one_partition,
    wait_for_status,
)

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "screener.rules.yml"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AssertionError(f"{name} is missing: run deploy/dev/install-prometheus.sh")
    return path


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as reply:
        return str(reply.read().decode())


def promtool_check_metrics(text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("promtool"), "check", "metrics"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_promtool_accepts_the_live_metrics_of_the_worker_and_the_api(
    deployment: Deployment,
    review_process: ReviewProcess,  # noqa: F811
) -> None:
    worker = deployment.start_worker(SCREENER_LOG_FORMAT="json")
    iin = factories.customer_id()
    deployment.producer.send(deployment.settings.topics.transfers, key=iin.encode(), value=b"{")
    customer, _ = flood_one_partition(deployment, 20)
    deployment.wait_for(
        "20 decisions and a dead letter",
        lambda: sum(d["customer_id"] == customer for d in deployment.outputs.get("decisions", []))
        >= 20
        and bool(deployment.outputs.get("dlq")),
        timeout=120,
    )
    fetch(review_process.base_url + "/healthz")  # the API counts a request
    pages = {
        "worker": deployment.scrape_metrics(worker),
        "api": fetch(review_process.base_url + "/metrics"),
    }
    assert "screener_consumer_lag_records{" in pages["worker"]
    assert "screener_api_requests_total{" in pages["api"]
    for name, page in pages.items():
        checked = promtool_check_metrics(page)
        assert checked.returncode == 0, f"{name}: {checked.stdout}{checked.stderr}"
    # Safe defaults: Faust's router and table pages are off; the port is on loopback only.
    worker_url = f"http://127.0.0.1:{deployment.web_ports[worker.pid]}"
    for path in ("/router/", "/table/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(worker_url + path)
        assert refused.value.code == 404
    assert listening_addresses(deployment.web_ports[worker.pid]) == {"127.0.0.1"}
    # SCREENER_LOG_FORMAT=json: every line of the worker's output is a JSON object, Faust's
    # and aiokafka's too, and the dead letter's key (an IIN) is nowhere in clear.
    output = deployment.logs[worker.pid].read_text("utf-8")
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(line["message"].startswith("dead letter ") for line in lines)
    assert {line["logger"].split(".")[0] for line in lines} >= {"screener", "faust", "aiokafka"}
    assert iin not in output


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on `port` (Linux /proc/net/tcp)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            addresses.add(".".join(str(b) for b in reversed(bytes.fromhex(address))))
    return addresses


def fast_rules(directory: Path) -> Path:
    """The production rules with 1 s evaluation and `for:` of 1 s: same expressions."""
    rules = yaml.safe_load(RULES.read_text("utf-8"))
    for group in rules["groups"]:
        group["interval"] = "1s"
        for rule in group["rules"]:
            if "for" in rule:
                rule["for"] = "1s"
    path = directory / "screener.rules.yml"
    path.write_text(yaml.safe_dump(rules), "utf-8")
    return path


class Prometheus:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        body = json.loads(fetch(f"{self.base_url}/api/v1/{path}?{query}"))
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        return list(self.api("query", query=expr)["result"])

    def wait(self, what: str, done: Callable[[], bool], timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done():
                return
            time.sleep(0.5)
        raise AssertionError(f"timed out after {timeout} s waiting for Prometheus: {what}")

    def firing(self) -> set[str]:
        return {
            alert["labels"]["alertname"]
            for alert in self.api("alerts")["alerts"]
            if alert["state"] == "firing"
        }


@contextlib.contextmanager
def prometheus(tmp_path: Path, targets: dict[str, str]) -> Iterator[Prometheus]:
    config = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "900ms", "evaluation_interval": "1s"},
        "rule_files": [str(fast_rules(tmp_path))],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": [target]}]}
            for job, target in targets.items()
        ],
    }
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config), "utf-8")
    checked = subprocess.run(
        [tool("promtool"), "check", "config", str(config_file)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"prometheus-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={config_file}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1h",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Prometheus(f"http://127.0.0.1:{port}")
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"prometheus exited {process.returncode}; see {log_path}")
            with contextlib.suppress(OSError):
                return "Ready" in fetch(server.base_url + "/-/ready")
            return False

        server.wait("ready", ready, timeout=60)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_prometheus_scrapes_records_and_alerts_on_a_worker_killed_with_lag(
    deployment: Deployment,
    review_process: ReviewProcess,  # noqa: F811
    tmp_path: Path,
) -> None:
    worker = deployment.start_worker(**SLOW_WORKER)
    deployment.scrape_metrics(worker)  # its web server is up
    api_target = urllib.parse.urlsplit(review_process.base_url).netloc
    targets = {
        "screener-worker": f"127.0.0.1:{deployment.web_ports[worker.pid]}",
        "screener-api": api_target,
    }
    with prometheus(tmp_path, targets) as server:
        server.wait(
            "both targets up",
            lambda: {r["metric"]["job"] for r in server.query("up == 1")} == set(targets),
        )
        topic = deployment.settings.topics.transfers
        wait_for_status(deployment, "the worker's first report", lambda records: bool(records))
        _, partition = flood_one_partition(deployment, 3000)
        # The recording rules run on what was scraped: the worker is behind on the partition.
        server.wait(
            "recorded lag above 0",
            lambda: any(
                float(r["value"][1]) > 0
                for r in server.query("screener:consumer_lag_records:max_by_partition")
                if (r["metric"]["topic"], r["metric"]["partition"]) == (topic, str(partition))
            ),
        )
        # Recorded rates need two scrapes of a series: wait for them rather than race.
        server.wait(
            "recorded throughput", lambda: bool(server.query("screener:events_consumed:rate1m > 0"))
        )
        # Every dashboard panel's query runs on the live data, and the lag panel has it.
        for _, expr in panel_expressions():
            server.query(expr)  # raises unless Prometheus accepts it
        assert server.query(dict(panel_expressions())["Consumer lag per partition"])
        server.wait(
            "recorded API requests",
            lambda: bool(server.query('screener:api_requests:rate5m{status="200"}')),
        )
        assert "ScreenerWorkerDownWithLag" not in server.firing()

        deployment.kill(worker)
        server.wait("the alert to fire", lambda: "ScreenerWorkerDownWithLag" in server.firing())
        [alert] = [
            a
            for a in server.api("alerts")["alerts"]
            if a["labels"]["alertname"] == "ScreenerWorkerDownWithLag"
        ]
        assert alert["labels"]["severity"] == "page"
        assert alert["annotations"]["runbook"] == "deploy/RUNBOOK.md#screenerworkerdownwithlag"
