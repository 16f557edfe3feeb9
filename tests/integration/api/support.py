"""Helpers for the review API's tests: a real server on a free port, a plain HTTP client,
and holds and account flows written through the worker's own Redis adapter.

Nothing is mocked: Redis and Kafka are the ones `screener dev up` runs, and each test gets
its own Redis prefix and topic names.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import jsonschema
import redis
from aiohttp import web
from kafka import KafkaConsumer
from redis.asyncio import Redis as AsyncRedis

from screener.adapters.redis_client import blocking_redis_from_url, redis_from_url
from screener.adapters.redis_cluster_store import keys_for, screening_store
from screener.adapters.redis_keys import STATUS_HELD, RedisKeys
from screener.adapters.redis_store import RedisScreeningStore
from screener.api.auth import Role
from screener.api.server import create_app
from screener.api.users import add_user
from screener.domain.accounts import Flow
from screener.domain.history import CustomerHistory
from screener.records import hold_change
from screener.service import BatchWrites, NewHold
from screener.settings import Settings
from tests import factories
from tests.integration.conftest import free_port

T = TypeVar("T")
SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"
ROLES = ("viewer", "officer", "supervisor")


def validate(message: dict[str, Any], schema_name: str) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    jsonschema.validate(message, schema, cls=jsonschema.Draft202012Validator)


def isolated_env(services: Mapping[str, str], **overrides: str) -> dict[str, str]:
    """Settings for one test: its own Redis prefix, topics and consumer group."""
    run = uuid.uuid4().hex[:8]
    env = {
        **services,
        "SCREENER_REDIS_PREFIX": f"test-review-{run}:",
        "SCREENER_CONSUMER_GROUP": f"screener-review-{run}",
    }
    for role in ("transfers", "loans", "customer_events", "decisions", "holds", "dlq", "audit"):
        env[f"SCREENER_TOPIC_{role.upper()}"] = f"test-review-{run}.{role}"
    env.update(overrides)
    return env


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    text: str

    @property
    def body(self) -> Any:
        return json.loads(self.text) if self.text else None


class ServerThread:
    """The review app on its own event loop in a background thread."""

    def __init__(self, app: web.Application) -> None:
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app)
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.port = free_port()

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            self._loop.run_until_complete(site.start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()

    def start(self) -> str:
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the review API did not start: {self._error!r}")
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._error is None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(30)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(30)
        self._loop.close()


def http(
    method: str,
    url: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    data: bytes | None = None,
    content_type: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> Response:
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    if json_body is not None:
        data = json.dumps(json_body).encode()
        content_type = content_type or "application/json"
    if content_type:
        all_headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return Response(reply.status, dict(reply.headers), reply.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read().decode())


@dataclass
class ReviewApi:
    """One isolated review deployment: settings, a running server, users of every role."""

    settings: Settings
    base_url: str
    redis: redis.Redis
    tokens: dict[str, str] = field(default_factory=dict)
    _consumer: KafkaConsumer | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def keys(self) -> RedisKeys:
        return keys_for(self.settings.redis_url, self.settings.redis_prefix)

    def call(self, method: str, path: str, role: str | None = None, **kwargs: Any) -> Response:
        token = self.tokens[role] if role is not None else kwargs.pop("token", None)
        return http(method, self.base_url + path, token=token, **kwargs)

    def hold(self, hold_id: str) -> dict[str, str]:
        return dict(self.redis.hgetall(self.keys.hold(hold_id)))  # type: ignore[arg-type]

    def block(self, account: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.keys.block(account))
        return json.loads(raw) if raw else None  # type: ignore[arg-type]

    def published_changes(
        self, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 30.0
    ) -> list[dict[str, Any]]:
        """Read `screener.holds` back from Kafka until `done(changes)` or the timeout."""
        if self._consumer is None:
            self._consumer = KafkaConsumer(
                self.settings.topics.holds,
                bootstrap_servers=self.settings.kafka_bootstrap,
                auto_offset_reset="earliest",
                enable_auto_commit=False,
                group_id=None,
                consumer_timeout_ms=200,
            )
        deadline = time.monotonic() + timeout
        while True:
            for batch in self._consumer.poll(timeout_ms=200).values():
                self.changes.extend(json.loads(record.value) for record in batch)
            if done(self.changes) or time.monotonic() > deadline:
                return self.changes

    def changes_for(self, hold_id: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        self.published_changes(
            lambda changes: any(c["hold_id"] == hold_id for c in changes), timeout
        )
        return [c for c in self.changes if c["hold_id"] == hold_id]

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()


def start_review(
    settings: Settings, users: Iterable[tuple[str, str]] = ()
) -> tuple[ServerThread, ReviewApi]:
    """Create the users (name, role), start a server; the caller stops both."""
    client = blocking_redis_from_url(settings.redis_url, decode_responses=True)
    api = ReviewApi(settings=settings, base_url="", redis=client)
    for name, role in users:
        api.tokens[name] = in_own_thread(partial(add_user, settings, name, Role.parse(role)))
    server = ServerThread(create_app(settings))
    api.base_url = server.start()
    return server, api


def delete_prefix(client: redis.Redis, prefix: str) -> None:
    batch: list[Any] = []
    for key in client.scan_iter(f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            client.delete(*batch)
            batch.clear()
    if batch:
        client.delete(*batch)


# --- writing what the worker writes, through the worker's own adapter -------------------


def worker_store(settings: Settings, client: AsyncRedis) -> RedisScreeningStore:
    return screening_store(
        client,
        settings.redis_url,
        settings.redis_prefix,
        decision_ttl_seconds=7 * 86400,
        history_ttl_seconds=8 * 86400,
        account_keep_seconds=72 * 3600,
        account_max_flows=500,
    )


def in_own_thread(work: Callable[[], T]) -> T:
    """Run `work` in a fresh thread: Playwright's sync API keeps an event loop running in
    the test's thread, where `asyncio.run` is not allowed."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def save(settings: Settings, writes: BatchWrites) -> list[bool]:
    async def main() -> list[bool]:
        client = redis_from_url(settings.redis_url)
        try:
            return await worker_store(settings, client).save(writes)
        finally:
            await client.aclose()

    return in_own_thread(lambda: asyncio.run(main()))


def reason(rule: str, score: int, **extra: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "score": score,
        "message": {
            "en": f"{rule}: explained in English",
            "ru": f"{rule}: объяснение по-русски",
            "kk": f"{rule}: қазақша түсіндірме",
        },
        **extra,
    }


@dataclass
class SeededHold:
    hold_id: str
    customer_id: str
    sender_account: str
    receiver_account: str
    amount: str
    created_at: datetime


def seed_hold(
    settings: Settings,
    *,
    hold_id: str | None = None,
    event_type: str = "transfer",
    score: int = 70,
    reasons: list[dict[str, Any]] | None = None,
    amount: str = "250000.00",
    created_at: datetime | None = None,
    hold_until: datetime | None = None,
    customer_id: str | None = None,
    sender_account: str | None = None,
    receiver_account: str | None = None,
    verdict: str = "hold",
    history: CustomerHistory | None = None,
    write_decision: bool = True,
) -> SeededHold:
    """A hold as the worker writes it (same fields, same Lua script, same outbox), with
    its decision and, optionally, the customer's history."""
    hold_id = hold_id or str(uuid.uuid4())
    created_at = created_at or datetime.now(UTC)
    customer_id = customer_id or factories.customer_id()
    is_transfer = event_type == "transfer"
    sender = (sender_account or factories.new_kz_iban()) if is_transfer else ""
    receiver = (receiver_account or factories.new_kz_iban()) if is_transfer else ""
    reasons = reasons if reasons is not None else [reason("safe_account", score)]
    status = "blocked" if verdict == "block" else STATUS_HELD
    decision = {
        "event_id": hold_id,
        "event_type": event_type,
        "customer_id": customer_id,
        "verdict": verdict,
        "score": score,
        "reasons": reasons,
        "shadow_reasons": [],
        "hold_id": hold_id,
        "hold_until": hold_until.isoformat() if hold_until else None,
        "decided_at": created_at.isoformat(),
        "config_version": "test",
        "amount": amount,
        "currency": "KZT",
    }
    fields: dict[str, Any] = {
        "event_id": hold_id,
        "event_type": event_type,
        "customer_id": customer_id,
        "amount": amount,
        "currency": "KZT",
        "verdict": verdict,
        "score": score,
        "status": status,
        "reasons": json.dumps(reasons),
        "created_at": created_at.isoformat(),
        "hold_until": hold_until.isoformat() if hold_until else "",
        "resolved_at": "",
        "resolved_by": "",
        "note": "",
        "receiver_account": receiver,
        "sender_account": sender,
        "config_version": "test",
    }
    writes = BatchWrites(decisions={hold_id: decision} if write_decision else {})
    if history is not None:
        writes.histories[customer_id] = history
    writes.holds.append(
        NewHold(
            hold_id=hold_id,
            fields=fields,
            status=status,
            created_at=created_at,
            hold_until=hold_until,
            change=hold_change(hold_id, status, None, created_at, "screener", ""),
        )
    )
    save(settings, writes)
    return SeededHold(hold_id, customer_id, sender, receiver, amount, created_at)


@dataclass(frozen=True)
class Hop:
    """One transfer between two accounts, for seeding account flows."""

    sender: str
    receiver: str
    at: datetime
    amount_minor: int = 1_500_000
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    sender_customer: str = field(default_factory=factories.customer_id)
    receiver_kind: str = "person"


def seed_flows(settings: Settings, hops: Iterable[Hop]) -> None:
    """Money in and out as the worker records it (`account:{acc}:in|out`)."""
    writes = BatchWrites()
    for hop in hops:
        at = hop.at.timestamp()
        writes.inbound.setdefault(hop.receiver, []).append(
            Flow(hop.event_id, at, hop.amount_minor, hop.sender, party=hop.sender_customer)
        )
        writes.outbound.setdefault(hop.sender, []).append(
            Flow(hop.event_id, at, hop.amount_minor, hop.receiver, receiver_kind=hop.receiver_kind)
        )
        writes.decisions[hop.event_id] = {
            "event_id": hop.event_id,
            "event_type": "transfer",
            "customer_id": hop.sender_customer,
            "verdict": "allow",
            "score": 0,
            "reasons": [],
            "amount": f"{hop.amount_minor // 100}.{hop.amount_minor % 100:02d}",
            "currency": "KZT",
        }
    save(settings, writes)


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)
