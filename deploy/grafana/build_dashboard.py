"""Builds deploy/grafana/screener.json, the operators' Grafana dashboard.

    python deploy/grafana/build_dashboard.py          # rewrite the JSON
    python deploy/grafana/build_dashboard.py --check  # exit 1 if the JSON is out of date

The JSON is generated so it cannot drift from this source; tests/unit/test_dashboard.py
checks that the committed file is what this script writes and that every panel reads only
metrics the worker and the API export.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("screener.json")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
WIDTH = 24  # Grafana's grid


@dataclass(frozen=True)
class Panel:
    title: str
    targets: tuple[tuple[str, str], ...]  # (PromQL, legend)
    unit: str = "short"
    kind: str = "timeseries"
    width: int = 12
    height: int = 8
    stacked: bool = False
    description: str = ""
    thresholds: tuple[tuple[float, str], ...] = field(default=())


PANELS = (
    Panel(
        "Consumer lag per partition",
        (
            (
                "max by (topic, partition) (screener_consumer_lag_records)",
                "{{topic}}[{{partition}}]",
            ),
        ),
        description="Records after each partition's last screened offset (alerts at 10,000).",
    ),
    Panel(
        "Throughput",
        (("sum by (topic) (rate(screener_events_consumed_total[1m]))", "{{topic}}"),),
        unit="ops",
        stacked=True,
    ),
    Panel(
        "Batch time",
        (
            (
                "histogram_quantile(0.5, sum by (le) "
                "(rate(screener_batch_processing_seconds_bucket[5m])))",
                "median",
            ),
            (
                "histogram_quantile(0.99, sum by (le) "
                "(rate(screener_batch_processing_seconds_bucket[5m])))",
                "p99",
            ),
        ),
        unit="s",
    ),
    Panel(
        "Decisions by verdict",
        (("sum by (verdict) (rate(screener_decisions_total[5m]))", "{{verdict}}"),),
        unit="ops",
        stacked=True,
    ),
    Panel(
        "Holds by rule",
        (
            (
                'sum by (rule) (increase(screener_reasons_total{mode="enforce"}[5m]))',
                "{{rule}}",
            ),
        ),
        description="Rule hits in enforce mode per 5 minutes (a hold may have several).",
        stacked=True,
    ),
    Panel(
        "Dead letters",
        (
            (
                "sum by (topic, reason) (increase(screener_dead_letters_total[5m]))",
                "{{topic}} {{reason}}",
            ),
        ),
        description="Input records sent to screener.dlq per 5 minutes.",
        stacked=True,
    ),
    Panel(
        "Open holds",
        (
            ("max(screener_review_open_holds)", "open"),
            ("max(screener_review_overdue_holds)", "overdue"),
        ),
    ),
    Panel(
        "Oldest open hold against the service level",
        (
            ("max(screener_review_oldest_open_hold_age_seconds)", "oldest open hold"),
            ("vector($sla_minutes * 60)", "service level"),
        ),
        unit="s",
    ),
    Panel(
        "Safety cap",
        (("max by (rule) (screener_safety_cap_active)", "{{rule}}"),),
        kind="stat",
        width=8,
        height=5,
        thresholds=((0, "green"), (1, "red")),
        description="1 while non-regulatory holds are capped (the hold rate is above its bound).",
    ),
    Panel(
        "Workers up",
        (('sum(up{job="screener-worker"})', "workers"),),
        kind="stat",
        width=8,
        height=5,
    ),
    Panel(
        "Rules version in force",
        (("count by (version) (screener_config_info == 1)", "{{version}}"),),
        kind="stat",
        width=8,
        height=5,
        description="Workers per rules version: more than one version alerts.",
    ),
)


def _panel(number: int, panel: Panel, x: int, y: int) -> dict[str, Any]:
    defaults: dict[str, Any] = {"unit": panel.unit}
    if panel.thresholds:
        defaults["thresholds"] = {
            "mode": "absolute",
            "steps": [
                {"color": color, "value": None if i == 0 else value}
                for i, (value, color) in enumerate(panel.thresholds)
            ],
        }
    if panel.kind == "timeseries":
        defaults["custom"] = {
            "fillOpacity": 30 if panel.stacked else 0,
            "stacking": {"mode": "normal" if panel.stacked else "none"},
        }
    return {
        "id": number,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"h": panel.height, "w": panel.width, "x": x, "y": y},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [
            {"datasource": DATASOURCE, "expr": expr, "legendFormat": legend, "refId": chr(65 + i)}
            for i, (expr, legend) in enumerate(panel.targets)
        ],
    }


def dashboard() -> dict[str, Any]:
    panels, x, y, row_height = [], 0, 0, 0
    for number, panel in enumerate(PANELS, start=1):
        if x + panel.width > WIDTH:
            x, y, row_height = 0, y + row_height, 0
        panels.append(_panel(number, panel, x, y))
        x, row_height = x + panel.width, max(row_height, panel.height)
    return {
        "title": "Screener",
        "uid": "screener",
        "description": "The transaction screener: lag, throughput, decisions, holds, errors.",
        "tags": ["screener"],
        "schemaVersion": 39,
        "version": 1,
        "editable": False,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "browser",
        "templating": {
            "list": [
                {"name": "datasource", "type": "datasource", "query": "prometheus"},
                {
                    "name": "sla_minutes",
                    "label": "Review service level (minutes)",
                    "type": "constant",
                    "query": "30",
                    "hide": 2,
                },
            ]
        },
        "panels": panels,
    }


def render() -> str:
    return json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if OUTPUT.read_text("utf-8") != text:
            print(f"{OUTPUT} is out of date: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
