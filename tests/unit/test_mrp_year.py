"""The MRP of the year of signing, at the stroke of midnight in Almaty, and the year the table
lacks: the latest year is used, and the worker says so (metric and log) at start-up and on
reload, so the December update is not forgotten."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from prometheus_client import REGISTRY

from screener.domain.context import ScreeningContext
from screener.domain.decision import Verdict
from screener.domain.events import LoanApproval
from screener.domain.history import CustomerHistory
from screener.domain.screening import screen
from screener.rules_source import RulesSource
from screener.settings import load_rules

CONFIG = load_rules()
ALMATY = ZoneInfo("Asia/Almaty")
RULES_YAML = Path(__file__).resolve().parents[2] / "screener" / "config" / "rules.yaml"


def loan(signed: datetime, amount_kzt: int) -> LoanApproval:
    return LoanApproval(
        event_id=f"loan-{signed.isoformat()}",
        customer_id="850503300129",
        occurred_at=signed,
        loan_id="L-1",
        amount_minor=amount_kzt * 100,
        currency="KZT",
        lender_kind="bank",
        channel="online",
        contract_signed_at=signed,
    )


def cooling(signed: datetime, amount_kzt: int) -> dict[str, object] | None:
    outcome = screen(
        loan(signed, amount_kzt), ScreeningContext(CustomerHistory(), CONFIG.mrp), CONFIG
    )
    hits = [hit for hit in outcome.reasons if hit.rule == "cooling_period"]
    if not hits:
        assert outcome.verdict is Verdict.ALLOW
        return None
    return hits[0].measured


# 600 000 KZT: above 150 MRP of 2025 (589 800), below 150 MRP of 2026 (648 750).
@pytest.mark.parametrize(
    ("signed", "held", "year"),
    [
        (datetime(2025, 12, 31, 23, 59, tzinfo=ALMATY), True, 2025),
        (datetime(2026, 1, 1, 0, 0, tzinfo=ALMATY), False, 2026),
        # The same moments written in UTC: the local calendar decides the year.
        (datetime(2025, 12, 31, 18, 59, tzinfo=UTC), True, 2025),
        (datetime(2025, 12, 31, 19, 0, tzinfo=UTC), False, 2026),
    ],
)
def test_the_year_of_signing_is_the_local_one(signed: datetime, held: bool, year: int) -> None:
    measured = cooling(signed, 600_000)
    assert (measured is not None) is held
    assert CONFIG.mrp.year_used(signed) == year
    if measured is not None:
        assert measured["mrp_year"] == year and measured["mrp_kzt"] == 3932


def test_a_year_the_table_lacks_uses_the_latest_and_says_so() -> None:
    last_of_2026 = datetime(2026, 12, 31, 23, 59, tzinfo=ALMATY)
    first_of_2027 = last_of_2026 + timedelta(minutes=1)
    assert not CONFIG.mrp.lacks_year_of(last_of_2026)
    assert CONFIG.mrp.lacks_year_of(first_of_2027)
    for signed in (last_of_2026, first_of_2027):
        measured = cooling(signed, 700_000)  # above 150 MRP of 2026 (648 750)
        assert measured is not None
        assert (measured["mrp_year"], measured["mrp_kzt"]) == (2026, 4325)


def missing_gauge() -> float | None:
    return REGISTRY.get_sample_value("screener_mrp_year_missing")


def test_the_worker_reports_a_missing_year_at_start_up_and_on_reload(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raw = yaml.safe_load(RULES_YAML.read_text())
    assert 2027 not in raw["mrp_kzt"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw))
    new_year = datetime(2027, 1, 1, 0, 0, tzinfo=ALMATY)

    def warnings() -> list[str]:
        lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        caplog.clear()
        return lines

    caplog.set_level(logging.INFO, logger="screener.rules_source")
    source = RulesSource(path, clock=lambda: new_year)  # start-up
    assert missing_gauge() == 1.0
    [line] = warnings()
    assert "no MRP for 2027" in line and "MRP of 2026 (4325 KZT)" in line

    assert source.check_mrp_year(new_year + timedelta(minutes=5))  # the timer's check
    assert warnings() == []  # said once, not at every tick

    raw["version"] = "still-no-2027"
    reload(path, raw, 1)
    assert source.reload_if_changed()
    assert ["no MRP for 2027" in line for line in warnings()] == [True]
    assert missing_gauge() == 1.0

    raw["version"], raw["mrp_kzt"][2027] = "with-2027", 4600
    reload(path, raw, 2)
    assert source.reload_if_changed()
    assert warnings() == [] and missing_gauge() == 0.0

    # The year turns while the worker runs, without a reload: the timer's check says so.
    assert source.check_mrp_year(datetime(2028, 1, 1, 0, 0, tzinfo=ALMATY))
    assert ["no MRP for 2028" in line for line in warnings()] == [True]
    assert missing_gauge() == 1.0


def reload(path: Path, raw: dict[str, object], step: int) -> None:
    path.write_text(yaml.safe_dump(raw))
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + step))  # a change the source must see
