"""The operators' page in Chromium: a worker falls behind on a partition and stops (SIGSTOP,
as a hung process would); the page shows that partition stalled, the worker silent, its
rules version, the safety cap, the holds chart and the last dead letter with its key
masked. Screenshot in artifacts/e2e/operators-stalled.png."""

from __future__ import annotations

import os
import signal

from playwright.sync_api import Browser, expect

from tests import factories
from tests.e2e.conftest import ReviewProcess, screener
from tests.e2e.test_review_page import LAPTOP, shot, sign_in
from tests.integration.conftest import Deployment
from tests.integration.operations_support import SLOW_WORKER, freeze_while_behind, wait_for_status


def test_the_operators_page_shows_a_stalled_partition(
    deployment: Deployment, review_process: ReviewProcess, browser: Browser
) -> None:
    worker = deployment.start_worker(**SLOW_WORKER)
    records = wait_for_status(deployment, "the worker's first report", bool)
    rules_version = records[0]["rules_version"]
    # A record the screener cannot read, keyed by a customer's IIN: a dead letter.
    iin = factories.customer_id()
    deployment.producer.send(deployment.settings.topics.transfers, key=iin.encode(), value=b"{")
    topic = deployment.settings.topics.transfers
    partition = freeze_while_behind(deployment, worker)
    try:
        token = (
            screener(deployment.env, "users", "add", "ops", "--role", "viewer")
            .splitlines()[-1]
            .strip()
        )
        page = browser.new_page(viewport=LAPTOP)
        sign_in(page, review_process.base_url, token)
        page.click("#operators-link")
        row = page.locator(f'#partitions tr[data-topic="{topic}"][data-partition="{partition}"]')
        # The worker no longer reports: within seconds its partition with lag is stalled.
        expect(row).to_have_attribute("data-state", "stalled", timeout=60_000)
        expect(row.locator(".ops-state")).to_have_text("stalled")
        expect(row.locator("svg.ops-spark polyline")).to_have_count(1)  # its lag drawn
        expect(page.locator("#tile-stalled .ops-value")).not_to_have_text("0")
        expect(page.locator("#tile-stalled")).to_have_class("ops-tile bad")
        worker_row = page.locator("#workers tbody tr").first
        expect(worker_row).to_have_attribute("data-reporting", "false")
        expect(worker_row.locator(".rules-version")).to_have_text(rules_version)
        expect(worker_row.locator(".safety-cap")).to_have_text("off")
        expect(page.locator("#tile-rules .ops-value")).to_have_text(rules_version)
        expect(page.locator("#holds-chart svg")).to_be_visible()
        letters = page.locator("#dead-letters tbody")
        expect(letters).to_contain_text(f"…{iin[-4:]}")
        expect(letters).to_contain_text(f"{topic}[")
        assert iin not in page.content()
        shot(page, "operators-stalled", full=False)
        page.close()
    finally:
        os.kill(worker.pid, signal.SIGCONT)
