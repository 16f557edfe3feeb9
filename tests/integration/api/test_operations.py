"""Health, readiness, metrics, the page's files, and the page's login: a session cookie
that is HttpOnly and SameSite=Strict, and a CSRF header for every state change."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

from screener.api.server import create_app
from screener.settings import Settings
from tests.integration.api.conftest import ReviewFactory
from tests.integration.api.support import (
    ReviewApi,
    ServerThread,
    http,
    isolated_env,
    minutes_ago,
    seed_hold,
)


def test_health_readiness_and_metrics(review: ReviewApi) -> None:
    assert review.call("GET", "/healthz").body == {"status": "ok"}
    assert review.call("GET", "/readyz").body == {"status": "ready", "redis": True, "kafka": True}

    seed_hold(review.settings, created_at=minutes_ago(45))
    hold = seed_hold(review.settings, created_at=minutes_ago(2))
    review.call("POST", f"/api/holds/{hold.hold_id}/release", "officer", json_body={})
    review.call("GET", "/api/holds", "viewer")
    review.call("GET", "/api/holds")

    text = review.call("GET", "/metrics").text
    assert 'screener_api_requests_total{method="GET",route="/api/holds",status="200"} 1.0' in text
    assert 'screener_api_requests_total{method="GET",route="/api/holds",status="401"} 1.0' in text
    release = '{method="POST",route="/api/holds/{hold_id}/release",status="200"}'
    assert f"screener_api_requests_total{release} 1.0" in text
    assert 'screener_review_actions_total{kind="release"} 1.0' in text
    assert "screener_review_open_holds 1.0" in text
    assert "screener_review_overdue_holds 1.0" in text
    match = re.search(r"^screener_review_oldest_open_hold_age_seconds (\S+)$", text, re.M)
    assert match and 44 * 60 < float(match.group(1)) < 46 * 60


def test_readiness_fails_without_redis(services: dict[str, str]) -> None:
    settings = Settings.from_env(isolated_env(services, SCREENER_REDIS_URL="redis://127.0.0.1:1/0"))
    server = ServerThread(create_app(settings))
    base = server.start()
    try:
        assert http("GET", base + "/healthz").status == 200, "alive, though not ready"
        ready = http("GET", base + "/readyz")
        assert ready.status == 503 and ready.body == {
            "status": "not ready",
            "redis": False,
            "kafka": True,
        }
        failed = http("GET", base + "/api/holds", token="whatever")
        assert failed.status == 500 and failed.body == {
            "error": "internal_error",
            "message": "internal error",
        }
        assert http("GET", base + "/metrics").status == 200
    finally:
        server.stop()


def test_the_page_is_served_with_its_own_files_only(review: ReviewApi) -> None:
    page = review.call("GET", "/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "http://" not in page.text and "https://" not in page.text, "no CDN: works offline"
    for name, kind in (("app.js", "javascript"), ("i18n.js", "javascript"), ("app.css", "css")):
        response = review.call("GET", f"/static/{name}")
        assert response.status == 200 and kind in response.headers["Content-Type"]
        assert "https://" not in response.text
    assert review.call("GET", "/static/../settings.py").status in (403, 404)


def origin(review: ReviewApi) -> dict[str, str]:
    """The Origin a browser sends from the page (the test server's own address)."""
    return {"Origin": review.base_url}


def login(review: ReviewApi, token: str) -> tuple[str, str]:
    response = review.call("POST", "/login", json_body={"token": token}, headers=origin(review))
    assert response.status == 200, response.text
    cookie = SimpleCookie(response.headers["Set-Cookie"])["screener_session"]
    return cookie.value, response.body["csrf"]


def test_page_login_gives_an_http_only_strict_session_cookie(review: ReviewApi) -> None:
    response = review.call(
        "POST", "/login", json_body={"token": review.tokens["officer"]}, headers=origin(review)
    )
    assert response.status == 200
    assert response.body["name"] == "officer" and response.body["role"] == "officer"
    raw = response.headers["Set-Cookie"]
    cookie = SimpleCookie(raw)["screener_session"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["secure"] is True, "Secure by default, even behind a TLS-terminating proxy"
    assert int(cookie["max-age"]) == 480 * 60
    assert review.tokens["officer"] not in raw, "the session id is not the token"
    stored = review.redis.keys(review.keys.session("*"))
    assert len(stored) == 1 and cookie.value not in stored[0], "session ids are stored hashed"
    assert 480 * 60 - 5 < review.redis.ttl(stored[0]) <= 480 * 60

    me = review.call("GET", "/api/me", headers={"Cookie": f"screener_session={cookie.value}"})
    assert me.status == 200 and me.body["csrf"] == response.body["csrf"]
    assert me.body["via"] == "session"
    bearer_me = review.call("GET", "/api/me", "officer").body
    assert "csrf" not in bearer_me and bearer_me["via"] == "token"

    for bad in (
        {"token": "nope"},
        {"token": review.tokens["gone"]},
        {"token": ""},
        {},
    ):
        failed = review.call("POST", "/login", json_body=bad, headers=origin(review))
        assert failed.status in (400, 401) and "Set-Cookie" not in failed.headers
    form = review.call(
        "POST",
        "/login",
        data=f"token={review.tokens['officer']}".encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status == 400, "a cross-site HTML form cannot log anyone in"


def test_session_length_and_secure_flag_are_configurable(review_factory: ReviewFactory) -> None:
    """Secure is the default; a page on plain http://localhost in development turns it off."""
    review = review_factory(SCREENER_SESSION_MINUTES="15", SCREENER_SESSION_COOKIE_SECURE="0")
    response = review.call(
        "POST", "/login", json_body={"token": review.tokens["viewer"]}, headers=origin(review)
    )
    cookie = SimpleCookie(response.headers["Set-Cookie"])["screener_session"]
    assert int(cookie["max-age"]) == 900 and not cookie["secure"]


def test_another_site_cannot_log_an_officer_in(review: ReviewApi) -> None:
    response = review.call(
        "POST",
        "/login",
        json_body={"token": review.tokens["officer"]},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status == 403 and "Set-Cookie" not in response.headers


def test_cookie_calls_that_change_state_need_the_csrf_header(review: ReviewApi) -> None:
    session, csrf = login(review, review.tokens["officer"])
    hold = seed_hold(review.settings)
    path = f"/api/holds/{hold.hold_id}/notes"
    cookie = {"Cookie": f"screener_session={session}", **origin(review)}

    missing = review.call("POST", path, json_body={"text": "hi"}, headers=cookie)
    assert missing.status == 403 and "CSRF" in missing.body["message"]
    wrong = review.call(
        "POST", path, json_body={"text": "hi"}, headers={**cookie, "X-CSRF-Token": csrf + "x"}
    )
    assert wrong.status == 403
    foreign = review.call(
        "POST",
        path,
        json_body={"text": "hi"},
        headers={**cookie, "X-CSRF-Token": csrf, "Origin": "https://evil.example"},
    )
    assert foreign.status == 403
    assert review.call("GET", f"/api/holds/{hold.hold_id}", "viewer").body["notes"] == []

    # Finding: stripping Origin turned the check off. Browsers always send it on POST.
    no_origin = review.call(
        "POST",
        path,
        json_body={"text": "hi"},
        headers={"Cookie": cookie["Cookie"], "X-CSRF-Token": csrf},
    )
    assert no_origin.status == 403 and "Origin" in no_origin.body["message"]
    own_origin = review.call(
        "POST",
        path,
        json_body={"text": "again"},
        headers={**cookie, "X-CSRF-Token": csrf, "Origin": review.base_url},
    )
    assert own_origin.status == 201
    assert review.call("POST", path, "officer", json_body={"text": "bearer"}).status == 201

    out = review.call("POST", "/logout", headers={**cookie, "X-CSRF-Token": csrf, **origin(review)})
    assert out.status == 200 and "screener_session=" in out.headers["Set-Cookie"]
    assert review.call("GET", "/api/me", headers=cookie).status == 401
    assert review.call("POST", "/logout", headers=cookie).status == 401


def test_a_disabled_users_session_stops_working(review: ReviewApi) -> None:
    from screener.api.users import disable_user

    session, _csrf = login(review, review.tokens["officer2"])
    cookie = {"Cookie": f"screener_session={session}"}
    assert review.call("GET", "/api/me", headers=cookie).status == 200
    disable_user(review.settings, "officer2")
    assert review.call("GET", "/api/me", headers=cookie).status == 401
    assert review.call("GET", "/api/me", "officer2").status == 401
