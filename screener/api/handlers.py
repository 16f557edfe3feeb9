"""HTTP in and out: each handler reads the request, calls the service, writes JSON.

`ROUTES` is the one table of what exists and which role may call it (CONTRACT §5 plus the
officers' additions). A role check happens before any id is looked at, so a caller who may
not do something learns nothing about which holds or accounts exist.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from screener.api import verdicts
from screener.api.access import SESSION_COOKIE, Gatekeeper
from screener.api.auth import Principal, Role, check_user_name
from screener.api.blocklist import Blocklist
from screener.api.errors import BadRequest, Forbidden
from screener.api.holds import QueueQuery, ReviewService
from screener.api.ids import check_account, check_hold_id
from screener.api.metrics import ApiMetrics
from screener.api.publisher import HoldChangePublisher
from screener.api.store import ReviewStore
from screener.settings import Settings

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

IMPORT_SOURCE = re.compile(r"[A-Za-z0-9 _.-]{1,64}")
AUDIT_SHOWN = 500


@dataclass(frozen=True, slots=True)
class Services:
    """What the handlers work with; built when the app starts, closed when it stops."""

    settings: Settings
    store: ReviewStore
    review: ReviewService
    blocklist: Blocklist
    gatekeeper: Gatekeeper
    publisher: HoldChangePublisher
    metrics: ApiMetrics
    web_root: Path
    clock: Callable[[], datetime]


SERVICES = web.AppKey("services", Services)
PRINCIPAL = web.RequestKey("principal", Principal)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    raw = await request.read()
    if not raw.strip():
        return {}
    if request.content_type != "application/json":
        raise BadRequest("send the body as application/json")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def check_same_origin(request: web.Request) -> None:
    """Refuse a browser request another site started. Browsers send Origin on every POST,
    PUT and DELETE, so a state-changing request without one did not come from the page.

    The page's origin is the configured public URL (`SCREENER_PUBLIC_URL`), as browsers
    see it behind a TLS proxy; the scheme the API itself speaks says nothing about that.
    Without one (development), the request's own Host over http or https.
    """
    origin = request.headers.get("Origin")
    if not origin:
        raise Forbidden("the Origin header is missing; a state-changing request needs it")
    public_url = services(request).settings.review.public_url
    allowed = {public_url} if public_url else {f"{s}://{request.host}" for s in ("http", "https")}
    if origin not in allowed:
        raise Forbidden("cross-site request refused")


def source_address(request: web.Request) -> str:
    """The client's address as this process saw it (a proxy's, behind one)."""
    return request.remote or ""


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def hold_id_of(request: web.Request) -> str:
    return check_hold_id(request.match_info["hold_id"])


def account_of(request: web.Request) -> str:
    return check_account(request.match_info["account"])


# --- holds ------------------------------------------------------------------------------


async def list_holds(request: web.Request) -> web.Response:
    query = QueueQuery.from_params(request.query)
    return json_response(await services(request).review.queue(query, request[PRINCIPAL].user))


async def get_hold(request: web.Request) -> web.Response:
    return json_response(await services(request).review.detail(hold_id_of(request)))


async def hold_audit(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    return json_response(
        {"hold_id": hold_id, "audit": await services(request).review.trail(hold_id)}
    )


async def claim_hold(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    take_over = body.get("take_over", False) is True
    result = await services(request).review.claim(hold_id, request[PRINCIPAL].user, take_over)
    return json_response(result)


async def unclaim_hold(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    return json_response(await services(request).review.unclaim(hold_id, request[PRINCIPAL].user))


async def next_hold(request: web.Request) -> web.Response:
    return json_response(await services(request).review.next(request[PRINCIPAL].user))


async def add_note(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    result = await services(request).review.add_note(
        hold_id, request[PRINCIPAL].user, body.get("text", body.get("note"))
    )
    return json_response(result, status=201)


async def release_hold(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    user = request[PRINCIPAL].user
    return json_response(await services(request).review.release(hold_id, user, body.get("note")))


async def confirm_fraud(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    user = request[PRINCIPAL].user
    result = await services(request).review.confirm_fraud(hold_id, user, body.get("note"))
    return json_response(result)


async def approve_follow(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    user = request[PRINCIPAL].user
    return json_response(await services(request).review.decide_follow(hold_id, user, body, True))


async def reject_follow(request: web.Request) -> web.Response:
    hold_id = hold_id_of(request)
    body = await read_json(request)
    user = request[PRINCIPAL].user
    return json_response(await services(request).review.decide_follow(hold_id, user, body, False))


async def account_profile(request: web.Request) -> web.Response:
    account = account_of(request)
    return json_response(await services(request).review.account_profile(account))


# --- block list -------------------------------------------------------------------------


async def get_block(request: web.Request) -> web.Response:
    return json_response(await services(request).blocklist.get(account_of(request)))


async def put_block(request: web.Request) -> web.Response:
    account = account_of(request)
    body = await read_json(request)
    result = await services(request).blocklist.put(account, body, request[PRINCIPAL].user)
    return json_response(result)


async def delete_block(request: web.Request) -> web.Response:
    account = account_of(request)
    note = request.query.get("note", "")[:500]
    result = await services(request).blocklist.delete(account, request[PRINCIPAL].user, note)
    return json_response(result)


async def import_blocks(request: web.Request) -> web.Response:
    if request.content_type not in ("text/csv", "text/plain"):
        raise BadRequest("send the list as text/csv: account,reason[,ttl_seconds]")
    source = request.query.get("source") or "csv import"
    if not IMPORT_SOURCE.fullmatch(source):
        raise BadRequest("source is 1-64 letters, digits, spaces, '_', '.', '-'")
    try:
        text = (await request.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("the list must be UTF-8 text") from None
    result = await services(request).blocklist.import_csv(text, request[PRINCIPAL].user, source)
    return json_response(result)


# --- users and audit --------------------------------------------------------------------


async def me(request: web.Request) -> web.Response:
    principal = request[PRINCIPAL]
    body: dict[str, Any] = {**principal.user.as_dict(), "via": principal.via}
    if principal.via == "session":
        # Readable only by the page's own origin: the CSRF token its scripts must send.
        body["csrf"] = principal.csrf
    settings = services(request).settings.review
    body["sla_minutes"] = settings.sla_minutes
    return json_response(body)


async def list_users(request: web.Request) -> web.Response:
    users = await services(request).gatekeeper.users()
    return json_response({"users": [user.as_dict() for user in users]})


async def recent_audit(request: web.Request) -> web.Response:
    entries = await services(request).store.recent_audit(AUDIT_SHOWN)
    return json_response({"audit": entries})


async def rules_precision(request: web.Request) -> web.Response:
    """Each rule's precision from officers' verdicts over the last `days` (default 30)."""
    text = request.query.get("days", "30")
    if not text.isdigit() or not 1 <= int(text) <= 400:
        raise BadRequest("days: expected a whole number 1..400")
    found = services(request)
    since = verdicts.period_start(found.clock(), int(text))
    holds = await verdicts.decided_holds(found.store)
    return json_response(
        {
            "days": int(text),
            "since": since.isoformat(),
            "rules": verdicts.rule_precision(holds, since),
        }
    )


async def user_audit(request: web.Request) -> web.Response:
    """An officer may read their own trail; only a supervisor may read anyone's."""
    name = check_user_name(request.match_info["name"])
    user = request[PRINCIPAL].user
    if name != user.name and not user.may(Role.SUPERVISOR):
        raise Forbidden("only a supervisor may read another user's trail")
    entries = await services(request).store.user_trail(name, AUDIT_SHOWN)
    return json_response({"user": name, "audit": entries})


# --- the page's login -------------------------------------------------------------------


async def login(request: web.Request) -> web.Response:
    """Exchange a pasted token for a session cookie. JSON only: a cross-site HTML form
    cannot send it, so another site cannot log an officer in under its own token."""
    if request.content_type != "application/json":
        raise BadRequest('send {"token": ...} as application/json')
    check_same_origin(request)
    body = await read_json(request)
    token = body.get("token")
    if not isinstance(token, str) or not 0 < len(token) <= 200:
        raise BadRequest("token is required")
    svc = services(request)
    try:
        result = await svc.gatekeeper.login(token.strip(), source_address(request))
    except Exception:
        svc.metrics.action("login_failed")
        svc.metrics.login_failures.inc()
        raise
    svc.metrics.action("login")
    response = json_response(
        {
            **result.principal.user.as_dict(),
            "via": "session",
            "csrf": result.principal.csrf,
            "expires_at": result.expires_at.isoformat(),
            "sla_minutes": svc.settings.review.sla_minutes,
        }
    )
    response.set_cookie(
        SESSION_COOKIE,
        result.session_id,
        max_age=svc.settings.review.session_minutes * 60,
        path="/",
        httponly=True,
        samesite="Strict",
        # Secure unless turned off for plain http://localhost in development.
        secure=request.secure or svc.settings.review.session_cookie_secure,
    )
    return response


async def logout(request: web.Request) -> web.Response:
    svc = services(request)
    principal = request[PRINCIPAL]
    await svc.gatekeeper.logout(
        principal, request.cookies.get(SESSION_COOKIE, ""), source_address(request)
    )
    svc.metrics.action("logout")
    response = json_response({"logged_out": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


# --- operations and the page ------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    svc = services(request)
    try:
        redis_ok = await svc.store.ping()
    except Exception:
        redis_ok = False
    kafka_ok = await svc.publisher.ready()
    ready = redis_ok and kafka_ok
    return json_response(
        {"status": "ready" if ready else "not ready", "redis": redis_ok, "kafka": kafka_ok},
        status=200 if ready else 503,
    )


async def metrics(request: web.Request) -> web.Response:
    svc = services(request)
    now = svc.clock()
    overdue_before = (now - svc.review.sla).timestamp()
    try:
        count, oldest, overdue = await svc.store.open_hold_stats(overdue_before)
    except Exception:  # the request counters are still worth serving without Redis
        pass
    else:
        svc.metrics.open_holds.set(count)
        svc.metrics.oldest_open_age.set(max(0.0, now.timestamp() - oldest) if oldest else 0.0)
        svc.metrics.overdue_holds.set(overdue)
    return web.Response(
        body=svc.metrics.render(), headers={"Content-Type": "text/plain; version=0.0.4"}
    )


async def openapi(request: web.Request) -> web.Response:
    from screener.api.openapi import describe  # it reads ROUTES, defined below

    return json_response(describe())


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(services(request).web_root / "index.html")


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    handler: Handler
    # None: no login needed. Otherwise the least role that may call it.
    role: Role | None
    # Authenticated although outside /api/ (the page's logout).
    login_required: bool = False


ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/me", me, Role.VIEWER),
    Route("GET", "/api/holds", list_holds, Role.VIEWER),
    Route("GET", "/api/holds/{hold_id}", get_hold, Role.VIEWER),
    Route("GET", "/api/holds/{hold_id}/audit", hold_audit, Role.VIEWER),
    Route("POST", "/api/holds/{hold_id}/claim", claim_hold, Role.OFFICER),
    Route("DELETE", "/api/holds/{hold_id}/claim", unclaim_hold, Role.OFFICER),
    Route("POST", "/api/holds/{hold_id}/notes", add_note, Role.OFFICER),
    Route("POST", "/api/holds/{hold_id}/release", release_hold, Role.OFFICER),
    Route("POST", "/api/holds/{hold_id}/confirm-fraud", confirm_fraud, Role.OFFICER),
    Route("POST", "/api/holds/{hold_id}/follow/approve", approve_follow, Role.SUPERVISOR),
    Route("POST", "/api/holds/{hold_id}/follow/reject", reject_follow, Role.SUPERVISOR),
    Route("POST", "/api/queue/next", next_hold, Role.OFFICER),
    Route("GET", "/api/accounts/{account}", account_profile, Role.VIEWER),
    Route("POST", "/api/blocklist/import", import_blocks, Role.SUPERVISOR),
    Route("GET", "/api/blocklist/{account}", get_block, Role.VIEWER),
    Route("PUT", "/api/blocklist/{account}", put_block, Role.SUPERVISOR),
    Route("DELETE", "/api/blocklist/{account}", delete_block, Role.SUPERVISOR),
    Route("GET", "/api/rules/precision", rules_precision, Role.VIEWER),
    Route("GET", "/api/users", list_users, Role.SUPERVISOR),
    Route("GET", "/api/audit", recent_audit, Role.SUPERVISOR),
    Route("GET", "/api/audit/users/{name}", user_audit, Role.VIEWER),
    Route("GET", "/api/openapi.json", openapi, None),
    Route("POST", "/login", login, None),
    Route("POST", "/logout", logout, Role.VIEWER, login_required=True),
    Route("GET", "/healthz", healthz, None),
    Route("GET", "/readyz", readyz, None),
    Route("GET", "/metrics", metrics, None),
    Route("GET", "/", index, None),
)
