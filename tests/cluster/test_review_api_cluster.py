"""The review API on the Redis Cluster (`make test-cluster`): an officer's release and
confirm-fraud, a supervisor's block and unblock and a block-list import, through HTTP,
with every audit chain whole on `screener.audit` (`screener audit verify`), the views
copied from each slot's pending records, and the contract's untagged block key answering."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from redis.crc import key_slot

from screener.adapters.audit_log import AuditKeys, AuditLog
from screener.adapters.kafka_admin import delete_topics, ensure_topics
from screener.adapters.redis_client import redis_from_url
from screener.adapters.redis_keys import RedisKeys
from screener.domain.audit import AuditEntry
from screener.settings import Settings
from tests.integration.api.conftest import USERS
from tests.integration.api.support import delete_prefix, isolated_env, seed_hold, start_review
from tests.integration.api.test_audit_trail import (
    WALLET,
    audit_records,
    block_unblock_and_import,
    verify,
)

pytestmark = pytest.mark.cluster


def chain_of(records: list[dict[str, Any]], kind: str, entity: str) -> list[dict[str, Any]]:
    return sorted(
        (r for r in records if (r["entity_kind"], r["entity_id"]) == (kind, entity)),
        key=lambda r: int(r["seq"]),
    )


def test_officers_and_supervisors_act_on_the_redis_cluster_and_the_chains_verify(
    cluster: dict[str, str],
) -> None:
    services = {**cluster, "SCREENER_REDIS_URL": cluster["SCREENER_REDIS_CLUSTER_URL"]}
    settings = Settings.from_env(isolated_env(services))
    ensure_topics(settings)
    server, review = start_review(settings, USERS)
    try:
        keys = review.keys
        assert keys.hold_shards, "the cluster's layout"
        released = seed_hold(settings, score=60)
        path = f"/api/holds/{released.hold_id}"
        assert review.call("POST", f"{path}/claim", "officer", json_body={}).status == 200
        note = review.call("POST", f"{path}/notes", "officer", json_body={"text": "called"})
        assert note.status == 201 or note.status == 200, note.body
        release = review.call("POST", f"{path}/release", "officer", json_body={})
        assert release.status == 200, release.body
        assert review.hold(released.hold_id)["status"] == "released"
        assert any(c["status"] == "released" for c in review.changes_for(released.hold_id))

        fraud = seed_hold(settings, score=60)
        confirmed = review.call(
            "POST", f"/api/holds/{fraud.hold_id}/confirm-fraud", "officer", json_body={}
        )
        assert confirmed.status == 200, confirmed.body
        assert review.hold(fraud.hold_id)["status"] == "confirmed_fraud"
        # The payment systems' EXISTS on the contract's untagged key.
        block_key = f"{settings.redis_prefix}block:account:{fraud.receiver_account}"
        assert keys.block(fraud.receiver_account) == block_key
        assert review.redis.exists(block_key) == 1

        block_unblock_and_import(review)

        audit_keys = AuditKeys(settings.redis_prefix, keys)
        heads = review.redis.hgetall(audit_keys.heads)
        expected = sum(int(str(v).partition("|")[0]) for v in heads.values())
        records = audit_records(settings, lambda rs: len(rs) >= expected)
        assert len(records) == expected
        hold_chain = chain_of(records, "hold", released.hold_id)
        assert [r["action"] for r in hold_chain] == ["claim", "note", "release"]
        assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(hold_chain))
        assert chain_of(records, "hold", fraud.hold_id)[0]["action"] == "confirm_fraud"
        receiver = [r["action"] for r in chain_of(records, "account", fraud.receiver_account)]
        assert receiver and receiver[0] == "block", receiver
        wallet_chain = [r["action"] for r in chain_of(records, "account", WALLET)]
        assert wallet_chain == ["block", "unblock", "block_import"]
        # An account's chain head is in its block key's slot: the change and the entry
        # were one transaction there.
        head = audit_keys.head(f"account:{WALLET}")
        assert key_slot(head.encode()) == key_slot(keys.block(WALLET).encode())
        assert review.redis.get(head) == heads[f"account:{WALLET}"]
        # The views were copied, nothing is left pending, the outbox drained.
        trail = review.call("GET", f"{path}/audit", "viewer")
        assert [e["action"] for e in trail.body["audit"]][-3:] == ["claim", "note", "release"]
        pending = [k for k in review.redis.scan_iter(f"{settings.redis_prefix}audit:pending:*")]
        assert all(review.redis.hlen(k) == 0 for k in pending)

        intact = verify(settings)
        assert intact.returncode == 0, intact.stderr
        assert f"{expected} entries" in intact.stdout and "intact" in intact.stdout
    finally:
        server.stop()
        review.close()
        delete_prefix(review.redis, settings.redis_prefix)
        review.redis.close()
        delete_topics(settings)


def test_a_crash_between_a_steps_transaction_and_its_copy_is_finished_by_recovery(
    cluster: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step's change and sealed records are in its slot; the copy to the views and the
    outbox dies (as the process would): the chain is whole, `recover` copies the records
    once the grace has passed, and copying them again adds nothing."""
    prefix = f"test-recover-{uuid.uuid4().hex[:8]}:"
    keys = RedisKeys.for_cluster(prefix)
    at = datetime.now(UTC)

    def note(text: str) -> AuditEntry:
        return AuditEntry(action="note", by="ann", role="officer", at=at, hold_id="H1", note=text)

    async def crashed(slot: int) -> int:
        raise ConnectionError(f"the API died before copying slot {slot}")

    async def main() -> None:
        redis = redis_from_url(cluster["SCREENER_REDIS_CLUSTER_URL"], decode_responses=True)
        log = AuditLog(redis, prefix, keys)
        copy = log._copy_pending
        try:
            monkeypatch.setattr(log, "_copy_pending", crashed)
            await log.record(note("first"))
            await log.record(note("second"))
            assert await log.hold_trail("H1", 10) == []
            assert await redis.get(log.keys.head("hold:H1")) is not None
            monkeypatch.setattr(log, "_copy_pending", copy)
            assert await log.recover() == 0, "within the grace a step may still be copying"
            assert await log.recover(grace_seconds=0) == 2
            trail = await log.hold_trail("H1", 10)
            assert [(r["note"], r["seq"]) for r in trail] == [("first", 1), ("second", 2)]
            assert await log.pending_count() == 2
            assert (await log.heads())["hold:H1"].seq == 2
            # The same records pending again (a copy that died before clearing them).
            slot = key_slot(log.keys.head("hold:H1").encode())
            again = {f"hold:H1|{r['seq']}": orjson.dumps(strip_id(r)).decode() for r in trail}
            await redis.hset(log.keys.pending(slot), mapping=again)  # type: ignore[misc]
            assert await log._copy_pending(slot) == 0
            assert len(await log.hold_trail("H1", 10)) == 2
            assert await redis.hlen(log.keys.pending(slot)) == 0  # type: ignore[misc]
        finally:
            async for key in redis.scan_iter(f"{prefix}*"):
                await redis.delete(key)
            await log.slots.aclose()
            await redis.aclose()

    asyncio.run(main())


def strip_id(record: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name != "id"}
