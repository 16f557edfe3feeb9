"""Follow-the-money: a confirmed fraud holds the onward transfers and blocks their
receivers hop by hop, on real Kafka and Redis; the chain test runs the real worker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from screener.adapters.redis_keys import lua_source, transition_args
from tests import factories
from tests.integration.api.conftest import USERS, ReviewFactory
from tests.integration.api.support import (
    Hop,
    ReviewApi,
    ServerThread,
    reason,
    seed_flows,
    seed_hold,
    start_review,
    validate,
)
from tests.integration.conftest import Deployment


@pytest.fixture
def review_of(deployment: Deployment) -> Iterator[ReviewApi]:
    """The review API over the deployment the real worker writes to."""
    servers: list[ServerThread] = []
    server, api = start_review(deployment.settings, USERS)
    servers.append(server)
    yield api
    server.stop()
    api.close()
    api.redis.close()


def steps_by_receiver(follow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["to_account"]: step for step in follow["steps"]}


def test_the_money_is_followed_hop_by_hop_through_transfers_the_worker_screened(
    deployment: Deployment, review_of: ReviewApi
) -> None:
    """A -> B is the fraud; B -> C -> D -> E -> F is the mule chain; with the default depth
    of 3, the transfers out of B, C and D are held and C, D and E blocked; E -> F is not."""
    review = review_of
    deployment.start_worker()
    a, b, c, d, e, f, elsewhere = (factories.new_kz_iban() for _ in range(7))
    start = datetime.now(factories.ALMATY).replace(microsecond=0) - timedelta(minutes=40)
    chain = [(a, b), (b, c), (c, d), (d, e), (e, f)]
    transfers = [
        factories.transfer(
            sender_account=sender,
            receiver_account=receiver,
            amount="15000.00",
            occurred_at=(start + timedelta(minutes=5 * i)).isoformat(),
        )
        for i, (sender, receiver) in enumerate(chain)
    ]
    # Money out of B long before the fraud's money arrived is not the victim's money.
    earlier = factories.transfer(
        sender_account=b,
        receiver_account=elsewhere,
        amount="15000.00",
        occurred_at=(start - timedelta(hours=3)).isoformat(),
    )
    for event in (*transfers, earlier):
        deployment.send("transfers", event)
    deployment.wait_for(
        "decisions on every transfer",
        lambda: all(deployment.decisions_for(t["event_id"]) for t in (*transfers, earlier)),
        timeout=120,
    )

    fraud = transfers[0]
    # No transfer rule of the worker holds A -> B yet (the rule set is growing): the hold is
    # written the way such a rule's hold is, through the worker's own Redis adapter.
    seed_hold(
        deployment.settings,
        hold_id=fraud["event_id"],
        customer_id=fraud["customer_id"],
        sender_account=a,
        receiver_account=b,
        amount="15000.00",
        reasons=[reason("safe_account", 70)],
        write_decision=False,
    )

    response = review.call(
        "POST",
        f"/api/holds/{fraud['event_id']}/confirm-fraud",
        "officer",
        json_body={"note": "the customer was told to move money to a safe account"},
    )
    assert response.status == 200, response.text
    assert response.body["published"] is True
    proposed = response.body["hold"]["follow"]
    assert proposed["receiver_block"] == {"account": b, "result": "blocked"}
    # Four eyes: beyond the first receiver, nothing is held or blocked until a supervisor
    # approves what follow-the-money proposes.
    assert {s["state"] for s in proposed["steps"]} == {"proposed"}
    assert all(review.hold(s["event_id"]) == {} for s in proposed["steps"])
    assert review.block(c) is None
    approved = review.call(
        "POST", f"/api/holds/{fraud['event_id']}/follow/approve", "supervisor", json_body={}
    )
    assert approved.status == 200, approved.text
    follow = approved.body["hold"]["follow"]
    assert {s["state"] for s in follow["steps"]} == {"approved"}

    hops = {t["event_id"]: i for i, t in enumerate(transfers)}  # B->C is hop 1, ...
    followed = {step["event_id"]: step for step in follow["steps"]}
    assert set(followed) == {
        transfers[1]["event_id"],
        transfers[2]["event_id"],
        transfers[3]["event_id"],
    }
    for event_id, step in followed.items():
        assert step["hop"] == hops[event_id]
        hold = review.hold(event_id)
        assert hold["status"] in ("held", "blocked")  # a dropper rule may have held it first
        if step["hold"] == "created":
            assert hold["status"] == "held" and hold["hold_until"] == ""
            assert hold["source_hold"] == fraud["event_id"]
            [why] = [
                r for r in review.call("GET", f"/api/holds/{event_id}", "viewer").body["reasons"]
            ]
            assert why["rule"] == "follow_the_money"
            assert f"hop {step['hop']}" in why["message"]["en"]
            for language in ("en", "ru", "kk"):
                assert fraud["event_id"] in why["message"][language]
            assert hold["customer_id"] == transfers[step["hop"]]["customer_id"]
            assert hold["amount"] == "15000.00"
    assert review.hold(transfers[4]["event_id"]) == {}, "E -> F is beyond the depth"
    assert review.hold(earlier["event_id"]) == {}, "money that left B before the fraud"

    for account, rule in ((b, "confirmed_fraud"), (c, None), (d, None), (e, None)):
        block = review.block(account)
        assert block is not None, account
        if rule:
            assert block["rule"] == rule
        ttl = review.redis.ttl(review.keys.block(account))
        assert 4 * 86400 < ttl <= 7 * 86400
    for account in (a, f, elsewhere):
        assert review.block(account) is None, account
    assert review.redis.get(review.keys.confirmed_victim(fraud["customer_id"])) is not None

    def published() -> bool:
        created = [s["event_id"] for s in follow["steps"] if s["hold"] == "created"]
        return any(
            c["status"] == "confirmed_fraud" for c in deployment.hold_changes_for(fraud["event_id"])
        ) and all(
            any(c["status"] == "held" for c in deployment.hold_changes_for(event_id))
            for event_id in created
        )

    deployment.wait_for("the changes on screener.holds", published)
    for change in deployment.outputs["holds"]:
        validate(change, "hold_change")

    trail = review.call("GET", f"/api/holds/{fraud['event_id']}", "viewer").body["audit"]
    actions = [entry["action"] for entry in trail]
    assert actions[:5] == ["create", "confirm_fraud", "mark_victim", "block", "follow_propose"]
    assert actions.count("follow_hold") + actions.count("follow_hold_exists") == 3
    assert actions.count("follow_approve") == 3
    by = {entry["action"]: entry["by"] for entry in trail if entry["action"] != "create"}
    assert by["confirm_fraud"] == by["follow_propose"] == "officer"
    assert by["follow_hold"] == by["follow_approve"] == "supervisor"


def test_depth_window_pooled_accounts_victims_and_cycles(review_factory: ReviewFactory) -> None:
    review = review_factory(
        SCREENER_FOLLOW_DEPTH="2",
        SCREENER_FOLLOW_BEFORE_MINUTES="30",
        SCREENER_FOLLOW_AFTER_HOURS="2",
        SCREENER_FOLLOW_APPROVAL="none",
        SCREENER_FOLLOW_MIN_SHARE="0",
    )
    settings = review.settings
    a, b, c, d, e, exchange, early, late = (factories.new_kz_iban() for _ in range(8))
    t0 = datetime.now(UTC) - timedelta(hours=4)
    fraud = Hop(a, b, t0)
    b_c = Hop(b, c, t0 + timedelta(minutes=10))
    b_exchange = Hop(b, exchange, t0 + timedelta(minutes=12), receiver_kind="crypto_exchange")
    b_a = Hop(b, a, t0 + timedelta(minutes=15))
    b_early = Hop(b, early, t0 - timedelta(minutes=60))
    b_late = Hop(b, late, t0 + timedelta(hours=3))
    c_d = Hop(c, d, t0 + timedelta(minutes=20))
    c_b = Hop(c, b, t0 + timedelta(minutes=25))
    d_e = Hop(d, e, t0 + timedelta(minutes=30))
    seed_flows(settings, [fraud, b_c, b_exchange, b_a, b_early, b_late, c_d, c_b, d_e])
    root = seed_hold(
        settings,
        hold_id=fraud.event_id,
        sender_account=a,
        receiver_account=b,
        customer_id=fraud.sender_customer,
    )
    # A dropper rule already held C -> D; a supervisor blocked C for good.
    seed_hold(settings, hold_id=c_d.event_id, sender_account=c, receiver_account=d, score=80)
    review.call("PUT", f"/api/blocklist/{c}", "supervisor", json_body={"reason": "court order"})

    response = review.call(
        "POST", f"/api/holds/{root.hold_id}/confirm-fraud", "officer", json_body={}
    )
    assert response.status == 200, response.text
    follow = response.body["hold"]["follow"]
    assert follow["depth"] == 2 and follow["truncated"] is False
    got = [(s["hop"], s["event_id"], s["hold"], s["block"]) for s in follow["steps"]]
    assert got == [
        (1, b_c.event_id, "created", "kept"),
        (1, b_exchange.event_id, "created", "not_blocked_crypto_exchange"),
        (1, b_a.event_id, "created", "victim_account"),
        (2, c_d.event_id, "existed", "blocked"),
        (2, c_b.event_id, "created", "already_followed"),
    ]
    for hop in (b_early, b_late, d_e):
        assert review.hold(hop.event_id) == {}
    already_held = review.hold(c_d.event_id)
    assert "follow_the_money" not in already_held["reasons"], "an existing hold is kept"
    # ... but its page names the confirmed fraud the money was traced from.
    assert already_held["source_hold"] == root.hold_id

    assert review.block(b)["rule"] == "confirmed_fraud"  # type: ignore[index]
    assert review.block(c)["reason"] == "court order"  # type: ignore[index]
    assert review.redis.ttl(review.keys.block(c)) == -1, "a permanent block is never shortened"
    assert review.block(d)["rule"] == "follow_the_money"  # type: ignore[index]
    for account in (a, exchange, e, early, late):
        assert review.block(account) is None, account

    created = {s["event_id"] for s in follow["steps"] if s["hold"] == "created"}
    changes = review.published_changes(
        lambda all_changes: created <= {c["hold_id"] for c in all_changes if c["status"] == "held"}
    )
    held = {c["hold_id"] for c in changes if c["status"] == "held"}
    assert created <= held
    # C -> D's hold is the worker's: its creation is the worker's to publish, not the API's.
    assert c_d.event_id not in held
    follow_change = next(c for c in changes if c["hold_id"] == b_c.event_id)
    assert follow_change["changed_by"] == "screener" and root.hold_id in follow_change["note"]

    detail = review.call("GET", f"/api/holds/{b_c.event_id}", "viewer").body
    assert detail["source_hold"] == root.hold_id
    assert detail["reasons"][0]["measured"]["previous_hold"] == root.hold_id
    assert [e["action"] for e in detail["audit"]] == ["follow_hold", "follow_block_kept"]
    queue = review.call("GET", "/api/holds?status=held&sort=urgent", "viewer").body["holds"]
    assert queue[0]["rules"] == ["follow_the_money"] and queue[0]["score"] == 95


def test_a_hub_account_cannot_flood_the_queue(review_factory: ReviewFactory) -> None:
    review = review_factory(SCREENER_FOLLOW_MAX_HOLDS="2")
    a, hub = factories.new_kz_iban(), factories.new_kz_iban()
    t0 = datetime.now(UTC) - timedelta(hours=1)
    fraud = Hop(a, hub, t0)
    outs = [Hop(hub, factories.new_kz_iban(), t0 + timedelta(minutes=i + 1)) for i in range(4)]
    seed_flows(review.settings, [fraud, *outs])
    root = seed_hold(
        review.settings,
        hold_id=fraud.event_id,
        sender_account=a,
        receiver_account=hub,
        amount="15000.00",
    )
    follow = review.call(
        "POST", f"/api/holds/{root.hold_id}/confirm-fraud", "officer", json_body={}
    ).body["hold"]["follow"]
    assert [s["event_id"] for s in follow["steps"]] == [outs[0].event_id, outs[1].event_id]
    assert follow["truncated"] is True


def test_asking_again_completes_what_a_crash_left_undone(review_factory: ReviewFactory) -> None:
    review = review_factory(SCREENER_FOLLOW_APPROVAL="none")
    a, b, c = (factories.new_kz_iban() for _ in range(3))
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    fraud, onward = Hop(a, b, t0), Hop(b, c, t0 + timedelta(minutes=5))
    seed_flows(review.settings, [fraud, onward])
    root = seed_hold(
        review.settings,
        hold_id=fraud.event_id,
        sender_account=a,
        receiver_account=b,
        amount="15000.00",
    )
    # The API died right after the status change: confirmed, but nothing blocked or followed.
    transition = review.redis.register_script(lua_source("transition_hold"))
    changed, _ = transition(
        keys=review.keys.hold_script_keys(root.hold_id),
        args=transition_args(
            root.hold_id, ("held",), "confirmed_fraud", datetime.now(UTC), "officer", "crashed"
        ),
    )
    assert changed == 1 and review.block(b) is None

    again = review.call("POST", f"/api/holds/{root.hold_id}/confirm-fraud", "officer", json_body={})
    assert again.status == 200, again.text
    assert review.block(b) is not None and review.block(c) is not None
    assert review.hold(onward.event_id)["status"] == "held"
    third = review.call("POST", f"/api/holds/{root.hold_id}/confirm-fraud", "officer", json_body={})
    assert third.status == 409


def test_one_confirmation_cannot_block_fifty_innocent_accounts(
    review_factory: ReviewFactory,
) -> None:
    """Finding: a mule that first sends 1 KZT to 50 people made one officer's confirmation
    hold 50 transfers and block 50 innocent accounts. Now transfers below the floor or
    below the share of the victim's money are not even proposed, and what is proposed
    waits for a supervisor other than the confirming officer."""
    review = review_factory(SCREENER_FOLLOW_MIN_AMOUNT="5000", SCREENER_FOLLOW_MIN_SHARE="0.2")
    victim, mule, accomplice, small_onward = (factories.new_kz_iban() for _ in range(4))
    t0 = datetime.now(UTC) - timedelta(hours=1)
    fraud = Hop(victim, mule, t0, amount_minor=50_000_000)  # 500,000 KZT
    decoys = [
        Hop(mule, factories.new_kz_iban(), t0 + timedelta(minutes=1), amount_minor=100)
        for _ in range(50)
    ]
    # 90,000 KZT: above the 5,000 floor but below 20% of the victim's 500,000.
    below_share = Hop(mule, small_onward, t0 + timedelta(minutes=2), amount_minor=9_000_000)
    onward = Hop(mule, accomplice, t0 + timedelta(minutes=3), amount_minor=45_000_000)
    seed_flows(review.settings, [fraud, *decoys, below_share, onward])
    root = seed_hold(
        review.settings,
        hold_id=fraud.event_id,
        sender_account=victim,
        receiver_account=mule,
        amount="500000.00",
    )
    confirmed = review.call(
        "POST", f"/api/holds/{root.hold_id}/confirm-fraud", "supervisor", json_body={}
    )
    assert confirmed.status == 200, confirmed.text
    follow = confirmed.body["hold"]["follow"]
    states = {s["event_id"]: s["state"] for s in follow["steps"]}
    assert states[onward.event_id] == "proposed"
    assert states[below_share.event_id] == "below_floor"
    assert all(states[d.event_id] == "below_floor" for d in decoys)
    assert follow["floor"] == "100000.00" and follow["approval"] == "supervisor"
    assert review.block(mule) is not None, "the first receiver is blocked at once"
    for hop in (*decoys, below_share, onward):
        assert review.block(hop.receiver) is None
        assert review.hold(hop.event_id) == {}

    path = f"/api/holds/{root.hold_id}/follow/approve"
    assert review.call("POST", path, "officer", json_body={}).status == 403
    own = review.call("POST", path, "supervisor", json_body={})
    assert own.status == 403 and "four eyes" in own.body["message"]
    decoy = review.call("POST", path, "supervisor2", json_body={"steps": [decoys[0].event_id]})
    assert decoy.status == 409, "a step below the floor cannot be approved"

    approved = review.call("POST", path, "supervisor2", json_body={"note": "agreed"})
    assert approved.status == 200, approved.text
    assert review.hold(onward.event_id)["status"] == "held"
    assert review.block(accomplice)["rule"] == "follow_the_money"  # type: ignore[index]
    assert all(review.block(d.receiver) is None for d in decoys)
    again = review.call("POST", path, "supervisor2", json_body={"steps": [onward.event_id]})
    assert again.status == 409

    trail = review.call("GET", f"/api/holds/{root.hold_id}/audit", "viewer").body["audit"]
    [proposal] = [e for e in trail if e["action"] == "follow_propose"]
    assert proposal["by"] == "supervisor"
    assert sum(s["state"] == "proposed" for s in proposal["after"]["steps"]) == 1
    [approval] = [e for e in trail if e["action"] == "follow_approve"]
    assert approval["by"] == "supervisor2" and approval["note"] == "agreed"
    assert approval["after"]["event_id"] == onward.event_id


def test_a_supervisor_may_reject_a_proposal(review: ReviewApi) -> None:
    a, b, c = (factories.new_kz_iban() for _ in range(3))
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    fraud, onward = Hop(a, b, t0), Hop(b, c, t0 + timedelta(minutes=5))
    seed_flows(review.settings, [fraud, onward])
    root = seed_hold(
        review.settings,
        hold_id=fraud.event_id,
        sender_account=a,
        receiver_account=b,
        amount="15000.00",
    )
    review.call("POST", f"/api/holds/{root.hold_id}/confirm-fraud", "officer", json_body={})
    rejected = review.call(
        "POST",
        f"/api/holds/{root.hold_id}/follow/reject",
        "supervisor",
        json_body={"steps": [onward.event_id], "note": "a rent payment, known landlord"},
    )
    assert rejected.status == 200, rejected.text
    [step] = rejected.body["hold"]["follow"]["steps"]
    assert (step["state"], step["decided_by"]) == ("rejected", "supervisor")
    assert review.hold(onward.event_id) == {} and review.block(c) is None
    trail = review.call("GET", f"/api/holds/{root.hold_id}/audit", "viewer").body["audit"]
    assert [e["action"] for e in trail][-1] == "follow_reject"
