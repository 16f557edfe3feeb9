"""The operators' view: what each worker reports (screener/status.py), for the page at
`/operators` (any logged-in role may look)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiohttp import web

from screener.adapters.redis_status import RULE_HITS_BUCKET_SECONDS, RedisStatusStore
from screener.api.auth import Role
from screener.api.handlers import Route, json_response, services
from screener.status import assess

STATUS_STORE = web.AppKey("status_store", RedisStatusStore)
DEAD_LETTERS_SHOWN = 20
HOLDS_CHART_HOURS = 6


async def operations_status(request: web.Request) -> web.Response:
    svc = services(request)
    store = request.app[STATUS_STORE]
    now = svc.clock().timestamp()
    settings = svc.settings.operations
    workers = [
        assess(record, now, settings.status_interval_seconds, settings.stall_seconds)
        for record in await store.workers(now)
    ]
    workers.sort(key=lambda w: (not w["reporting"], w["worker"]))
    reporting = [w for w in workers if w["reporting"]]
    # A silent worker's last version counts too: it is what it screens with if it resumes.
    versions = Counter(w["rules_version"] for w in workers)
    body: dict[str, Any] = {
        "now": now,
        "stall_seconds": settings.stall_seconds,
        "workers": workers,
        "events_per_second": round(sum(w["events_per_second"] for w in reporting), 2),
        "rules_versions": dict(versions),
        "safety_cap_active": any(w["safety_cap"]["active"] for w in reporting),
        "stalled_partitions": sum(
            1 for w in workers for p in w["partitions"] if p["state"] == "stalled"
        ),
        "holds_by_rule": {
            "bucket_seconds": RULE_HITS_BUCKET_SECONDS,
            "buckets": await store.rule_hits(now, HOLDS_CHART_HOURS),
        },
        "dead_letters": await store.dead_letters(DEAD_LETTERS_SHOWN),
    }
    return json_response(body)


async def operators_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(services(request).web_root / "operators.html")


OPERATOR_ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/operations/status", operations_status, Role.VIEWER),
    Route("GET", "/operators", operators_page, None),
)
