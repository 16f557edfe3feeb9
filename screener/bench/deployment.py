"""An isolated screener deployment for the benchmark: own topics, group, Redis prefix, worker.

The worker runs as `screener worker` in a subprocess, as in production, with every rule in
the packaged rules file switched to `enforce` (so each one costs what it would cost live).
Everything the run creates (topics, Redis keys, the worker's data directory) is removed by
`cleanup`, so runs do not pile up on a developer's machine.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from kafka import KafkaAdminClient

from screener.adapters.redis_client import blocking_redis_from_url
from screener.bench.results import BatchTotals
from screener.domain.config import RuleMode
from screener.settings import Settings, load_rules

log = logging.getLogger(__name__)

ROLES = ("transfers", "loans", "customer_events", "decisions", "holds", "dlq")
INPUT_ROLES = ("transfers", "loans", "customer_events")


@dataclass
class BenchDeployment:
    env: dict[str, str]
    settings: Settings
    workdir: Path  # the worker's cwd: Faust writes its data directory there
    log_path: Path
    worker: subprocess.Popen[bytes] | None = None
    extra_groups: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, endpoints: dict[str, str], artifacts: Path) -> BenchDeployment:
        run = uuid.uuid4().hex[:8]
        workdir = Path(tempfile.mkdtemp(prefix=f"screener-bench-{run}-"))
        rules = workdir / "rules-all-enforced.yaml"
        rules.write_text(all_rules_enforced(), encoding="utf-8")
        load_rules(rules)  # a broken rules file fails here, not in the worker's log
        env = {
            **os.environ,
            **endpoints,
            "SCREENER_CONSUMER_GROUP": f"screener-bench-{run}",
            "SCREENER_REDIS_PREFIX": f"bench-{run}:",
            "SCREENER_RULES_FILE": str(rules),
            "SCREENER_WORKER_WEB_PORT": str(free_port()),
        }
        for role in ROLES:
            env[f"SCREENER_TOPIC_{role.upper()}"] = f"bench-{run}.{role}"
        artifacts.mkdir(parents=True, exist_ok=True)
        return cls(
            env=env,
            settings=Settings.from_env(env),
            workdir=workdir,
            log_path=artifacts / f"bench-{run}-worker.log",
        )

    @property
    def run_id(self) -> str:
        return self.settings.consumer_group.removeprefix("screener-bench-")

    def topic(self, role: str) -> str:
        name: str = getattr(self.settings.topics, role)
        return name

    def start_worker(self, group_suffix: str = "", redis_suffix: str = "") -> int:
        """Start `screener worker`; a suffix gives it a fresh group (re-reads the topics
        from the start) and a fresh Redis prefix (starts from an empty state)."""
        env = dict(self.env)
        if group_suffix:
            env["SCREENER_CONSUMER_GROUP"] = self.settings.consumer_group + group_suffix
            self.extra_groups.append(env["SCREENER_CONSUMER_GROUP"])
        if redis_suffix:
            env["SCREENER_REDIS_PREFIX"] = self.settings.redis_prefix[:-1] + redis_suffix + ":"
        env["SCREENER_WORKER_WEB_PORT"] = str(free_port())
        self.env["SCREENER_WORKER_WEB_PORT"] = env["SCREENER_WORKER_WEB_PORT"]
        with open(self.log_path, "ab") as out:  # the child keeps its own descriptor
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "screener.cli", "worker"],
                env=env,
                cwd=self.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self.worker.pid

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.env['SCREENER_WORKER_WEB_PORT']}/metrics"

    def worker_alive(self) -> bool:
        return self.worker is not None and self.worker.poll() is None

    def stop_worker(self) -> None:
        """SIGTERM to the worker's own process group (it was started in a new session), then
        SIGKILL if it has not stopped in 30 s."""
        if self.worker is None:
            return
        if self.worker.poll() is None:
            os.killpg(self.worker.pid, signal.SIGTERM)
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
                self.worker.wait(timeout=30)
        self.worker = None

    def batch_totals(self) -> BatchTotals:
        """Batches, events and seconds so far, from the worker's Prometheus histograms."""
        try:
            with urllib.request.urlopen(self.metrics_url, timeout=5) as response:
                text = response.read().decode()
        except OSError as exc:
            log.warning("could not read the worker's metrics: %s", exc)
            return BatchTotals()
        values = {
            name: float(value)
            for name, value in re.findall(r"^(screener_batch_\w+_(?:sum|count)) (\S+)$", text, re.M)
        }
        return BatchTotals(
            batches=values.get("screener_batch_size_events_count", 0.0),
            events=values.get("screener_batch_size_events_sum", 0.0),
            seconds=values.get("screener_batch_processing_seconds_sum", 0.0),
        )

    def cleanup(self) -> None:
        """Remove the run's topics, Redis keys and working directory."""
        self.stop_worker()
        with blocking_redis_from_url(self.settings.redis_url) as client:
            batch = []
            # The prefix without its colon: the profiled worker's prefix extends it.
            for key in client.scan_iter(f"{self.settings.redis_prefix[:-1]}*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap)
        try:
            mine = [t for t in admin.list_topics() if self.run_id in t]
            if mine:
                admin.delete_topics(mine)
        except Exception as exc:  # leftovers are harmless; say so and go on
            log.warning("could not delete the benchmark's topics: %s", exc)
        finally:
            admin.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def all_rules_enforced() -> str:
    """The packaged rules file with every rule's mode set to `enforce`."""
    text = resources.files("screener").joinpath("config/rules.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    for settings in raw["rules"].values():
        settings["mode"] = RuleMode.ENFORCE.value
    raw["version"] = f"{raw['version']}-bench-all-enforced"
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
