"""The queue, a hold's detail, claims, notes, release and confirmed fraud, on real Redis
and Kafka: every change is read back from Redis and from the `screener.holds` topic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from screener.adapters.redis_keys import outbox_field
from screener.domain.calendar import add_business_days
from screener.domain.history import CustomerHistory, HistoryEntry
from tests import factories
from tests.integration.api.conftest import ReviewFactory
from tests.integration.api.support import (
    Hop,
    ReviewApi,
    minutes_ago,
    reason,
    seed_flows,
    seed_hold,
    validate,
)


def ids(response_body: dict[str, Any]) -> list[str]:
    return [hold["hold_id"] for hold in response_body["holds"]]


def test_the_queue_lists_open_holds_newest_first_or_most_urgent_first(review: ReviewApi) -> None:
    old_risky = seed_hold(review.settings, score=90, created_at=minutes_ago(50))
    new_risky = seed_hold(review.settings, score=90, created_at=minutes_ago(5))
    mild = seed_hold(review.settings, score=60, created_at=minutes_ago(20), amount="900.00")

    newest = review.call("GET", "/api/holds?status=held", "viewer").body
    assert ids(newest) == [new_risky.hold_id, mild.hold_id, old_risky.hold_id]
    assert newest["total"] == 3 and newest["sla_minutes"] == 30

    urgent = review.call("GET", "/api/holds?status=held&sort=urgent", "viewer").body
    assert ids(urgent) == [old_risky.hold_id, new_risky.hold_id, mild.hold_id]

    by_id = {hold["hold_id"]: hold for hold in urgent["holds"]}
    assert by_id[old_risky.hold_id]["sla"]["overdue"] is True
    assert 50 * 60 - 5 < by_id[old_risky.hold_id]["age_seconds"] < 51 * 60
    assert by_id[new_risky.hold_id]["sla"]["overdue"] is False
    assert 24 * 60 < by_id[new_risky.hold_id]["sla"]["remaining_seconds"] <= 25 * 60
    first = by_id[mild.hold_id]
    assert first["amount"] == "900.00" and first["rules"] == ["safe_account"]
    assert set(first["reasons"][0]["message"]) == {"en", "ru", "kk"}

    limited = review.call("GET", "/api/holds?status=held&sort=urgent&limit=1&offset=1", "viewer")
    assert ids(limited.body) == [new_risky.hold_id] and limited.body["total"] == 3


def test_the_queue_filters_by_rule_verdict_amount_time_and_claim(review: ReviewApi) -> None:
    settings = review.settings
    cooling = seed_hold(
        settings,
        event_type="loan_approval",
        reasons=[reason("cooling_period", 40)],
        amount="9000000.00",
        created_at=minutes_ago(10),
        hold_until=datetime.now(UTC) + timedelta(hours=23),
    )
    refused = seed_hold(settings, verdict="block", score=95, created_at=minutes_ago(30))
    small = seed_hold(settings, amount="5000.00", created_at=minutes_ago(40))

    def query(params: str, role: str = "viewer") -> list[str]:
        response = review.call("GET", "/api/holds?" + params, role)
        assert response.status == 200, response.text
        return ids(response.body)

    assert query("status=held&rule=cooling_period") == [cooling.hold_id]
    assert query("status=held&event_type=transfer") == [small.hold_id]
    assert query("status=blocked") == [refused.hold_id]
    assert query("verdict=block") == [refused.hold_id]
    assert set(query("")) == {cooling.hold_id, refused.hold_id, small.hold_id}
    assert query("status=held&min_amount=10000") == [cooling.hold_id]
    assert query("status=held&max_amount=5000") == [small.hold_id]
    since = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    assert query("status=all&since=" + since.replace("+", "%2B")) == [cooling.hold_id]
    until = (datetime.now(UTC) - timedelta(minutes=35)).isoformat()
    assert query("status=held&until=" + until.replace("+", "%2B")) == [small.hold_id]

    assert review.call("POST", f"/api/holds/{small.hold_id}/claim", "officer").status == 200
    assert query("status=held&claimed=yes") == [small.hold_id]
    assert query("status=held&claimed=mine", "officer") == [small.hold_id]
    assert query("status=held&claimed=mine", "officer2") == []
    assert query("status=held&claimed=no") == [cooling.hold_id]

    for bad in (
        "status=lost",
        "sort=random",
        "limit=0",
        "limit=501",
        "min_amount=lots",
        "since=yesterday",
        "since=2026-01-01T00:00:00",
        "rule=drop%20table",
    ):
        response = review.call("GET", "/api/holds?" + bad, "viewer")
        assert response.status == 400, bad
        assert response.body["error"] == "bad_request"


def test_a_hold_shows_its_reasons_the_events_before_it_and_the_receiving_account(
    review: ReviewApi,
) -> None:
    settings = review.settings
    now = datetime.now(UTC)
    customer = factories.customer_id()
    receiver = factories.new_kz_iban()
    hold_id = "evt-" + factories.new_kz_iban()
    history = CustomerHistory(
        entries=(
            HistoryEntry(
                "e1",
                "sms_code_sent",
                (now - timedelta(minutes=40)).timestamp(),
                0,
                {"source": "1414"},
            ),
            HistoryEntry(
                "e2", "login", (now - timedelta(minutes=35)).timestamp(), 0, {"new_device": True}
            ),
            HistoryEntry(
                "e3",
                "loan_approval",
                (now - timedelta(minutes=30)).timestamp(),
                900_000_000,
                {"channel": "online"},
            ),
            HistoryEntry(
                hold_id,
                "transfer",
                (now - timedelta(minutes=5)).timestamp(),
                180_000_000,
                {"receiver_account": receiver},
            ),
        ),
        fraud_reports=1,
        last_fraud_report_at=(now - timedelta(days=2)).timestamp(),
    )
    seed_hold(
        settings,
        hold_id=hold_id,
        customer_id=customer,
        receiver_account=receiver,
        amount="1800000.00",
        reasons=[reason("safe_account", 70, measured={"share_of_balance": 0.95})],
        history=history,
    )
    senders = [factories.new_kz_iban() for _ in range(4)]
    onward = factories.new_kz_iban()
    seed_flows(
        settings,
        [
            Hop(s, receiver, now - timedelta(minutes=50 - i), 5_000_000)
            for i, s in enumerate(senders)
        ]
        + [Hop(senders[0], receiver, now - timedelta(hours=30), 7_000_000)]
        + [Hop(receiver, onward, now - timedelta(minutes=3), 19_000_000)],
    )
    review.call(
        "PUT",
        f"/api/blocklist/{receiver}",
        "supervisor",
        json_body={"reason": "AFC list", "ttl_seconds": 3600},
    )

    response = review.call("GET", f"/api/holds/{hold_id}", "viewer")
    assert response.status == 200
    hold = response.body
    assert hold["hold_id"] == hold_id and hold["status"] == "held"
    assert hold["reasons"][0]["message"]["kk"] == "safe_account: қазақша түсіндірме"
    assert hold["reasons"][0]["measured"] == {"share_of_balance": 0.95}
    assert [e["type"] for e in hold["events"]] == [
        "sms_code_sent",
        "login",
        "loan_approval",
        "transfer",
    ]
    assert [e["held_event"] for e in hold["events"]] == [False, False, False, True]
    assert hold["events"][2]["amount"] == "9000000.00"
    assert hold["events"][0]["attrs"] == {"source": "1414"}
    assert hold["customer"]["fraud_reports"] == 1
    assert hold["decision"]["event_id"] == hold_id and hold["decision"]["amount"] == "1800000.00"

    profile = hold["receiver"]
    assert profile["account"] == receiver
    assert profile["last_day"]["senders"] == 4
    assert profile["last_day"]["inbound"] == {"count": 4, "total": "200000.00"}
    assert profile["last_day"]["outbound"] == {"count": 1, "total": "190000.00"}
    assert profile["window"]["inbound"] == {"count": 5, "total": "270000.00"}
    assert profile["blocked"] is True and profile["block"]["reason"] == "AFC list"
    assert 3500 < profile["block_seconds_left"] <= 3600
    assert profile["recent_outbound"][0]["counterparty"] == onward

    assert [e["action"] for e in hold["audit"]] == ["create"]
    assert hold["audit"][0]["by"] == "screener"
    same = review.call("GET", f"/api/accounts/{receiver}", "viewer").body
    assert same["last_day"] == profile["last_day"]


def test_claims_keep_two_officers_off_one_hold(review_factory: ReviewFactory) -> None:
    review = review_factory(SCREENER_CLAIM_MINUTES="7")
    hold = seed_hold(review.settings)
    path = f"/api/holds/{hold.hold_id}"

    taken = review.call("POST", path + "/claim", "officer")
    assert taken.status == 200 and taken.body["claim"]["by"] == "officer"
    ttl_ms = review.redis.pttl(review.keys.claim(hold.hold_id))
    assert 6 * 60_000 < ttl_ms <= 7 * 60_000, "a claim expires by itself"
    assert review.call("POST", path + "/claim", "officer").status == 200  # renewal

    other = review.call("POST", path + "/claim", "officer2")
    assert other.status == 409 and "officer" in other.body["message"]
    assert review.call("POST", path + "/release", "officer2", json_body={}).status == 409
    assert review.call("POST", path + "/confirm-fraud", "officer2", json_body={}).status == 409
    assert review.call("DELETE", path + "/claim", "officer2").status == 409
    assert (
        review.call("POST", path + "/claim", "officer2", json_body={"take_over": True}).status
        == 403
    )

    listed = review.call("GET", "/api/holds?status=held", "viewer").body["holds"][0]
    assert listed["claim"]["by"] == "officer"

    took_over = review.call("POST", path + "/claim", "supervisor", json_body={"take_over": True})
    assert took_over.status == 200 and took_over.body["claim"]["by"] == "supervisor"
    assert review.call("DELETE", path + "/claim", "supervisor").status == 200
    assert review.call("POST", path + "/claim", "officer2").status == 200
    assert (
        review.call("POST", path + "/release", "officer2", json_body={"note": "ok"}).status == 200
    )
    assert review.redis.exists(review.keys.claim(hold.hold_id)) == 0, "resolving frees the claim"
    closed = review.call("POST", path + "/claim", "officer")
    assert closed.status == 409 and "released" in closed.body["message"]

    actions = [e["action"] for e in review.call("GET", path + "/audit", "viewer").body["audit"]]
    assert actions == ["create", "claim", "claim", "unclaim", "claim", "release"]


def test_next_hands_out_the_most_urgent_unclaimed_hold_once(review: ReviewApi) -> None:
    settings = review.settings
    mild = seed_hold(settings, score=40, created_at=minutes_ago(60))
    old_risky = seed_hold(settings, score=90, created_at=minutes_ago(30))
    new_risky = seed_hold(settings, score=90, created_at=minutes_ago(10))

    handed = [
        review.call("POST", "/api/queue/next", officer).body["hold"]
        for officer in ("officer", "officer2", "officer", "supervisor")
    ]
    assert [h["hold_id"] if h else None for h in handed] == [
        old_risky.hold_id,
        new_risky.hold_id,
        mild.hold_id,
        None,
    ]
    assert handed[0]["claim"]["by"] == "officer" and handed[1]["claim"]["by"] == "officer2"
    assert "events" in handed[0] and "audit" in handed[0]


def test_notes_are_kept_on_the_hold_and_in_the_officers_trail(review: ReviewApi) -> None:
    hold = seed_hold(review.settings)
    path = f"/api/holds/{hold.hold_id}"
    added = review.call(
        "POST", path + "/notes", "officer", json_body={"text": " Called; no answer. "}
    )
    assert added.status == 201
    assert review.call("POST", path + "/notes", "officer", json_body={"text": "  "}).status == 400
    too_long = review.call("POST", path + "/notes", "officer", json_body={"text": "x" * 2001})
    assert too_long.status == 400
    not_json = review.call(
        "POST",
        path + "/notes",
        "officer",
        data=b"text=hi",
        content_type="application/x-www-form-urlencoded",
    )
    assert not_json.status == 400

    detail = review.call("GET", path, "viewer").body
    assert [(n["by"], n["note"], n["role"]) for n in detail["notes"]] == [
        ("officer", "Called; no answer.", "officer")
    ]
    mine = review.call("GET", "/api/audit/users/officer", "officer").body["audit"]
    assert [(e["action"], e["hold_id"]) for e in mine] == [("note", hold.hold_id)]
    everything = review.call("GET", "/api/audit", "supervisor").body["audit"]
    assert ("note", hold.hold_id, "officer") in [
        (e["action"], e["hold_id"], e["by"]) for e in everything
    ]


def test_release_tells_the_bank_on_kafka_and_clears_the_outbox(review: ReviewApi) -> None:
    hold = seed_hold(review.settings)
    field = outbox_field(hold.hold_id, "released")

    response = review.call(
        "POST",
        f"/api/holds/{hold.hold_id}/release",
        "officer",
        json_body={"note": "customer confirmed"},
    )
    assert response.status == 200, response.text
    assert response.body["published"] is True
    assert response.body["hold"]["status"] == "released"
    stored = review.hold(hold.hold_id)
    assert (stored["status"], stored["resolved_by"], stored["note"]) == (
        "released",
        "officer",
        "customer confirmed",
    )
    assert review.redis.zscore(review.keys.holds_open, hold.hold_id) is None
    assert review.redis.hexists(review.keys.outbox, field) == 0
    assert review.redis.zscore(review.keys.outbox_due, field) is None

    [change] = [c for c in review.changes_for(hold.hold_id) if c["status"] == "released"]
    validate(change, "hold_change")
    assert (change["previous_status"], change["changed_by"], change["note"]) == (
        "held",
        "officer",
        "customer confirmed",
    )

    again = review.call("POST", f"/api/holds/{hold.hold_id}/release", "officer", json_body={})
    assert again.status == 409 and "released" in again.body["message"]
    audit = review.redis.xrange(review.keys.audit)
    actions = [(f["action"], f["by"]) for _, f in audit if f["hold_id"] == hold.hold_id]
    assert actions == [("create", "screener"), ("status", "officer")]
    trail = review.call("GET", f"/api/holds/{hold.hold_id}/audit", "viewer").body["audit"]
    assert [(e["action"], e["by"]) for e in trail] == [
        ("create", "screener"),
        ("release", "officer"),
    ]
    [release] = [e for e in response.body["hold"]["audit"] if e["action"] == "release"]
    assert release["before"]["status"] == "held" and release["after"] == {"status": "released"}
    listed = review.call("GET", "/api/holds?status=released", "viewer").body
    assert ids(listed) == [hold.hold_id]


def test_when_kafka_does_not_answer_the_outbox_keeps_the_change_for_the_sweeper(
    review_factory: ReviewFactory,
) -> None:
    review = review_factory(SCREENER_KAFKA_BOOTSTRAP="127.0.0.1:1")
    hold = seed_hold(review.settings)
    response = review.call("POST", f"/api/holds/{hold.hold_id}/release", "officer", json_body={})
    assert response.status == 200
    assert response.body["published"] is False
    assert review.hold(hold.hold_id)["status"] == "released"
    assert review.redis.hexists(review.keys.outbox, outbox_field(hold.hold_id, "released")) == 1
    metrics = review.call("GET", "/metrics").text
    assert "screener_review_publish_failures_total 1.0" in metrics
    ready = review.call("GET", "/readyz")
    assert ready.status == 503 and ready.body["kafka"] is False and ready.body["redis"] is True


def test_an_officer_releases_a_loan_whose_legal_part_the_worker_noted_done(
    review: ReviewApi,
) -> None:
    loan = seed_hold(
        review.settings,
        event_type="loan_approval",
        reasons=[
            reason("cooling_period", 40, hold_until="2026-01-01T00:00:00+05:00"),
            reason("risky_session", 65),
        ],
        amount="9000000.00",
    )
    # What the worker writes when the period passed and the borrower reconfirmed.
    review.redis.hset(
        review.keys.hold(loan.hold_id),
        mapping={"regulatory_satisfied_at": "2026-01-01T00:00:00+05:00"},
    )
    path = f"/api/holds/{loan.hold_id}/release"
    released = review.call("POST", path, "officer", json_body={"note": "called, genuine"})
    assert released.status == 200, released.text
    assert [e["action"] for e in released.body["hold"]["audit"]].count("release") == 1


def test_only_a_supervisor_may_lift_a_cooling_period_early(review: ReviewApi) -> None:
    loan = seed_hold(
        review.settings,
        event_type="loan_approval",
        reasons=[reason("cooling_period", 40, hold_until="2099-01-01T00:00:00+05:00")],
        hold_until=datetime.now(UTC) + timedelta(hours=20),
        amount="9000000.00",
    )
    path = f"/api/holds/{loan.hold_id}/release"
    officer = review.call("POST", path, "officer", json_body={"note": "customer insists"})
    assert officer.status == 403 and "supervisor" in officer.body["message"]
    assert review.call("POST", path, "supervisor", json_body={}).status == 400
    lifted = review.call("POST", path, "supervisor", json_body={"note": "in-person check done"})
    assert lifted.status == 200
    assert review.hold(loan.hold_id)["status"] == "released"
    assert review.redis.zscore(review.keys.holds_timed, loan.hold_id) is None
    [entry] = [e for e in lifted.body["hold"]["audit"] if e["action"] == "lift_cooling_period"]
    assert (entry["by"], entry["role"], entry["note"]) == (
        "supervisor",
        "supervisor",
        "in-person check done",
    )
    assert entry["before"]["hold_until"] is not None
    [change] = [c for c in review.changes_for(loan.hold_id) if c["status"] == "released"]
    assert change["changed_by"] == "supervisor"
    metrics = review.call("GET", "/metrics").text
    assert 'screener_review_actions_total{kind="lift_cooling_period"} 1.0' in metrics


def test_confirmed_fraud_blocks_the_receiver_and_marks_the_victim(review: ReviewApi) -> None:
    hold = seed_hold(review.settings)
    response = review.call(
        "POST",
        f"/api/holds/{hold.hold_id}/confirm-fraud",
        "officer",
        json_body={"note": "scam call"},
    )
    assert response.status == 200, response.text
    assert response.body["published"] is True
    assert review.hold(hold.hold_id)["status"] == "confirmed_fraud"

    block = review.block(hold.receiver_account)
    assert block is not None
    assert set(block) == {"reason", "rule", "hold_id", "created_at", "expires_at", "suspension"}
    assert block["suspension"]["business_days"] == 5
    assert (block["rule"], block["hold_id"]) == ("confirmed_fraud", hold.hold_id)
    ttl = review.redis.ttl(review.keys.block(hold.receiver_account))
    expires = datetime.fromisoformat(block["expires_at"])
    created = datetime.fromisoformat(block["created_at"])
    assert expires == add_business_days(created.astimezone(ZoneInfo("Asia/Almaty")), 5)
    assert expires.weekday() < 5 and 5 * 86400 <= (expires - created).total_seconds() <= 7 * 86400
    assert abs(ttl - (expires - created).total_seconds()) < 5
    assert review.block(hold.sender_account) is None, "the victim's own account stays open"
    assert review.redis.get(review.keys.confirmed_victim(hold.customer_id)) is not None

    [change] = [c for c in review.changes_for(hold.hold_id) if c["status"] == "confirmed_fraud"]
    validate(change, "hold_change")
    assert (change["previous_status"], change["changed_by"]) == ("held", "officer")

    detail = response.body["hold"]
    assert detail["follow"]["receiver_block"] == {
        "account": hold.receiver_account,
        "result": "blocked",
    }
    assert detail["follow"]["steps"] == []
    actions = [e["action"] for e in detail["audit"]]
    assert actions == ["create", "confirm_fraud", "mark_victim", "block", "follow_propose"]
    again = review.call("POST", f"/api/holds/{hold.hold_id}/confirm-fraud", "officer", json_body={})
    assert again.status == 409


def test_fraud_confirmed_on_a_loan_marks_the_victim_and_blocks_nothing(review: ReviewApi) -> None:
    loan = seed_hold(
        review.settings, event_type="loan_approval", reasons=[reason("cooling_period", 40)]
    )
    response = review.call(
        "POST",
        f"/api/holds/{loan.hold_id}/confirm-fraud",
        "officer",
        json_body={"note": "1414 call"},
    )
    assert response.status == 200
    assert response.body["hold"]["follow"]["receiver_block"] is None
    assert review.redis.get(review.keys.confirmed_victim(loan.customer_id)) is not None
    assert not list(review.redis.scan_iter(review.keys.block("*")))


def test_fraud_is_confirmed_only_on_a_held_hold(review: ReviewApi) -> None:
    """Finding: confirm-fraud was accepted on holds already released (and on refused
    payments), blocking receivers of money long gone. Only a held hold may be confirmed."""
    refused = seed_hold(review.settings, verdict="block", score=95)
    released = seed_hold(review.settings)
    review.call("POST", f"/api/holds/{released.hold_id}/release", "officer", json_body={})
    for hold, status in ((refused, "blocked"), (released, "released")):
        response = review.call(
            "POST", f"/api/holds/{hold.hold_id}/confirm-fraud", "officer", json_body={}
        )
        assert response.status == 409, response.text
        assert review.hold(hold.hold_id)["status"] == status
        assert review.block(hold.receiver_account) is None
        assert review.redis.get(review.keys.confirmed_victim(hold.customer_id)) is None
    refused_release = review.call(
        "POST", f"/api/holds/{refused.hold_id}/release", "supervisor", json_body={}
    )
    assert refused_release.status == 409


def test_a_hold_whose_event_id_is_any_text_can_be_reviewed(review: ReviewApi) -> None:
    """The contract lets event ids be any 1-128 characters; a hold is its event's id."""
    hold = seed_hold(review.settings, hold_id="платёж/2026 #7?от=банк")
    path = "/api/holds/" + quote(hold.hold_id, safe="")

    shown = review.call("GET", path, "viewer")
    assert shown.status == 200, shown.text
    assert shown.body["hold_id"] == hold.hold_id
    released = review.call("POST", path + "/release", "officer", json_body={"note": "ok"})
    assert released.status == 200, released.text
    assert review.hold(hold.hold_id)["status"] == "released"
    too_long = review.call("GET", "/api/holds/" + "x" * 129, "viewer")
    assert too_long.status == 400


def test_releasing_a_hold_a_suspension_caused_lifts_the_suspension(review: ReviewApi) -> None:
    mule = factories.new_kz_iban()
    suspension = review.keys.suspension(mule)
    review.redis.set(suspension, '{"rule": "mule_evidence", "reason": "test"}', ex=3600)
    hold = seed_hold(
        review.settings,
        receiver_account=mule,
        reasons=[
            {
                "rule": "suspended_account",
                "score": 65,
                "message": {"en": "suspended", "ru": "приостановлен", "kk": "тоқтатылды"},
                "measured": {"account": mule, "suspended": True},
            }
        ],
    )
    other = seed_hold(review.settings, receiver_account=mule)  # another rule's hold

    response = review.call(
        "POST", f"/api/holds/{hold.hold_id}/release", "officer", json_body={"note": "trader"}
    )
    assert response.status == 200, response.text
    assert review.redis.exists(suspension) == 0
    trail = review.call("GET", f"/api/holds/{hold.hold_id}/audit", "officer").body["audit"]
    lifted = [entry for entry in trail if entry["action"] == "lift_suspension"]
    assert [(e["hold_id"], e["account"], e["by"]) for e in lifted] == [
        (hold.hold_id, mule, "officer")
    ], trail
    # A release of a hold no suspension caused touches no suspension.
    review.redis.set(suspension, '{"rule": "mule_evidence"}', ex=3600)
    review.call("POST", f"/api/holds/{other.hold_id}/release", "officer", json_body={})
    assert review.redis.exists(suspension) == 1


def test_rule_precision_counts_officers_verdicts(review: ReviewApi) -> None:
    confirmed = seed_hold(review.settings, reasons=[reason("mule_evidence", 70)])
    released = seed_hold(
        review.settings, reasons=[reason("mule_evidence", 70), reason("velocity", 35)]
    )
    seed_hold(review.settings, reasons=[reason("velocity", 65)])  # still open: no verdict
    assert (
        review.call(
            "POST", f"/api/holds/{confirmed.hold_id}/confirm-fraud", "officer", json_body={}
        ).status
        == 200
    )
    assert (
        review.call(
            "POST", f"/api/holds/{released.hold_id}/release", "officer", json_body={}
        ).status
        == 200
    )
    body = review.call("GET", "/api/rules/precision", "viewer").body
    by_rule = {row["rule"]: row for row in body["rules"]}
    assert by_rule["mule_evidence"] == {
        "rule": "mule_evidence",
        "confirmed_fraud": 1,
        "released": 1,
        "precision": 0.5,
    }
    assert by_rule["velocity"]["precision"] == 0.0 and body["days"] == 30
    bad = review.call("GET", "/api/rules/precision?days=0", "viewer")
    assert bad.status == 400
