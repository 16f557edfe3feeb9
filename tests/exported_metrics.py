"""The metric names the worker and the API export, for tests that check what reads them
(alert rules, the dashboard) against what exists."""

from __future__ import annotations

import re

from prometheus_client import REGISTRY, CollectorRegistry

import screener.metrics  # noqa: F401  (registers the worker's metrics)
from screener.api.metrics import ApiMetrics

# Agreed in the parallel work of v1.1 and exported by branches merged after this one
# (hardening-consumer, hardening-core, law, trust): remove a name once its code is here.
AGREED_ELSEWHERE = frozenset(
    {
        "screener_api_login_failures_total",
    }
)
# Prometheus' own series about each target.
SCRAPE_SERIES = frozenset({"up"})
SUFFIXES = {
    "counter": ("_total",),
    "histogram": ("_bucket", "_sum", "_count"),
    "gauge": ("",),
    "info": ("_info",),
    "summary": ("_sum", "_count", ""),
}
# A name not glued to a colon: `screener:x:y` are recorded series, not exported ones.
METRIC_NAME = re.compile(r"(?<![:\w])(screener_[a-z0-9_]+|up)(?![:\w])")


def _names(registry: CollectorRegistry) -> set[str]:
    names = set()
    for family in registry.collect():
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ("",)))
    return names


def exported() -> frozenset[str]:
    """Every series name the worker's and the API's /metrics can show."""
    return frozenset(_names(REGISTRY) | _names(ApiMetrics().registry))


def referenced(expression: str) -> set[str]:
    """The exported metric names a PromQL expression reads."""
    return set(METRIC_NAME.findall(expression))
