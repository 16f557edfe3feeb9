"""The block list (CONTRACT §4/§5): look-ups, supervisors' changes and CSV imports."""

from __future__ import annotations

from tests.integration.api.support import ReviewApi

ACCOUNT = "KZ18722S000012345678"


def test_a_supervisor_blocks_and_lifts_an_account(review: ReviewApi) -> None:
    assert review.call("GET", f"/api/blocklist/{ACCOUNT}", "viewer").status == 404

    put = review.call(
        "PUT",
        f"/api/blocklist/{ACCOUNT}",
        "supervisor",
        json_body={"reason": "dropper reported by the AFC", "ttl_seconds": 600},
    )
    assert put.status == 200, put.text
    stored = review.block(ACCOUNT)
    assert stored is not None
    assert set(stored) == {"reason", "rule", "hold_id", "created_at", "expires_at"}
    assert (stored["reason"], stored["rule"], stored["hold_id"]) == (
        "dropper reported by the AFC",
        "manual",
        "",
    )
    assert 590 < review.redis.ttl(review.keys.block(ACCOUNT)) <= 600
    got = review.call("GET", f"/api/blocklist/{ACCOUNT}", "viewer").body
    assert got["reason"] == stored["reason"] and 590 < got["ttl_seconds"] <= 600

    forever = review.call(
        "PUT",
        f"/api/blocklist/{ACCOUNT}",
        "supervisor",
        json_body={"reason": "court order", "ttl_seconds": None},
    )
    assert forever.status == 200 and forever.body["expires_at"] is None
    assert review.redis.ttl(review.keys.block(ACCOUNT)) == -1
    assert review.call("GET", f"/api/blocklist/{ACCOUNT}", "viewer").body["ttl_seconds"] is None

    lifted = review.call("DELETE", f"/api/blocklist/{ACCOUNT}", "supervisor")
    assert lifted.status == 200 and lifted.body["previous"]["reason"] == "court order"
    assert review.redis.exists(review.keys.block(ACCOUNT)) == 0
    assert review.call("DELETE", f"/api/blocklist/{ACCOUNT}", "supervisor").status == 404

    trail = review.call("GET", "/api/audit/users/supervisor", "supervisor").body["audit"]
    changes = [(e["action"], e["account"]) for e in trail if e["account"]]
    assert changes == [("block", ACCOUNT), ("block", ACCOUNT), ("unblock", ACCOUNT)]
    second = [e for e in trail if e["action"] == "block"][1]
    assert second["before"]["reason"] == "dropper reported by the AFC"
    assert second["after"]["reason"] == "court order"


def test_block_changes_are_validated(review: ReviewApi) -> None:
    for body in (
        {},
        {"reason": ""},
        {"reason": 5},
        {"reason": "x" * 501},
        {"reason": "ok", "ttl_seconds": 0},
        {"reason": "ok", "ttl_seconds": -5},
        {"reason": "ok", "ttl_seconds": "600"},
        {"reason": "ok", "ttl_seconds": 1.5},
        {"reason": "ok", "ttl_seconds": True},
    ):
        response = review.call("PUT", f"/api/blocklist/{ACCOUNT}", "supervisor", json_body=body)
        assert response.status == 400, body
    response = review.call(
        "PUT",
        f"/api/blocklist/{ACCOUNT}",
        "supervisor",
        data=b"[1]",
        content_type="application/json",
    )
    assert response.status == 400
    assert review.block(ACCOUNT) is None


def test_a_list_from_the_anti_fraud_center_is_imported_line_by_line(review: ReviewApi) -> None:
    csv_text = "\n".join(
        [
            "account,reason,ttl_seconds",
            "KZ31601A000000000001,dropper,3600",
            "4400123412341234,card of a dropper",
            "wallet_77-ab, crypto wallet ,",
            "a" * 257 + ",longer than any account",
            "KZ31601A000000000002",
            "KZ31601A000000000003,reason,soon",
            "KZ31601A000000000004,reason,1,extra",
            "",
            "# comments are skipped",
            "KZ31601A000000000005,reason,0",
        ]
    )
    response = review.call(
        "POST",
        "/api/blocklist/import?source=AFC%202026-11",
        "supervisor",
        data=csv_text.encode(),
        content_type="text/csv",
    )
    assert response.status == 200, response.text
    result = response.body
    assert result["imported"] == 3
    assert [e["line"] for e in result["errors"]] == [5, 6, 7, 8, 11]
    assert "account" in result["errors"][0]["error"]

    first = review.block("KZ31601A000000000001")
    assert (
        first is not None
        and first["rule"] == "import"
        and first["reason"] == "dropper [AFC 2026-11]"
    )
    assert 3590 < review.redis.ttl(review.keys.block("KZ31601A000000000001")) <= 3600
    assert review.redis.ttl(review.keys.block("4400123412341234")) == -1
    wallet = review.block("wallet_77-ab")
    assert wallet is not None and wallet["reason"] == "crypto wallet [AFC 2026-11]"
    for missing in ("KZ31601A000000000002", "KZ31601A000000000003", "KZ31601A000000000005"):
        assert review.block(missing) is None

    trail = review.call("GET", "/api/audit", "supervisor").body["audit"]
    imported = [e for e in trail if e["action"] == "block_import"]
    assert len(imported) == 3 and imported[0]["note"] == "AFC 2026-11, line 2"

    wrong_type = review.call(
        "POST", "/api/blocklist/import", "supervisor", json_body={"account": "x"}
    )
    assert wrong_type.status == 400
    bad_source = review.call(
        "POST",
        "/api/blocklist/import?source=%3Cscript%3E",
        "supervisor",
        data=b"a,b",
        content_type="text/csv",
    )
    assert bad_source.status == 400
