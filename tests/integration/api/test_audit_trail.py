"""The audit trail: every act committed with its entry, hash-chained per entity, carried to
`screener.audit`, and `screener audit verify` passing on it and failing on a gap or an edit.
Real Kafka, real Redis, the real `screener` command."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kafka import KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

from screener.adapters.kafka_producers import close_producer
from screener.api.auth import Role
from screener.api.users import add_user
from screener.audit_cli import read_topic
from screener.settings import Settings
from tests import factories
from tests.integration.api.conftest import ReviewFactory
from tests.integration.api.support import ReviewApi, seed_hold, validate
from tests.integration.conftest import Deployment

WALLET = "+77011234567"


def origin(review: ReviewApi) -> dict[str, str]:
    return {"Origin": review.base_url}


def audit_records(
    settings: Settings, done: Callable[[list[dict[str, Any]]], bool], timeout: float = 60.0
) -> list[dict[str, Any]]:
    """The audit topic from its start, read again until `done` or the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        records = list(read_topic(settings, settings.topics.audit))
        if done(records) or time.monotonic() > deadline:
            return records
        time.sleep(0.5)


def verify(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SCREENER_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
        "SCREENER_REDIS_URL": settings.redis_url,
        "SCREENER_REDIS_PREFIX": settings.redis_prefix,
        "SCREENER_TOPIC_AUDIT": settings.topics.audit,
    }
    return subprocess.run(
        [sys.executable, "-m", "screener.cli", "audit", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_topic(settings: Settings, name: str, records: list[dict[str, Any]]) -> None:
    """Write records, as given, to a new topic: the audit topic as a tamperer left it."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    try:
        admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    for record in records:
        producer.send(name, key=record["entity_id"].encode(), value=json.dumps(record).encode())
    close_producer(producer)


def drop_topic(settings: Settings, name: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    try:
        admin.delete_topics([name])
    finally:
        admin.close()


def heads_total(review: ReviewApi) -> int:
    heads = review.redis.hgetall(f"{review.settings.redis_prefix}audit:heads")
    return sum(int(str(v).partition("|")[0]) for v in heads.values())  # type: ignore[union-attr]


def block_unblock_and_import(review: ReviewApi) -> None:
    """A supervisor blocks the wallet, unblocks it, then imports it and a card token."""
    wallet = "/api/blocklist/" + quote(WALLET, safe="")
    assert review.call("PUT", wallet, "supervisor", json_body={"reason": "mule"}).status == 200
    assert review.block(WALLET) is not None
    assert review.call("DELETE", wallet, "supervisor").status == 200
    assert review.block(WALLET) is None
    imported = review.call(
        "POST",
        "/api/blocklist/import",
        "supervisor",
        data=f"{WALLET},again\ntok_4400,card\n".encode(),
        content_type="text/csv",
    )
    assert imported.status == 200 and imported.body["imported"] == 2
    assert review.block("tok_4400") is not None


def test_every_act_reaches_the_audit_topic_and_the_chains_verify(review: ReviewApi) -> None:
    """Findings: the trail lived only in Redis, block-list changes never reached Kafka and
    failed logins left no entry. Each act below is on `screener.audit`, keyed by the
    entity acted on, chained, and `screener audit verify` passes; then it fails on a copy
    of the topic with one entry removed, one edited, or the last one cut off."""
    settings = review.settings
    failed = review.call("POST", "/login", json_body={"token": "wrong"}, headers=origin(review))
    assert failed.status == 401
    ok = review.call(
        "POST", "/login", json_body={"token": review.tokens["officer"]}, headers=origin(review)
    )
    assert ok.status == 200
    hold = seed_hold(settings, score=70)
    path = f"/api/holds/{hold.hold_id}"
    assert review.call("POST", f"{path}/claim", "officer", json_body={}).status == 200
    for text in ("called the customer", "customer confirms the payment"):
        assert review.call("POST", f"{path}/notes", "officer", json_body={"text": text}).status
    assert review.call("POST", f"{path}/release", "officer", json_body={}).status == 200
    block_unblock_and_import(review)

    expected = heads_total(review)
    records = audit_records(settings, lambda rs: len(rs) >= expected)
    assert len(records) == expected
    for record in records:
        validate(record, "audit_entry")
    by_action: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_action.setdefault(record["action"], []).append(record)
    [refused] = by_action["login_failed"]
    assert (refused["entity_kind"], refused["source_address"]) == ("address", "127.0.0.1")
    assert by_action["login"][0]["source_address"] == "127.0.0.1"
    hold_chain = sorted(
        (r for r in records if r["entity_kind"] == "hold" and r["entity_id"] == hold.hold_id),
        key=lambda r: r["seq"],
    )
    assert [r["action"] for r in hold_chain] == ["claim", "note", "note", "release"]
    assert [r["seq"] for r in hold_chain] == [1, 2, 3, 4]
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(hold_chain))
    wallet_chain = [r["action"] for r in records if r["entity_id"] == WALLET]
    assert wallet_chain == ["block", "unblock", "block_import"]
    assert {r["entity_kind"] for r in records} >= {"hold", "account", "user", "address"}

    intact = verify(settings)
    assert intact.returncode == 0, intact.stderr
    assert f"{expected} entries" in intact.stdout and "intact" in intact.stdout

    removed = f"{settings.topics.audit}.removed"
    edited = f"{settings.topics.audit}.edited"
    cut = f"{settings.topics.audit}.cut"
    note = hold_chain[1]
    copy_topic(settings, removed, [r for r in records if r is not note])
    copy_topic(settings, edited, [{**r, "note": "nothing"} if r is note else r for r in records])
    copy_topic(settings, cut, [r for r in records if r is not hold_chain[-1]])
    try:
        gap = verify(settings, "--topic", removed, "--no-redis")
        assert gap.returncode == 1
        assert f"hold:{hold.hold_id} #2: missing" in gap.stderr
        edit = verify(settings, "--topic", edited, "--no-redis")
        assert edit.returncode == 1 and f"hold:{hold.hold_id} #2" in edit.stderr
        assert "edited" in edit.stderr
        tail = verify(settings, "--topic", cut)
        assert tail.returncode == 1 and "the topic ends at #3 (removed)" in tail.stderr
        assert verify(settings, "--topic", cut, "--no-redis").returncode == 0, (
            "without Redis's heads a cut tail leaves no gap: that is what the heads are for"
        )
    finally:
        for name in (removed, edited, cut):
            drop_topic(settings, name)


def test_concurrent_acts_on_one_hold_chain_without_a_fork(review: ReviewApi) -> None:
    """Two officers claim one hold at once: one wins, one entry; the chain stays whole."""
    hold = seed_hold(review.settings)
    path = f"/api/holds/{hold.hold_id}"
    with ThreadPoolExecutor(4) as pool:
        statuses = list(
            pool.map(
                lambda who: review.call("POST", f"{path}/claim", who, json_body={}).status,
                ["officer", "officer2", "supervisor", "supervisor2"],
            )
        )
        notes = list(
            pool.map(
                lambda i: review.call(
                    "POST", f"{path}/notes", "supervisor", json_body={"text": f"n{i}"}
                ).status,
                range(8),
            )
        )
    assert sorted(statuses).count(200) == 1 and notes == [201] * 8
    trail = review.call("GET", f"{path}/audit", "viewer").body["audit"]
    seqs = [e["seq"] for e in trail if e.get("entity_kind") == "hold"]
    assert sorted(seqs) == list(range(1, 10))
    expected = heads_total(review)
    audit_records(review.settings, lambda rs: len(rs) >= expected)
    assert verify(review.settings).returncode == 0


def test_an_officers_own_flood_cannot_push_an_act_out_of_the_trail(
    review_factory: ReviewFactory,
) -> None:
    """Finding: an unblock followed by one 100,000-line import fell out of the supervisor's
    own trail (streams trimmed at 100,000). Views are no longer trimmed by count."""
    review = review_factory()
    wallet = "/api/blocklist/" + quote(WALLET, safe="")
    review.call("PUT", wallet, "supervisor", json_body={"reason": "mule"})
    assert review.call("DELETE", wallet, "supervisor").status == 200
    lines = "\n".join(f"KZ{i:018d},afc" for i in range(100_000))
    imported = review.call(
        "POST",
        "/api/blocklist/import",
        "supervisor",
        data=lines.encode(),
        content_type="text/csv",
        timeout=600,  # 100,000 audited blocks: ~45 s on an idle 2-core machine
    )
    assert imported.status == 200 and imported.body["imported"] == 100_000
    view = f"{review.settings.redis_prefix}audit:user:supervisor"
    assert review.redis.xlen(view) == 100_002
    [(_id, first)] = review.redis.xrange(view, count=2)[1:]
    assert json.loads(first["record"])["action"] == "unblock"  # type: ignore[index]


def test_limits_per_user_on_notes_imports_and_queue_reads(review_factory: ReviewFactory) -> None:
    review = review_factory(
        SCREENER_NOTES_PER_HOUR="2",
        SCREENER_IMPORTS_PER_DAY="1",
        SCREENER_QUEUE_READS_PER_MINUTE="3",
    )
    hold = seed_hold(review.settings)
    notes = [
        review.call("POST", f"/api/holds/{hold.hold_id}/notes", "officer", json_body={"text": "x"})
        for _ in range(3)
    ]
    assert [n.status for n in notes] == [201, 201, 429]
    assert notes[2].headers["Retry-After"] == "3600"
    other = review.call(
        "POST", f"/api/holds/{hold.hold_id}/notes", "officer2", json_body={"text": "x"}
    )
    assert other.status == 201, "the limit is per user"
    csv = {"data": b"KZ1,afc\n", "content_type": "text/csv"}
    assert review.call("POST", "/api/blocklist/import", "supervisor", **csv).status == 200
    assert review.call("POST", "/api/blocklist/import", "supervisor", **csv).status == 429
    reads = [review.call("GET", "/api/holds", "viewer").status for _ in range(4)]
    assert reads == [200, 200, 200, 429]


def test_a_rules_reload_is_audited(deployment: Deployment, tmp_path: Path) -> None:
    from screener.settings import load_rules

    shipped = load_rules(None).version
    rules_file = tmp_path / "rules.yaml"
    packaged = Path(__file__).resolve().parents[3] / "screener" / "config" / "rules.yaml"
    rules_file.write_text(packaged.read_text())
    deployment.start_worker(
        SCREENER_RULES_FILE=str(rules_file), SCREENER_RULES_RELOAD_SECONDS="0.5"
    )
    time.sleep(3)  # the worker starts and reads the file once; the change must be newer
    rules_file.write_text(
        rules_file.read_text().replace(f'version: "{shipped}"', 'version: "audited"')
    )
    settings = deployment.settings
    records = audit_records(
        settings, lambda rs: any(r["action"] == "rules_reload" for r in rs), timeout=120
    )
    [reload] = [r for r in records if r["action"] == "rules_reload"]
    validate(reload, "audit_entry")
    assert (reload["before"], reload["after"]) == ({"version": shipped}, {"version": "audited"})
    assert (reload["entity_kind"], reload["entity_id"], reload["by"]) == (
        "rules",
        str(rules_file),
        "screener",
    )


def test_user_management_is_audited_and_rotation_replaces_the_token(
    review: ReviewApi,
) -> None:
    """Finding: tokens never expired and could not be rotated."""
    settings = review.settings
    env = {
        **os.environ,
        "SCREENER_REDIS_URL": settings.redis_url,
        "SCREENER_REDIS_PREFIX": settings.redis_prefix,
        "SCREENER_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
    }
    old = review.tokens["officer"]
    rotated = subprocess.run(
        [sys.executable, "-m", "screener.cli", "users", "rotate", "officer"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip().splitlines()[-1]
    assert new != old
    assert review.call("GET", "/api/me", token=old).status == 401
    assert review.call("GET", "/api/me", token=new).status == 200
    user_key = review.keys.user("officer")
    review.redis.hset(user_key, "token_expires_at", "2026-01-01T00:00:00+00:00")
    expired = review.call("GET", "/api/me", token=new)
    assert expired.status == 401 and "expired" in expired.body["message"]

    token = add_user(settings, "newcomer", Role.VIEWER)
    assert review.call("GET", "/api/me", token=token).status == 200
    expected = heads_total(review)
    records = audit_records(settings, lambda rs: len(rs) >= expected)
    actions = [(r["action"], r["entity_id"]) for r in records if r["entity_kind"] == "user"]
    assert ("user_rotate", "officer") in actions and ("user_add", "newcomer") in actions
    [rotation] = [r for r in records if r["action"] == "user_rotate"]
    assert rotation["by"].startswith("cli:") and new not in json.dumps(rotation)


def test_login_is_throttled_and_every_failure_audited_and_counted(
    review_factory: ReviewFactory,
) -> None:
    """Finding: /login was not throttled and failures left no entry."""
    review = review_factory(SCREENER_LOGIN_FAILURES_MAX="3")
    for _ in range(3):
        bad = review.call("POST", "/login", json_body={"token": "guess"}, headers=origin(review))
        assert bad.status == 401
    right = review.call(
        "POST", "/login", json_body={"token": review.tokens["officer"]}, headers=origin(review)
    )
    assert right.status == 429 and "Set-Cookie" not in right.headers
    text = review.call("GET", "/metrics").text
    assert "screener_api_login_failures_total 4.0" in text
    expected = heads_total(review)
    records = audit_records(review.settings, lambda rs: len(rs) >= expected)
    refused = [r for r in records if r["action"] == "login_failed"]
    assert len(refused) == 4
    assert {r["source_address"] for r in refused} == {"127.0.0.1"}
    assert refused[-1]["note"] == "throttled"


def test_origin_is_checked_against_the_public_url(review_factory: ReviewFactory) -> None:
    """Finding: the check compared with request.scheme, so behind a TLS proxy the page could
    not log in. Here the API speaks plain HTTP and the page's public URL is https."""
    review = review_factory(SCREENER_PUBLIC_URL="https://review.bank.kz")
    token = {"token": review.tokens["officer"]}
    behind_proxy = review.call(
        "POST", "/login", json_body=token, headers={"Origin": "https://review.bank.kz"}
    )
    assert behind_proxy.status == 200, behind_proxy.text
    for wrong in (review.base_url, "https://evil.example", "http://review.bank.kz"):
        response = review.call("POST", "/login", json_body=token, headers={"Origin": wrong})
        assert response.status == 403, wrong
    assert review.call("POST", "/login", json_body=token).status == 403, "no Origin, no login"


def test_accounts_as_the_worker_sees_them(review: ReviewApi) -> None:
    """Finding: accounts the worker can block (any 1-256 characters) could not be read,
    changed or unblocked through the API."""
    for account in (WALLET, "tok_4400-1234/5678?x#y", "кошелёк Каспий №7", "A" * 256):
        path = "/api/blocklist/" + quote(account, safe="")
        assert review.call("GET", path, "viewer").status == 404
        put = review.call(
            "PUT", path, "supervisor", json_body={"reason": "mule", "ttl_seconds": 60}
        )
        assert put.status == 200, (account, put.text)
        assert put.body["account"] == account
        assert review.block(account) is not None
        got = review.call("GET", path, "viewer")
        assert got.status == 200 and got.body["account"] == account
        profile = review.call("GET", "/api/accounts/" + quote(account, safe=""), "viewer")
        assert profile.status == 200 and profile.body["blocked"] is True
        assert review.call("DELETE", path, "supervisor").status == 200
        assert review.block(account) is None


def test_an_unreadable_csv_answers_400_naming_the_line(review: ReviewApi) -> None:
    """Finding: a field over 128 KB or a bare CR answered 500 with a stack trace."""
    for body in (
        b"KZ1,ok\nKZ2," + b"x" * (128 * 1024 + 10) + b"\n",
        b"KZ1,ok\nKZ2,bare\rreturn\n",
    ):
        response = review.call(
            "POST", "/api/blocklist/import", "supervisor", data=body, content_type="text/csv"
        )
        assert response.status == 400, response.text
        assert response.body["message"].startswith("line 2: not readable as CSV")
    assert review.block("KZ1") is None, "a file refused whole blocks nothing"


def test_a_high_score_release_takes_two_officers(review: ReviewApi) -> None:
    """Finding: releases of high-score holds needed one officer only."""
    high = seed_hold(review.settings, score=95, amount="900000.00")
    path = f"/api/holds/{high.hold_id}/release"
    first = review.call("POST", path, "officer", json_body={"note": "customer called"})
    assert first.status == 200 and first.body["pending_second"] is True
    assert review.hold(high.hold_id)["status"] == "held"
    assert first.body["hold"]["release_request"]["by"] == "officer"
    same = review.call("POST", path, "officer", json_body={})
    assert same.status == 409 and "second officer" in same.body["message"]
    second = review.call("POST", path, "officer2", json_body={"note": "agreed"})
    assert second.status == 200, second.text
    assert review.hold(high.hold_id)["status"] == "released"
    trail = review.call("GET", f"/api/holds/{high.hold_id}/audit", "viewer").body["audit"]
    steps = [(e["action"], e["by"]) for e in trail if e["action"].startswith("release")]
    assert steps == [("release_request", "officer"), ("release", "officer2")]
    low = seed_hold(review.settings, score=70)
    alone = review.call("POST", f"/api/holds/{low.hold_id}/release", "officer", json_body={})
    assert alone.status == 200 and review.hold(low.hold_id)["status"] == "released"


def test_four_eyes_on_release_can_be_turned_off(review_factory: ReviewFactory) -> None:
    review = review_factory(SCREENER_RELEASE_FOUR_EYES="0")
    high = seed_hold(review.settings, score=95)
    response = review.call("POST", f"/api/holds/{high.hold_id}/release", "officer", json_body={})
    assert response.status == 200 and review.hold(high.hold_id)["status"] == "released"


def test_the_audit_topic_keeps_entries_for_good(review: ReviewApi) -> None:
    admin = KafkaAdminClient(bootstrap_servers=review.settings.kafka_bootstrap)
    try:
        from kafka.admin import ConfigResource, ConfigResourceType

        [described] = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, review.settings.topics.audit)]
        )
    finally:
        admin.close()
    configs = {name: value for name, value, *_rest in described.resources[0][4]}
    assert configs["retention.ms"] == "-1" and configs["retention.bytes"] == "-1"
    assert factories  # the factories module builds every hold these tests seed
