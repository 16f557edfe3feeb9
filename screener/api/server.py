"""`screener api`: the review API (CONTRACT §5) and the officers' page, in one process.

`create_app` builds the aiohttp application; Redis and Kafka clients are made when it
starts and closed when it stops, never at import.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path

from aiohttp import web

from screener.adapters.audit_log import AUDIT_SWEEP_BATCH, AuditPublisher
from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_cluster_store import keys_for
from screener.adapters.redis_status import RedisStatusStore
from screener.api.access import SESSION_COOKIE, Gatekeeper
from screener.api.access_log import RouteAccessLogger, route_template
from screener.api.auth import same_secret
from screener.api.blocklist import Blocklist
from screener.api.errors import Forbidden, ReviewError, TooManyRequests, Unauthorized
from screener.api.handlers import (
    PRINCIPAL,
    ROUTES,
    SERVICES,
    Handler,
    Route,
    Services,
    check_same_origin,
    json_response,
)
from screener.api.holds import ReviewService
from screener.api.limits import Limits
from screener.api.metrics import ApiMetrics
from screener.api.operators import OPERATOR_ROUTES, STATUS_STORE
from screener.api.publisher import HoldChangePublisher
from screener.api.store import ReviewStore
from screener.domain.calendar import BusinessCalendar
from screener.settings import Settings, load_rules

log = logging.getLogger(__name__)

METRICS = web.AppKey("metrics", ApiMetrics)
AUDIT_DRAIN_SECONDS = 1.0
# Under /api/ and open to everyone: the description of the API (CONTRACT §7).
PUBLIC_API_PATHS = frozenset({"/api/openapi.json"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
# CSV imports of block lists are the largest bodies: 100,000 lines fit in 8 MiB.
MAX_BODY_BYTES = 8 * 1024 * 1024
# The page loads only its own files and talks only to its own origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def web_root() -> Path:
    return Path(str(resources.files("screener").joinpath("web")))


def create_app(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    calendar: BusinessCalendar | None = None,
) -> web.Application:
    """The review app. `calendar` (for business days) defaults to the rules file's: the
    worker's holidays, days off and time zone."""
    rules = load_rules(settings.rules_file)
    if calendar is None:
        calendar = rules.calendar
    metrics = ApiMetrics()
    app = web.Application(
        middlewares=[_count_requests, _security_headers, _errors_as_json, _authenticate],
        client_max_size=MAX_BODY_BYTES,
    )
    app[METRICS] = metrics
    app.cleanup_ctx.append(
        partial(_clients, settings, clock, calendar, metrics, rules.policy.block_score)
    )
    for route in (*ROUTES, *OPERATOR_ROUTES):
        app.router.add_route(route.method, route.path, _guarded(route))
    app.router.add_static("/static/", web_root(), show_index=False, follow_symlinks=False)
    return app


async def _clients(
    settings: Settings,
    clock: Callable[[], datetime],
    calendar: BusinessCalendar,
    metrics: ApiMetrics,
    block_score: int,
    app: web.Application,
) -> AsyncIterator[None]:
    redis = redis_from_url(settings.redis_url, decode_responses=True)
    keys = keys_for(settings.redis_url, settings.redis_prefix)
    store = ReviewStore(redis, keys)
    app[STATUS_STORE] = RedisStatusStore(redis, keys)
    publisher = HoldChangePublisher(settings)
    review = settings.review
    app[SERVICES] = Services(
        settings=settings,
        store=store,
        review=ReviewService(store, publisher, review, metrics, calendar, clock, block_score),
        blocklist=Blocklist(store, metrics, clock, Limits(store, review)),
        gatekeeper=Gatekeeper(store, review, clock),
        publisher=publisher,
        metrics=metrics,
        web_root=web_root(),
        clock=clock,
    )
    audit = AuditPublisher(store.audit_log, publisher.send, settings.topics.audit)
    drain = asyncio.create_task(_drain_audit_outbox(audit, store, metrics, clock))
    yield
    drain.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await drain
    try:  # what the last requests sealed, before the producer closes
        await audit.sweep(clock())
    except Exception:  # the worker's and the next API's drain carry it
        log.exception("the audit outbox could not be drained at shutdown")
    await publisher.close()
    await store.audit_log.slots.aclose()
    await redis.aclose()


async def _drain_audit_outbox(
    audit: AuditPublisher, store: ReviewStore, metrics: ApiMetrics, clock: Callable[[], datetime]
) -> None:
    """Carry sealed audit entries to `screener.audit`, oldest first, about once a second.

    Entries the worker seals (rules reloads) are carried too. The outbox is only cleared of
    what Kafka acknowledged, so an outage delays entries and loses none.
    """
    while True:
        try:
            await store.audit_log.recover()  # on a cluster, what a crash left pending
            while await audit.sweep(clock()) >= AUDIT_SWEEP_BATCH:
                pass  # a large import sealed more than one batch: carry on at once
            metrics.audit_unpublished.set(await store.audit_log.pending_count())
        except Exception:
            log.exception("the audit outbox could not be drained; trying again")
        await asyncio.sleep(AUDIT_DRAIN_SECONDS)


def _guarded(route: Route) -> Handler:
    """The handler behind its role check: 403 before the handler looks at anything."""
    if route.role is None:
        return route.handler
    least = route.role

    async def guarded(request: web.Request) -> web.StreamResponse:
        principal = request.get(PRINCIPAL)
        if principal is None:
            raise Unauthorized("a valid token is required")
        if not principal.user.may(least):
            raise Forbidden(f"this needs the {least.label} role")
        return await route.handler(request)

    return guarded


@web.middleware
async def _authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every /api/ call (and logout) needs a Bearer token or the page's session cookie.

    A cookie is sent by the browser on its own, so a state-changing call that relies on
    one must also carry the session's CSRF token in a header, which only the page's own
    scripts can read. SameSite=Strict already keeps the cookie off cross-site requests;
    the header check holds even where a browser ignores SameSite.
    """
    if request.path in PUBLIC_API_PATHS or not (
        request.path.startswith("/api/") or request.path == "/logout"
    ):
        return await handler(request)
    gatekeeper = request.app[SERVICES].gatekeeper
    authorization = request.headers.get("Authorization", "")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthorized("use Authorization: Bearer <token>")
        principal = await gatekeeper.by_token(token.strip())
    elif SESSION_COOKIE in request.cookies:
        principal = await gatekeeper.by_session(request.cookies[SESSION_COOKIE])
        if request.method not in SAFE_METHODS:
            check_same_origin(request)
            if not same_secret(request.headers.get(CSRF_HEADER, ""), principal.csrf):
                raise Forbidden(f"the {CSRF_HEADER} header is missing or wrong")
    else:
        raise Unauthorized("a valid token is required")
    request[PRINCIPAL] = principal
    return await handler(request)


@web.middleware
async def _errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ReviewError as exc:
        response = json_response({"error": exc.code, "message": exc.message}, exc.status)
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = json_response(
            {"error": exc.reason.lower().replace(" ", "_"), "message": exc.reason}, exc.status
        )
        if "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except Exception:
        log.exception("%s %s failed", request.method, route_template(request))
        return json_response({"error": "internal_error", "message": "internal error"}, 500)


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if not request.path.startswith("/static/"):
        # Holds and tokens must not linger in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def _count_requests(request: web.Request, handler: Handler) -> web.StreamResponse:
    metrics = request.app[METRICS]
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    finally:
        route = route_template(request)
        metrics.requests.labels(route=route, method=request.method, status=str(status)).inc()
        metrics.latency.labels(route=route).observe(time.perf_counter() - started)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = "Serve the review API (CONTRACT §5) and the officers' page."
    parser.add_argument("--host", help="address to listen on (SCREENER_API_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (SCREENER_API_PORT)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    app = create_app(settings)
    host = args.host or settings.review.host
    port = args.port or settings.api_port
    log.info("review API and page on http://%s:%d/", host, port)
    web.run_app(app, host=host, port=port, print=None, access_log_class=RouteAccessLogger)
    return 0
