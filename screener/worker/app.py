"""The Faust app: it hosts the batch consumer that screens the three input topics, the
producer of decisions and hold changes, timers that release expired holds and republish
changes a crashed process left in the outbox, and the /metrics, /healthz and /readyz pages.

Faust's own consumer and agents are switched off: the input is read by `BatchConsumer`
(adapters/kafka_consumer.py), one batch at a time, and a batch's offsets are committed
only after it is screened, written to Redis and acknowledged by Kafka, so a failure or a
kill never commits an offset whose effects are missing.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import faust
from faust.app.base import BootStrategy
from prometheus_client import generate_latest

from screener import metrics
from screener.adapters.audit_log import AuditLog, AuditPublisher, faust_sender, rules_reload_entry
from screener.adapters.kafka_consumer import BatchConsumer
from screener.adapters.kafka_producers import IdempotentFaustProducer
from screener.adapters.kafka_publisher import FaustPublisher
from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_cluster_store import keys_for, screening_store
from screener.adapters.redis_replication import wait_for_replicas
from screener.adapters.redis_status import RedisStatusStore
from screener.loan_settling import settle_due
from screener.records import OutMessage
from screener.rules_source import RulesSource
from screener.service import DECISIONS, DLQ, HOLDS, ScreeningService
from screener.settings import Settings
from screener.worker.status import StatusReporter

log = logging.getLogger(__name__)

# A change still in the outbox this long after it was made lost its writer (killed between
# the Redis write and Kafka's acknowledgement); the sweeper publishes it.
OUTBOX_GRACE = timedelta(seconds=30)
PROMETHEUS_TEXT = "text/plain; version=0.0.4"


def utc_now() -> datetime:
    return datetime.now(UTC)


class _WithoutFaustConsumer(BootStrategy):
    # Faust's consumer would join the group too; BatchConsumer is the group's member.
    enable_kafka_consumer = False


class _WorkerApp(faust.App):
    BootStrategy = _WithoutFaustConsumer

    def _new_producer(self) -> IdempotentFaustProducer:
        return IdempotentFaustProducer(self.transport, loop=self.loop, beacon=self.beacon)


def create_app(settings: Settings, rules: RulesSource) -> faust.App:
    """Build the worker. Nothing connects until the worker starts."""
    app = _WorkerApp(
        settings.consumer_group,
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=_credentials(settings),
        store="memory://",
        topic_partitions=settings.topic_partitions,
        producer_acks=-1,
        web_port=settings.worker_web_port,
        web_bind=settings.operations.worker_web_host,
        web_host=settings.operations.worker_web_host,
        # Faust's own pages list the app's topics, partitions and tables to anyone who
        # can reach the port: the worker serves only /metrics and /healthz.
        web_router_enabled=False,
        web_tables_enabled=False,
        key_serializer="raw",
        value_serializer="raw",
    )
    topics = settings.topics
    redis = redis_from_url(settings.redis_url)
    first_rules = rules.current()
    store = screening_store(
        redis,
        settings.redis_url,
        settings.redis_prefix,
        decision_ttl_seconds=settings.decision_memory_seconds,
        history_ttl_seconds=first_rules.history_ttl_seconds,
        account_keep_seconds=first_rules.account_keep_seconds,
        account_max_flows=first_rules.account_max_flows,
        profile_ttl_seconds=int(first_rules.profile_keep_seconds),
    )
    publisher = FaustPublisher(
        app, {DECISIONS: topics.decisions, HOLDS: topics.holds, DLQ: topics.dlq}
    )
    audit_log = AuditLog(
        redis_from_url(settings.redis_url, decode_responses=True),
        settings.redis_prefix,
        keys_for(settings.redis_url, settings.redis_prefix),
    )
    audit = AuditPublisher(audit_log, faust_sender(app), topics.audit)
    service = ScreeningService(
        store,
        publisher,
        rules.current,
        topic_kinds={
            topics.transfers: "transfers",
            topics.loans: "loans",
            topics.customer_events: "customer_events",
        },
        clock=lambda _event: utc_now(),
    )

    # Customer events first: of records with equal event times, they are screened first.
    consumer = BatchConsumer(
        settings,
        (topics.customer_events, topics.loans, topics.transfers),
        service,
        saved_durably=(
            functools.partial(wait_for_replicas, redis, settings.redis_wait_replicas)
            if settings.redis_wait_replicas > 0
            else None
        ),
    )

    @app.task  # type: ignore[misc]
    async def screen() -> None:
        # What start-up built (Faust, the clients, the rules, the schemas) lives as long
        # as the process: out of the collector's sight, a full collection walks only what
        # screening allocates (its pauses were 40-130 ms before, under 20 ms after).
        gc.freeze()
        await consumer.run()

    @app.timer(settings.release_interval_seconds)  # type: ignore[misc]
    @_next_tick_on_error
    async def release_due_holds() -> None:
        # Whichever worker gets there first: each settlement is a guarded Lua transition.
        now = utc_now()
        due = await store.due_timed_holds(now, limit=500)
        changes = await settle_due(store, due, rules.current().loan_release, now) if due else []
        await _publish_changes(changes)
        metrics.OPEN_HOLDS.set(await store.count_open_holds())

    @app.timer(settings.rules_reload_seconds)  # type: ignore[misc]
    @_next_tick_on_error
    async def reload_rules() -> None:
        before = rules.current().version
        if rules.reload_if_changed():
            source = str(settings.rules_file or "packaged rules.yaml")
            entry = rules_reload_entry(before, rules.current().version, source, utc_now())
            await audit_log.record(entry)
            await audit.sweep(utc_now())
        rules.check_mrp_year(utc_now())  # the new year can begin without a reload

    reporter = StatusReporter(
        RedisStatusStore(redis, keys_for(settings.redis_url, settings.redis_prefix)),
        lambda: rules.current().version,
        settings.operations,
    )

    @app.timer(settings.operations.status_interval_seconds)  # type: ignore[misc]
    @_next_tick_on_error
    async def report_status() -> None:
        await reporter.report()

    @app.timer(10.0)  # type: ignore[misc]
    @_next_tick_on_error
    async def sweep_outbox() -> None:
        if not await store.try_lock("outbox-sweep", ttl_ms=9_000):
            return
        await audit.sweep(utc_now() - OUTBOX_GRACE)  # audit entries an API left behind
        stale = await store.stale_outbox(utc_now() - OUTBOX_GRACE, limit=1000)
        if stale:
            log.warning("republishing %d hold changes left in the outbox", len(stale))
            await _publish_changes(list(stale.values()))

    async def _publish_changes(changes: list[dict[str, Any]]) -> None:
        if not changes:
            return
        await publisher.publish([OutMessage(HOLDS, c["hold_id"], c) for c in changes])
        await store.mark_published([f"{c['hold_id']}|{c['status']}" for c in changes])

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        # aiohttp takes the charset separately; Prometheus' text format is UTF-8 by definition.
        return web.bytes(generate_latest(), content_type=PROMETHEUS_TEXT)

    @app.page("/healthz")
    async def health_page(web: Any, request: Any) -> Any:
        return web.json({"status": "ok"})

    @app.page("/readyz")
    async def ready_page(web: Any, request: Any) -> Any:
        # Alive is not ready: a worker retrying the same failure for good still answers
        # /healthz, and this is where it says it is not screening (issue #10).
        ready, why = consumer.readiness()
        return web.json(
            {"status": "ok" if ready else why.split(":", 1)[0], "reason": why},
            status=200 if ready else 503,
        )

    return app


def _next_tick_on_error(timer: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
    """A timer that fails (Redis or Kafka away) is logged, counted and run again at its next
    tick; left alone, Faust would stop the whole worker. What a failed tick left half done
    is in Redis (a released hold's change waits in the outbox) and is picked up again."""

    @functools.wraps(timer)
    async def tick() -> None:
        try:
            await timer()
        except asyncio.CancelledError:
            raise
        except Exception:
            metrics.TIMER_ERRORS.labels(timer=timer.__name__).inc()
            log.exception("timer %s failed; it runs again at its next tick", timer.__name__)

    return tick


def _credentials(settings: Settings) -> Any:
    protocol = settings.kafka_security_protocol.upper()
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password,
            mechanism=settings.kafka_sasl_mechanism or "PLAIN",
            ssl_context=context if protocol == "SASL_SSL" else None,
        )
    if protocol == "SSL":
        return faust.SSLCredentials(context)
    return None
