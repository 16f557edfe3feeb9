"""The OpenAPI 3.1 description of the review API (`GET /api/openapi.json`, no role).

Built from `ROUTES`, the one table of what exists and which role may call it, so a route
cannot be added without being described: `describe()` refuses an undocumented one. The
response schemas say what every answer carries; schemathesis checks the live API
against them in `make test`.
"""

from __future__ import annotations

from typing import Any

from screener.api.handlers import ROUTES, Route
from screener.api.operators import OPERATOR_ROUTES

# Every route the app serves: the review's and the operators' page's.
APP_ROUTES: tuple[Route, ...] = (*ROUTES, *OPERATOR_ROUTES)

VERSION = "1.1.0"

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
OBJECT: dict[str, Any] = {"type": "object"}
NOTE_BODY = {
    "type": "object",
    "properties": {"note": {"type": "string", "maxLength": 2000}},
}
HOLD = {
    "type": "object",
    "required": ["hold_id", "status", "score", "reasons", "created_at"],
    "properties": {
        "hold_id": {"type": "string"},
        "event_id": {"type": "string"},
        "event_type": {"type": "string"},
        "customer_id": {"type": "string"},
        "amount": {"type": "string"},
        "currency": {"type": "string"},
        "verdict": {"type": "string"},
        "status": {
            "type": "string",
            "enum": ["held", "released", "confirmed_fraud", "blocked", "cancelled"],
        },
        "score": {"type": "integer"},
        "reasons": {"type": "array", "items": OBJECT},
        "created_at": {"type": "string"},
        "claim": {"type": ["object", "null"]},
        "release_request": {"type": ["object", "null"]},
    },
}
HOLD_RESULT = {
    "type": "object",
    "required": ["hold", "published"],
    "properties": {"hold": HOLD, "published": {"type": "boolean"}},
}
BLOCK = {
    "type": "object",
    "required": ["account", "reason", "rule", "created_at"],
    "properties": {
        "account": {"type": "string"},
        "reason": {"type": "string"},
        "rule": {"type": "string"},
        "hold_id": {"type": "string"},
        "created_at": {"type": "string"},
        "expires_at": {"type": ["string", "null"]},
        "ttl_seconds": {"type": ["integer", "null"]},
    },
}
AUDIT = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["action", "by", "at"],
        "properties": {
            "action": {"type": "string"},
            "by": {"type": "string"},
            "at": {"type": "string"},
        },
    },
}
USER = {
    "type": "object",
    "required": ["name", "role", "disabled"],
    "properties": {
        "name": {"type": "string"},
        "role": {"type": "string", "enum": ["viewer", "officer", "supervisor"]},
        "created_at": {"type": "string"},
        "disabled": {"type": "boolean"},
    },
}

# What each route answers with when it succeeds, and the body it takes.
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/me"): {"summary": "Who is calling", "ok": USER},
    ("GET", "/api/holds"): {
        "summary": "Holds, newest first (CONTRACT §5), with filters",
        "ok": {
            "type": "object",
            "required": ["holds", "total", "limit", "offset"],
            "properties": {
                "holds": {"type": "array", "items": HOLD},
                "total": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
        },
        "query": {
            "status": {
                "enum": ["held", "released", "confirmed_fraud", "blocked", "cancelled", "all"]
            },
            "limit": {"type": "integer", "minimum": 1, "maximum": 500},
            "offset": {"type": "integer", "minimum": 0},
            "sort": {"enum": ["newest", "urgent"]},
            "verdict": {"enum": ["hold", "block"]},
            "claimed": {"enum": ["yes", "no", "mine"]},
        },
    },
    ("GET", "/api/holds/{hold_id}"): {"summary": "One hold with all an officer needs", "ok": HOLD},
    ("GET", "/api/holds/{hold_id}/audit"): {
        "summary": "A hold's audit trail",
        "ok": {"type": "object", "required": ["hold_id", "audit"], "properties": {"audit": AUDIT}},
    },
    ("POST", "/api/holds/{hold_id}/claim"): {
        "summary": "Claim a hold to work it",
        "ok": {"type": "object", "required": ["hold_id", "claim"]},
        "body": {"type": "object", "properties": {"take_over": {"type": "boolean"}}},
    },
    ("DELETE", "/api/holds/{hold_id}/claim"): {
        "summary": "Drop a claim",
        "ok": {"type": "object", "required": ["hold_id", "claim"]},
    },
    ("POST", "/api/holds/{hold_id}/notes"): {
        "summary": "Add a note to a hold's trail",
        "status": "201",
        "ok": {"type": "object", "required": ["hold_id", "note"]},
        "body": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}},
        },
    },
    ("POST", "/api/holds/{hold_id}/release"): {
        "summary": "Release a held payment (two officers at or above the block score)",
        "ok": HOLD_RESULT,
        "body": NOTE_BODY,
    },
    ("POST", "/api/holds/{hold_id}/confirm-fraud"): {
        "summary": "Confirm fraud on a held hold",
        "ok": HOLD_RESULT,
        "body": NOTE_BODY,
    },
    ("POST", "/api/holds/{hold_id}/follow/approve"): {
        "summary": "A supervisor approves follow-the-money's proposals",
        "ok": HOLD_RESULT,
        "body": {"type": "object", "properties": {"steps": {"type": "array"}}},
    },
    ("POST", "/api/holds/{hold_id}/follow/reject"): {
        "summary": "A supervisor rejects follow-the-money's proposals",
        "ok": HOLD_RESULT,
        "body": {"type": "object", "properties": {"steps": {"type": "array"}}},
    },
    ("POST", "/api/queue/next"): {
        "summary": "Claim the most urgent open hold",
        "ok": {"type": "object", "required": ["hold"]},
    },
    ("GET", "/api/accounts/{account}"): {
        "summary": "An account at a glance",
        "ok": {"type": "object", "required": ["account", "blocked"]},
    },
    ("POST", "/api/blocklist/import"): {
        "summary": "Import a block list (CSV: account,reason[,ttl_seconds])",
        "ok": {"type": "object", "required": ["imported", "errors", "source"]},
        "csv": True,
    },
    ("GET", "/api/blocklist/{account}"): {"summary": "The block entry or 404", "ok": BLOCK},
    ("PUT", "/api/blocklist/{account}"): {
        "summary": "Block an account",
        "ok": BLOCK,
        "body": {
            "type": "object",
            "required": ["reason"],
            "properties": {
                "reason": {"type": "string", "minLength": 1, "maxLength": 500},
                "ttl_seconds": {"type": ["integer", "null"], "minimum": 1},
            },
        },
    },
    ("DELETE", "/api/blocklist/{account}"): {
        "summary": "Lift a block",
        "ok": {"type": "object", "required": ["account", "unblocked"]},
    },
    ("GET", "/api/users"): {
        "summary": "Users and roles",
        "ok": {"type": "object", "properties": {"users": {"type": "array", "items": USER}}},
    },
    ("GET", "/api/audit"): {
        "summary": "The recent audit log",
        "ok": {"type": "object", "required": ["audit"], "properties": {"audit": AUDIT}},
    },
    ("GET", "/api/audit/users/{name}"): {
        "summary": "One user's audit trail",
        "ok": {"type": "object", "required": ["user", "audit"], "properties": {"audit": AUDIT}},
    },
    ("GET", "/api/openapi.json"): {"summary": "This description", "ok": OBJECT},
    ("GET", "/api/rules/precision"): {
        "summary": "Each rule's precision from officers' verdicts over the last days",
        "ok": {
            "type": "object",
            "required": ["days", "since", "rules"],
            "properties": {
                "days": {"type": "integer"},
                "since": {"type": "string"},
                "rules": {"type": ["object", "array"]},
            },
        },
        "query": {"days": {"type": "integer", "minimum": 1, "maximum": 400}},
    },
    ("GET", "/api/operations/status"): {
        "summary": "What the workers report for the operators' page (lag, progress, rules, cap)",
        "ok": OBJECT,
    },
}

PATH_PARAMETERS = {
    "hold_id": {"type": "string", "minLength": 1, "maxLength": 128},
    "account": {"type": "string", "minLength": 1, "maxLength": 256},
    "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"},
}


def describe() -> dict[str, Any]:
    """The OpenAPI document of every `/api/` route."""
    paths: dict[str, dict[str, Any]] = {}
    for route in APP_ROUTES:
        if not route.path.startswith("/api/"):
            continue
        key = (route.method, route.path)
        if key not in OPERATIONS:
            raise KeyError(f"{route.method} {route.path} is not described in openapi.py")
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, OPERATIONS[key])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "screener review API",
            "version": VERSION,
            "description": (
                "Fraud officers' review of held payments and loans (CONTRACT §5, §7). "
                "Roles: viewer reads; officer also claims, notes, releases, confirms fraud; "
                "supervisor also changes the block list and approves follow-the-money."
            ),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "paths": paths,
    }


def _operation(route: Route, spec: dict[str, Any]) -> dict[str, Any]:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        spec.get("status", "200"): {
            "description": "done",
            "content": {"application/json": {"schema": spec["ok"]}},
        },
        "400": {"description": "bad input", **error},
        "404": {"description": "no such thing", **error},
        "409": {"description": "not in a state that allows it", **error},
        "429": {"description": "a per-user limit was reached", **error},
    }
    operation: dict[str, Any] = {
        "operationId": f"{route.method.lower()}_{route.path}",
        "summary": spec["summary"],
        "responses": responses,
    }
    if route.role is not None:
        operation["security"] = [{"bearer": []}]
        operation["x-role"] = route.role.label
        responses["401"] = {"description": "no valid token", **error}
        responses["403"] = {"description": f"needs the {route.role.label} role", **error}
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": schema}
        for name, schema in PATH_PARAMETERS.items()
        if "{" + name + "}" in route.path
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in spec.get("query", {}).items()
    ]
    if parameters:
        operation["parameters"] = parameters
    if "body" in spec:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": spec["body"]}},
        }
    if spec.get("csv"):
        operation["requestBody"] = {
            "required": True,
            # text/csv is taken too; text/plain is what generic clients (and
            # schemathesis) know how to send.
            "description": "CSV lines account,reason[,ttl_seconds], as text/csv or text/plain",
            "content": {"text/plain": {"schema": {"type": "string", "maxLength": 100000}}},
        }
    return operation
