"""Who may call what: 401 without a valid token, 403 for a role below the route's, ids
checked, and nothing about a hold or an account given away to a caller who may not act."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.api.support import ReviewApi, seed_hold

UNKNOWN_HOLD = "no-such-hold"
UNKNOWN_ACCOUNT = "KZ00NOSUCHACCOUNT"

# (method, path, least role, body, what an allowed role gets for an unknown target)
ROUTES: list[tuple[str, str, str, Any, int]] = [
    ("GET", "/api/me", "viewer", None, 200),
    ("GET", "/api/holds?status=held", "viewer", None, 200),
    ("GET", f"/api/holds/{UNKNOWN_HOLD}", "viewer", None, 404),
    ("GET", f"/api/holds/{UNKNOWN_HOLD}/audit", "viewer", None, 404),
    ("POST", f"/api/holds/{UNKNOWN_HOLD}/claim", "officer", {}, 404),
    ("DELETE", f"/api/holds/{UNKNOWN_HOLD}/claim", "officer", None, 404),
    ("POST", f"/api/holds/{UNKNOWN_HOLD}/notes", "officer", {"text": "called"}, 404),
    ("POST", f"/api/holds/{UNKNOWN_HOLD}/release", "officer", {"note": "ok"}, 404),
    ("POST", f"/api/holds/{UNKNOWN_HOLD}/confirm-fraud", "officer", {"note": "x"}, 404),
    ("POST", "/api/queue/next", "officer", None, 200),
    ("GET", f"/api/accounts/{UNKNOWN_ACCOUNT}", "viewer", None, 200),
    ("GET", f"/api/blocklist/{UNKNOWN_ACCOUNT}", "viewer", None, 404),
    ("PUT", f"/api/blocklist/{UNKNOWN_ACCOUNT}", "supervisor", {"reason": "r"}, 200),
    ("DELETE", f"/api/blocklist/{UNKNOWN_ACCOUNT}", "supervisor", None, 404),
    ("POST", "/api/blocklist/import", "supervisor", "acc1,afc list\n", 200),
    ("GET", "/api/rules/precision?days=30", "viewer", None, 200),
    ("GET", "/api/users", "supervisor", None, 200),
    ("GET", "/api/audit", "supervisor", None, 200),
    ("GET", "/api/operations/status", "viewer", None, 200),
    ("GET", "/api/no-such-route", "viewer", None, 404),
]
ORDER = {"viewer": 1, "officer": 2, "supervisor": 3}


def send(review: ReviewApi, method: str, path: str, body: Any, **kwargs: Any) -> Any:
    if isinstance(body, str):
        return review.call(method, path, data=body.encode(), content_type="text/csv", **kwargs)
    return review.call(method, path, json_body=body, **kwargs)


@pytest.mark.parametrize(("method", "path", "least", "body", "allowed_status"), ROUTES)
def test_each_api_route_checks_the_token_then_the_role(
    review: ReviewApi, method: str, path: str, least: str, body: Any, allowed_status: int
) -> None:
    for token in (None, "", "not-a-token", review.tokens["viewer"] + "x"):
        response = send(review, method, path, body, token=token)
        assert response.status == 401, (token, response.text)
        assert response.body["error"] == "unauthorized"
    response = send(review, method, path, body, token=review.tokens["gone"])
    assert response.status == 401, "a disabled user's token must stop working"
    response = send(
        review, method, path, body, headers={"Authorization": "Basic " + review.tokens["viewer"]}
    )
    assert response.status == 401

    for role in ("viewer", "officer", "supervisor"):
        response = send(review, method, path, body, role=role)
        if ORDER[role] < ORDER[least]:
            assert response.status == 403, (role, response.text)
            assert response.body == {
                "error": "forbidden",
                "message": f"this needs the {least} role",
            }
        else:
            assert response.status == allowed_status, (role, response.text)


def test_a_forbidden_caller_learns_nothing_about_which_holds_exist(review: ReviewApi) -> None:
    real = seed_hold(review.settings)
    for hold_id in (real.hold_id, UNKNOWN_HOLD):
        for action in ("release", "confirm-fraud", "claim", "notes"):
            response = review.call(
                "POST", f"/api/holds/{hold_id}/{action}", "viewer", json_body={"note": "x"}
            )
            assert response.status == 403
            assert real.hold_id not in response.text and real.customer_id not in response.text
    for account in (real.receiver_account, UNKNOWN_ACCOUNT):
        response = review.call(
            "PUT", f"/api/blocklist/{account}", "officer", json_body={"reason": "x"}
        )
        assert response.status == 403
        assert review.block(account) is None
    assert review.hold(real.hold_id)["status"] == "held"


@pytest.mark.parametrize(
    "path",
    [
        "/api/holds/" + "a" * 129,
        "/api/holds/has%20space",
        "/api/holds/semi;colon",
        "/api/holds/quote%22",
        "/api/holds/%E2%82%B8",
        "/api/blocklist/" + "A" * 257,
        "/api/accounts/" + "A" * 257,
        "/api/audit/users/" + "n" * 65,
    ],
)
def test_ids_in_urls_are_checked(review: ReviewApi, path: str) -> None:
    response = review.call("GET", path, "supervisor")
    assert response.status in (400, 404), response.text
    if response.status == 404:  # aiohttp never routed it (an encoded slash): still no data
        assert response.body["error"] in ("not_found",)
    else:
        assert response.body["error"] == "bad_request"


def test_the_longest_valid_ids_are_accepted(review: ReviewApi) -> None:
    hold_id = "H" * 128
    seed_hold(review.settings, hold_id=hold_id)
    assert review.call("GET", f"/api/holds/{hold_id}", "viewer").status == 200
    account = "A" * 64
    put = review.call("PUT", f"/api/blocklist/{account}", "supervisor", json_body={"reason": "r"})
    assert put.status == 200
    assert review.call("GET", f"/api/blocklist/{account}", "viewer").status == 200


def test_officers_read_their_own_trail_only_supervisors_read_others(review: ReviewApi) -> None:
    assert review.call("GET", "/api/audit/users/officer", "officer").status == 200
    assert review.call("GET", "/api/audit/users/officer2", "officer").status == 403
    assert review.call("GET", "/api/audit/users/officer", "viewer").status == 403
    assert review.call("GET", "/api/audit/users/officer", "supervisor").status == 200


def test_public_routes_need_no_token(review: ReviewApi) -> None:
    for path in ("/healthz", "/readyz", "/metrics", "/", "/static/app.js"):
        assert review.call("GET", path).status == 200, path
