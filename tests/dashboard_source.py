"""deploy/grafana/build_dashboard.py, loaded for tests (deploy/ is not a package)."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

BUILDER = Path(__file__).resolve().parents[1] / "deploy" / "grafana" / "build_dashboard.py"


@cache
def builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_dashboard", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def panel_expressions() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every target, with the dashboard's variables filled in."""
    dashboard = builder().dashboard()
    return [
        (panel["title"], target["expr"].replace("$sla_minutes", "30"))
        for panel in dashboard["panels"]
        for target in panel["targets"]
    ]
