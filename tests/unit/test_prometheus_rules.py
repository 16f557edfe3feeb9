"""The alert and recording rules, checked and unit-tested with Prometheus' own promtool,
and held against the runbook and the metrics the code exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.exported_metrics import AGREED_ELSEWHERE, SCRAPE_SERIES, exported, referenced

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "screener.rules.yml"
RULE_TESTS = sorted((ROOT / "tests" / "prometheus").glob("*.test.yml"))
RUNBOOK = ROOT / "deploy" / "RUNBOOK.md"


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        raise AssertionError(
            "promtool is missing: run deploy/dev/install-prometheus.sh (make test does)"
        )
    return path


def rules() -> list[dict[str, str]]:
    groups = yaml.safe_load(RULES.read_text("utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]


def alerts() -> list[dict[str, str]]:
    return [rule for rule in rules() if "alert" in rule]


def test_promtool_accepts_the_rules() -> None:
    done = subprocess.run(
        [promtool(), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"SUCCESS: {len(rules())} rules found" in done.stdout


def test_promtool_unit_tests_of_the_rules_pass() -> None:
    assert len(RULE_TESTS) == 2
    done = subprocess.run(
        [promtool(), "test", "rules", *(path.name for path in RULE_TESTS)],
        cwd=RULE_TESTS[0].parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS") == len(RULE_TESTS)


def test_every_alert_is_tested_firing() -> None:
    text = "".join(path.read_text("utf-8") for path in RULE_TESTS)
    tested = set(re.findall(r'alertname="(\w+)",alertstate="firing"', text))
    assert {alert["alert"] for alert in alerts()} - tested == set()


def test_every_alert_has_its_runbook_section() -> None:
    sections = set(re.findall(r"^## (\w+)$", RUNBOOK.read_text("utf-8"), re.MULTILINE))
    for alert in alerts():
        name = alert["alert"]
        assert name in sections, f"deploy/RUNBOOK.md has no section '## {name}'"
        assert alert["annotations"]["runbook"] == f"deploy/RUNBOOK.md#{name.lower()}"
    body = RUNBOOK.read_text("utf-8")
    for name in sections:
        section = body.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        for part in ("**Means:**", "**Check:**", "**Do:**"):
            assert part in section, f"{name}'s runbook section lacks {part}"


@pytest.mark.parametrize("rule", rules(), ids=lambda r: r.get("alert") or r.get("record"))
def test_rules_read_only_metrics_the_code_exports(rule: dict[str, str]) -> None:
    names = referenced(rule["expr"])
    recorded = set(re.findall(r"screener:[a-z0-9_:]+", rule["expr"]))
    assert names or recorded, "a rule that reads nothing"
    assert names - exported() - AGREED_ELSEWHERE - SCRAPE_SERIES == set()
    assert recorded - {r["record"] for r in rules() if "record" in r} == set()


def test_every_alert_says_how_urgent_it_is() -> None:
    for alert in alerts():
        assert alert["labels"]["severity"] in ("page", "ticket"), alert["alert"]
