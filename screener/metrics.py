"""Prometheus metrics of the worker: what operators watch."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from screener.domain.decision import Outcome

EVENTS_CONSUMED = Counter(
    "screener_events_consumed_total", "Input records consumed, by topic", ["topic"]
)
DECISIONS = Counter("screener_decisions_total", "Decisions published, by verdict", ["verdict"])
REASONS = Counter(
    "screener_reasons_total", "Rule hits in decisions, by rule and mode", ["rule", "mode"]
)
DEAD_LETTERS = Counter(
    "screener_dead_letters_total",
    "Records sent to the dead-letter topic, by source and reason (dead_letter_reasons.py)",
    ["topic", "reason"],
)
POISON_RECORDS = Counter(
    "screener_poison_records_total",
    "Records that failed screening, saving or publishing every time and were dead-lettered",
    ["topic"],
)
WORKER_STALLED = Gauge(
    "screener_worker_stalled",
    "1 while the worker has records to screen but finished no batch for SCREENER_STALL_SECONDS",
)
LAST_PROGRESS = Gauge(
    "screener_last_progress_timestamp_seconds",
    "When the worker last finished a batch or had nothing to do (epoch seconds)",
)
# Waits are bounded by SCREENER_WATERMARK_WAIT_SECONDS (default 1.5 s).
WATERMARK_WAIT_SECONDS = Histogram(
    "screener_watermark_wait_seconds",
    "How long records of a partition waited for the other input topics to catch up in time",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5),
)
REDIS_SECONDS = Histogram(
    "screener_redis_seconds",
    "Time of one batch's Redis load or save, by operation",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
KAFKA_PUBLISH_SECONDS = Histogram(
    "screener_kafka_publish_seconds",
    "Time to publish one batch's output messages until Kafka acknowledged every one",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
EVENT_TIME_REJECTED = Counter(
    "screener_event_time_rejected_total",
    "Events refused because their time lies too far from their Kafka record's timestamp "
    "(capped an hour past the worker's clock) or outside the years 1970-2999 "
    "(why: future or too_old)",
    ["topic", "why"],
)
INPUT_KEY_NOT_CUSTOMER = Counter(
    "screener_input_key_not_customer_total",
    "Input records keyed by something other than their event's customer_id (CONTRACT §1): "
    "screened, but a customer spread over partitions can be screened by two workers at once",
    ["topic"],
)
HOLD_CHANGES = Counter(
    "screener_hold_changes_total", "Hold status changes published, by status", ["status"]
)
BATCH_ERRORS = Counter(
    "screener_batch_errors_total",
    "Batches that failed on Redis or Kafka and were retried (nothing was acked)",
)
# Batches take from well under a millisecond (one event) to a few hundred milliseconds
# (a full batch with a slow Redis); the buckets cover that range at useful resolution.
BATCH_SECONDS = Histogram(
    "screener_batch_processing_seconds",
    "Time to screen one batch, from records in hand to offsets ackable",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
BATCH_SIZE = Histogram(
    "screener_batch_size_events",
    "Records per screened batch",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
CONSUMER_LAG = Gauge(
    "screener_consumer_lag_records",
    "Records on the partition after the worker's last committed offset, as of its last batch",
    ["topic", "partition"],
)
TIMER_ERRORS = Counter(
    "screener_timer_errors_total",
    "Timer runs that failed on Redis or Kafka and wait for their next tick, by timer",
    ["timer"],
)
OPEN_HOLDS = Gauge("screener_open_holds", "Holds waiting (status held), as last seen in Redis")


def record_decision(outcome: Outcome) -> None:
    DECISIONS.labels(verdict=outcome.verdict.label).inc()
    for hit in outcome.reasons:
        REASONS.labels(rule=hit.rule, mode="enforce").inc()
    for hit in outcome.shadow_reasons:
        REASONS.labels(rule=hit.rule, mode="shadow").inc()


SAFETY_CAP_ACTIVE = Gauge(
    "screener_safety_cap_active",
    "1 while this rule holds far above its own recent rate and its holds are capped (alarm)",
    ["rule"],
)
CONFIG_RELOAD_FAILURES = Counter(
    "screener_config_reload_failures_total",
    "Rules files that failed validation on reload (the previous rules stay in force)",
)
CONFIG_VERSION = Gauge("screener_config_info", "The rules configuration in force", ["version"])
MRP_YEAR_MISSING = Gauge(
    "screener_mrp_year_missing",
    "1 while the current year has no MRP in the rules file (the latest year's is used)",
)
STATE_DECODE_ERRORS = Counter(
    "screener_state_decode_errors_total",
    "Stored histories and account flows that could not be read and were left out",
)
CONSUMER_OFFSET = Gauge(
    "screener_consumer_offset",
    "The next offset to screen on the partition (after the worker's last finished batch)",
    ["topic", "partition"],
)
