"""The key layout on a Redis Cluster: every script and transaction on one hash slot, the
payment systems' block key unchanged, and a single Redis's names those of CONTRACT §4."""

from __future__ import annotations

import pytest
from redis.crc import key_slot

from screener.adapters.audit_log import AuditKeys
from screener.adapters.redis_cluster_store import keys_for
from screener.adapters.redis_keys import CLUSTER_HOLD_SHARDS, RedisKeys


def slots(keys: list[str]) -> set[int]:
    return {key_slot(key.encode()) for key in keys}


def test_a_single_redis_keeps_the_contract_names_without_hash_tags() -> None:
    keys = RedisKeys("screener:")
    assert keys.block("KZ01") == "screener:block:account:KZ01"
    assert keys.hold("H1") == "screener:hold:H1"
    assert keys.holds_open == "screener:holds:open"
    assert keys.hold_script_keys("H1")[1:] == [
        "screener:holds:open",
        "screener:holds:timed",
        "screener:outbox",
        "screener:outbox:due",
        "screener:audit",
    ]
    assert keys.history("C1") == "screener:customer:C1:history"
    assert keys.shards == ("",)
    assert keys_for("redis://127.0.0.1:6379/0", "screener:") == keys
    assert keys_for("redis+sentinel://s1:26379/screener", "screener:") == keys


def test_every_hold_script_touches_one_slot_and_the_shards_spread_over_the_cluster() -> None:
    keys = keys_for("redis+cluster://127.0.0.1:7000", "screener:")
    assert keys == RedisKeys.for_cluster("screener:")
    used = set()
    for n in range(2000):
        hold_id = f"evt-{n}"
        script_keys = keys.hold_script_keys(hold_id)
        assert len(slots(script_keys)) == 1, script_keys
        assert slots([keys.claim(hold_id), keys.follow(hold_id)]) == slots(script_keys)
        used.add(keys.shard_of(hold_id))
    assert used == set(keys.shards) and len(keys.shards) == CLUSTER_HOLD_SHARDS
    # 16 shards on 16 different slots, so a cluster spreads them over its primaries.
    assert len(slots([keys.holds_open_in(shard) for shard in keys.shards])) == CLUSTER_HOLD_SHARDS


def test_an_accounts_and_a_customers_keys_share_their_slot_and_the_block_key_is_the_contracts() -> (
    None
):
    keys = RedisKeys.for_cluster("screener:")
    account = "KZ86125KZT5004100100"
    # load_accounts.lua and add_flows.lua: the account's details and flows together.
    assert (
        len(
            slots(
                [
                    keys.account_info(account),
                    keys.account_inbound(account),
                    keys.account_outbound(account),
                    keys.account_profile(account),
                    keys.suspension(account),
                ]
            )
        )
        == 1
    )
    assert len(slots([keys.history("C1"), keys.confirmed_victim("C1")])) == 1
    # The payment systems' EXISTS: the same name on every deployment, no hash tag in it.
    assert keys.block(account) == f"screener:block:account:{account}"
    # The safety cap's buckets: one script per batch reads and adds them all.
    assert len(slots([keys.safety_cap(f"m:{n}") for n in range(50)])) == 1
    assert len(slots([keys.status_workers, keys.status_worker("w1")])) == 1


def test_each_step_of_the_review_api_touches_one_slot_on_a_cluster() -> None:
    """A change and its chain's head share a slot (one WATCH/MULTI there); the views,
    the outbox and the users live in `{review}`; a slot's pending records in that slot."""
    keys = RedisKeys.for_cluster("screener:")
    audit = AuditKeys("screener:", keys)
    account = "KZ86125KZT5004100100"
    hold_step = [*keys.hold_script_keys("H1"), keys.claim("H1"), keys.follow("H1")]
    assert len(slots([*hold_step, audit.head("hold:H1")])) == 1
    # The block key stays the contract's, untagged; the account's chain head is tagged by
    # the block key itself, which hashes as the untagged key does.
    assert keys.block(account) == f"screener:block:account:{account}"
    assert slots([audit.head(f"account:{account}")]) == slots([keys.block(account)])
    assert len(slots([keys.confirmed_victim("C1"), audit.head("customer:C1")])) == 1
    review = [
        keys.user("ann"),
        keys.users,
        keys.user_token("ab12"),
        keys.session("cd34"),
        audit.head("user:ann"),
        audit.head("address:127.0.0.1"),
        audit.heads,
        audit.recent,
        audit.outbox,
        audit.outbox_due,
        audit.hold("H1"),
        audit.user("ann"),
        audit.pending_slots,
    ]
    assert len(slots(review)) == 1
    for slot in (0, 1, 5000, 16383):
        assert slots([audit.pending(slot)]) == {slot}
    with pytest.raises(ValueError, match="brace"):
        audit.head("account:{x}")


def test_a_single_redis_keeps_the_review_apis_key_names() -> None:
    keys = keys_for("redis://127.0.0.1:6379/0", "screener:")
    audit = AuditKeys("screener:", keys)
    assert [keys.user("ann"), keys.users, keys.user_token("ab"), keys.session("cd")] == [
        "screener:user:ann",
        "screener:users",
        "screener:user-token:ab",
        "screener:session:cd",
    ]
    assert audit == AuditKeys("screener:", RedisKeys("screener:")) and not audit.cluster
    assert [audit.head("hold:H1"), audit.heads, audit.hold("H1"), audit.user("ann")] == [
        "screener:audit:head:hold:H1",
        "screener:audit:heads",
        "screener:audit:hold:H1",
        "screener:audit:user:ann",
    ]
    assert [audit.recent, audit.outbox, audit.outbox_due] == [
        "screener:audit:log",
        "screener:audit:outbox",
        "screener:audit:outbox:due",
    ]
    assert AuditKeys("screener:").head("account:A") == "screener:audit:head:account:A"
