"""Prometheus metrics of the review API, in a registry of its own.

A registry per app (not the process-wide default) keeps the API's series apart from the
worker's and lets tests run several apps in one process.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "screener_api_requests_total",
            "HTTP requests, by route template, method and status",
            ["route", "method", "status"],
            registry=self.registry,
        )
        # Reads answer in milliseconds; a confirmation with follow-the-money and Kafka
        # acknowledgements takes up to a few seconds. The buckets cover both.
        self.latency = Histogram(
            "screener_api_request_seconds",
            "HTTP request duration, by route template",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.actions = Counter(
            "screener_review_actions_total",
            "Officers' actions and their consequences, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.publish_failures = Counter(
            "screener_review_publish_failures_total",
            "Hold changes Kafka did not acknowledge in time (left for the outbox sweeper)",
            registry=self.registry,
        )
        self.login_failures = Counter(
            "screener_api_login_failures_total",
            "Refused logins (a wrong, expired or disabled token, or a throttled address)",
            registry=self.registry,
        )
        self.audit_unpublished = Gauge(
            "screener_audit_outbox_entries",
            "Audit entries sealed in Redis and not yet acknowledged on screener.audit",
            registry=self.registry,
        )
        self.open_holds = Gauge(
            "screener_review_open_holds", "Holds waiting for a decision", registry=self.registry
        )
        self.oldest_open_age = Gauge(
            "screener_review_oldest_open_hold_age_seconds",
            "Age of the oldest open hold (0 when none is open)",
            registry=self.registry,
        )
        self.overdue_holds = Gauge(
            "screener_review_overdue_holds",
            "Open holds older than the review service level (SCREENER_REVIEW_SLA_MINUTES)",
            registry=self.registry,
        )

    def action(self, kind: str, count: int = 1) -> None:
        self.actions.labels(kind=kind).inc(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
