"""The Grafana dashboard is the generated one, and reads only what the code exports."""

from __future__ import annotations

import json

import pytest

from tests.dashboard_source import builder, panel_expressions
from tests.exported_metrics import SCRAPE_SERIES, exported, referenced


def test_the_committed_json_is_what_the_source_generates() -> None:
    module = builder()
    assert module.OUTPUT.read_text("utf-8") == module.render()
    assert module.main(["--check"]) == 0


@pytest.mark.parametrize(("title", "expr"), panel_expressions())
def test_every_panel_reads_metrics_the_code_exports(title: str, expr: str) -> None:
    names = referenced(expr)
    if "vector(" not in expr:  # the service-level line is a constant
        assert names, title
    assert names - exported() - SCRAPE_SERIES == set(), title


def test_the_operators_panels_are_all_there() -> None:
    dashboard = json.loads(builder().OUTPUT.read_text("utf-8"))
    titles = " | ".join(panel["title"] for panel in dashboard["panels"])
    for wanted in (
        "lag per partition",
        "Throughput",
        "Batch time",
        "Decisions by verdict",
        "Holds by rule",
        "Dead letters",
        "Open holds",
        "service level",
        "Safety cap",
    ):
        assert wanted in titles
    positions = [(p["gridPos"]["x"], p["gridPos"]["y"]) for p in dashboard["panels"]]
    assert len(set(positions)) == len(positions)
    assert all(p["gridPos"]["x"] + p["gridPos"]["w"] <= 24 for p in dashboard["panels"])
