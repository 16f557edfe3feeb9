"""End-to-end fixtures: the real worker, the real `screener api` process, a real headless
Chromium (Debian's, driven by Playwright's bundled driver; no browser download)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.integration.conftest import ARTIFACTS, Deployment, free_port
from tests.integration.conftest import deployment as deployment
from tests.integration.conftest import services as services

CHROMIUM = os.environ.get("SCREENER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ARTIFACTS / "e2e"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise AssertionError(
            f"{CHROMIUM} is missing: run deploy/dev/install-chromium.sh (make test does)"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ReviewProcess:
    base_url: str
    process: subprocess.Popen[bytes]


def screener(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "screener.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.fixture
def review_process(deployment: Deployment) -> Iterator[ReviewProcess]:  # noqa: F811
    """`screener api` as an operator runs it, on the deployment's Redis and topics."""
    port = free_port()
    env = {**deployment.env, "SCREENER_API_PORT": str(port)}
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{deployment.settings.consumer_group}-api.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "screener.cli", "api"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        # Not listening yet raises OSError: try again until the deadline.
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(base_url + "/healthz", timeout=2) as reply,
        ):
            if reply.status == 200:
                break
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"`screener api` did not start; see {log_path}")
        time.sleep(0.1)
    yield ReviewProcess(base_url, process)
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
